"""A claim's assessment kept up to date as single assertions come, change and go.

``assess`` of a 10,000-assertion claim takes ~100 ms; a request that adds one assertion
has 50 ms. ``IncrementalAssessment`` keeps what the last assessment found and redoes only
what the change can touch, with a result always equal (``==``) to ``assess`` of the new
facts in id order:

- Agreement groups are found one after another, each the best-covered point of the
  figures still ungrouped: a function of that set alone. Once the figures left are those
  old groups 1..h left, none changed, the old groups after h follow. While they differ
  from those by a few figures (new ones, or ones a recomputed group took or left), the
  old group h+1 follows when it provably still wins (``_still_best``: its point keeps its
  weight, and every point those few figures could raise stays below it; checked for a
  run of groups at once by ``_still_best_run``), or when its new weight stays clear of
  its rival's (``_reweighed``: each group keeps a bound of every other point's weight);
  else the group is swept again, and if the sweep takes the old group's figures again
  the run goes on. The window's coverage columns and sorted events are patched, not
  rebuilt from 10,000 Facts.
- Conflicts: in the exact regime (every candidate pair compared) the pairs of the changed
  assertions are compared again and merged in. In the bounded regime the candidate pairs
  are examined in one total order (see ``_pair_key``); a new assertion's pairs merge into
  the examined prefix, which is kept, and the cut is found again. Removals and changes
  there, a regime switch, or values whose severities need not fall along that order
  (negative quantities) recompute the conflicts in full.
- Time windows (snapshot and cumulative claims) are clustered again on every update;
  each new window starts from the largest old one it overlaps.
- Updates of more than ``MANY_CHANGES`` assertions recompute in full.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from app.domain import assessment as _assessment
from app.domain import consensus as _consensus
from app.domain.assessment import (
    Assessment,
    WindowAssessment,
    _count_candidates,
    _Ranked,
    _rated_pairs_most_severe_first,
    _severity_order,
    find_conflicts,
)
from app.domain.compare import Conflict, Facts, compare, pair_severity
from app.domain.consensus import Consensus, agreement_groups, time_windows
from app.domain.coverage import SUM_SLACK, Coverage, CoverageColumns, EventColumns, exact_weight
from app.domain.vocabulary import Behavior, Stance, ValueType

# Past this many assertions changed in one update, recomputing in full is as fast.
MANY_CHANGES = 64
_UNGROUPED = np.iinfo(np.int64).max  # a figure past the last agreement group
_UNKNOWN = -1  # a figure added or changed since the groups were found
_NO_HITS = np.zeros(0, dtype=bool)
_FEW = 16  # past this many figures more than an old group had, sweep it again

Window = tuple[date, date] | None
K = TypeVar("K", str, int)
PairKey = tuple[float, ...]  # see ``_pair_key``


# --- figures as columns -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Table:
    """Asserted figures in ascending id order with ``Coverage``'s columns (NaN bounds for
    text figures), their sorted events (None unless every figure has an interval), and
    for each figure the agreement group that took it (``group``)."""

    facts: list[Facts]
    ids: npt.NDArray[np.int64]
    low: npt.NDArray[np.float64]
    low_flag: npt.NDArray[np.int8]
    high: npt.NDArray[np.float64]
    high_flag: npt.NDArray[np.int8]
    voice: npt.NDArray[np.int64]
    voices: list[str]
    voice_counts: Counter[str]
    outlet: npt.NDArray[np.int64]
    outlets: npt.NDArray[np.int64]
    outlet_counts: Counter[int]
    texts: int  # text figures
    events: EventColumns | None
    group: npt.NDArray[np.int64]

    @staticmethod
    def build(figures: Iterable[Facts]) -> _Table:
        facts = sorted(figures, key=lambda f: f.id)
        ids, low, low_flag, high, high_flag = _columns(facts)
        voices = sorted({f.voice for f in facts})
        code = {v: i for i, v in enumerate(voices)}
        outlets, outlet = np.unique(np.array([f.outlet_id for f in facts], dtype=np.int64),
                                    return_inverse=True)  # fmt: skip
        table = _Table(
            facts,
            ids,
            low,
            low_flag,
            high,
            high_flag,
            np.array([code[f.voice] for f in facts], dtype=np.int64),
            voices,
            Counter(f.voice for f in facts),
            outlet.astype(np.int64).reshape(-1),
            outlets.astype(np.int64),
            Counter(f.outlet_id for f in facts),
            sum(f.text is not None for f in facts),
            None,
            np.full(len(facts), _UNKNOWN, dtype=np.int64),
        )
        return table

    def columns(self) -> CoverageColumns:
        return CoverageColumns(
            self.ids, self.low, self.low_flag, self.high, self.high_flag,
            self.voice, self.voices, self.outlet, self.outlets,
        )  # fmt: skip

    def patched(self, drop: Sequence[int], add: Sequence[Facts]) -> _Table:
        """This table without the figures of ids ``drop`` (all present) and with ``add``
        (none present after the drop)."""
        if not drop and not add:
            return self
        add = sorted(add, key=lambda f: f.id)
        where = np.searchsorted(self.ids, np.array(sorted(drop), dtype=np.int64))
        ids = _spliced(self.ids, where, _NO_PLACES, self.ids[:0])
        at = np.searchsorted(ids, np.array([f.id for f in add], dtype=np.int64))
        facts = list(self.facts)
        for i in reversed(where.tolist()):
            del facts[i]
        for k, (i, f) in enumerate(zip(at.tolist(), add, strict=True)):
            facts.insert(i + k, f)
        gone = [self.facts[i] for i in where.tolist()]
        voice, voices, voice_counts = _recode(
            _spliced(self.voice, where, _NO_PLACES, self.voice[:0]), self.voices, self.voice_counts,
            [f.voice for f in gone], [f.voice for f in add],
        )  # fmt: skip
        outlet, outlet_list, outlet_counts = _recode(
            _spliced(self.outlet, where, _NO_PLACES, self.outlet[:0]), self.outlets.tolist(),
            self.outlet_counts,
            [f.outlet_id for f in gone], [f.outlet_id for f in add],
        )  # fmt: skip
        new_ids, new_low, new_low_flag, new_high, new_high_flag = _columns(add)
        low = _spliced(self.low, where, at, new_low)
        high = _spliced(self.high, where, at, new_high)
        low_flag = _spliced(self.low_flag, where, at, new_low_flag)
        high_flag = _spliced(self.high_flag, where, at, new_high_flag)
        texts = self.texts - sum(f.text is not None for f in gone)
        texts += sum(f.text is not None for f in add)
        events = None
        if self.events is not None and not texts:
            events = _patched_events(self.events, where, at, new_low, new_low_flag,
                                     new_high, new_high_flag)  # fmt: skip
        return _Table(
            facts,
            _spliced(ids, _NO_PLACES, at, new_ids),
            low,
            low_flag,
            high,
            high_flag,
            _spliced(voice, _NO_PLACES, at, np.array([bisect_left(voices, f.voice) for f in add])),
            voices,
            voice_counts,
            _spliced(
                outlet,
                _NO_PLACES,
                at,
                np.array([bisect_left(outlet_list, f.outlet_id) for f in add]),
            ),
            np.array(outlet_list, dtype=np.int64),
            outlet_counts,
            texts,
            events,
            _spliced(self.group, where, at, np.full(len(at), _UNKNOWN)),
        )


_NO_PLACES = np.zeros(0, dtype=np.intp)
A = TypeVar("A", bound=np.generic)


def _spliced(
    array: npt.NDArray[A],
    drop: npt.NDArray[np.intp],
    at: npt.NDArray[np.intp],
    values: npt.NDArray[Any],
) -> npt.NDArray[A]:
    """``np.insert(np.delete(array, drop), at, values)`` in ``array``'s dtype (``at``
    ascending), by slices when the new values are few: the same array, with a copy less.
    ``array`` itself when nothing is dropped or inserted (arrays of a table are never
    written to)."""
    if len(drop):
        array = np.delete(array, drop)
    if not len(at):
        return array
    values = values.astype(array.dtype, copy=False)
    if len(at) > 8 or np.any(at[1:] < at[:-1]):
        inserted: npt.NDArray[A] = np.insert(array, at, values)
        return inserted
    pieces, done = [], 0
    for k, i in enumerate(at.tolist()):
        pieces += [array[done:i], values[k : k + 1]]
        done = i
    pieces.append(array[done:])
    return np.concatenate(pieces)


def _columns(
    facts: Sequence[Facts],
) -> tuple[
    npt.NDArray[np.int64],
    npt.NDArray[np.float64],
    npt.NDArray[np.int8],
    npt.NDArray[np.float64],
    npt.NDArray[np.int8],
]:
    """ids, low, low flag, high, high flag as ``Coverage`` builds them (NaN: no interval)."""
    nan = float("nan")
    intervals = [f.interval for f in facts]
    low = np.array([nan if i is None else i.low for i in intervals], dtype=np.float64)
    high = np.array([nan if i is None else i.high for i in intervals], dtype=np.float64)
    low_open = np.array([i is not None and i.low_open for i in intervals], dtype=np.int8)
    high_open = np.array([i is not None and i.high_open for i in intervals], dtype=np.int8)
    return (
        np.array([f.id for f in facts], dtype=np.int64),
        low,
        np.where(np.isinf(low), 0, low_open).astype(np.int8),
        high,
        np.where(np.isinf(high), 0, -high_open).astype(np.int8),
    )


def _recode(
    codes: npt.NDArray[np.int64],
    keys: list[K],
    counts: Counter[K],
    gone: list[K],
    added: list[K],
) -> tuple[npt.NDArray[np.int64], list[K], Counter[K]]:
    """Codes into the sorted distinct keys, after some figures left and others came: the
    order ``Coverage`` gives them (``sorted(set(...))``, ``np.unique``)."""
    counts = counts.copy()
    counts.subtract(gone)
    counts.update(added)
    lost = sorted({k for k in gone if counts[k] <= 0}, reverse=True)
    known = set(keys)
    new = sorted({k for k in added if k not in known})
    if not lost and not new:
        return codes, keys, counts
    keys = list(keys)
    codes = codes.copy()
    for k in lost:
        del counts[k]
        at = bisect_left(keys, k)
        del keys[at]
        codes[codes > at] -= 1
    for k in new:
        at = bisect_left(keys, k)
        keys.insert(at, k)
        codes[codes >= at] += 1
    return codes, keys, counts


def _patched_events(
    events: EventColumns,
    dropped: npt.NDArray[np.intp],
    at: npt.NDArray[np.intp],
    low: npt.NDArray[np.float64],
    low_flag: npt.NDArray[np.int8],
    high: npt.NDArray[np.float64],
    high_flag: npt.NDArray[np.int8],
) -> EventColumns:
    """The events in ``lexsort`` order (value, flag, kind, then owner) after dropping the
    figures at ``dropped`` and inserting new ones before the indices ``at`` of the rest."""
    value, flag, kind, owner = events
    if len(dropped):
        keep = ~np.isin(owner, dropped)
        value, flag, kind, owner = value[keep], flag[keep], kind[keep], owner[keep]
        owner = owner - _how_many_at_or_below(dropped, owner, below=True)  # once they're gone
    owner = owner + _how_many_at_or_below(at, owner)  # the index once the new are in
    if not len(at):
        return EventColumns(value, flag, kind, owner)
    final = at + np.arange(len(at))
    owners = final.tolist()
    starts = zip(low.tolist(), low_flag.tolist(), [0] * len(owners), owners, strict=True)
    ends = zip(high.tolist(), high_flag.tolist(), [1] * len(owners), owners, strict=True)
    new = sorted([*starts, *ends])
    places = []
    for v, f, k, o in new:
        lo = int(np.searchsorted(value, v, side="left"))
        hi = int(np.searchsorted(value, v, side="right"))
        fs, ks, os_ = flag[lo:hi], kind[lo:hi], owner[lo:hi]
        before = (fs < f) | ((fs == f) & ((ks < k) | ((ks == k) & (os_ < o))))
        places.append(lo + int(np.count_nonzero(before)))
    columns = list(zip(*new, strict=True))
    at_places = np.array(places, dtype=np.intp)
    return EventColumns(
        _spliced(value, _NO_PLACES, at_places, np.array(columns[0])),
        _spliced(flag, _NO_PLACES, at_places, np.array(columns[1])),
        _spliced(kind, _NO_PLACES, at_places, np.array(columns[2])),
        _spliced(owner, _NO_PLACES, at_places, np.array(columns[3])),
    )


def _how_many_at_or_below(
    marks: npt.NDArray[np.intp], values: npt.NDArray[np.intp], below: bool = False
) -> npt.NDArray[np.intp]:
    """For each of ``values``, how many of the sorted ``marks`` are at or below it (only
    below it when ``below``): ``np.searchsorted(marks, values, side)``, by comparisons
    when the marks are few (a binary search per value costs more)."""
    if len(marks) > 8:
        found: npt.NDArray[np.intp] = np.searchsorted(
            marks, values, side="left" if below else "right"
        )
        return found
    shift = np.zeros(len(values), dtype=np.intp)
    for mark in marks.tolist():
        shift += values > mark if below else values >= mark
    return shift


# --- agreement groups of one window -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Groups:
    """One window's figures and agreement groups; ``left`` [g]: how many figures no group
    up to g took (empty when the groups were found the plain way: nothing to reuse)."""

    table: _Table
    groups: tuple[Consensus, ...]
    left: tuple[int, ...]
    # [g]: above the weight of every point of the figures group g was chosen from but its
    # own figures' (``Coverage.best_and_rival``); inf when not known
    rivals: tuple[float, ...] = ()


def _groups(table: _Table, old: _Groups | None) -> _Groups:
    """The agreement groups of ``table``'s figures, reusing ``old``'s where that is exact:
    ``table.group`` has the old group of each figure unchanged since, else ``_UNKNOWN``.

    A group is the best-covered point of the figures still ungrouped: a function of that
    set alone (``interval_groups`` relies on it too when it sweeps a subset). So once the
    figures left are those old groups 1..h left, the old groups after h follow; and while
    they are those plus a few new figures that provably cannot change the next old group
    (``_still_best_run``, ``_reweighed``, ``_still_best``), that group follows, with the
    new figures among its dissenters (and its weight at the voice counts now).
    """
    limit = _assessment.AGREEMENT_GROUPS
    n = len(table.ids)
    if n < _consensus.VECTORISED_FROM or table.texts:
        return _Groups(table, tuple(agreement_groups(table.facts, limit=limit)), ())
    prior = table.group
    old_groups, old_left = (old.groups, old.left) if old is not None else ((), ())
    old_rivals = old.rivals if old is not None else ()
    found: list[Consensus] = []
    rivals: list[float] = []
    group = np.full(n, _UNGROUPED, dtype=np.int64)
    still = np.ones(n, dtype=bool)  # not yet grouped
    coverage: Coverage | None = None
    index = np.arange(n)  # where the coverage's figures sit in the table
    # Each old group's figures, by position: ``order[bounds[j]:bounds[j + 1]]`` for group j.
    # (Past the last old group all alike, as small integers: a stable radix sort.)
    small = np.int16 if len(old_groups) < 2**14 else np.int64
    ranked = np.minimum(prior, len(old_groups) + 1).astype(small)
    order = np.argsort(ranked, kind="stable")
    bounds = np.searchsorted(ranked[order], np.arange(len(old_groups) + 2))
    h: int | None = None
    near: _Near | None = None
    gone_ids: list[int] = []
    fresh_ids: list[int] = []
    while len(found) < limit:
        g = len(found)
        if near is None:  # after a sweep: where do the figures left stand?
            h = _nearest(prior, still, old_left)
            near = None if h is None else _Near.of(table, prior, still, h)
            if near is not None:
                gone_ids = table.ids[near.gone].tolist()  # dissenters of the old groups
                fresh_ids = table.ids[near.fresh].tolist()  # after h, while they follow
        if h is not None and near is not None:
            if not len(near.fresh) and not len(near.gone):
                # The same figures left: the old groups after h, as far as they went.
                if g + len(old_groups) - h >= limit or old_left[-1] == 0:
                    found.extend(old_groups[h : h + limit - g])
                    rivals.extend(old_rivals[h : h + limit - g])
                    moved = prior[still]
                    moved = np.where(moved == _UNGROUPED, _UNGROUPED, moved - h + g)
                    group[still] = np.where(moved > len(found), _UNGROUPED, moved)
                    break
            elif h < len(old_groups) and len(near.fresh) + len(near.gone) <= _FEW:
                # As many old groups as provably still win, checked at once; if none
                # did, the first alone: with its new weight against its rival's, or with
                # ``_still_best``'s exact look at ties.
                k, worst = _still_best_run(
                    table, old_groups, order, bounds, h, still, near, limit - g
                )
                for j, bound in zip(range(h, h + k), worst or (), strict=True):
                    found.append(_again(old_groups[j], gone_ids, fresh_ids))
                    rivals.append(max(old_rivals[j], bound))
                if not k:
                    members = order[bounds[h + 1] : bounds[h + 2]]
                    again = _reweighed(table, old_groups[h], old_rivals[h], members, still, near)
                    if again is not None:
                        found.append(_again(old_groups[h], gone_ids, fresh_ids, again[0]))
                        rivals.append(again[1])
                        k = 1
                    elif worst is not None and _still_best(
                        table, old_groups[h], members, still, near
                    ):
                        found.append(_again(old_groups[h], gone_ids, fresh_ids))
                        rivals.append(np.inf)
                        k = 1
                if k:
                    members = order[bounds[h + 1] : bounds[h + k + 1]]
                    group[members] = prior[members] - h + g
                    still[members] = False
                    taken_voices = np.bincount(table.voice[members], minlength=len(near.counts))
                    np.subtract(near.counts, taken_voices, out=near.counts)
                    h += k  # the same fresh and gone figures, k old groups further
                    continue
        if coverage is None:
            coverage = Coverage.from_columns(table.facts, table.columns(), table.events)
            if table.events is None:
                table = _with(table, events=coverage.events())
        elif 0 < np.count_nonzero(still) <= len(index) * 3 // 4:
            # As ``interval_groups`` (same answer, shorter arrays), when next needed.
            keep = still[index]
            coverage, index = coverage.subset(keep), index[keep]
        active = still[index]
        if (best := coverage.best_and_rival(active)) is None:
            break
        position, support, covered, rival = best
        rivals.append(rival + 2 * SUM_SLACK * max(1.0, float(len(coverage.voices))))
        taken = index[covered]
        group[taken] = g + 1
        still[taken] = False
        if (
            h is not None
            and near is not None
            and h < len(old_groups)
            and len(taken) == bounds[h + 2] - bounds[h + 1]
            and np.all(prior[taken] == h + 1)
        ):
            # Old group h's figures again, at the same point (the last start among them,
            # as they alone cover it): the figures left differ from those it left by
            # the same fresh and gone ones, and ``near`` holds on, one group further.
            found.append(_again(old_groups[h], gone_ids, fresh_ids, support))
            taken_voices = np.bincount(table.voice[taken], minlength=len(near.counts))
            np.subtract(near.counts, taken_voices, out=near.counts)
            h += 1
            continue
        found.append(_consensus.group_of(coverage, active, position, support, covered))
        near = None
    k = len(found)
    taken_by = np.bincount(np.minimum(group, k + 1), minlength=k + 2)
    left_after = n - np.cumsum(taken_by)[: k + 1]
    return _Groups(
        _with(table, group=group), tuple(found), tuple(left_after.tolist()), tuple(rivals)
    )


def _nearest(
    prior: npt.NDArray[np.int64], still: npt.NDArray[np.bool_], old_left: tuple[int, ...]
) -> int | None:
    """The h whose old figures left (after old groups 1..h) differ least from the
    ``still`` ones, among those h where none of them has changed or gone since."""
    if not old_left:
        return None
    k = len(old_left) - 1
    known = prior != _UNKNOWN
    clipped = np.minimum(prior, k + 1)
    here = np.bincount(clipped[still & known], minlength=k + 2)
    away = np.bincount(clipped[~still & known], minlength=k + 2)
    here_beyond = np.cumsum(here[::-1])[::-1][1:]  # [h]: still, with old group > h
    away_beyond = np.cumsum(away[::-1])[::-1][1:]  # [h]: grouped, with old group > h
    whole = here_beyond + away_beyond == np.array(old_left)  # none changed or gone
    if not whole.any():
        return None
    apart = int(np.count_nonzero(still)) - here_beyond + away_beyond
    return int(np.argmin(np.where(whole, apart, np.iinfo(np.int64).max)))


@dataclass(frozen=True, slots=True)
class _Near:
    """How the figures left differ from those old groups 1..h left: ``fresh`` ones more
    (new, changed, or in old groups up to h), ``gone`` ones fewer (positions); the figures
    left per voice (``counts``); and those whose weight may have risen since (``raised``:
    the fresh ones and those of a voice that lost figures)."""

    fresh: npt.NDArray[np.intp]
    gone: npt.NDArray[np.intp]
    counts: npt.NDArray[np.int64]
    raised: npt.NDArray[np.intp]
    meets: list[npt.NDArray[np.intp]]  # per raised figure: the figures its interval meets

    @staticmethod
    def of(
        table: _Table, prior: npt.NDArray[np.int64], still: npt.NDArray[np.bool_], h: int
    ) -> _Near:
        was = prior > h
        fresh = np.nonzero(still & ~was)[0]
        gone = np.nonzero(~still & was)[0]
        counts = np.bincount(table.voice[still], minlength=len(table.voices))
        raised = fresh
        if len(gone):
            net = np.bincount(table.voice[gone], minlength=len(counts))
            net -= np.bincount(table.voice[fresh], minlength=len(counts))
            lost = np.nonzero(net > 0)[0]
            if len(lost):
                raised = np.nonzero(still & (np.isin(table.voice, lost) | ~was))[0]
        meets = []
        if len(raised) <= _FEW:
            for i in raised.tolist():
                lo, lo_flag = table.low[i], table.low_flag[i]
                hi, hi_flag = table.high[i], table.high_flag[i]
                apart = (table.high < lo) | ((table.high == lo) & (table.high_flag < lo_flag))
                apart |= (hi < table.low) | ((hi == table.low) & (hi_flag < table.low_flag))
                meets.append(np.nonzero(still & ~apart)[0])
        return _Near(fresh, gone, counts, raised, meets)


def _covers_start(table: _Table, fresh: npt.NDArray[np.intp], old: Consensus) -> bool:
    """Whether one of the ``fresh`` figures (positions) covers ``old``'s point."""
    assert old.interval is not None
    value, flag = old.interval.start
    low, high = table.low[fresh], table.high[fresh]
    low_flag, high_flag = table.low_flag[fresh], table.high_flag[fresh]
    after_start = (low < value) | ((low == value) & (low_flag <= flag))
    before_end = (high > value) | ((high == value) & (high_flag >= flag))
    return bool(np.any(after_start & before_end))


