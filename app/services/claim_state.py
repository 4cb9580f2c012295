"""Large claims kept in memory between writes, so one changed assertion is reassessed
without reading and assessing the other ten thousand again.

A ``ClaimState`` holds a claim's live rows, their facts, the incremental assessment of
them (app/domain/incremental.py) and each timeline entry's JSON, as of the rows read for
its last computation. It is brought up to date only when that is provably exact:

- every stale mark since then names its assertion (a mark without one, from a write to
  the claim, a source, an outlet or a document, means anything may have changed);
- the stored assessment is one this state computed (its ``token``), or the one it started
  from: then every mark deleted since was read by this state, so the marks still in the
  database, less those it already read, are exactly the writes it has not seen.

Otherwise (another process stored the claim, the rules changed, the state was evicted)
the claim is computed from all its rows and a new state replaces the old one. The
marks and the stored token are read in one statement (one snapshot of both), before
the rows (see ``assessment_store.read_marks`` and ``store``).
"""

from __future__ import annotations

import threading
import uuid
import weakref
from bisect import bisect_left, bisect_right
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.db.evidence_rows import live_assertion_rows_by_id
from app.db.models import Claim
from app.domain.compare import Facts
from app.domain.incremental import IncrementalAssessment
from app.services import assessment_views as views
from app.services.conflict_rows import conflict_row
from app.services.evidence import AssertionLike, Evidence, evidence, voice_name_of


@dataclass
class _Voices:
    """Each voice's name as ``evidence`` gives it: its own name (a source's, an outlet's
    own voice) when any live fact has it, else the syndicated one."""

    own: dict[str, str] = field(default_factory=dict)
    other: dict[str, str] = field(default_factory=dict)
    count: Counter[tuple[str, bool]] = field(default_factory=Counter)
    of: dict[int, tuple[str, str, bool]] = field(default_factory=dict)  # fact id -> voice

    def add(self, ev: Evidence, fact: Facts) -> None:
        name, own = voice_name_of(ev, fact)
        self.of[fact.id] = (fact.voice, name, own)
        self.count[fact.voice, own] += 1
        (self.own if own else self.other)[fact.voice] = name

    def drop(self, fact_id: int) -> None:
        voice, _, own = self.of.pop(fact_id)
        self.count[voice, own] -= 1
        if not self.count[voice, own]:
            del self.count[voice, own]
            (self.own if own else self.other).pop(voice)

    def names(self) -> dict[str, str]:
        return self.other | self.own


_CLAIM_COLUMNS = sa.inspect(Claim).column_attrs
_BLOCK = 128  # timeline entries joined together
_FIRST = -(2**63)  # below every id


