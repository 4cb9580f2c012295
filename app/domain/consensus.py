"""Independence and consensus (DESIGN.md "Agreement, conflict, consensus").

Assertions whose attribution ends at the same voice are echoes: each voice has one
vote, shared among its assertions. The consensus is the point of the line covered by
the most votes — by Helly's theorem in one dimension, the largest set of mutually
compatible intervals — found with one sweep over sorted interval ends, O(n log n).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from app.domain.compare import Facts
from app.domain.coverage import Coverage
from app.domain.intervals import Interval, Position


@dataclass(frozen=True, slots=True)
class Consensus:
    """The best-supported value of a set of assertions, and who stands behind it."""

    interval: Interval | None  # None for text claims
    text: str | None  # the agreed text, for text claims
    best: float | None  # the point estimate within the interval
    supporting: tuple[int, ...]
    dissenting: tuple[int, ...]
    outlets: int  # distinct outlets behind the supporting assertions
    independent_sources: int  # distinct voices behind them
    support: Fraction  # votes behind it: each voice counts at most once


def voice_weights(facts: Sequence[Facts]) -> dict[int, Fraction]:
    """Each assertion's share of its voice's single vote.

    >>> from app.domain.vocabulary import Stance
    >>> fs = [Facts(i, i, "o", i, "source:tass", Stance.ASSERTS, "x") for i in (1, 2)]
    >>> voice_weights(fs)[1]
    Fraction(1, 2)
    """
    sizes = Counter(f.voice for f in facts)
    return {f.id: Fraction(1, sizes[f.voice]) for f in facts}


def best_stab(intervals: Sequence[tuple[Interval, Fraction]]) -> tuple[Position, Fraction] | None:
    """The leftmost position covered by the greatest total weight (ties: more intervals).

    A sweep over the sorted ends: starts are counted before ends at the same position,
    because a closed end still covers its position.
    """
    # Exact arithmetic without a Fraction per step: every weight as an integer over the
    # common denominator (a Fraction addition normalises by gcd each time, ten times slower).
    denominator = math.lcm(*{w.denominator for _, w in intervals}) if intervals else 1
    found = _sweep([(i, w.numerator * (denominator // w.denominator)) for i, w in intervals])
    return None if found is None else (found[0], Fraction(found[1], denominator))


def _sweep(intervals: Sequence[tuple[Interval, int]]) -> tuple[Position, int] | None:
    """``best_stab`` with integer weights: (position, weight) of the best-covered point."""
    events: list[tuple[float, int, int, int]] = []  # value, flag, kind (0 start, 1 end), weight
    for interval, weight in intervals:
        start, end = interval.start, interval.end
        events.append((start[0], start[1], 0, weight))
        events.append((end[0], end[1], 1, -weight))
    events.sort()  # by position, starts before ends; the weight's order does not matter
    best: tuple[Position, int, int] | None = None
    weight, count, i, n = 0, 0, 0, len(events)
    while i < n:
        value, flag, kind, _ = events[i]
        while i < n and events[i][0] == value and events[i][1] == flag and events[i][2] == kind:
            weight += events[i][3]
            count += 1 if kind == 0 else -1
            i += 1
        if kind == 0 and (best is None or (weight, count) > (best[1], best[2])):
            best = ((value, flag), weight, count)
    return None if best is None else (best[0], best[1])


def _count(facts: Sequence[Facts]) -> tuple[int, int]:
    return len({f.outlet_id for f in facts}), len({f.voice for f in facts})


def _best_point(interval: Interval) -> float:
    if interval.bounded:
        return (interval.low + interval.high) / 2
    return interval.high if math.isinf(interval.low) else interval.low


def consensus(facts: Sequence[Facts]) -> Consensus | None:
    """The consensus of the asserted figures among ``facts`` (others are ignored).

    The result does not depend on the order of ``facts``.
    """
    figures = [f for f in facts if f.is_figure]
    if not figures:
        return None
    if any(f.text is not None for f in figures):
        return _text_consensus(figures)
    if len(figures) < VECTORISED_FROM:
        return _small_interval_consensus(figures)
    return _interval_consensus(Coverage(figures), np.ones(len(figures), dtype=bool))


# Below this many figures the plain sweep is faster than NumPy's fixed costs.
VECTORISED_FROM = 100


def _small_interval_consensus(figures: Sequence[Facts]) -> Consensus:
    sizes = Counter(f.voice for f in figures)
    denominator = math.lcm(*sizes.values())
    found = _sweep(
        [(f.interval, denominator // sizes[f.voice]) for f in figures if f.interval is not None]
    )
    assert found is not None
    position, scaled = found
    backing = [
        f
        for f in figures
        if f.interval is not None and f.interval.start <= position <= f.interval.end
    ]
    end = min(f.interval.end for f in backing if f.interval is not None)
    interval = Interval(position[0], end[0], low_open=position[1] == 1, high_open=end[1] == -1)
    outlets, voices = _count(backing)
    backing_ids = {f.id for f in backing}
    return Consensus(
        interval=interval,
        text=None,
        best=_best_point(interval),
        supporting=tuple(sorted(backing_ids)),
        dissenting=tuple(sorted(f.id for f in figures if f.id not in backing_ids)),
        outlets=outlets,
        independent_sources=voices,
        support=Fraction(scaled, denominator),
    )


def _interval_consensus(coverage: Coverage, active: npt.NDArray[np.bool_]) -> Consensus | None:
    found = _interval_group(coverage, active)
    return None if found is None else found[0]


def _interval_group(
    coverage: Coverage, active: npt.NDArray[np.bool_]
) -> tuple[Consensus, npt.NDArray[np.bool_]] | None:
    """The consensus of the active figures, and the figures behind it."""
    found = coverage.best(active)
    if found is None:
        return None
    position, support, covered = found
    return group_of(coverage, active, position, support, covered), covered


def group_of(
    coverage: Coverage,
    active: npt.NDArray[np.bool_],
    position: Position,
    support: Fraction,
    covered: npt.NDArray[np.bool_],
) -> Consensus:
    """The group of the ``active`` figures that ``coverage.best`` found: the point at
    ``position``, of weight ``support``, covered by the ``covered`` figures."""
    backing = np.nonzero(covered)[0]
    # The first backing figure with the lowest end (as min() over their ends finds it).
    highs = coverage.high[backing]
    lowest = backing[highs == highs.min()]
    first = int(lowest[np.argmin(coverage.high_flag[lowest])])
    end = coverage.figures[first].interval.end  # type: ignore[union-attr]
    interval = Interval(position[0], end[0], low_open=position[1] == 1, high_open=end[1] == -1)
    dissent = active & ~covered
    return Consensus(
        interval=interval,
        text=None,
        best=_best_point(interval),
        supporting=tuple(coverage.sorted_ids(covered).tolist()),
        dissenting=tuple(coverage.sorted_ids(dissent).tolist()),
        outlets=_distinct(coverage.outlet[backing], len(coverage.outlets)),
        independent_sources=_distinct(coverage.voice[backing], len(coverage.voices)),
        support=support,
    )


def _distinct(codes: npt.NDArray[np.int64], size: int) -> int:
    """How many distinct values ``codes`` (each in ``range(size)``) holds."""
    return int(np.count_nonzero(np.bincount(codes, minlength=size)))


def _text_consensus(figures: Sequence[Facts]) -> Consensus:
    weights = voice_weights(figures)
    totals: dict[str, tuple[Fraction, int]] = {}
    for f in figures:
        key = f.text or ""
        weight, count = totals.get(key, (Fraction(0), 0))
        totals[key] = (weight + weights[f.id], count + 1)
    text = min(totals, key=lambda t: (-totals[t][0], -totals[t][1], t))
    backing = [f for f in figures if f.text == text]
    outlets, voices = _count(backing)
    return Consensus(
        interval=None,
        text=text,
        best=None,
        supporting=tuple(sorted(f.id for f in backing)),
        dissenting=tuple(sorted(f.id for f in figures if f.text != text)),
        outlets=outlets,
        independent_sources=voices,
        support=totals[text][0],
    )


def agreement_groups(facts: Sequence[Facts], *, limit: int = 50) -> list[Consensus]:
    """Groups of mutually agreeing assertions, best supported first: the consensus,
    then the consensus of the dissenters, and so on."""
    groups: list[Consensus] = []
    remaining = [f for f in facts if f.is_figure]
    if len(remaining) >= VECTORISED_FROM and all(f.text is None for f in remaining):
        # Intervals: sort the ends once and sweep again over those still ungrouped; when
        # a quarter or more has left, sweep the arrays of those alone (same answer, shorter).
        coverage = Coverage(remaining)
        active = np.ones(len(remaining), dtype=bool)
        unique_ids = coverage.ids_ascending or len(np.unique(coverage.ids)) == len(coverage.ids)
        while len(groups) < limit and (found := _interval_group(coverage, active)):
            group_, covered = found
            groups.append(group_)
            if unique_ids:
                active &= ~covered
            else:  # every figure of a taken id leaves, as with ids compared
                active &= ~np.isin(coverage.ids, group_.supporting)
            left = int(np.count_nonzero(active))
            if 0 < left <= len(active) * 3 // 4:
                coverage = coverage.subset(active)
                active = np.ones(left, dtype=bool)
        return groups
    while remaining and len(groups) < limit:
        group = consensus(remaining)
        assert group is not None
        groups.append(group)
        taken = set(group.supporting)
        remaining = [f for f in remaining if f.id not in taken]
    return groups


def time_windows(facts: Sequence[Facts]) -> list[tuple[tuple[date, date] | None, list[Facts]]]:
    """Clusters of assertions whose as-of windows overlap, earliest first.

    An assertion of unknown time overlaps every cluster and joins each of them.
    """
    timed = sorted((f for f in facts if f.window is not None), key=lambda f: (f.window, f.id))
    untimed = [f for f in facts if f.window is None]
    clusters: list[tuple[tuple[date, date], list[Facts]]] = []
    for f in timed:
        assert f.window is not None
        if clusters and f.window[0] <= clusters[-1][0][1]:
            (start, end), members = clusters[-1]
            members.append(f)  # in place: a copy per member made a large cluster quadratic
            if f.window[1] > end:
                clusters[-1] = ((start, f.window[1]), members)
        else:
            clusters.append((f.window, [f]))
    if not clusters:
        return [(None, list(untimed))] if untimed else []
    return [(window, [*members, *untimed]) for window, members in clusters]
