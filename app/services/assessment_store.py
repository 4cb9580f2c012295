"""Stored assessments: each claim's assessment is computed once and served until a write
marks the claim stale.

Database triggers (migration 5b1e0c3a7d21) mark a claim in ``stale_claims`` in the
transaction of every write to what its assessment reads, whichever path wrote it. A read
of a stale claim computes the assessment from the rows, answers with it and stores it
(``claim_assessments``, and one ``claim_conflicts`` row per conflicting pair) in a short
transaction of its own, deleting the marks it read before reading the rows and no other:
a write that raced the computation leaves its own mark, so a stored assessment never
outlives the evidence it was computed from. Marks are only ever inserted, so writers
never wait on one another for them.
"""

from __future__ import annotations

import hashlib
import importlib
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.orm import Session, aliased

from app.db import queries
from app.db.engine import make_engine
from app.db.evidence_rows import AssertionBrief, gc_paused, live_assertion_rows
from app.db.models import (
    Assertion,
    Claim,
    ClaimAssessment,
    ClaimConflict,
    Document,
    StaleClaim,
    StaleDocument,
)
from app.domain.assessment import assess
from app.domain.compare import Conflict
from app.progress import QUIET, Ticker
from app.services import assessment_views as views
from app.services.claim_state import ClaimState, ClaimStates, new_token, states_for
from app.services.conflict_rows import conflict_row
from app.services.evidence import Evidence, evidence

# Where a stored body takes its conflicts back (the top-level key occurs once: a string
# holding these characters is escaped in JSON).
CONFLICTS_SLOT = '"conflicts":[]'
_CONFLICTS_SLOT_BYTES = CONFLICTS_SLOT.encode()
BATCH = 200  # claims computed per read and stored per transaction

# The code an assessment depends on; a stored assessment computed by other code is stale.
_RULE_MODULES = (
    "app.domain", "app.db.evidence_rows", "app.services.evidence",
    "app.services.assessment_views", "app.services.assessment_store",
    "app.schemas.assessment", "app.schemas.views",
)  # fmt: skip


