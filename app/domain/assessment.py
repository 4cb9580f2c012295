"""A claim's assessment: consensus per time window, agreement groups, conflicts,
and the assertions that are listed but never compared."""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations

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


def count_candidate_pairs(facts: Sequence[Facts]) -> int:
    """How many pairs ``_candidate_pairs`` yields, counted in O(n log n)."""
    figures = [f for f in facts if f.is_figure]
    denials = sum(f.stance is Stance.DENIES for f in facts)
    texts = sum(f.text is not None for f in figures)
    ends = sorted(f.interval.end for f in figures if f.interval is not None)
    disjoint = sum(bisect_left(ends, f.interval.start) for f in figures if f.interval is not None)
    return denials * len(figures) + texts * (texts - 1) // 2 + disjoint


def _pairs_most_severe_first(
    facts: Sequence[Facts], value_type: ValueType
) -> Iterator[tuple[Facts, Facts]]:
    """Candidate pairs, denials and texts first (severity 1), then disjoint intervals by
    decreasing gap severity: a heap merges, for every interval, the intervals that end
    below it from the lowest up. O((n + k) log n) for the first k pairs."""
    figures = [f for f in facts if f.is_figure]
    for denial in (f for f in facts if f.stance is Stance.DENIES):
        for figure in figures:
            yield denial, figure
    texts = [f for f in figures if f.text is not None]
    yield from combinations(texts, 2)
    ranged = [f for f in figures if f.interval is not None]
    by_end = sorted(ranged, key=lambda f: f.interval.end)  # type: ignore[union-attr]
    ends = [f.interval.end for f in by_end]  # type: ignore[union-attr]
    heap: list[tuple[float, int, int, int]] = []
    for u, upper in enumerate(ranged):
        assert upper.interval is not None
        below = bisect_left(ends, upper.interval.start)
        if below:
            severity = pair_severity(by_end[0], upper, value_type)
            heap.append((-severity, upper.id, u, 0))
    heapq.heapify(heap)
    while heap:
        _, _, u, j = heapq.heappop(heap)
        upper = ranged[u]
        yield by_end[j], upper
        assert upper.interval is not None
        if j + 1 < len(ends) and ends[j + 1] < upper.interval.start:
            severity = pair_severity(by_end[j + 1], upper, value_type)
            heapq.heappush(heap, (-severity, upper.id, u, j + 1))


def claim_conflicts(
    facts: Sequence[Facts], behavior: Behavior, value_type: ValueType
) -> ConflictList:
    """Every conflicting pair when there are few; else the most severe ones.

    A claim where many values disagree has conflicting pairs quadratic in its assertions;
    listing them all would make the assessment quadratic. Above ``EXACT_PAIRS`` candidate
    pairs the assessment keeps the ``KEPT_CONFLICTS`` most severe conflicts it finds among
    the most severe candidates, and reports the candidate count as the total.
    """
    candidates = count_candidate_pairs(facts)
    if candidates <= EXACT_PAIRS:
        found = find_conflicts(facts, behavior, value_type)
        return ConflictList(tuple(found), len(found), True)
    kept: list[Conflict] = []
    for examined, (a, b) in enumerate(_pairs_most_severe_first(facts, value_type)):
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
