"""The incremental assessment against ``assess`` from scratch, after every update.

Claims are built from a seeded ``random.Random`` (large claims in reach; Hypothesis draws
the seed, the claim's kind and the regimes), with echoes, denials, undisclosed values,
open and infinite ends, windows known and unknown. The regimes' thresholds are lowered
so that small claims take the vectorised sweep, run out of agreement groups and keep a
bounded list of conflicts.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import assessment, incremental
from app.domain import consensus as consensus_module
from app.domain.assessment import _Ranked, _rated_pairs_most_severe_first, assess
from app.domain.compare import Facts
from app.domain.coverage import Coverage
from app.domain.incremental import IncrementalAssessment, _pair_key
from app.domain.intervals import Interval
from app.domain.vocabulary import Behavior, Qualifier, Stance, ValueType

_DAY = date(2025, 1, 1).toordinal()


def _interval(rng: random.Random, value_type: ValueType, negative: bool) -> Interval:
    if value_type is ValueType.DATE:
        low = _DAY + rng.choice([0, 0, 3, 10, 40, 400])
        return Interval(low, low + rng.choice([0, 0, 2, 30]))
    centre = rng.choice([100, 100, 100, 105, 98, 1_000, 20, 0] + ([-50, -7] if negative else []))
    width = rng.choice([0, 0, 1, 5, 30])
    low, high = float(centre), float(centre + width)
    if rng.random() < 0.05:
        low = -math.inf if negative else low
    if rng.random() < 0.05:
        high = math.inf
    opened = low < high
    return Interval(
        low,
        high,
        low_open=opened and not math.isinf(low) and rng.random() < 0.2,
        high_open=opened and not math.isinf(high) and rng.random() < 0.2,
    )


def _window(rng: random.Random, windows: bool) -> tuple[date, date] | None:
    if not windows or rng.random() < 0.15:
        return None
    start = date(2025, 1, 1) + timedelta(days=rng.choice([0, 5, 9, 30, 31, 60, 90]))
    return (start, start + timedelta(days=rng.choice([0, 1, 4, 20])))


def _fact(
    rng: random.Random,
    i: int,
    value_type: ValueType,
    *,
    windows: bool,
    negative: bool,
    voices: int,
) -> Facts:
    stance = rng.choices([Stance.ASSERTS, Stance.DENIES, Stance.UNDISCLOSED], weights=[16, 1, 1])[0]
    interval, text = None, None
    if stance is not Stance.UNDISCLOSED and rng.random() < 0.95:
        if value_type is ValueType.TEXT:
            text = rng.choice(["pyongyang", "sudzha", "kursk", "pyongyang"])
        else:
            interval = _interval(rng, value_type, negative)
    outlet = rng.randrange(6)
    return Facts(
        id=i,
        outlet_id=outlet,
        outlet=f"outlet {outlet}",
        document_id=i,
        voice=rng.choice([f"source:{rng.randrange(voices)}", f"outlet:{i}", f"outlet:{outlet}"]),
        stance=stance,
        wording="x",
        qualifier=Qualifier.RANGE,
        interval=interval,
        text=text,
        window=_window(rng, windows),
    )


def _step(rng: random.Random, facts: list[Facts], make: object) -> tuple[list[Facts], list[int]]:
    """One update: a few adds, value, stance, voice or window changes, and removals."""
    assert callable(make)
    by_id = {f.id for f in facts}
    top = max(by_id, default=0)
    changed: dict[int, Facts] = {}
    removed: list[int] = []
    for _ in range(rng.choice([1, 1, 1, 1, 2, 3])):
        kind = rng.choices(
            ["add", "add_between", "value", "stance", "voice", "window", "remove"],
            weights=[6, 1, 2, 1, 1, 1, 2],
        )[0]
        if kind == "add" or not facts:
            top += 1
            changed[top] = make(rng, top)
            continue
        if kind == "add_between":
            gaps = [i for i in range(1, top + 1) if i not in by_id and i not in changed]
            if gaps:
                i = rng.choice(gaps)
                changed[i] = make(rng, i)
            continue
        old = rng.choice(facts)
        fresh = make(rng, old.id)
        if kind == "value":
            changed[old.id] = old._replace(interval=fresh.interval, text=fresh.text)
        elif kind == "stance":
            changed[old.id] = old._replace(stance=fresh.stance)
        elif kind == "voice":
            changed[old.id] = old._replace(voice=fresh.voice, outlet_id=fresh.outlet_id)
        elif kind == "window":
            changed[old.id] = old._replace(window=fresh.window)
        elif old.id not in changed:
            removed.append(old.id)
    return list(changed.values()), removed


def _run(
    seed: int,
    behavior: Behavior,
    value_type: ValueType,
    size: int,
    steps: int,
    negative: bool,
) -> None:
    rng = random.Random(seed)
    windows = behavior is not Behavior.FIXED or rng.random() < 0.3
    voices = rng.choice([2, 5, 40])

    def make(r: random.Random, i: int) -> Facts:
        return _fact(r, i, value_type, windows=windows, negative=negative, voices=voices)

    facts = [make(rng, i) for i in range(1, size + 1)]
    inc = IncrementalAssessment(facts, behavior, value_type)
    assert inc.result == assess(facts, behavior, value_type)
    for _ in range(steps):
        changed, removed = _step(rng, inc.facts, make)
        result = inc.update(changed, removed)
        current = inc.facts
        assert [f.id for f in current] == sorted(f.id for f in current)
        assert result == inc.result == assess(current, behavior, value_type)
        _check_columns(inc)


def _check_columns(inc: IncrementalAssessment) -> None:
    """The patched columns and sorted events are those ``Coverage`` builds afresh."""
    for _, groups in inc._windows:
        table = groups.table
        if table.texts or not table.facts:
            continue
        fresh = Coverage(table.facts)
        assert np.array_equal(table.ids, fresh.ids)
        assert table.voices == fresh.voices
        assert np.array_equal(table.voice, fresh.voice)
        assert np.array_equal(table.outlets, fresh.outlets)
        assert np.array_equal(table.outlet, fresh.outlet)
        for mine, theirs in (
            (table.low, fresh.low),
            (table.high, fresh.high),
            (table.low_flag, fresh.low_flag),
            (table.high_flag, fresh.high_flag),
        ):
            assert np.array_equal(mine, theirs)
        if table.events is not None:
            for mine, theirs in zip(table.events, fresh.events(), strict=True):
                assert np.array_equal(mine, theirs)


kinds = st.tuples(
    st.integers(0, 2**32),
    st.sampled_from(list(Behavior)),
    st.sampled_from(list(ValueType)),
)


@pytest.mark.parametrize(
    ("vectorised_from", "groups", "exact_pairs", "kept", "examined", "many"),
    [
        (0, 4, 15, 6, 25, 64),  # every sweep vectorised, few groups, a bounded conflict list
        (3, 50, 0, 40, 12, 64),  # bounded list cut by the examined pairs
        (0, 2, 10**9, 1000, 50_000, 64),  # every conflict listed
        (0, 6, 30, 10, 40, 2),  # updates of three assertions rebuild
    ],
)
@given(kinds, st.integers(1, 40), st.integers(1, 12), st.booleans())
@settings(max_examples=60, deadline=None)
def test_updates_match_a_full_assessment(
    vectorised_from, groups, exact_pairs, kept, examined, many, kind, size, steps, negative
):
    seed, behavior, value_type = kind
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(incremental, "MANY_CHANGES", many)
        patch.setattr(consensus_module, "VECTORISED_FROM", vectorised_from)
        patch.setattr(assessment, "AGREEMENT_GROUPS", groups)
        patch.setattr(assessment, "EXACT_PAIRS", exact_pairs)
        patch.setattr(assessment, "KEPT_CONFLICTS", kept)
        patch.setattr(assessment, "_EXAMINED_PAIRS", examined)
        _run(seed, behavior, value_type, size, steps, negative)


@given(kinds, st.integers(95, 160), st.booleans())
@settings(max_examples=15, deadline=None)
def test_large_claims_with_the_real_thresholds(kind, size, negative):
    """Past ``VECTORISED_FROM`` figures, with the real group and conflict limits, and the
    bounded regime reached by lowering only ``EXACT_PAIRS``."""
    seed, behavior, value_type = kind
    _run(seed, behavior, value_type, size, 6, negative)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assessment, "EXACT_PAIRS", 50)
        patch.setattr(assessment, "KEPT_CONFLICTS", 30)
        _run(seed, behavior, value_type, size, 6, negative)


def test_duplicate_ids_are_refused():
    fact = Facts(1, 1, "o", 1, "outlet:1", Stance.ASSERTS, "1", interval=Interval(1, 1))
    with pytest.raises(ValueError, match="same id"):
        IncrementalAssessment([fact, fact], Behavior.FIXED, ValueType.QUANTITY)


def test_an_update_that_changes_nothing_keeps_the_result():
    facts = [
        Facts(i, i, "o", i, f"outlet:{i}", Stance.ASSERTS, "1", interval=Interval(i, i))
        for i in range(1, 5)
    ]
    inc = IncrementalAssessment(facts, Behavior.FIXED, ValueType.QUANTITY)
    before = inc.result
    assert inc.update([facts[0]], [99]) is before


def test_a_new_figure_tying_the_next_group_with_more_figures_takes_it():
    """At 20 the new figure and another weigh 1/2 + 1/2, as the single figure at 10 does
    alone: more figures win the tie, so the old first group cannot be kept."""

    def point(i: int, x: float, voice: str) -> Facts:
        return Facts(i, i, "o", i, voice, Stance.ASSERTS, str(x), interval=Interval(x, x))

    facts = [point(1, 10, "a"), point(2, 20, "b"), point(3, 30, "b"), point(4, 40, "d")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(consensus_module, "VECTORISED_FROM", 0)
        inc = IncrementalAssessment(facts, Behavior.FIXED, ValueType.QUANTITY)
        assert inc.result.consensus.supporting == (1,)
        result = inc.update([point(5, 20, "d")], ())
        assert result == assess(inc.facts, Behavior.FIXED, ValueType.QUANTITY)
        assert result.consensus.supporting == (2, 5)


@given(st.integers(0, 2**32), st.sampled_from([ValueType.QUANTITY, ValueType.DATE]))
@settings(max_examples=60, deadline=None)
def test_the_bounded_search_examines_pairs_in_key_order(seed, value_type):
    """What the bounded conflict update rests on: without negative quantities the heap
    yields the candidate pairs sorted by ``_pair_key``, so a new pair's place is known."""
    rng = random.Random(seed)
    facts = [
        _fact(rng, i, value_type, windows=False, negative=False, voices=3)
        for i in range(1, rng.randint(2, 60))
    ]
    figures = [f for f in facts if f.is_figure]
    pairs = _rated_pairs_most_severe_first(facts, value_type, figures, _Ranked(figures))
    keys = [_pair_key(a, b, negated) for a, b, negated in pairs]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