def _still_best(
    table: _Table,
    old: Consensus,
    members: npt.NDArray[np.intp],
    still: npt.NDArray[np.bool_],
    near: _Near,
) -> bool:
    """Whether the best-covered point of the ``still`` figures is ``old``'s, which was
    that of the same figures with the ``near.gone`` ones and without the ``near.fresh``
    ones, covered by ``members`` (positions).

    Sure when its members are all still here, none shares a voice with a fresh or gone
    figure (their weights, hence its weight and count, stay), no fresh figure covers it,
    and every point that a fresh figure, or one whose voice's vote is now shared among
    fewer, covers weighs less than it: at most the weight of the figures meeting that
    one. Every other point weighs as before or less, with as many figures or fewer:
    still behind it."""
    assert old.interval is not None
    if not np.all(still[members]) or len(near.raised) > _FEW:
        return False
    fresh = near.fresh
    if _covers_start(table, fresh, old):
        return False
    value, flag = old.interval.start
    moved = np.concatenate([table.voice[fresh], table.voice[near.gone]])
    if np.any(np.isin(table.voice[members], moved)):
        return False
    counts = near.counts
    share = np.zeros(len(counts), dtype=np.float64)
    np.divide(1.0, counts, out=share, where=counts > 0)
    # Float sums of at most n shares: well within this of the exact ones.
    slack = 1e-6 * max(1.0, float(len(counts)))
    top = float(old.support)
    raised = near.raised
    for lo, lo_flag, meeting in zip(
        table.low[raised].tolist(), table.low_flag[raised].tolist(), near.meets, strict=True
    ):
        meets = meeting[still[meeting]]
        voices = table.voice[meets]
        most = float(share[voices].sum())
        if most < top - slack:
            continue
        if most > top + slack or (lo, lo_flag) <= (value, flag):
            return False
        # A tie at most, right of the point: it stays ahead unless outnumbered there.
        here = np.bincount(voices, minlength=len(counts))
        parts: Counter[int] = Counter()
        for v in np.nonzero(here)[0].tolist():
            parts[int(counts[v])] += int(here[v])
        exact = sum((Fraction(k, size) for size, k in parts.items()), Fraction(0))
        if exact > old.support or (exact == old.support and len(meets) > len(old.supporting)):
            return False
    return True


