"""The weighted stabbing sweep of the consensus, vectorised with NumPy.

The interval ends are sorted once; each consensus, and each agreement group after it,
is then a cumulative sum over that order with the current voices' weights, O(n) in C
instead of a Python loop per event. The sums are floats, so the few positions whose
float weight is within rounding of the top are compared again exactly (as Fractions of
the voices covering them): ties behave exactly as in ``consensus.best_stab`` and the
result does not depend on input order. (Exact integer weights over the common
denominator of the voices' sizes, tried first, made a 100,000-assertion claim slow: that
denominator grows into a huge integer with many voices.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from app.domain.compare import Facts
from app.domain.intervals import Position


class CoverageColumns(NamedTuple):
    """A coverage's per-figure arrays (``Coverage`` attributes of the same names)."""

    ids: npt.NDArray[np.int64]
    low: npt.NDArray[np.float64]
    low_flag: npt.NDArray[np.int8]
    high: npt.NDArray[np.float64]
    high_flag: npt.NDArray[np.int8]
    voice: npt.NDArray[np.int64]  # codes into voices
    voices: list[str]
    outlet: npt.NDArray[np.int64]  # codes into outlets
    outlets: npt.NDArray[np.int64]


class EventColumns(NamedTuple):
    """The interval ends sorted by (value, flag, kind), ties by owner: ``lexsort``'s order."""

    value: npt.NDArray[np.float64]
    flag: npt.NDArray[np.int8]
    kind: npt.NDArray[np.int8]  # 0 start, 1 end
    owner: npt.NDArray[np.intp]  # the figure's index


# Past this many positions within rounding of the top weight, weigh them all exactly at once.
NEAR_TOP_LIMIT = 32
# Float weights of ``best`` are within this many times the voices of the exact ones.
SUM_SLACK = 1e-9