@given(
    st.integers(0, 2**32),
    st.integers(1, 8),
    st.sampled_from([2, 4, 12, 40]),
    st.integers(10, 80),
    st.integers(10, 30),
)
@settings(max_examples=100, deadline=None)
def test_one_figure_at_a_time_on_close_points(seed, groups, voices, size, steps):
    """Single figures come and go among a few close values and few voices, so that the
    groups' weights stay near each other and the members' voices keep changing: the
    updates that keep a group with its weight moved (against a rival's, see
    ``_Groups.rivals``), carry a run of groups, or sweep a group's figures again, one
    after another, each rival raised by the ones before."""
    rng = random.Random(seed)

    def make(i: int) -> Facts:
        low = float(rng.randrange(8))
        high = low + rng.choice([0, 0, 0, 1, 2])
        voice = f"source:{rng.randrange(voices)}"
        return Facts(i, i % 3, "o", i, voice, Stance.ASSERTS, "x", interval=Interval(low, high))

    facts = [make(i) for i in range(1, size + 1)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(consensus_module, "VECTORISED_FROM", 0)
        patch.setattr(assessment, "AGREEMENT_GROUPS", groups)
        inc = IncrementalAssessment(facts, Behavior.FIXED, ValueType.QUANTITY)
        top = size
        for _ in range(steps):
            current = inc.facts
            if current and rng.random() < 0.25:
                result = inc.update([], [rng.choice(current).id])
            else:
                top += 1
                result = inc.update([make(top)], ())
            assert result == assess(inc.facts, Behavior.FIXED, ValueType.QUANTITY)
