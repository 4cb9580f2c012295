"""Operations: /health (is the service up), /ready (may it take traffic), /metrics."""

from __future__ import annotations

import functools
import logging

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine

from app import __version__
from app.api.deps import SessionDep, SettingsDep
from app.api.errors import PROBLEM_JSON, Problem, problem
from app.api.metrics import HttpMetrics
from app.db import migrate
from app.schemas.views import Health, Readiness

router = APIRouter(tags=["operations"])
log = logging.getLogger("provenance.api")

# The code's migration head cannot change while the process runs: read the scripts once.
_code_head = functools.cache(migrate.head_revision)


@router.get("/health", summary="Liveness and database reachability")
def health(session: SessionDep) -> Health:
    session.execute(sa.text("SELECT 1"))
    return Health(status="ok", version=__version__, database=session.get_bind().dialect.name)


@router.get(
    "/ready",
    summary="Readiness: the database answers and is migrated to the code's head",
    response_model=Readiness,
    responses={503: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "Not ready"}},
)
def ready(request: Request, settings: SettingsDep) -> Readiness | JSONResponse:
    engine: Engine = request.app.state.engine
    head = _code_head(settings.database_url)
    try:
        current = migrate.current_revision(engine)
    except sa.exc.SQLAlchemyError as exc:
        log.warning("not ready: the database does not answer: %s", exc)
        return problem(request, 503, "database-unreachable", "the database does not answer")
    if current is None or current != head:
        return problem(
            request,
            503,
            "not-migrated",
            f"the database is at migration {current or 'none'}, the code needs {head}; "
            "run `provenance migrate`",
        )
    return Readiness(
        status="ready", version=__version__, database=engine.dialect.name, revision=current
    )


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(request: Request) -> Response:
    http_metrics: HttpMetrics = request.app.state.metrics
    body, content_type = http_metrics.render(request.headers.get("accept"))
    return Response(body, media_type=content_type)
