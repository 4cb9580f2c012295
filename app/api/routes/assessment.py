"""Assessments: what analysts come for — consensus, conflicts, and outlets' records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from app.api.deps import PageDep, SessionDep
from app.api.errors import PROBLEM_RESPONSES
from app.api.routes.common import FilterRef, RefPath, page_of, resolve_filter
from app.db.engine import transaction
from app.db.models import Claim, Outlet, Source
from app.schemas.assessment import AssessmentOut, ConflictOut, OutletRecordOut
from app.schemas.common import Page
from app.services import assessment

router = APIRouter(tags=["assessment"], responses=PROBLEM_RESPONSES)


@router.get(
    "/claims/{ref}/assessment",
    summary="Consensus, agreement and conflicts of a claim",
    response_model=AssessmentOut,
)
async def claim_assessment(
    ref: RefPath,
    request: Request,
    conflict_limit: Annotated[
        int, Query(ge=0, le=1000, description="List at most this many conflicts, most severe first")
    ] = 100,
) -> Response:
    """The best-supported value per time window (echoes of one source share one vote),
    the groups of agreeing assertions, every conflicting pair with its severity and
    reason, the undisclosed and denied assertions, and a timeline for plotting. Computed
    from the stored assertions once, then kept until a write to anything it reads, so it
    reflects every write."""
    # The hottest read: one trip to a worker thread for the whole unit of work, where
    # SessionDep (a generator dependency) would take three.
    body, later = await run_in_threadpool(
        _assessment_json, request.app.state.session_factory, ref, conflict_limit
    )
    # Already the response model's JSON: sent as is, not parsed and serialised again. A
    # computed one is stored after it is sent.
    return Response(body, media_type="application/json", background=later)


def _assessment_json(
    factory: sessionmaker[Session], ref: str, conflict_limit: int
) -> tuple[str | bytes, BackgroundTask | None]:
    engine: Engine = factory.kw["bind"]
    with engine.connect() as conn:  # a stored one: one query, no ORM session
        _, stored = assessment.stored_json(conn, ref, conflict_limit=conflict_limit)
    if stored is not None:
        return stored, None
    later: list[Callable[[], None]] = []
    with transaction(factory) as session:
        body = assessment.assessment_json(session, ref, conflict_limit=conflict_limit, defer=later)
    return body, BackgroundTask(_call_all, later)


def _call_all(calls: list[Callable[[], None]]) -> None:
    for call in calls:
        call()


@router.get("/conflicts", summary="Conflicting assertions across claims, most severe first")
def list_conflicts(
    session: SessionDep,
    params: PageDep,
    claim: FilterRef = None,
    outlet: Annotated[str | None, Query(max_length=200, description="Either side's outlet")] = None,
    source: Annotated[
        str | None, Query(max_length=200, description="Either side's attribution root")
    ] = None,
    min_severity: Annotated[float, Query(ge=0, le=1)] = 0.0,
) -> Page[ConflictOut]:
    """Every pair of comparable assertions whose values cannot both hold, across claims, with its
    severity (the gap relative to the nearer value, 0..1) and a reason naming the wording; filter
    by claim, either side's outlet or source, and a minimum severity. Paginated (`limit`,
    `cursor`; follow `next`)."""
    items, next_cursor = assessment.conflicts(
        session,
        claim_id=resolve_filter(session, Claim, claim, "claim"),
        outlet_id=resolve_filter(session, Outlet, outlet, "outlet"),
        source_id=resolve_filter(session, Source, source, "source"),
        min_severity=min_severity,
        limit=params.limit,
        cursor=params.cursor,
    )
    return page_of(items, next_cursor, params)


@router.get("/outlets/{ref}/record", summary="How an outlet's figures fare against others'")
def outlet_record(ref: RefPath, session: SessionDep) -> OutletRecordOut:
    """Per claim: how many of the outlet's assertions agree or conflict with other
    outlets' comparable assertions, and how many stand in the consensus or dissent."""
    return assessment.outlet_record(session, ref)