def _still_best_run(
    table: _Table,
    old_groups: tuple[Consensus, ...],
    order: npt.NDArray[np.intp],
    bounds: npt.NDArray[np.intp],
    h: int,
    still: npt.NDArray[np.bool_],
    near: _Near,
    most: int,
) -> tuple[int, list[float] | None]:
    """How many of the old groups h, h + 1, ... (at most ``most``) follow one after
    another, each the best-covered point once the ones before it are taken: the first k
    for which ``_still_best``'s sufficient conditions hold, all checked at once with the
    figures and voice counts each would meet (``order[bounds[j + 1]:bounds[j + 2]]``:
    old group j's figures). 0 leaves the first to ``_still_best`` itself.

    Exact for the reason ``_still_best`` is: taking old group j, all of whose figures are
    still here, leaves the figures left differing from those the old groups up to j left
    by the same ``fresh`` and ``gone`` ones, so each step is ``_still_best``'s question
    with the same ``near`` but for the voice counts and the figures left, which are known
    in advance. A step passes when its members are all here (no gone figure is one),
    none shares a voice with a fresh or gone figure, no fresh figure covers its point,
    and every raised figure meets figures weighing clearly less than its weight: the
    same float sum (each still figure meeting it, at the share its voice then has) and
    margin, so a near tie stops the run and is settled by ``_still_best``.

    With the count, per group taken a bound of what the raised figures meet (-inf: none
    raised): the most a point they cover can weigh, for its rival. None instead when the
    first fails a condition other than the weights, which ``_still_best`` has too."""
    steps = min(most, len(old_groups) - h)
    if steps <= 0 or len(near.raised) > _FEW:
        return 0, None
    # Past this many cells the per-step tables below cost more than steps one by one.
    sizes = np.diff(bounds[h + 1 : h + steps + 2])
    reach = np.cumsum(sizes) * np.arange(1, steps + 1)
    steps = max(1, int(np.searchsorted(reach, 1 << 16, side="right")))
    sizes = sizes[:steps]
    members = order[bounds[h + 1] : bounds[h + steps + 1]]
    step_of = np.repeat(np.arange(steps), sizes)  # when each member is taken
    ok = np.ones(steps, dtype=bool)
    prior = table.group
    gone_in = prior[near.gone] - 1 - h  # the step whose group a gone figure was in
    ok[gone_in[(gone_in >= 0) & (gone_in < steps)]] = False
    # No fresh figure covers a group's point (the start of its interval).
    starts = [g.interval.start for g in old_groups[h : h + steps]]  # type: ignore[union-attr]
    value = np.array([s[0] for s in starts], dtype=np.float64)
    flag = np.array([s[1] for s in starts], dtype=np.int8)
    fresh = near.fresh
    low, low_flag = table.low[fresh, None], table.low_flag[fresh, None]
    high, high_flag = table.high[fresh, None], table.high_flag[fresh, None]
    after_start = (low < value) | ((low == value) & (low_flag <= flag))
    before_end = (high > value) | ((high == value) & (high_flag >= flag))
    ok &= ~np.any(after_start & before_end, axis=0)
    # No member shares a voice with a fresh or gone figure.
    moved = np.zeros(len(near.counts), dtype=bool)
    moved[table.voice[fresh]] = True
    moved[table.voice[near.gone]] = True
    ok &= np.bincount(step_of[moved[table.voice[members]]], minlength=steps) == 0
    if not ok.all():  # the weights after a failing step do not matter (nor add up)
        steps = int(np.argmin(ok))
        if not steps:
            return 0, None
        taken_first = int(bounds[h + steps + 1] - bounds[h + 1])
        ok, members, step_of = ok[:steps], members[:taken_first], step_of[:taken_first]
    # The counts of the members' voices (``voices``) at each step; the others stay.
    voices, member_voice = np.unique(table.voice[members], return_inverse=True)
    width = len(voices)
    taken = np.bincount(step_of * width + member_voice.reshape(-1), minlength=steps * width)
    taken = taken.reshape(steps, width)
    counts = near.counts[voices] - (np.cumsum(taken, axis=0) - taken)
    column = np.full(len(near.counts), -1, dtype=np.int64)
    column[voices] = np.arange(width)
    slack = 1e-6 * max(1.0, float(len(near.counts)))  # as ``_still_best``
    top = np.array([float(g.support) for g in old_groups[h : h + steps]])
    worst = np.full(steps, -np.inf)
    for meeting in near.meets:
        meets = meeting[still[meeting]]
        voice = table.voice[meets]
        at = column[voice]
        fixed = at < 0
        weight = float(np.sum(1.0 / near.counts[voice[fixed]]))
        meets, at = meets[~fixed], at[~fixed]
        if len(meets):
            # Here through the step of its old group, if among these; else throughout.
            last = prior[meets] - 1 - h
            last = np.where((last >= 0) & (last < steps), last, steps)
            here = np.bincount(last * width + at, minlength=(steps + 1) * width)
            here = np.cumsum(here.reshape(steps + 1, width)[::-1], axis=0)[::-1][:steps]
            share = np.zeros(here.shape, dtype=np.float64)
            np.divide(here, counts, out=share, where=here > 0)
            weights = weight + share.sum(axis=1)
        else:
            weights = np.full(steps, weight)
        ok &= weights < top - slack
        worst = np.maximum(worst, weights + slack)  # past the float sums' error
    k = steps if ok.all() else int(np.argmin(ok))
    return k, worst[:k].tolist()


