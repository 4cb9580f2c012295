"""One error shape for every failure: RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException
from starlette.routing import Match

from app.domain.errors import (
    AlreadyExists,
    BundleError,
    DeletedReference,
    Gone,
    InUse,
    InvalidInput,
    NotDeleted,
    NotFound,
    PreconditionFailed,
    ProvenanceError,
)

# Re-exported: routes and middleware name the problem shapes from here.
from app.schemas.problem import FieldError as FieldError
from app.schemas.problem import Problem as Problem

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("provenance.api")

_STATUS: list[tuple[type[ProvenanceError], int, str]] = [
    (NotFound, 404, "not-found"),
    (Gone, 410, "deleted"),
    (AlreadyExists, 409, "already-exists"),
    (InUse, 409, "still-referenced"),
    (NotDeleted, 409, "not-deleted"),
    (DeletedReference, 409, "refers-to-deleted"),
    (PreconditionFailed, 412, "precondition-failed"),
    (BundleError, 422, "invalid-bundle"),
    (InvalidInput, 422, "invalid-input"),
    (ProvenanceError, 400, "bad-request"),
]


def problem(
    request: Request,
    status: int,
    slug: str,
    detail: str,
    *,
    title: str | None = None,
    field: str | None = None,
    errors: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = Problem(
        type=f"urn:provenance:problem:{slug}",
        title=title or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=request.url.path,
        field=field,
        errors=errors,
        request_id=getattr(request.state, "request_id", None),  # set by api/middleware.py
    )
    # The middleware stamps X-Request-ID on what it sends; a 500 is sent from outside it.
    headers = {**(headers or {}), **({"X-Request-ID": body.request_id} if body.request_id else {})}
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers or None,
    )


def _field_path(loc: tuple[Any, ...]) -> str:
    """``('body', 'value', 'low', 'float')`` -> ``value.low``: where the client put it."""
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:]
    # Drop pydantic's labels for the branches of a union (int, constrained-str, ...).
    return ".".join(p for p in parts if p not in _UNION_BRANCHES and "[" not in p)


_UNION_BRANCHES = frozenset(
    {"int", "str", "float", "bool", "date", "datetime"}
    | {"constrained-str", "constrained-int", "constrained-float"}
)


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProvenanceError)
    for cls, status, slug in _STATUS:
        if isinstance(exc, cls):
            return problem(request, status, slug, exc.detail, title=exc.title, field=exc.field)
    raise AssertionError("unreachable")  # pragma: no cover


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in raw):
        return problem(request, 400, "malformed-json", "the request body is not valid JSON")
    errors = [
        FieldError(field=_field_path(tuple(e.get("loc", ()))), message=e["msg"], type=e["type"])
        for e in raw
    ]
    listed = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
    return problem(
        request,
        422,
        "validation",
        f"the request is invalid: {listed}",
        title="Invalid request",
        field=errors[0].field if errors else None,
        errors=errors,
    )


def http_problem(request: Request, exc: HTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    slug = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "-")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    return problem(request, exc.status_code, slug, detail, headers=headers)


_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def _allowed_methods(request: Request) -> str:
    """Every method some route answers at this path (RFC 9110 15.5.6): Starlette's own
    ``Allow`` names only the first matching route's, and FastAPI has a route per method."""
    routes = request.app.router.routes
    allowed = [
        method
        for method in _METHODS
        if any(r.matches({**request.scope, "method": method})[0] is Match.FULL for r in routes)
    ]
    return ", ".join(allowed)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return http_problem(request, exc)


async def _stale(request: Request, exc: Exception) -> JSONResponse:
    return problem(
        request, 409, "edit-conflict",
        "the record was changed by someone else while this request ran; reload it and retry",
    )  # fmt: skip


async def _integrity(request: Request, exc: Exception) -> JSONResponse:
    return problem(request, 409, "constraint", "the change clashes with a stored record")


async def _unstorable(request: Request, exc: Exception) -> JSONResponse:
    return problem(request, 422, "unstorable", "a value is out of the range the database stores")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(request, 500, "internal", "the server failed; the error was logged")


def install(app: FastAPI) -> None:
    app.add_exception_handler(ProvenanceError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(StaleDataError, _stale)
    app.add_exception_handler(IntegrityError, _integrity)
    app.add_exception_handler(DataError, _unstorable)
    app.add_exception_handler(Exception, _unexpected)


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": description}
    for status, description in {
        404: "No such record",
        410: "The record was deleted",
        409: "Clashes with a stored record",
        422: "Invalid input; `errors` names each field",
        401: "No API key where one is needed, or an unknown or revoked one",
        403: "The key's role does not allow this",
        400: "The body is not JSON, or not UTF-8",
        413: "The body is larger than the server's `max_body_bytes`",
    }.items()
}
