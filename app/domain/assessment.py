"""A claim's assessment: consensus per time window, agreement groups, conflicts,
and the assertions that are listed but never compared."""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations

import numpy as np
import numpy.typing as npt

from app.domain.compare import Conflict, Facts, compare, pair_severity
from app.domain.consensus import Consensus, agreement_groups, time_windows
from app.domain.vocabulary import Behavior, Stance, ValueType


@dataclass(frozen=True, slots=True)
class WindowAssessment:
    window: tuple[date, date] | None  # None: time does not matter (fixed) or is unknown
    consensus: Consensus | None
    groups: tuple[Consensus, ...]


@dataclass(frozen=True, slots=True)
class Assessment:
    windows: tuple[WindowAssessment, ...]
    conflicts: tuple[Conflict, ...]  # most severe first
    undisclosed: tuple[int, ...]
    denials: tuple[int, ...]
    # Every conflicting pair when ``conflicts`` holds them all; else the candidate pairs
    # (values that cannot both hold), an upper bound of the conflicting ones.
    conflicts_total: int = 0
    conflicts_complete: bool = True

    @property
    def consensus(self) -> Consensus | None:
        """The consensus of the latest time window that has one."""
        for window in reversed(self.windows):
            if window.consensus is not None:
                return window.consensus
        return None


def _candidate_pairs(facts: Sequence[Facts]) -> Iterator[tuple[Facts, Facts]]:
    """Every pair that could conflict, without trying all pairs of a large claim.

    Denials pair with every figure, text values with every other text; interval values
    only with the intervals that end before they start (found by bisection), which is
    output-sensitive: O(n log n + pairs).
    """
    figures = [f for f in facts if f.is_figure]
    denials = [f for f in facts if f.stance is Stance.DENIES]
    for denial in denials:
        for figure in figures:
            yield denial, figure
    texts = [f for f in figures if f.text is not None]
    yield from combinations(texts, 2)
    ranged = [f for f in figures if f.interval is not None]
    by_end = sorted(ranged, key=lambda f: f.interval.end)  # type: ignore[union-attr]
    ends = [f.interval.end for f in by_end]  # type: ignore[union-attr]
    for upper in ranged:
        assert upper.interval is not None
        for lower in by_end[: bisect_left(ends, upper.interval.start)]:
            yield lower, upper


# Below this many candidate pairs every pair is compared; above it (a claim where many
# values disagree has conflicting pairs quadratic in its assertions) only the most severe.
EXACT_PAIRS = 20_000
AGREEMENT_GROUPS = 50  # per time window, best supported first
KEPT_CONFLICTS = 1_000
_EXAMINED_PAIRS = 50_000


def find_conflicts(
    facts: Sequence[Facts], behavior: Behavior, value_type: ValueType
) -> list[Conflict]:
    """Every conflicting pair, most severe first."""
    found = [
        conflict
        for a, b in _candidate_pairs(facts)
        if (conflict := compare(a, b, behavior, value_type)) is not None
    ]
    found.sort(key=_severity_order)
    return found


def _severity_order(c: Conflict) -> tuple[float, int, int]:
    return (-c.severity, min(c.a, c.b), max(c.a, c.b))


@dataclass(frozen=True, slots=True)
class ConflictList:
    found: tuple[Conflict, ...]  # most severe first
    total: int
    complete: bool