def _reweighed(
    table: _Table,
    old: Consensus,
    rival: float,
    members: npt.NDArray[np.intp],
    still: npt.NDArray[np.bool_],
    near: _Near,
) -> tuple[Fraction, float] | None:
    """``old``'s weight at the voice counts now, and its new rival, when it is still
    the best-covered point of the ``still`` figures (None: not sure). ``old`` was that of
    the same figures with the ``near.gone`` ones and without the ``near.fresh`` ones,
    covered by ``members`` (positions), every other point weighing at most ``rival``.

    Sure when its members are all still here and no fresh figure covers its point: then
    the same figures cover it, at their voices' shares now (``weight``). Every other
    point that no raised figure (see ``_Near``) covers is covered by figures that were
    there, each weighing as much or less: at most ``rival``, or, if right of the point
    and covered by its figures alone, at most ``weight`` with as many figures or fewer.
    A point a raised figure covers weighs at most what that figure meets. So it stays
    ahead when ``rival`` and those are clearly below ``weight``; unlike ``_still_best``,
    the members' voices may have gained or lost figures."""
    assert old.interval is not None
    if not np.isfinite(rival) or len(near.raised) > _FEW or not np.all(still[members]):
        return None
    fresh = near.fresh
    if _covers_start(table, fresh, old):
        return None
    counts = near.counts
    weight = exact_weight(table.voice[members], counts)
    slack = 1e-6 * max(1.0, float(len(counts)))  # as ``_still_best``
    bar = float(weight) - slack
    if not rival < bar:
        return None
    share = np.zeros(len(counts), dtype=np.float64)
    np.divide(1.0, counts, out=share, where=counts > 0)
    for meeting in near.meets:
        most = float(share[table.voice[meeting[still[meeting]]]].sum())
        if not most < bar:
            return None
        rival = max(rival, most + slack)  # past the float sum's error
    return weight, rival