class _Blocks:
    """The timeline's JSON entries joined in blocks of facts with consecutive ids, each
    joined again only when one of its entries changed: an answer then copies a hundred
    blocks rather than ten thousand entries. Block b holds the facts with ids from
    ``starts[b]`` up to the next start."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.joined: dict[int, bytes] = {}

    def changed(self, fact_id: int) -> None:
        if self.starts:
            self.joined.pop(bisect_right(self.starts, fact_id) - 1, None)

    def parts(self, ids: Sequence[int], entries: dict[int, bytes]) -> list[bytes]:
        """The non-empty blocks of ``ids``' ``entries``, in order: the timeline's JSON
        array holds them, comma-separated."""
        if not self.starts:
            self.starts, self.joined = [_FIRST, *ids[_BLOCK::_BLOCK]], {}
        starts, found = self.starts, []
        for b, start in enumerate(starts):
            block = self.joined.get(b)
            if block is None:
                low = bisect_left(ids, start)
                high = bisect_left(ids, starts[b + 1]) if b + 1 < len(starts) else len(ids)
                if high - low > 4 * _BLOCK:  # grown by additions: cut anew
                    self.starts = []
                    return self.parts(ids, entries)
                block = self.joined[b] = b",".join(map(entries.__getitem__, ids[low:high]))
            if block:
                found.append(block)
        return found


class ClaimState:
    """One claim's rows, facts, assessment and timeline JSON as of its last computation."""

    def __init__(self, ev: Evidence, base: str | None) -> None:
        # A copy in no session: nothing can expire or reload it while it is held.
        self.claim = Claim(**{a.key: getattr(ev.claim, a.key) for a in _CLAIM_COLUMNS})
        self.rows: dict[int, AssertionLike] = dict(ev.rows)
        self.excluded = set(ev.excluded)
        self.assessment = IncrementalAssessment(ev.facts, ev.claim.behavior, ev.claim.value_type)
        self.voices = _Voices()
        for fact in ev.facts:
            self.voices.add(ev, fact)
        self.names = self.voices.names()
        # Each fact's timeline entry as JSON, written with these consensus and voice names.
        self.entries: dict[int, bytes] = {}
        self.blocks = _Blocks()
        self.written: tuple[set[int], dict[str, str]] = (set(), self.names)
        self.voice_lists: dict[int, tuple[tuple[int, ...], list[str]]] = {}
        self.conflicts: dict[tuple[int, int], dict[str, object]] = {}  # by pair
        # Each computation from this state is numbered; the store it started from is 0.
        self.computations = 0
        self.lineage: dict[str | None, int] = {base: 0}  # token -> computation
        self.consumed: dict[int, int] = {}  # mark read -> the computation that first read it
        self.lock = threading.Lock()

    @property
    def size(self) -> int:
        return len(self.rows)

    def knows(self, stored_token: str | None, created_at: datetime) -> bool:
        """Whether the stored assessment is one this state computed or the one it started
        from (none, for the same claim: a claim purged and its id given again, or a
        database emptied, is another claim, created at another time)."""
        if stored_token is None and created_at != self.claim.created_at:
            return False
        return stored_token in self.lineage

    def unseen(
        self, stored_token: str | None, marks: Sequence[tuple[int, int | None]]
    ) -> set[int | None]:
        """The assertions of the ``marks`` this state has not read yet (None: a mark that
        names none), the store holding ``stored_token`` (which ``knows``).

        A computation's store deletes every mark that computation read, which includes
        every mark an earlier one read and did not delete: so once the store holds the
        n-th computation, the marks read up to it are gone (and SQLite may give their ids
        again), and the others read since are still there."""
        upto = self.lineage[stored_token]
        if upto:
            self.consumed = {m: n for m, n in self.consumed.items() if n > upto}
            self.lineage = {t: n for t, n in self.lineage.items() if n >= upto}
        return {a for m, a in marks if m not in self.consumed}

    def read(self, marks: Sequence[tuple[int, int | None]]) -> str:
        """The next computation reads ``marks``: its token, to store it under."""
        self.computations += 1
        for mark, _ in marks:
            self.consumed.setdefault(mark, self.computations)
        token = new_token()
        self.lineage[token] = self.computations
        return token

    def patch(self, session: Session, changed: set[int]) -> None:
        """Reload the ``changed`` assertions (inserted, updated, deleted or moved) and
        bring the facts, voices and assessment up to date with them."""
        found = [
            r for r in live_assertion_rows_by_id(session, sorted(changed))
            if r.claim_id == self.claim.id
        ]  # fmt: skip
        gone = set(changed) - {r.id for r in found}
        voiced: dict[int, str] = {}  # the voice of each changed fact, before
        for assertion in changed:
            if self.rows.pop(assertion, None) is not None:
                self.excluded.discard(assertion)
                if assertion in self.voices.of:
                    voiced[assertion] = self.voices.of[assertion][0]
                    self.voices.drop(assertion)
                self.entries.pop(assertion, None)
                self.blocks.changed(assertion)
        if changed:
            self.conflicts = {
                pair: row for pair, row in self.conflicts.items()
                if pair[0] not in changed and pair[1] not in changed
            }  # fmt: skip
        part = evidence(session, self.claim, found)
        for row in found:
            self.rows[row.id] = row
        self.excluded.update(part.excluded)
        for fact in part.facts:
            self.voices.add(part, fact)
        if any(voiced.get(f.id, f.voice) != f.voice for f in part.facts):
            self.voice_lists.clear()  # a group kept by the update holds none of them; still
        names = self.voices.names()
        self.names = names  # a voice whose name changed has its entries written anew
        facts = {f.id for f in part.facts}
        removed = gone | {r.id for r in found if r.id not in facts}  # excluded now
        self.assessment.update(part.facts, removed)

    def outputs(self) -> tuple[tuple[bytes, ...], list[dict[str, object]]]:
        """The assessment's JSON (conflicts left out, as stored) in parts to join (the
        first holds the conflicts' slot), and its conflicts as stored
        (``assessment_store.conflict_row``, rank left out). Timeline entries are written
        again only for changed facts, facts that joined or left the consensus, and facts
        of a voice whose name changed; conflicts only when one of their rows changed (the
        pair's facts are all a conflict depends on, with the claim's)."""
        assessment = self.assessment
        result = assessment.result
        ids = assessment.ids
        in_consensus = views.consensus_ids(result)
        entries = self.entries
        stale = in_consensus ^ self.written[0]
        if self.names != self.written[1]:
            before, now = self.written[1], self.names
            renamed = {v for v in before.keys() | now.keys() if before.get(v) != now.get(v)}
            stale.update(i for i, (voice, _, _) in self.voices.of.items() if voice in renamed)
            self.voice_lists.clear()
        redo = set(ids).difference(entries).union(stale)  # few: found by bisection
        missing = []
        for i in sorted(redo):
            at = bisect_left(ids, i)
            if at < len(ids) and ids[at] == i:  # else a fact no more
                missing.append(assessment.fact(i))
                self.blocks.changed(i)
        ev = Evidence(self.claim, self.rows, missing, sorted(self.excluded), self.names)
        if missing:
            written = views.timeline_json(ev, in_consensus)
            entries.update(zip([f.id for f in missing], written, strict=True))
        self.written = (in_consensus, self.names)
        head = views.assessment_head(ev, result, self._voices)
        blocks = self.blocks.parts(ids, entries)
        timeline = [b","] * (2 * len(blocks) - 1) if blocks else []
        timeline[::2] = blocks
        groups = {id(g.supporting) for w in result.windows for g in w.groups}
        self.voice_lists = {k: v for k, v in self.voice_lists.items() if k in groups}
        return (head, b"[", *timeline, b"]}"), self._conflict_rows(ev)

    def _voices(self, ids: tuple[int, ...]) -> list[str]:
        """``views.voices_of``, remembered for the groups an update kept: the very same
        tuple (held here, so its id is not given to another) of unchanged facts."""
        known = self.voice_lists.get(id(ids))
        if known is not None and known[0] is ids:
            return known[1]
        names, of = self.names, self.voices.of
        found = sorted({names.get(v, v) for v in {of[i][0] for i in ids}})
        self.voice_lists[id(ids)] = (ids, found)
        return found

    def _conflict_rows(self, ev: Evidence) -> list[dict[str, object]]:
        known = self.conflicts
        conflicts = self.assessment.result.conflicts
        missing = [c for c in conflicts if (c.a, c.b) not in known]
        if missing:
            bodies = views.conflicts_json(ev, missing)
            for conflict, json in zip(missing, bodies, strict=True):
                known[conflict.a, conflict.b] = conflict_row(ev, conflict, json)
        found = [known[c.a, c.b] for c in conflicts]
        self.conflicts = {(c.a, c.b): row for c, row in zip(conflicts, found, strict=True)}
        return found