class Coverage:
    """How many votes cover each point of the line, for interval figures sharing votes
    by voice; ``best(active)`` finds the best-covered point among the active ones."""

    def __init__(self, figures: Sequence[Facts]) -> None:
        self.figures = list(figures)
        intervals = [f.interval for f in self.figures]
        self.ids = np.array([f.id for f in self.figures], dtype=np.int64)
        self.low = np.array([i.low for i in intervals], dtype=np.float64)  # type: ignore[union-attr]
        self.high = np.array([i.high for i in intervals], dtype=np.float64)  # type: ignore[union-attr]
        low_open = np.array([i.low_open for i in intervals], dtype=np.int8)  # type: ignore[union-attr]
        high_open = np.array([i.high_open for i in intervals], dtype=np.int8)  # type: ignore[union-attr]
        # Interval.start and .end: an infinite bound is never open.
        self.low_flag = np.where(np.isinf(self.low), 0, low_open).astype(np.int8)
        self.high_flag = np.where(np.isinf(self.high), 0, -high_open).astype(np.int8)
        voices = sorted({f.voice for f in self.figures})
        code = {v: i for i, v in enumerate(voices)}
        self.voices = voices
        self.voice = np.array([code[f.voice] for f in self.figures], dtype=np.int64)
        outlets = np.array([f.outlet_id for f in self.figures], dtype=np.int64)
        self.outlets, self.outlet = np.unique(outlets, return_inverse=True)  # dense codes
        self.ids_ascending = bool(np.all(self.ids[1:] > self.ids[:-1]))
        self._sort_events()

    def subset(self, keep: npt.NDArray[np.bool_]) -> Coverage:
        """The coverage of the ``keep`` figures alone, with the same voices: ``best`` of
        it is ``best`` of this one with only those active, on shorter arrays."""
        other = object.__new__(Coverage)
        index = np.nonzero(keep)[0]
        other.figures = [self.figures[i] for i in index.tolist()]
        other.ids, other.voice, other.outlet = (
            self.ids[index],
            self.voice[index],
            self.outlet[index],
        )
        other.low, other.low_flag = self.low[index], self.low_flag[index]
        other.high, other.high_flag = self.high[index], self.high_flag[index]
        other.voices, other.outlets = self.voices, self.outlets
        other.ids_ascending = self.ids_ascending
        other._sort_events()
        return other

    @classmethod
    def from_columns(
        cls,
        figures: list[Facts],
        columns: CoverageColumns,
        events: EventColumns | None = None,
    ) -> Coverage:
        """The coverage of ``figures`` from their columns, as ``Coverage(figures)`` builds
        them (``voices``: sorted; ``outlets``: ascending), without reading 10,000 Facts
        again; ``events``, when given, in the order ``_sort_events`` would sort them."""
        other = object.__new__(cls)
        other.figures = figures
        other.ids, other.low, other.low_flag = columns.ids, columns.low, columns.low_flag
        other.high, other.high_flag = columns.high, columns.high_flag
        other.voice, other.voices = columns.voice, columns.voices
        other.outlet, other.outlets = columns.outlet, columns.outlets
        other.ids_ascending = bool(np.all(other.ids[1:] > other.ids[:-1]))
        if events is None:
            other._sort_events()
        else:
            other._set_events(events)
        return other

    def events(self) -> EventColumns:
        """The sorted events, for ``from_columns`` of a patched copy."""
        return EventColumns(self.event_value, self.event_flag, self.event_kind, self.event_owner)

    def _sort_events(self) -> None:
        n = len(self.ids)
        value = np.concatenate([self.low, self.high])
        flag = np.concatenate([self.low_flag, self.high_flag])
        kind = np.concatenate([np.zeros(n, np.int8), np.ones(n, np.int8)])  # starts first
        order = np.lexsort((kind, flag, value))
        owner = np.concatenate([np.arange(n), np.arange(n)])[order]
        self._set_events(EventColumns(value[order], flag[order], kind[order], owner))

    def _set_events(self, events: EventColumns) -> None:
        n = len(self.ids)
        self.event_value, self.event_flag = events.value, events.flag
        self.event_kind, self.event_owner = events.kind, events.owner
        self.event_sign = np.where(self.event_kind == 0, 1.0, -1.0)
        self.event_step = np.where(self.event_kind == 0, 1, -1).astype(np.int64)
        # Events at one position and of one kind count together: the last index of each run.
        same = (  # equality, not a difference: inf - inf is NaN
            (self.event_value[1:] == self.event_value[:-1])
            & (self.event_flag[1:] == self.event_flag[:-1])
            & (self.event_kind[1:] == self.event_kind[:-1])
        )
        self.run_last = np.append(np.nonzero(~same)[0], 2 * n - 1) if n else np.array([], int)
        self.run_first = np.concatenate([[0], self.run_last[:-1] + 1]).astype(np.intp)
        self.run_of_starts = self.event_kind[self.run_last] == 0

    def sorted_ids(self, which: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
        """The ids of the ``which`` figures, ascending (figures usually come in id order)."""
        ids: npt.NDArray[np.int64] = self.ids[which]
        return ids if self.ids_ascending else np.sort(ids)

    def covering(self, position: Position, active: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """The active figures whose interval covers ``position``."""
        value, flag = position
        after_start = (self.low < value) | ((self.low == value) & (self.low_flag <= flag))
        before_end = (self.high > value) | ((self.high == value) & (self.high_flag >= flag))
        covered: npt.NDArray[np.bool_] = active & after_start & before_end
        return covered

    def best(
        self, active: npt.NDArray[np.bool_]
    ) -> tuple[Position, Fraction, npt.NDArray[np.bool_]] | None:
        """The leftmost position covered by the greatest total weight among the active
        figures (each voice's vote shared among its active figures; ties: more figures),
        its weight and the figures covering it."""
        found = self.best_and_rival(active)
        return None if found is None else found[:3]

    def best_and_rival(
        self, active: npt.NDArray[np.bool_]
    ) -> tuple[Position, Fraction, npt.NDArray[np.bool_], float] | None:
        """``best``, and the weight of the heaviest other position where active figures
        start (-inf: none), as a float within ``SUM_SLACK`` per voice of the exact one.
        Every point of the line is covered by some of the figures covering the last such
        position at or before it, so every point but those the best one's figures alone
        cover weighs at most that (plus the slack)."""
        if not active.any():
            return None
        counts = np.bincount(self.voice[active], minlength=len(self.voices))
        per_voice = np.zeros(len(counts), dtype=np.float64)
        np.divide(1.0, counts, out=per_voice, where=counts > 0)
        # Signed shares and steps of the events (x 1.0 and x -1.0 are exact), summed along.
        share = np.where(active, per_voice[self.voice], 0.0)
        weight = np.cumsum(share[self.event_owner] * self.event_sign)[self.run_last]
        if int(np.count_nonzero(active)) == len(active):  # every run of starts is live
            count = np.cumsum(self.event_step)[self.run_last]
            is_start = self.run_of_starts
        else:
            live = active[self.event_owner]
            count = np.cumsum(live * self.event_step)[self.run_last]
            is_start = self.run_of_starts & np.logical_or.reduceat(live, self.run_first)
        # A running float sum of 2n terms of at most 1 is off by far less than this; exact
        # weights closer than it to the top are all re-weighed exactly below.
        slack = SUM_SLACK * max(1.0, float(len(self.voices)))
        top = float(weight[is_start].max())
        near = np.nonzero(is_start & (weight >= top - slack))[0]
        if len(near) > NEAR_TOP_LIMIT:  # many near-ties (e.g. many disjoint single voices)
            return self._best_exact(active, counts, count, is_start)
        best: tuple[Fraction, int, int] | None = None  # weight, figures, -run: max wins
        best_covered = active
        for run in near.tolist():
            position = self._position(run)
            covered = self.covering(position, active)
            exact = self._exact_weight(covered, counts)
            key = (exact, int(count[run]), -run)
            if best is None or key > best:
                best, best_covered = key, covered
        assert best is not None
        others = np.where(is_start, weight, -np.inf)
        others[-best[2]] = -np.inf
        return self._position(-best[2]), best[0], best_covered, float(others.max())

    def _best_exact(
        self,
        active: npt.NDArray[np.bool_],
        counts: npt.NDArray[np.int64],
        count: npt.NDArray[np.int64],
        is_start: npt.NDArray[np.bool_],
    ) -> tuple[Position, Fraction, npt.NDArray[np.bool_], float]:
        """``best_and_rival`` with every weight an exact integer over the common denominator of the
        voices' sizes: for many near-ties, where that denominator stays small. Machine
        integers when no sum can overflow them, else Python integers in an object array."""
        sizes = np.unique(counts[counts > 0]).tolist()
        denominator = math.lcm(*sizes)
        if denominator * (int(counts.sum()) + 1) < 2**62:  # every partial sum fits
            per_voice: npt.NDArray[Any] = np.zeros(len(counts), dtype=np.int64)
            np.floor_divide(denominator, counts, out=per_voice, where=counts > 0)
        else:
            parts = {k: denominator // k for k in sizes}
            per_voice = np.array([parts.get(k, 0) for k in counts.tolist()], dtype=object)
        share = np.where(active, per_voice[self.voice], 0)[self.event_owner]
        weight = np.cumsum(np.where(self.event_kind == 0, share, -share))[self.run_last]
        top = weight[is_start].max()
        heaviest = is_start & (weight == top)
        most = count[heaviest].max()
        run = int(np.nonzero(heaviest & (count == most))[0][0])  # the first: leftmost
        position = self._position(run)
        others = is_start.copy()
        others[run] = False
        rival = -math.inf
        if others.any():
            rival = float(Fraction(int(weight[others].max()), denominator))
        return position, Fraction(int(top), denominator), self.covering(position, active), rival

    def _position(self, run: int) -> Position:
        last = self.run_last[run]
        return (float(self.event_value[last]), int(self.event_flag[last]))

    def _exact_weight(
        self, covered: npt.NDArray[np.bool_], counts: npt.NDArray[np.int64]
    ) -> Fraction:
        """The votes behind ``covered``: for each voice, its figures there over its active
        figures, summed exactly."""
        return exact_weight(self.voice[covered], counts)


def exact_weight(voice: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]) -> Fraction:
    """The votes behind figures of the voices ``voice`` (codes): for each voice, its
    figures among them over its ``counts`` (figures in all), summed exactly."""
    here = np.bincount(voice, minlength=len(counts))
    voices = np.nonzero(here)[0]
    # Figures there per size of voice (integer sums below 2**53: exact as floats),
    # then one Fraction over the sizes' common multiple: equal to the sum of k / size.
    sizes, at = np.unique(counts[voices], return_inverse=True)
    figures = np.bincount(at.reshape(-1), weights=here[voices], minlength=len(sizes))
    parts = dict(zip(sizes.tolist(), figures.astype(np.int64).tolist(), strict=True))
    if not parts:
        return Fraction(0)
    common = math.lcm(*parts)
    return Fraction(sum(k * (common // size) for size, k in parts.items()), common)