def _again(
    old: Consensus, gone: list[int], fresh: list[int], support: Fraction | None = None
) -> Consensus:
    """``old`` taken again with the fresh figures (ids) among its dissenters and the gone
    ones not, and its new ``support`` if given (built directly: ``dataclasses.replace``
    costs more than the tuple)."""
    return Consensus(
        old.interval, old.text, old.best, old.supporting, _patched_ids(old.dissenting, gone, fresh),
        old.outlets, old.independent_sources, old.support if support is None else support,
    )  # fmt: skip


def _patched_ids(ids: tuple[int, ...], drop: list[int], add: list[int]) -> tuple[int, ...]:
    """Ascending ``ids`` without ``drop`` (all among them) and with ``add`` (none)."""
    if not drop and len(add) == 1:
        at = bisect_left(ids, add[0])
        return ids[:at] + (add[0],) + ids[at:]  # noqa: RUF005 (unpacking: slower)
    patched = list(ids)
    for i in drop:
        del patched[bisect_left(patched, i)]
    for i in add:
        insort(patched, i)
    return tuple(patched)


def _with(table: _Table, **changes: object) -> _Table:
    fields = {name: getattr(table, name) for name in _Table.__dataclass_fields__}
    fields.update(changes)
    return _Table(**fields)


# --- conflicts --------------------------------------------------------------------------