class ClaimStates:
    """The states of the largest recently computed claims, least recently used evicted
    first, holding at most ``capacity`` assertions in all."""

    def __init__(self, capacity: int, smallest: int) -> None:
        self.capacity = capacity
        self.smallest = smallest
        self._states: OrderedDict[int, ClaimState] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    def wanted(self, size: int) -> bool:
        return self.smallest <= size <= self.capacity

    def get(self, claim_id: int) -> ClaimState | None:
        with self._lock:
            state = self._states.get(claim_id)
            if state is not None:
                self._states.move_to_end(claim_id)
            return state

    def put(self, claim_id: int, state: ClaimState) -> None:
        with self._lock:
            old = self._states.pop(claim_id, None)
            if old is not None:
                self._held -= old.size
            self._states[claim_id] = state
            self._held += state.size
            while self._held > self.capacity and len(self._states) > 1:
                _, evicted = self._states.popitem(last=False)
                self._held -= evicted.size

    def drop(self, claim_id: int) -> None:
        with self._lock:
            old = self._states.pop(claim_id, None)
            if old is not None:
                self._held -= old.size

    def resize(self, claim_id: int, before: int, after: int) -> None:
        with self._lock:
            if claim_id in self._states:
                self._held += after - before

    def __len__(self) -> int:
        return len(self._states)


def new_token() -> str:
    return uuid.uuid4().hex


_REGISTRY: weakref.WeakKeyDictionary[Engine, ClaimStates] = weakref.WeakKeyDictionary()


def enable(engine: Engine, *, capacity: int, smallest: int) -> None:
    """Keep large claims' states for reads through ``engine`` (the server's): up to
    ``capacity`` assertions in all, of claims with at least ``smallest``."""
    if capacity > 0:
        _REGISTRY[engine] = ClaimStates(capacity, smallest)
    else:
        _REGISTRY.pop(engine, None)


def states_for(engine: Engine) -> ClaimStates | None:
    return _REGISTRY.get(engine)
