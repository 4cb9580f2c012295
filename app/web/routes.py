"""/ui: the web views. Server-rendered HTML (Jinja2, autoescaped), no scripts, no CDN.

Every page links its JSON twin, the API URL holding the same data. The pages stay out of
the OpenAPI document: they are for people, the API is for programs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from app.api.auth import reader_gate
from app.api.deps import SessionDep
from app.api.routes.common import resolve_filter
from app.db.models import Claim
from app.domain.errors import Gone, NotFound, ProvenanceError
from app.web import pages

PACKAGE = Path(__file__).resolve().parent.parent
STATIC = PACKAGE / "web" / "static"
PAGE_SIZE = 25

templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(PACKAGE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
)
templates.env.globals["span_text"] = pages.span_text

router = APIRouter(prefix="/ui", include_in_schema=False, default_response_class=HTMLResponse)


def _with_query(path: str, **params: Any) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "", 0, 0.0)}
    return f"{path}?{urlencode(kept)}" if kept else path


def _render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def _problem_page(request: Request, exc: ProvenanceError) -> HTMLResponse:
    status = 404 if isinstance(exc, NotFound) else 410 if isinstance(exc, Gone) else 400
    return _render(
        request, "error.html", status, title=exc.title, detail=exc.detail, status=status,
        json_url=None,
    )  # fmt: skip


@router.get("")
def home() -> RedirectResponse:
    return RedirectResponse("/ui/claims", status_code=307)


@router.get("/claims")
def claims_page(
    request: Request,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    tag: Annotated[str | None, Query(max_length=80)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    try:
        rows, next_cursor = pages.claim_rows(session, q, tag, PAGE_SIZE, cursor)
    except ProvenanceError as exc:
        return _problem_page(request, exc)
    return _render(
        request,
        "claims.html",
        title="Claims",
        rows=rows,
        q=q or "",
        tag=tag or "",
        next_url=next_cursor and _with_query("/ui/claims", q=q, tag=tag, cursor=next_cursor),
        json_url=_with_query("/claims", q=q, tag=tag, cursor=cursor, limit=PAGE_SIZE),
    )


@router.get("/claims/{ref}")
def claim_page(request: Request, ref: str, session: SessionDep) -> HTMLResponse:
    try:
        page = pages.claim_page(session, ref)
    except ProvenanceError as exc:
        return _problem_page(request, exc)
    return _render(
        request,
        "claim.html",
        title=page.claim.title,
        page=page,
        chart=None if page.chart is None else Markup(page.chart),  # built with escaping
        json_url=f"/claims/{page.claim.slug}/assessment",
        record_url=f"/claims/{page.claim.slug}",
    )


@router.get("/conflicts")
def conflicts_page(
    request: Request,
    session: SessionDep,
    claim: Annotated[str | None, Query(max_length=200)] = None,
    min_severity: Annotated[float, Query(ge=0, le=1)] = 0.0,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    try:
        claim_id = resolve_filter(session, Claim, claim or None, "claim")
        rows, next_cursor = pages.conflict_rows(session, claim_id, min_severity, PAGE_SIZE, cursor)
    except ProvenanceError as exc:
        return _problem_page(request, exc)
    params = {"claim": claim, "min_severity": min_severity}
    return _render(
        request,
        "conflicts.html",
        title="Conflicts",
        rows=rows,
        claim=claim or "",
        min_severity=min_severity,
        next_url=next_cursor and _with_query("/ui/conflicts", **params, cursor=next_cursor),
        json_url=_with_query("/conflicts", **params, cursor=cursor, limit=PAGE_SIZE),
    )


@router.get("/documents/{ref}")
def document_page(request: Request, ref: str, session: SessionDep) -> HTMLResponse:
    try:
        page = pages.document_page(session, ref)
    except ProvenanceError as exc:
        return _problem_page(request, exc)
    return _render(
        request,
        "document.html",
        title=page.document.title or page.document.key,
        page=page,
        json_url=f"/documents/{page.document.key}",
    )


@router.get("/{rest:path}")
def not_found(request: Request, rest: str) -> HTMLResponse:
    return _problem_page(request, NotFound(f"no page /ui/{rest}"))


def install(app: FastAPI) -> None:
    """Serve the pages and their stylesheet under /ui (closed like reads are, when they are)."""
    app.mount("/ui/static", StaticFiles(directory=STATIC), name="ui-static")
    app.include_router(router, dependencies=[Depends(reader_gate)])