class _Ranked:
    """The interval figures with their ends and starts as integer ranks of one order of
    positions (so ``bisect`` becomes NumPy's ``searchsorted``), in facts order."""

    def __init__(self, figures: Sequence[Facts]) -> None:
        self.ranged = [f for f in figures if f.interval is not None]
        self.ids = np.array([f.id for f in self.ranged], dtype=np.int64)
        intervals = [f.interval for f in self.ranged]
        n = len(intervals)
        self.low = np.array([i.low for i in intervals], dtype=np.float64)  # type: ignore[union-attr]
        self.high = np.array([i.high for i in intervals], dtype=np.float64)  # type: ignore[union-attr]
        low_open = np.array([i.low_open for i in intervals], dtype=np.int8)  # type: ignore[union-attr]
        high_open = np.array([i.high_open for i in intervals], dtype=np.int8)  # type: ignore[union-attr]
        value = np.concatenate([self.high, self.low])
        flag = np.concatenate(  # Interval.end and .start: an infinite bound is never open
            [
                np.where(np.isinf(self.high), 0, -high_open),
                np.where(np.isinf(self.low), 0, low_open),
            ]
        )
        order = np.lexsort((flag, value))
        rank = np.empty(2 * n, dtype=np.int64)
        if n:
            ordered_value, ordered_flag = value[order], flag[order]
            new = np.empty(2 * n, dtype=bool)
            new[0] = True
            new[1:] = (ordered_value[1:] != ordered_value[:-1]) | (
                ordered_flag[1:] != ordered_flag[:-1]
            )
            rank[order] = np.cumsum(new)
        self.end, self.start = rank[:n], rank[n:]
        # The figures by end (a stable sort, as sorted() by Interval.end), and for each
        # figure how many of them end before it starts.
        self.by_end = np.argsort(self.end, kind="stable")
        self.sorted_ends = self.end[self.by_end]
        self.below = np.searchsorted(self.sorted_ends, self.start, side="left")


def count_candidate_pairs(facts: Sequence[Facts]) -> int:
    """How many pairs ``_candidate_pairs`` yields, counted in O(n log n)."""
    figures = [f for f in facts if f.is_figure]
    return _count_candidates(facts, figures, _Ranked(figures))


def _count_candidates(facts: Sequence[Facts], figures: Sequence[Facts], ranked: _Ranked) -> int:
    denials = sum(f.stance is Stance.DENIES for f in facts)
    texts = sum(f.text is not None for f in figures)
    disjoint = int(ranked.below.sum())
    return denials * len(figures) + texts * (texts - 1) // 2 + disjoint


def _first_severities(
    ranked: _Ranked, uppers: npt.NDArray[np.intp], value_type: ValueType
) -> list[float]:
    """``pair_severity`` of the lowest-ending figure and each of ``uppers``, at once (the
    same float operations, so the same values)."""
    lower_high = float(ranked.high[ranked.by_end[0]])
    upper_low = ranked.low[uppers]
    if not (math.isfinite(lower_high) and np.isfinite(upper_low).all()):
        lower = ranked.ranged[int(ranked.by_end[0])]
        return [pair_severity(lower, ranked.ranged[u], value_type) for u in uppers.tolist()]
    gap = upper_low - lower_high
    if value_type is ValueType.DATE:
        severity = np.minimum(1.0, np.maximum(gap, 1.0) / 365)
    else:
        scale = np.maximum(np.maximum(np.abs(upper_low), abs(lower_high)), 1.0)
        severity = np.minimum(1.0, np.maximum(gap / scale, 1e-9))
    found: list[float] = severity.tolist()
    return found


def _pairs_most_severe_first(
    facts: Sequence[Facts], value_type: ValueType, figures: Sequence[Facts], ranked: _Ranked
) -> Iterator[tuple[Facts, Facts]]:
    """Candidate pairs, denials and texts first (severity 1), then disjoint intervals by
    decreasing gap severity: a heap merges, for every interval, the intervals that end
    below it from the lowest up. O((n + k) log n) for the first k pairs.
    (``figures``: the asserted figures of ``facts``; ``ranked``: of ``figures``.)"""
    for a, b, _ in _rated_pairs_most_severe_first(facts, value_type, figures, ranked):
        yield a, b


