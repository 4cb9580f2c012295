"""Intervals: intersection, containment and gaps, by example and by property."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.compare import Facts, compare
from app.domain.intervals import Interval
from app.domain.vocabulary import Behavior, Stance, ValueType


def test_closed_ends_touch_and_open_ends_do_not():
    assert Interval(0, 5).intersects(Interval(5, 9))
    assert not Interval(0, 5, high_open=True).intersects(Interval(5, 9))
    assert not Interval(0, 5).intersects(Interval(5, 9, low_open=True))


def test_an_empty_interval_is_refused():
    with pytest.raises(ValueError, match="empty"):
        Interval(5, 4)
    with pytest.raises(ValueError, match="empty"):
        Interval(5, 5, low_open=True)
    with pytest.raises(ValueError, match="NaN"):
        Interval(math.nan, 1)


def test_unbounded_ends():
    over = Interval(1.5e6, low_open=True)
    assert over.intersects(Interval(2e6, 2e6))
    assert not over.intersects(Interval(0, 1.5e6))
    assert str(over) == "(1,500,000, +inf)"


finite = st.integers(min_value=-50, max_value=50).map(float)


@st.composite
def intervals(draw):
    low = draw(st.one_of(finite, st.just(-math.inf)))
    high = draw(st.one_of(finite, st.just(math.inf)))
    low, high = min(low, high), max(low, high)
    proper = low < high
    return Interval(
        low,
        high,
        low_open=proper and not math.isinf(low) and draw(st.booleans()),
        high_open=proper and not math.isinf(high) and draw(st.booleans()),
    )


@given(intervals(), intervals())
def test_intersection_is_symmetric_and_gap_is_zero_exactly_when_they_meet(a, b):
    assert a.intersects(b) == b.intersects(a)
    assert a.gap(b) == b.gap(a)
    assert a.gap(b) >= 0
    if a.intersects(b):
        assert a.gap(b) == 0
    elif a.bounded or b.bounded:
        assert a.gap(b) >= 0


@given(intervals(), intervals())
def test_containment_implies_intersection(a, b):
    if a.contains(b):
        assert a.intersects(b)
        assert b.start >= a.start
        assert b.end <= a.end


def _fact(i: int, interval: Interval) -> Facts:
    return Facts(i, i, f"o{i}", i, f"outlet:{i}", Stance.ASSERTS, "x", interval=interval)


@given(intervals(), intervals(), st.sampled_from(list(Behavior)))
def test_conflict_is_symmetric_and_means_disjoint_values(a, b, behavior):
    one, two = _fact(1, a), _fact(2, b)
    forward = compare(one, two, behavior, ValueType.QUANTITY)
    backward = compare(two, one, behavior, ValueType.QUANTITY)
    assert (forward is None) == (backward is None)
    assert (forward is not None) == (not a.intersects(b))
    if forward is not None:
        assert forward.severity == backward.severity
        assert 0 < forward.severity <= 1
