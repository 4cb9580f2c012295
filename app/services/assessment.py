"""Assessment use cases: load a claim's evidence, run the domain rules, shape the answer.

A claim's assessment is stored once computed and served until a write marks the claim
stale (app/services/assessment_store.py), so reads reflect every write.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.db import queries
from app.db.evidence_rows import AssertionBrief, live_assertion_rows
from app.db.lookup import MAX_ID, find
from app.db.models import (
    Claim,
    ClaimAssessment,
    ClaimConflict,
    Outlet,
    StaleClaim,
    StaleDocument,
)
from app.db.pagination import decode_raw, encode_keyset
from app.domain.assessment import Assessment, assess
from app.domain.compare import agrees, compare
from app.domain.errors import InvalidInput
from app.schemas.assessment import AssessmentOut, ClaimRecordOut, ConflictOut, OutletRecordOut
from app.schemas.views import OutletRef
from app.services import assessment_store as store
from app.services import assessment_views as views
from app.services import claim_state
from app.services.evidence import Evidence, evidence

log = logging.getLogger(__name__)
_STORING = threading.BoundedSemaphore(2)


def _run(ev: Evidence) -> Assessment:
    return assess(ev.facts, ev.claim.behavior, ev.claim.value_type)


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _stored(by: Any) -> Any:
    stale = sa.exists().where(StaleClaim.claim_id == Claim.id)
    return (
        sa.select(
            Claim.id,
            # Not read at all when stale: a large claim's body is megabytes, of no use then.
            sa.case((stale, sa.null()), else_=ClaimAssessment.body).label("body"),
            ClaimAssessment.rules,
            ClaimAssessment.conflict_count,
            stale.label("stale"),
            sa.exists().where(StaleDocument.id.is_not(None)).label("documents_changed"),
        )
        .outerjoin(ClaimAssessment, ClaimAssessment.claim_id == Claim.id)
        .where(by == sa.bindparam("ref"), Claim.deleted_at.is_(None))
    )


# Built once: on a stored assessment, building the statements cost more than running them.
_STORED_BY_ID = _stored(Claim.id)
_STORED_BY_SLUG = _stored(Claim.slug)
_STORED_CONFLICTS = (
    sa.select(ClaimConflict.body)
    .where(ClaimConflict.claim_id == sa.bindparam("claim_id"))
    .order_by(ClaimConflict.rank)
    .limit(sa.bindparam("limit"))
)


def stored_json(conn: Connection, ref: int | str, *, conflict_limit: int) -> tuple[int, str | None]:
    """The claim's id and its stored assessment as the API's JSON, None when it must be
    computed (stale, never computed, or other rules); id 0 when there is no live claim."""
    store.check_rules(conn.engine)
    if isinstance(ref, int) or (ref.isascii() and ref.isdigit()):
        number = int(ref)
        if not 0 < number <= MAX_ID:
            return 0, None
        found = conn.execute(_STORED_BY_ID, {"ref": number}).one_or_none()
    else:
        found = conn.execute(_STORED_BY_SLUG, {"ref": ref}).one_or_none()
    if found is None:
        return 0, None
    if found.documents_changed:
        store.expand_stale_documents(conn.engine)
        return found.id, None
    if found.body is None or found.stale or found.rules != store.RULES:
        return found.id, None
    conflicts: Sequence[str] = ()
    if found.conflict_count and conflict_limit:
        params = {"claim_id": found.id, "limit": conflict_limit}
        conflicts = conn.execute(_STORED_CONFLICTS, params).scalars().all()
    return found.id, store.with_conflicts(found.body, conflicts)


def assessment_json(
    session: Session,
    ref: int | str,
    *,
    conflict_limit: int,
    defer: list[Callable[[], None]] | None = None,
) -> str | bytes:
    """The claim's assessment as the API's JSON: the stored one while the claim is not
    marked stale (text, as stored), else computed from the rows (UTF-8, as written) and
    stored for the next read (by a call appended to ``defer``, when given, for the caller
    to make after answering)."""
    claim_id, body = stored_json(session.connection(), ref, conflict_limit=conflict_limit)
    if body is not None:
        return body
    if not claim_id:  # no such claim, or deleted: the usual problem details
        find(session, Claim, ref)
        raise AssertionError("find() raises for a claim the query above does not find")
    marks = store.read_marks(session, [claim_id])  # before the rows: see store.store()
    states = claim_state.states_for(_engine(session))
    (computed,) = store.compute(session, [claim_id], marks=marks, states=states)
    keep = partial(_store, _engine(session), computed, marks)
    if defer is not None:
        defer.append(keep)
    # Else stored on a second connection while this one is held: a bounded number at
    # once, so requests waiting for one can never hold every connection of the pool.
    # Skipped when busy: the next read computes it again.
    elif not (session.new or session.dirty or session.deleted) and _STORING.acquire(blocking=False):
        try:
            keep()
        finally:
            _STORING.release()
    return computed.json(conflict_limit)


def _store(engine: Engine, computed: store.Computed, marks: dict[int, store.Marks]) -> None:
    try:
        store.store(engine, [computed], marks)
    except (OperationalError, IntegrityError) as exc:
        # Busy, or a concurrent refresh stored it first: the answer stands.
        log.warning("assessment of claim %s not stored: %s", computed.claim_id, exc)


def assess_claim(session: Session, ref: int | str, *, conflict_limit: int) -> AssessmentOut:
    return AssessmentOut.model_validate_json(
        assessment_json(session, ref, conflict_limit=conflict_limit)
    )


def _conflict_after(cursor: str) -> tuple[float, int, int, int]:
    """The ordering key a ``/conflicts`` cursor holds: -severity, claim, a, b."""
    key = decode_raw(cursor)
    if not (
        isinstance(key, list)
        and len(key) == 4
        and isinstance(key[0], int | float)
        and not isinstance(key[0], bool)
        and -1 <= key[0] <= 0
        and all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < 2**31 for i in key[1:])
    ):
        raise InvalidInput("the cursor is not one this API gave out", field="cursor")
    return float(key[0]), key[1], key[2], key[3]


def conflicts(
    session: Session,
    *,
    claim_id: int | None,
    outlet_id: int | None,
    source_id: int | None,
    min_severity: float,
    limit: int,
    cursor: str | None,
) -> tuple[list[ConflictOut], str | None]:
    """Every conflicting pair across live claims, most severe first (then by claim and
    assertion ids): stale claims are assessed first, then the stored pairs are paged."""
    store.refresh(_engine(session), None if claim_id is None else [claim_id])
    order = (ClaimConflict.sort_key, ClaimConflict.claim_id, ClaimConflict.a_id, ClaimConflict.b_id)
    stmt = _stored_conflicts(claim_id, outlet_id, source_id, min_severity, *order)
    if cursor is not None:
        stmt = stmt.where(sa.tuple_(*order) > sa.tuple_(*_conflict_after(cursor)))
    rows = session.execute(stmt.order_by(*order).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [ConflictOut.model_validate_json(r.body) for r in rows]
    return items, encode_keyset(tuple(rows[-1])[1:]) if more else None


def _stored_conflicts(
    claim_id: int | None,
    outlet_id: int | None,
    source_id: int | None,
    min_severity: float,
    *columns: Any,
) -> Any:
    """The stored conflicts of live claims that the filters select: body and ``columns``."""
    stmt = (
        sa.select(ClaimConflict.body, *columns)
        .join(Claim, Claim.id == ClaimConflict.claim_id)
        .where(Claim.deleted_at.is_(None), ClaimConflict.sort_key <= -min_severity)
    )
    if claim_id is not None:
        stmt = stmt.where(ClaimConflict.claim_id == claim_id)
    if outlet_id is not None:
        stmt = stmt.where(
            sa.or_(ClaimConflict.outlet_a == outlet_id, ClaimConflict.outlet_b == outlet_id)
        )
    if source_id is not None:
        stmt = stmt.where(
            sa.or_(ClaimConflict.source_a == source_id, ClaimConflict.source_b == source_id)
        )
    return stmt


def conflicts_by_claim(
    factory: sessionmaker[Session],
    *,
    claim_id: int | None,
    outlet_id: int | None,
    source_id: int | None,
    min_severity: float,
    batch: int,
) -> Iterator[ConflictOut]:
    """Every conflict the filters select, claim by claim (by claim id), most severe first
    within a claim; read ``batch`` rows at a time, each batch in its own session."""
    with factory() as session:
        store.refresh(_engine(session), None if claim_id is None else [claim_id])
    order = (ClaimConflict.claim_id, ClaimConflict.sort_key, ClaimConflict.a_id, ClaimConflict.b_id)
    after: tuple[Any, ...] | None = None
    while True:
        stmt = _stored_conflicts(claim_id, outlet_id, source_id, min_severity, *order)
        if after is not None:
            stmt = stmt.where(sa.tuple_(*order) > sa.tuple_(*after))
        with factory() as session:
            rows = session.execute(stmt.order_by(*order).limit(batch)).all()
        yield from (ConflictOut.model_validate_json(r.body) for r in rows)
        if len(rows) < batch:
            return
        after = tuple(rows[-1])[1:]


def outlet_record(session: Session, ref: int | str) -> OutletRecordOut:
    """How often an outlet's assertions agree or conflict with other outlets' and with the
    consensus, claim by claim."""
    outlet = find(session, Outlet, ref)
    claim_ids = queries.claims_of_outlet(session, outlet.id)
    claims = queries.load_claims(session, claim_ids)
    by_claim: dict[int, list[AssertionBrief]] = {}
    for row in live_assertion_rows(session, claim_ids):
        by_claim.setdefault(row.claim_id, []).append(row)
    records = []
    for claim_id in sorted(by_claim):
        ev = evidence(session, claims[claim_id], by_claim[claim_id])
        records.append(_claim_record(ev, _run(ev), outlet.id))
    records = [r for r in records if r.assertions]
    agreements = sum(r.agreements for r in records)
    conflicts_ = sum(r.conflicts for r in records)
    return OutletRecordOut(
        outlet=OutletRef.model_validate(outlet),
        claims=records,
        assertions=sum(len(r.assertions) for r in records),
        agreements=agreements,
        conflicts=conflicts_,
        in_consensus=sum(r.in_consensus for r in records),
        dissenting=sum(r.dissenting for r in records),
        agreement_rate=agreements / (agreements + conflicts_) if agreements + conflicts_ else None,
    )


def _claim_record(ev: Evidence, result: Assessment, outlet_id: int) -> ClaimRecordOut:
    behavior, value_type = ev.claim.behavior, ev.claim.value_type
    own = [f for f in ev.facts if f.outlet_id == outlet_id]
    others = [f for f in ev.facts if f.outlet_id != outlet_id]
    supporting = {i for w in result.windows if w.consensus for i in w.consensus.supporting}
    dissenting = {i for w in result.windows if w.consensus for i in w.consensus.dissenting}
    return ClaimRecordOut(
        claim=views.claim_brief(ev.claim),
        assertions=sorted(f.id for f in own)
        + sorted(i for i in ev.excluded if ev.rows[i].document.outlet_id == outlet_id),
        agreements=sum(agrees(a, b, behavior) for a in own for b in others),
        conflicts=sum(compare(a, b, behavior, value_type) is not None for a in own for b in others),
        in_consensus=sum(f.id in supporting for f in own),
        dissenting=sum(f.id in dissenting for f in own),
        not_compared=sum(not f.is_figure for f in own),
    )