def _rated_pairs_most_severe_first(
    facts: Sequence[Facts], value_type: ValueType, figures: Sequence[Facts], ranked: _Ranked
) -> Iterator[tuple[Facts, Facts, float | None]]:
    """``_pairs_most_severe_first`` with each interval pair's negated ``pair_severity``
    (None for denial and text pairs): the heap's key, which ``app.domain.incremental``
    keeps to merge a new assertion's pairs into this order."""
    for denial in (f for f in facts if f.stance is Stance.DENIES):
        for figure in figures:
            yield denial, figure, None
    texts = [f for f in figures if f.text is not None]
    for a, b in combinations(texts, 2):
        yield a, b, None
    ranged = ranked.ranged
    by_end = ranked.by_end.tolist()
    ends = ranked.sorted_ends.tolist()
    starts = ranked.start.tolist()
    # Each interval's first pair (with the lowest-ending interval), most severe first:
    # sorted at once, then merged with a heap of the pairs that follow them.
    uppers = np.nonzero(ranked.below)[0]
    if not len(uppers):
        return
    severity = -np.array(_first_severities(ranked, uppers, value_type), dtype=np.float64)
    ids = ranked.ids[uppers]
    order = np.lexsort((uppers, ids, severity))
    first_key, first_id, first_u = (
        severity[order].tolist(), ids[order].tolist(), uppers[order].tolist()
    )  # fmt: skip
    heap: list[tuple[float, int, int, int]] = []
    k, firsts = 0, len(first_u)
    while k < firsts or heap:
        if k < firsts and (not heap or (first_key[k], first_id[k], first_u[k], 0) < heap[0]):
            negated, u, j = first_key[k], first_u[k], 0
            k += 1
        else:
            negated, _, u, j = heapq.heappop(heap)
        upper = ranged[u]
        yield ranged[by_end[j]], upper, negated
        if j + 1 < len(ends) and ends[j + 1] < starts[u]:
            pair = pair_severity(ranged[by_end[j + 1]], upper, value_type)
            heapq.heappush(heap, (-pair, upper.id, u, j + 1))


def claim_conflicts(
    facts: Sequence[Facts], behavior: Behavior, value_type: ValueType
) -> ConflictList:
    """Every conflicting pair when there are few; else the most severe ones.

    A claim where many values disagree has conflicting pairs quadratic in its assertions;
    listing them all would make the assessment quadratic. Above ``EXACT_PAIRS`` candidate
    pairs the assessment keeps the ``KEPT_CONFLICTS`` most severe conflicts it finds among
    the most severe candidates, and reports the candidate count as the total.
    """
    figures = [f for f in facts if f.is_figure]
    ranked = _Ranked(figures)
    candidates = _count_candidates(facts, figures, ranked)
    if candidates <= EXACT_PAIRS:
        found = find_conflicts(facts, behavior, value_type)
        return ConflictList(tuple(found), len(found), True)
    kept: list[Conflict] = []
    pairs = _rated_pairs_most_severe_first(facts, value_type, figures, ranked)
    for examined, (a, b, _) in enumerate(pairs):
        if len(kept) >= KEPT_CONFLICTS or examined >= _EXAMINED_PAIRS:
            break
        if (conflict := compare(a, b, behavior, value_type)) is not None:
            kept.append(conflict)
    kept.sort(key=_severity_order)
    return ConflictList(tuple(kept), candidates, False)


def assess(facts: Sequence[Facts], behavior: Behavior, value_type: ValueType) -> Assessment:
    """Everything an analyst asks of one claim's assertions.

    Fixed claims have one window; snapshot and cumulative claims one per cluster of
    overlapping as-of windows, since a value at one time says nothing of another.
    """
    if behavior is Behavior.FIXED:
        clusters: list[tuple[tuple[date, date] | None, list[Facts]]] = [(None, list(facts))]
    else:
        clusters = time_windows(facts)
    windows = []
    for window, members in clusters:
        # The first agreement group is the consensus: one sweep fewer.
        groups = tuple(agreement_groups(members, limit=AGREEMENT_GROUPS))
        windows.append(WindowAssessment(window, groups[0] if groups else None, groups))
    conflicts = claim_conflicts(facts, behavior, value_type)
    return Assessment(
        windows=tuple(windows),
        conflicts=conflicts.found,
        undisclosed=tuple(sorted(f.id for f in facts if f.stance is Stance.UNDISCLOSED)),
        denials=tuple(sorted(f.id for f in facts if f.stance is Stance.DENIES)),
        conflicts_total=conflicts.total,
        conflicts_complete=conflicts.complete,
    )