def _pair_key(a: Facts, b: Facts, negated: float | None) -> PairKey:
    """Where ``_pairs_most_severe_first`` yields the pair (a, b): denials (by denial,
    figure), then texts (by ids), then disjoint intervals (a below b) by negated severity,
    upper id, then the lower's place by end (its end, then id)."""
    if negated is None:
        return (0 if a.stance is Stance.DENIES else 1, a.id, b.id)
    assert a.interval is not None
    end = a.interval.end
    return (2, negated, b.id, end[0], end[1], a.id)


@dataclass(frozen=True, slots=True)
class _Conflicts:
    """Conflicts with what updates need: the candidate count; when ``exact``, every
    conflict with its sort key; else the examined candidate pairs in order, with their
    keys and conflicts (None: no conflict)."""

    candidates: int
    exact: bool
    found: tuple[Conflict, ...]
    keys: list[tuple[float, int, int]]  # ``_severity_order`` of found
    examined_keys: list[PairKey]
    examined: list[Conflict | None]
    examined_hits: npt.NDArray[np.bool_]  # examined[i] is not None

    @property
    def total(self) -> int:
        return len(self.found) if self.exact else self.candidates


def _all_conflicts(facts: Sequence[Facts], behavior: Behavior, value_type: ValueType) -> _Conflicts:
    """``claim_conflicts``, keeping the examined prefix in the bounded regime."""
    figures = [f for f in facts if f.is_figure]
    ranked = _Ranked(figures)
    candidates = _count_candidates(facts, figures, ranked)
    if candidates <= _assessment.EXACT_PAIRS:
        found = find_conflicts(facts, behavior, value_type)
        keys = [_severity_order(c) for c in found]
        return _Conflicts(candidates, True, tuple(found), keys, [], [], _NO_HITS)
    examined_keys: list[PairKey] = []
    examined: list[Conflict | None] = []
    kept = 0
    for a, b, negated in _rated_pairs_most_severe_first(facts, value_type, figures, ranked):
        if kept >= _assessment.KEPT_CONFLICTS or len(examined) >= _assessment._EXAMINED_PAIRS:
            break
        conflict = compare(a, b, behavior, value_type)
        kept += conflict is not None
        examined_keys.append(_pair_key(a, b, negated))
        examined.append(conflict)
    found = sorted((c for c in examined if c is not None), key=_severity_order)
    hits = np.array([c is not None for c in examined], dtype=bool)
    keys = [_severity_order(c) for c in found]
    return _Conflicts(candidates, False, tuple(found), keys, examined_keys, examined, hits)


@dataclass(frozen=True, slots=True)
class _Claim:
    """The facts of a claim, by id, with the lists the candidate pairs come from."""

    by_id: dict[int, Facts]
    ids: list[int]  # ascending
    figures: _Table  # every asserted figure
    denials: list[int]  # ids, ascending
    texts: list[int]  # ids of text figures, ascending
    undisclosed: list[int]


def _claim(facts: Sequence[Facts]) -> _Claim:
    by_id = {f.id: f for f in facts}
    ids = sorted(by_id)
    ordered = [by_id[i] for i in ids]
    return _Claim(
        by_id,
        ids,
        _Table.build(f for f in ordered if f.is_figure),
        [f.id for f in ordered if f.stance is Stance.DENIES],
        [f.id for f in ordered if f.is_figure and f.text is not None],
        [f.id for f in ordered if f.stance is Stance.UNDISCLOSED],
    )


def _pairs_with(
    claim: _Claim,
    among: Sequence[Facts],
    value_type: ValueType,
    before: PairKey | None,
    listed: bool,
    keyed: bool = True,
) -> tuple[int, list[tuple[PairKey, Facts, Facts]]]:
    """The candidate pairs of ``claim`` with at least one of ``among`` (all in it): how
    many, and when ``listed`` those with a key below ``before`` (all when None), each
    with its key (when ``keyed``, else ``()``), oriented as ``_candidate_pairs`` does."""
    mine = {f.id for f in among}
    count = 0
    pairs: list[tuple[PairKey, Facts, Facts]] = []
    key: PairKey
    table = claim.figures

    def counted(other: int, own: int) -> bool:  # a pair of two of ``among`` counts once
        return other not in mine or other < own

    def want(key: PairKey) -> bool:
        return listed and (before is None or key < before)

    for x in among:
        if x.stance is Stance.DENIES:
            for f in table.facts:
                if counted(f.id, x.id):
                    count += 1
                    if want(key := (0, x.id, f.id)):
                        pairs.append((key, x, f))
            continue
        if not x.is_figure:
            continue
        for d in claim.denials:
            if counted(d, x.id):
                count += 1
                if want(key := (0, d, x.id)):
                    pairs.append((key, claim.by_id[d], x))
        if x.text is not None:
            for t in claim.texts:
                if t != x.id and counted(t, x.id):
                    count += 1
                    a, b = (claim.by_id[t], x) if t < x.id else (x, claim.by_id[t])
                    if want(key := (1, a.id, b.id)):
                        pairs.append((key, a, b))
        if x.interval is None:
            continue
        (x_low, x_low_flag), (x_high, x_high_flag) = x.interval.start, x.interval.end
        eligible = np.ones(len(table.ids), dtype=bool)
        later = [i for i in mine if i > x.id]
        if later:
            eligible &= ~np.isin(table.ids, np.array(later, dtype=np.int64))
        below = eligible & (
            (table.high < x_low) | ((table.high == x_low) & (table.high_flag < x_low_flag))
        )
        above = eligible & (
            (x_high < table.low) | ((x_high == table.low) & (x_high_flag < table.low_flag))
        )
        count += int(np.count_nonzero(below)) + int(np.count_nonzero(above))
        if not listed or (before is not None and before[0] < 2):
            continue
        for side, x_is_upper in ((below, True), (above, False)):
            index = np.nonzero(side)[0]
            if not len(index):
                continue
            if before is not None:
                if x_is_upper:
                    lh, ul = table.high[index], np.full(len(index), x_low)
                else:
                    lh, ul = np.full(len(index), x_high), table.low[index]
                with np.errstate(all="ignore"):
                    negated = -_severities(lh, ul, value_type)
                index = index[~(negated > before[1])]  # NaN (infinite ends): decided below
            for i in index.tolist():
                other = table.facts[i]
                lower, upper = (other, x) if x_is_upper else (x, other)
                if not keyed:
                    pairs.append(((), lower, upper))
                    continue
                key = _pair_key(lower, upper, -pair_severity(lower, upper, value_type))
                if before is None or key < before:
                    pairs.append((key, lower, upper))
    return count, pairs


