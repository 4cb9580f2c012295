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

from app.domain.compare import Facts
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
    events: list[tuple[Position, int, Fraction, int]] = []
    for interval, weight in intervals:
        events.append((interval.start, 0, weight, 1))
        events.append((interval.end, 1, -weight, -1))
    events.sort(key=lambda e: (e[0], e[1]))
    best: tuple[Position, Fraction, int] | None = None
    weight, count, i = Fraction(0), 0, 0
    while i < len(events):
        position, kind = events[i][0], events[i][1]
        while i < len(events) and events[i][0] == position and events[i][1] == kind:
            weight += events[i][2]
            count += events[i][3]
            i += 1
        if kind == 0 and (best is None or (weight, count) > (best[1], best[2])):
            best = (position, weight, count)
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
    weights = voice_weights(figures)
    found = best_stab([(f.interval, weights[f.id]) for f in figures if f.interval is not None])
    assert found is not None
    position, support = found
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
        support=support,
    )


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
            clusters[-1] = ((start, max(end, f.window[1])), [*members, f])
        else:
            clusters.append((f.window, [f]))
    if not clusters:
        return [(None, list(untimed))] if untimed else []
    return [(window, [*members, *untimed]) for window, members in clusters]