def _rules_digest() -> str:
    digest = hashlib.sha256()
    for name in _RULE_MODULES:
        module = importlib.import_module(name)
        path = Path(module.__file__ or "")
        files = [path]
        if path.name == "__init__.py":  # a package: its code and data (lexicons)
            files = sorted(f for f in path.parent.rglob("*") if f.suffix in {".py", ".toml"})
        for file in files:
            digest.update(file.relative_to(path.parent).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


RULES = _rules_digest()
_RULES_CHECKED: set[tuple[URL, str]] = set()


def check_rules(engine: Engine) -> None:
    """Once per process and database: mark stale the claims whose stored assessment was
    computed by other rules (an earlier release)."""
    key = (engine.url, RULES)
    if key in _RULES_CHECKED:
        return
    with engine.begin() as conn:
        outdated = sa.select(ClaimAssessment.claim_id).where(ClaimAssessment.rules != RULES)
        conn.execute(sa.insert(StaleClaim).from_select(["claim_id"], outdated))
    _RULES_CHECKED.add(key)


@dataclass(frozen=True, slots=True)
class Computed:
    """A claim's assessment as stored: the body without conflicts, the conflicts, and the
    token naming this computation."""

    claim_id: int
    # The body as written, in parts to join: the first holds the conflicts' slot. Joined
    # once for the answer (with its conflicts), once more to be stored, after it.
    parts: tuple[bytes, ...]
    conflicts: list[dict[str, object]]  # claim_conflicts rows, most severe first, unranked
    token: str

    @property
    def body(self) -> bytes:
        return b"".join(self.parts)

    def json(self, conflict_limit: int) -> bytes:
        bodies = [str(c["body"]).encode() for c in self.conflicts[:conflict_limit]]
        listed = b'"conflicts":[' + b",".join(bodies) + b"]"
        return b"".join((self.parts[0].replace(_CONFLICTS_SLOT_BYTES, listed, 1), *self.parts[1:]))


def with_conflicts(body: str, conflicts: Sequence[str]) -> str:
    return body.replace(CONFLICTS_SLOT, '"conflicts":[' + ",".join(conflicts) + "]", 1)


@dataclass(frozen=True, slots=True)
class Marks:
    """A claim's stale marks as read before computing it: (mark id, assertion id) pairs,
    the assertion None when the mark names none (anything may have changed); with the
    token of its stored assessment and its creation time, read in the same statement."""

    pairs: list[tuple[int, int | None]]
    token: str | None = None
    created_at: datetime | None = None

    @property
    def ids(self) -> list[int]:
        return [mark for mark, _ in self.pairs]


def compute(
    session: Session,
    claim_ids: Sequence[int],
    *,
    marks: dict[int, Marks] | None = None,
    states: ClaimStates | None = None,
) -> list[Computed]:
    """The assessments of ``claim_ids`` from the rows, as they are stored.

    With ``states`` (and the ``marks`` read before calling), a large claim held there is
    brought up to date from its marked assertions alone when that is exact (see
    app/services/claim_state.py), and a large claim computed in full is held there."""
    with gc_paused():  # many small objects, no cycles: the cyclic collector only costs
        if states is None or marks is None:
            return _compute(session, claim_ids)
        return _compute_with(session, claim_ids, marks, states)


def _compute_with(
    session: Session, claim_ids: Sequence[int], marks: dict[int, Marks], states: ClaimStates
) -> list[Computed]:
    found: dict[int, Computed] = {}
    full = []
    for claim_id in claim_ids:
        state = states.get(claim_id)
        mine = marks.get(claim_id)
        if state is None or mine is None or mine.created_at is None:
            full.append(claim_id)
            continue
        with state.lock:
            if state.knows(mine.token, mine.created_at):
                try:
                    patched = _patched(session, state, mine, states)
                except BaseException:
                    states.drop(claim_id)  # half patched: of no more use
                    raise
                if patched is not None:
                    found[claim_id] = patched
                    continue
            states.drop(claim_id)
            full.append(claim_id)
    if full:
        held = partial(_held, states=states, marks=marks)
        for computed in _compute(session, full, held):
            found[computed.claim_id] = computed
    return [found[c] for c in claim_ids if c in found]


def _patched(
    session: Session, state: ClaimState, mine: Marks, states: ClaimStates
) -> Computed | None:
    """The claim's assessment from ``state`` brought up to date with the marks it has
    not read yet, None when one of them names no assertion."""
    changed = state.unseen(mine.token, mine.pairs)
    if None in changed:
        return None
    before = state.size
    token = state.read(mine.pairs)
    state.patch(session, changed)  # type: ignore[arg-type]  # None is not in it
    states.resize(state.claim.id, before, state.size)
    return _from_state(state, token)


def _held(ev: Evidence, *, states: ClaimStates, marks: dict[int, Marks]) -> Computed | None:
    """A large claim computed in full through a new state, held in ``states``; None for
    a claim too small to hold."""
    mine = marks.get(ev.claim.id)
    if mine is None or not states.wanted(len(ev.rows)):
        return None
    state = ClaimState(ev, mine.token)
    with state.lock:
        computed = _from_state(state, state.read(mine.pairs))
    states.put(ev.claim.id, state)
    return computed


def _from_state(state: ClaimState, token: str) -> Computed:
    parts, rows = state.outputs()
    return Computed(state.claim.id, parts, rows, token)


def _compute(
    session: Session,
    claim_ids: Sequence[int],
    held: Callable[[Evidence], Computed | None] | None = None,
) -> list[Computed]:
    claims = queries.load_claims(session, list(claim_ids))
    by_claim: dict[int, list[AssertionBrief]] = {claim_id: [] for claim_id in claims}
    for row in live_assertion_rows(session, list(claims)):
        by_claim[row.claim_id].append(row)
    found = []
    for claim_id, rows in by_claim.items():
        ev = evidence(session, claims[claim_id], rows)
        if held is not None and (computed := held(ev)) is not None:
            found.append(computed)
            continue
        result = assess(ev.facts, ev.claim.behavior, ev.claim.value_type)
        body = views.assessment_json(ev, result, conflict_limit=0)
        conflicts = views.conflicts_json(ev, result.conflicts)
        found.append(_computed(ev, result.conflicts, conflicts, body, new_token()))
    return found


def _computed(
    ev: Evidence, conflicts: Sequence[Conflict], bodies: Sequence[bytes], body: bytes, token: str
) -> Computed:
    rows = [conflict_row(ev, c, json) for c, json in zip(conflicts, bodies, strict=True)]
    return Computed(ev.claim.id, (body,), rows, token)


def store(engine: Engine, computed: Sequence[Computed], marks: dict[int, Marks]) -> int:
    """Store what was computed, in one transaction; returns how many were stored.

    ``marks`` holds each claim's stale marks as read before computing. A claim is stored,
    and those marks deleted, only when all of them are still there and no other: a claim
    marked again since (a write came in between) is left as it is, stale; one whose marks
    are gone was stored meanwhile by a computation that read them, maybe a later one.
    So every write not in the stored assessment keeps its mark (what claim_state.py
    relies on), and an older computation never overwrites a newer one.
    """
    if not computed:
        return 0
    with engine.begin() as conn:
        kept = [c for c in computed if _unmark(conn, c.claim_id, marks.get(c.claim_id))]
        if not kept:
            return 0
        ids = [c.claim_id for c in kept]
        conn.execute(sa.delete(ClaimConflict).where(ClaimConflict.claim_id.in_(ids)))
        conn.execute(sa.delete(ClaimAssessment).where(ClaimAssessment.claim_id.in_(ids)))
        assessments = [
            {
                "claim_id": c.claim_id,
                "body": c.body.decode(),
                "rules": RULES,
                "conflict_count": len(c.conflicts),
                "token": c.token,
            }
            for c in kept
        ]
        conn.execute(sa.insert(ClaimAssessment), assessments)
        # Ranked here, after the answer: the rows of a held claim are shared with its state.
        rows = [row | {"rank": rank} for c in kept for rank, row in enumerate(c.conflicts)]
        if rows:
            conn.execute(sa.insert(ClaimConflict), rows)
    return len(kept)


# The marks, the stored assessment's token and the claim's creation time in one
# statement: one snapshot of them (see claim_state.py), also on PostgreSQL.
_MARKS = (
    sa.select(Claim.id, Claim.created_at, ClaimAssessment.token, StaleClaim.id.label("mark"),
              StaleClaim.assertion_id)
    .outerjoin(ClaimAssessment, ClaimAssessment.claim_id == Claim.id)
    .outerjoin(StaleClaim, StaleClaim.claim_id == Claim.id)
    .where(Claim.id.in_(sa.bindparam("ids", expanding=True)))
)  # fmt: skip


def read_marks(conn: Connection | Session, claim_ids: Sequence[int]) -> dict[int, Marks]:
    """The stale marks of ``claim_ids`` (of those that exist), by claim, in id order."""
    found: dict[int, Marks] = {}
    ordered = sorted(set(claim_ids))
    for start in range(0, len(ordered), 1000):
        params = {"ids": ordered[start : start + 1000]}
        for claim_id, created_at, token, mark, assertion in conn.execute(_MARKS, params):
            mine = found.get(claim_id)
            if mine is None:
                mine = found[claim_id] = Marks([], token, created_at)
            if mark is not None:
                mine.pairs.append((mark, assertion))
    for mine in found.values():
        mine.pairs.sort()
    return found


def _dialect(conn: Connection | Session) -> str:
    return conn.get_bind().dialect.name if isinstance(conn, Session) else conn.dialect.name


def _unmark(conn: Connection, claim_id: int, seen: Marks | None) -> bool:
    """Delete the claim's marks read before computing, when they are all still there
    and it has no other; else delete none: False."""
    ids = seen.ids if seen else []
    mine = StaleClaim.claim_id == claim_id
    if conn.dialect.name == "sqlite":
        # One statement: SQLite's one writer at a time makes it all or nothing. With ids
        # given out in commit order, "all read still there" is "the highest still there".
        if not ids:
            others = conn.scalar(sa.select(StaleClaim.id).where(mine).limit(1))
            return others is None
        top = max(ids)
        other = aliased(StaleClaim)  # not correlated with the row being deleted
        done = conn.execute(
            sa.delete(StaleClaim).where(
                mine,
                StaleClaim.id <= top,
                sa.exists().where(other.id == top),
                ~sa.exists().where(other.claim_id == claim_id, other.id > top),
            )
        )
        return bool(done.rowcount)
    # PostgreSQL: ids are not given out in commit order; delete exactly those read, and
    # take it back (a savepoint) unless all of them were there and no other is.
    with conn.begin_nested() as savepoint:
        deleted = 0
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            deleted += conn.execute(sa.delete(StaleClaim).where(StaleClaim.id.in_(chunk))).rowcount
        if (
            deleted == len(ids)
            and conn.scalar(sa.select(StaleClaim.id).where(mine).limit(1)) is None
        ):
            return True
        savepoint.rollback()
    return False


def expand_stale_documents(engine: Engine) -> None:
    """Turn document marks into claim marks: the claims of the document's assertions and
    of every document that copies it, however long the syndication chain."""
    with engine.connect() as conn:
        marks = conn.execute(sa.select(StaleDocument.id, StaleDocument.document_id)).all()
    if not marks:
        return
    reached = {m.document_id for m in marks}
    frontier = set(reached)
    with engine.begin() as conn:
        while frontier:
            copies = set(
                conn.scalars(sa.select(Document.id).where(Document.duplicate_of_id.in_(frontier)))
            )
            frontier = copies - reached
            reached |= copies
        documents = sorted(reached)
        for start in range(0, len(documents), 500):
            claims = (
                sa.select(Assertion.claim_id)
                .where(Assertion.document_id.in_(documents[start : start + 500]))
                .distinct()
            )
            conn.execute(sa.insert(StaleClaim).from_select(["claim_id"], claims))
        for start in range(0, len(marks), 5000):
            ids = [m.id for m in marks[start : start + 5000]]
            conn.execute(sa.delete(StaleDocument).where(StaleDocument.id.in_(ids)))


def refresh(
    engine: Engine,
    claim_ids: Sequence[int] | None = None,
    *,
    progress: Ticker = QUIET,
    jobs: int = 1,
    states: ClaimStates | None = None,
) -> int:
    """Compute and store the assessment of every stale claim (of ``claim_ids`` only, when
    given); returns how many were stored. Claims marked again by a write during the run
    are left stale for the next one. ``jobs`` > 1 computes batches in that many worker
    processes (the work is CPU-bound Python; each worker stores its own batches).
    ``states``: see ``compute``; by default those the server keeps for ``engine``
    (``claim_state.enable``), if any (one process only)."""
    states = states or states_for(engine)
    check_rules(engine)
    expand_stale_documents(engine)
    batches = _stale_batches(engine, claim_ids)
    if jobs <= 1:
        stored = 0
        for batch in batches:
            stored += refresh_batch(engine, batch, states)
            progress.advance(len(batch))
        return stored
    url = engine.url.render_as_string(hide_password=False)
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: dict[Future[int], int] = {}
        stored = 0
        for batch in batches:
            pending[pool.submit(_refresh_batch_at, url, batch)] = len(batch)
            while len(pending) >= 2 * jobs:  # a bounded queue: memory stays flat
                stored += _collect(pending, progress)
        while pending:
            stored += _collect(pending, progress)
    return stored


def _stale_batches(engine: Engine, claim_ids: Sequence[int] | None) -> Iterator[list[int]]:
    """The stale claims in batches, by id, each read when the previous one is taken."""
    after = 0
    while True:
        stmt = sa.select(StaleClaim.claim_id).where(StaleClaim.claim_id > after)
        if claim_ids is not None:
            stmt = stmt.where(StaleClaim.claim_id.in_(list(claim_ids)))
        stmt = stmt.group_by(StaleClaim.claim_id).order_by(StaleClaim.claim_id).limit(BATCH)
        with engine.connect() as conn:
            batch = list(conn.scalars(stmt))
        if not batch:
            return
        yield batch
        # Marks of claims purged meanwhile went with the claim (ON DELETE CASCADE).
        after = batch[-1]


def refresh_batch(engine: Engine, claim_ids: list[int], states: ClaimStates | None = None) -> int:
    """Compute and store the assessments of ``claim_ids``: how many were stored."""
    with Session(engine) as session:
        marks = read_marks(session, claim_ids)  # before the rows: see store()
        computed = compute(session, claim_ids, marks=marks, states=states)
    return store(engine, computed, marks)


_WORKER_ENGINES: dict[str, Engine] = {}


def _refresh_batch_at(url: str, claim_ids: list[int]) -> int:
    """``refresh_batch`` in a worker process, on an engine of its own per database."""
    engine = _WORKER_ENGINES.get(url)
    if engine is None:
        engine = _WORKER_ENGINES[url] = make_engine(url)
    return refresh_batch(engine, claim_ids)


def _collect(pending: dict[Future[int], int], progress: Ticker) -> int:
    done, _ = wait(pending, return_when=FIRST_COMPLETED)
    stored = 0
    for future in done:
        stored += future.result()
        progress.advance(pending.pop(future))
    return stored


def stale_count(session: Session) -> int:
    """How many claims are marked stale."""
    return session.scalar(sa.select(sa.func.count(sa.distinct(StaleClaim.claim_id)))) or 0