def _severities(
    lower_high: npt.NDArray[np.float64], upper_low: npt.NDArray[np.float64], value_type: ValueType
) -> npt.NDArray[np.float64]:
    """``pair_severity`` at once (``_first_severities``' operations) to pick candidates;
    each picked pair is weighed again by ``pair_severity`` itself."""
    gap = upper_low - lower_high
    if value_type is ValueType.DATE:
        found: npt.NDArray[np.float64] = np.minimum(1.0, np.maximum(gap, 1.0) / 365)
        return found
    scale = np.maximum(np.maximum(np.abs(upper_low), np.abs(lower_high)), 1.0)
    found = np.minimum(1.0, np.maximum(gap / scale, 1e-9))
    return found


def _severity_follows_order(claim: _Claim, value_type: ValueType) -> bool:
    """Whether each interval's pairs, lowest-ending lower first, fall in severity as the
    heap in ``_pairs_most_severe_first`` assumes, so its order is the sort by
    ``_pair_key``: for dates always; for quantities when no bound is negative (a ratio
    of two rounded negative values may rise by an ulp)."""
    if value_type is ValueType.DATE:
        return True
    low = claim.figures.low
    return not bool(np.any(low < 0))


def _updated_conflicts(
    old: _Conflicts,
    old_claim: _Claim,
    claim: _Claim,
    gone: Sequence[Facts],
    came: Sequence[Facts],
    behavior: Behavior,
    value_type: ValueType,
) -> _Conflicts | None:
    """The conflicts after ``gone`` left ``old_claim`` and ``came`` joined it (as
    ``claim``), or None when only a full search is exact."""
    lost = _pairs_with(old_claim, gone, value_type, None, listed=False)[0] if gone else 0
    if old.exact:
        gained, pairs = _pairs_with(claim, came, value_type, None, listed=True, keyed=False)
        candidates = old.candidates - lost + gained
        if candidates > _assessment.EXACT_PAIRS:
            return None
        found, keys = list(old.found), list(old.keys)
        if gone:
            out = {f.id for f in gone}
            kept = [i for i, c in enumerate(found) if c.a not in out and c.b not in out]
            found, keys = [found[i] for i in kept], [keys[i] for i in kept]
        for _, a, b in pairs:
            if (conflict := compare(a, b, behavior, value_type)) is not None:
                order = _severity_order(conflict)
                at = bisect_left(keys, order)
                keys.insert(at, order)
                found.insert(at, conflict)
        return _Conflicts(candidates, True, tuple(found), keys, [], [], _NO_HITS)
    if gone or not _severity_follows_order(claim, value_type):
        return None
    examined_keys, examined = old.examined_keys, old.examined
    if not examined_keys and old.candidates:
        return _Conflicts(  # nothing examined (none kept or examined at all): still nothing
            old.candidates + _pairs_with(claim, came, value_type, None, listed=False)[0],
            False, (), [], [], [], _NO_HITS,
        )  # fmt: skip
    # Past the last examined pair the old search had stopped, so the new one stops at or
    # before it: only the new pairs before it matter (all, when every pair was examined).
    last = examined_keys[-1] if len(examined_keys) < old.candidates else None
    gained, pairs = _pairs_with(claim, came, value_type, last, listed=True)
    pairs.sort(key=lambda p: p[0])
    del pairs[_assessment._EXAMINED_PAIRS :]
    merged_keys: list[PairKey] = []
    merged: list[Conflict | None] = []
    places: list[int] = []  # where each new pair goes among the old examined ones
    new_hits: list[bool] = []
    new: list[tuple[int, Conflict]] = []  # the new conflicts, by place in ``merged``
    done = 0
    for key, a, b in pairs:
        at = bisect_left(examined_keys, key, lo=done)
        merged_keys.extend(examined_keys[done:at])
        merged.extend(examined[done:at])
        if (conflict := compare(a, b, behavior, value_type)) is not None:
            new.append((len(merged), conflict))
        places.append(at)
        new_hits.append(conflict is not None)
        merged_keys.append(key)
        merged.append(conflict)
        done = at
    merged_keys.extend(examined_keys[done:])
    merged.extend(examined[done:])
    hits = np.insert(old.examined_hits, places, np.array(new_hits, dtype=bool))
    stop = min(len(merged), _assessment._EXAMINED_PAIRS)
    if _assessment.KEPT_CONFLICTS <= 0:
        stop = 0
    else:
        full = np.nonzero(np.cumsum(hits) >= _assessment.KEPT_CONFLICTS)[0]
        if len(full):
            stop = min(stop, int(full[0]) + 1)
    # The kept conflicts: the old ones still before the cut and the new ones before it.
    cut = [c for c in merged[stop:] if c is not None]
    found, found_keys = list(old.found), list(old.keys)
    fresh = {id(c) for _, c in new}
    for c in cut:
        if id(c) not in fresh:
            at = bisect_left(found_keys, _severity_order(c))
            del found[at], found_keys[at]
    for i, c in new:
        if i < stop:
            key = _severity_order(c)
            at = bisect_left(found_keys, key)
            found.insert(at, c)
            found_keys.insert(at, key)
    return _Conflicts(
        old.candidates + gained, False, tuple(found), found_keys,
        merged_keys[:stop], merged[:stop], hits[:stop],
    )  # fmt: skip


