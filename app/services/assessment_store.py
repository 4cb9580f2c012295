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
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.orm import Session

from app.db import queries
from app.db.engine import make_engine
from app.db.evidence_rows import AssertionBrief, gc_paused, live_assertion_rows
from app.db.models import (
    Assertion,
    ClaimAssessment,
    ClaimConflict,
    Document,
    StaleClaim,
    StaleDocument,
)
from app.domain.assessment import assess
from app.progress import QUIET, Ticker
from app.services import assessment_views as views
from app.services.evidence import evidence

# Where a stored body takes its conflicts back (the top-level key occurs once: a string
# holding these characters is escaped in JSON).
CONFLICTS_SLOT = '"conflicts":[]'
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
    """A claim's assessment as stored: the body without conflicts, and the conflicts."""

    claim_id: int
    body: str
    conflicts: list[dict[str, object]]

    def json(self, conflict_limit: int) -> str:
        return with_conflicts(self.body, [str(c["body"]) for c in self.conflicts[:conflict_limit]])


def with_conflicts(body: str, conflicts: Sequence[str]) -> str:
    return body.replace(CONFLICTS_SLOT, '"conflicts":[' + ",".join(conflicts) + "]", 1)


def compute(session: Session, claim_ids: Sequence[int]) -> list[Computed]:
    """The assessments of ``claim_ids`` from the rows, as they are stored."""
    with gc_paused():  # many small objects, no cycles: the cyclic collector only costs
        return _compute(session, claim_ids)


def _compute(session: Session, claim_ids: Sequence[int]) -> list[Computed]:
    claims = queries.load_claims(session, list(claim_ids))
    by_claim: dict[int, list[AssertionBrief]] = {claim_id: [] for claim_id in claims}
    for row in live_assertion_rows(session, list(claims)):
        by_claim[row.claim_id].append(row)
    found = []
    for claim_id, rows in by_claim.items():
        ev = evidence(session, claims[claim_id], rows)
        result = assess(ev.facts, ev.claim.behavior, ev.claim.value_type)
        body = views.assessment_json(ev, result, conflict_limit=0).decode()
        conflicts: list[dict[str, object]] = []
        bodies = views.conflicts_json(ev, result.conflicts)
        for rank, (conflict, json) in enumerate(zip(result.conflicts, bodies, strict=True)):
            a, b = ev.rows[conflict.a], ev.rows[conflict.b]
            severity = round(conflict.severity, 4)  # as the view shows it
            conflicts.append(
                {
                    "claim_id": claim_id,
                    "rank": rank,
                    "sort_key": -severity,
                    "severity": severity,
                    "a_id": a.id,
                    "b_id": b.id,
                    "outlet_a": a.document.outlet_id,
                    "outlet_b": b.document.outlet_id,
                    "source_a": a.source_id,
                    "source_b": b.source_id,
                    "body": json.decode(),
                }
            )
        found.append(Computed(claim_id, body, conflicts))
    return found


def store(engine: Engine, computed: Sequence[Computed], marks: dict[int, list[int]]) -> int:
    """Store what was computed, in one transaction; returns how many were stored.

    ``marks`` holds the ids of each claim's stale marks as read before computing. Those
    are deleted; a claim marked again since (a write came in between) is not stored,
    and stays stale.
    """
    if not computed:
        return 0
    with engine.begin() as conn:
        kept = [c for c in computed if _unmark(conn, c.claim_id, marks.get(c.claim_id, []))]
        if not kept:
            return 0
        ids = [c.claim_id for c in kept]
        conn.execute(sa.delete(ClaimConflict).where(ClaimConflict.claim_id.in_(ids)))
        conn.execute(sa.delete(ClaimAssessment).where(ClaimAssessment.claim_id.in_(ids)))
        assessments = [
            {
                "claim_id": c.claim_id,
                "body": c.body,
                "rules": RULES,
                "conflict_count": len(c.conflicts),
            }
            for c in kept
        ]
        conn.execute(sa.insert(ClaimAssessment), assessments)
        rows = [row for c in kept for row in c.conflicts]
        if rows:
            conn.execute(sa.insert(ClaimConflict), rows)
    return len(kept)


def read_marks(conn: Connection | Session, claim_ids: Sequence[int]) -> dict[int, list[int]]:
    """The stale marks of ``claim_ids``, by claim. On SQLite the highest id stands for all
    up to it: with one writer at a time, no lower id can still be uncommitted."""
    if not claim_ids:
        return {}
    found: dict[int, list[int]] = {}
    if _dialect(conn) == "sqlite":
        stmt = sa.select(StaleClaim.claim_id, sa.func.max(StaleClaim.id)).group_by(
            StaleClaim.claim_id
        )
    else:
        stmt = sa.select(StaleClaim.claim_id, StaleClaim.id)
    for claim_id, mark in conn.execute(stmt.where(StaleClaim.claim_id.in_(list(claim_ids)))):
        found.setdefault(claim_id, []).append(mark)
    return found


def _dialect(conn: Connection | Session) -> str:
    return conn.get_bind().dialect.name if isinstance(conn, Session) else conn.dialect.name


def _unmark(conn: Connection, claim_id: int, seen: list[int]) -> bool:
    """Delete the marks read before computing; False when the claim has others now."""
    mine = StaleClaim.claim_id == claim_id
    if seen and conn.dialect.name == "sqlite":
        conn.execute(sa.delete(StaleClaim).where(mine, StaleClaim.id <= max(seen)))
    elif seen:
        # Exactly those read: a lower id may belong to a transaction that was still open
        # then, whose write the computation did not see.
        for start in range(0, len(seen), 5000):
            chunk = seen[start : start + 5000]
            conn.execute(sa.delete(StaleClaim).where(mine, StaleClaim.id.in_(chunk)))
    return conn.scalar(sa.select(StaleClaim.id).where(mine).limit(1)) is None


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
) -> int:
    """Compute and store the assessment of every stale claim (of ``claim_ids`` only, when
    given); returns how many were stored. Claims marked again by a write during the run
    are left stale for the next one. ``jobs`` > 1 computes batches in that many worker
    processes (the work is CPU-bound Python; each worker stores its own batches)."""
    check_rules(engine)
    expand_stale_documents(engine)
    batches = _stale_batches(engine, claim_ids)
    if jobs <= 1:
        stored = 0
        for batch in batches:
            stored += refresh_batch(engine, batch)
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


def refresh_batch(engine: Engine, claim_ids: list[int]) -> int:
    """Compute and store the assessments of ``claim_ids``: how many were stored."""
    with Session(engine) as session:
        marks = read_marks(session, claim_ids)  # before the rows: see store()
        computed = compute(session, claim_ids)
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
