"""A claim's assessment: consensus per time window, agreement groups, conflicts,
and the assertions that are listed but never compared."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from app.domain.compare import Conflict, Facts, compare
from app.domain.consensus import Consensus, agreement_groups, consensus, time_windows
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


def find_conflicts(
    facts: Sequence[Facts], behavior: Behavior, value_type: ValueType
) -> list[Conflict]:
    found = [
        conflict
        for a, b in _candidate_pairs(facts)
        if (conflict := compare(a, b, behavior, value_type)) is not None
    ]
    found.sort(key=lambda c: (-c.severity, min(c.a, c.b), max(c.a, c.b)))
    return found


def assess(facts: Sequence[Facts], behavior: Behavior, value_type: ValueType) -> Assessment:
    """Everything an analyst asks of one claim's assertions.

    Fixed claims have one window; snapshot and cumulative claims one per cluster of
    overlapping as-of windows, since a value at one time says nothing of another.
    """
    if behavior is Behavior.FIXED:
        clusters: list[tuple[tuple[date, date] | None, list[Facts]]] = [(None, list(facts))]
    else:
        clusters = time_windows(facts)
    windows = tuple(
        WindowAssessment(window, consensus(members), tuple(agreement_groups(members)))
        for window, members in clusters
    )
    return Assessment(
        windows=windows,
        conflicts=tuple(find_conflicts(facts, behavior, value_type)),
        undisclosed=tuple(sorted(f.id for f in facts if f.stance is Stance.UNDISCLOSED)),
        denials=tuple(sorted(f.id for f in facts if f.stance is Stance.DENIES)),
    )