# --- the claim --------------------------------------------------------------------------


class IncrementalAssessment:
    """``assess`` of one claim's facts, kept up to date by ``update`` at the cost of what
    changed (see the module's docstring). Facts are told apart by id, which must be
    unique; behavior and value type are the claim's and never change (build anew)."""

    def __init__(self, facts: Sequence[Facts], behavior: Behavior, value_type: ValueType) -> None:
        if len({f.id for f in facts}) != len(facts):
            raise ValueError("facts with the same id")
        self._behavior, self._value_type = behavior, value_type
        self._rebuild(_claim(facts))

    @property
    def result(self) -> Assessment:
        return self._result

    @property
    def facts(self) -> list[Facts]:
        """The current facts, in ascending id order."""
        return _facts_of(self._claim)

    @property
    def ids(self) -> Sequence[int]:
        """The current facts' ids, ascending: the assessment's own, not a copy (an update
        replaces it; never change it)."""
        return self._claim.ids

    def fact(self, fact_id: int) -> Facts:
        return self._claim.by_id[fact_id]

    def update(self, changed: Sequence[Facts], removed: Collection[int] = ()) -> Assessment:
        """Add or replace (by id) ``changed``, drop the ids ``removed`` (unknown ones are
        ignored; an id in both is replaced); the new assessment, equal to ``assess`` of
        the new facts in id order."""
        if len({f.id for f in changed}) != len(changed):
            raise ValueError("changed facts with the same id")
        old = self._claim
        changed = [f for f in changed if old.by_id.get(f.id) != f]  # unchanged: no change
        removed = {i for i in removed if i in old.by_id} - {f.id for f in changed}
        if not changed and not removed:
            return self._result
        if len(changed) + len(removed) > MANY_CHANGES:
            by_id = dict(old.by_id)
            for i in removed:
                del by_id[i]
            by_id.update((f.id, f) for f in changed)
            self._rebuild(_claim(list(by_id.values())))
            return self._result
        ids = sorted({*removed, *(f.id for f in changed)})
        gone = [old.by_id[i] for i in ids if i in old.by_id]
        came = sorted(changed, key=lambda f: f.id)
        claim = _patched_claim(old, gone, came)
        conflicts = _updated_conflicts(
            self._conflicts, old, claim, gone, came, self._behavior, self._value_type
        )
        if conflicts is None:
            conflicts = _all_conflicts(_facts_of(claim), self._behavior, self._value_type)
        windows = self._updated_windows(claim, gone, came)
        self._finish(claim, windows, conflicts)
        return self._result

    def _rebuild(self, claim: _Claim) -> None:
        facts = _facts_of(claim)
        windows: list[tuple[Window, _Groups]]
        if self._behavior is Behavior.FIXED:
            windows = [(None, _groups(claim.figures, None))]
        else:
            windows = [
                (window, _groups(_Table.build(f for f in members if f.is_figure), None))
                for window, members in time_windows(facts)
            ]
        self._finish(claim, windows, _all_conflicts(facts, self._behavior, self._value_type))

    def _updated_windows(
        self, claim: _Claim, gone: Sequence[Facts], came: Sequence[Facts]
    ) -> list[tuple[Window, _Groups]]:
        if self._behavior is Behavior.FIXED:
            return [(None, _groups(claim.figures, self._windows[0][1]))]
        dirty = {f.id for f in gone} | {f.id for f in came}
        windows: list[tuple[Window, _Groups]] = []
        for window, members in time_windows(_facts_of(claim)):
            figures = [f for f in members if f.is_figure]
            old = _matching(self._windows, window)
            if old is None:
                windows.append((window, _groups(_Table.build(figures), None)))
                continue
            before = set(old.table.ids.tolist())
            now = {f.id for f in figures}
            drop = sorted((before - now) | (before & dirty))
            add = [f for f in figures if f.id not in before or f.id in dirty]
            if len(drop) + len(add) > MANY_CHANGES:
                windows.append((window, _groups(_Table.build(figures), None)))
            else:
                windows.append((window, _groups(old.table.patched(drop, add), old)))
        return windows

    def _finish(
        self, claim: _Claim, windows: list[tuple[Window, _Groups]], conflicts: _Conflicts
    ) -> None:
        if self._behavior is Behavior.FIXED:  # one table: patched once, groups kept
            claim = replace(claim, figures=windows[0][1].table)
        self._claim, self._windows, self._conflicts = claim, windows, conflicts
        self._result = Assessment(
            windows=tuple(
                WindowAssessment(window, g.groups[0] if g.groups else None, g.groups)
                for window, g in windows
            ),
            conflicts=conflicts.found,
            undisclosed=tuple(claim.undisclosed),
            denials=tuple(claim.denials),
            conflicts_total=conflicts.total,
            conflicts_complete=conflicts.exact,
        )


def _facts_of(claim: _Claim) -> list[Facts]:
    return [claim.by_id[i] for i in claim.ids]


def _matching(windows: Sequence[tuple[Window, _Groups]], window: Window) -> _Groups | None:
    """The old window's groups to start from: the largest old window overlapping it."""
    best: _Groups | None = None
    for old_window, groups in windows:
        overlaps = (
            old_window is None
            or window is None
            or (old_window[0] <= window[1] and window[0] <= old_window[1])
        )
        if overlaps and (best is None or len(groups.table.ids) > len(best.table.ids)):
            best = groups
    return best


def _patched_claim(old: _Claim, gone: Sequence[Facts], came: Sequence[Facts]) -> _Claim:
    by_id = dict(old.by_id)
    ids, denials, texts = list(old.ids), list(old.denials), list(old.texts)
    undisclosed = list(old.undisclosed)
    for f in gone:
        del by_id[f.id]
        ids.pop(bisect_left(ids, f.id))
        for kept, yes in (
            (denials, f.stance is Stance.DENIES),
            (texts, f.is_figure and f.text is not None),
            (undisclosed, f.stance is Stance.UNDISCLOSED),
        ):
            if yes:
                kept.pop(bisect_left(kept, f.id))
    for f in came:
        by_id[f.id] = f
        insort(ids, f.id)
        if f.stance is Stance.DENIES:
            insort(denials, f.id)
        if f.is_figure and f.text is not None:
            insort(texts, f.id)
        if f.stance is Stance.UNDISCLOSED:
            insort(undisclosed, f.id)
    figures = old.figures.patched(
        [f.id for f in gone if f.is_figure], [f for f in came if f.is_figure]
    )
    return _Claim(by_id, ids, figures, denials, texts, undisclosed)
