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
    """200 while the process runs and the database answers a trivial query, with the version and the
    database's dialect."""
    session.execute(sa.text("SELECT 1"))
    return Health(status="ok", version=__version__, database=session.get_bind().dialect.name)


_PONG = {"status": "ok"}


@router.get("/ping", summary="A constant answer: the cost of the HTTP stack alone")
def ping() -> dict[str, str]:
    """Always `{"status": "ok"}`, touching nothing: the benchmark's baseline (the app's
    middleware and serialisation, no database), and a cheap liveness probe."""
    return _PONG


@router.get(
    "/ready",
    summary="Readiness: the database answers and is migrated to the code's head",
    response_model=Readiness,
    responses={503: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": "Not ready"}},
)
def ready(request: Request, settings: SettingsDep) -> Readiness | JSONResponse:
    """200 when the database answers and is migrated to the code's head revision; otherwise 503
    problem details saying why. For load balancers and orchestrators."""
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
    """Prometheus text format: `http_requests_total` by method, route template and status,
    `http_request_duration_seconds`, and the process's own metrics."""
    http_metrics: HttpMetrics = request.app.state.metrics
    body, content_type = http_metrics.render(request.headers.get("accept"))
    return Response(body, media_type=content_type)
