"""The edge of the API as the settings shape it: how large a request body may be
(enforced before anything parses it), no NUL in a query string (as in bodies, which
``app.schemas.common.Strict`` checks), and what the OpenAPI document says beyond what
FastAPI derives from the routes: that reads need no key (unless the server closes them),
and the links from a created row to the operations on it.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import FieldError, http_problem, problem
from app.api.routes import keys
from app.config import Settings

READS = frozenset({"get", "head"})


class BodyTooLarge(HTTPException):
    """Raised while the body is read; the HTTP error handler turns it into 413 problem details."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


class BodySizeLimit:
    """Refuse bodies over ``limit`` bytes with 413.

    A declared ``Content-Length`` over the limit is refused before a byte is read. A body
    without one (chunked) is counted as it arrives, and refused as soon as it passes the
    limit: the app never holds more than ``limit`` bytes of it.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            response = http_problem(Request(scope), BodyTooLarge(self.limit))
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, counted, send)


class NoNulInQuery:
    """Refuse a query parameter holding NUL with 422 naming it. PostgreSQL cannot take
    NUL in text (so the filter would fail there, and quietly match on SQLite)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and b"%00" in scope.get("query_string", b""):
            request = Request(scope)
            for name, value in request.query_params.multi_items():
                if "\x00" in name or "\x00" in value:
                    field = name.replace("\x00", "\\u0000")
                    message = "text may not contain NUL (\\u0000) characters"
                    response = problem(
                        request, 422, "validation", f"the request is invalid: {field}: {message}",
                        title="Invalid request", field=field,
                        errors=[FieldError(field=field, message=message, type="value_error")],
                    )  # fmt: skip
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length before we see it
    return None


def _open_reads(spec: dict[str, Any]) -> None:
    """Reads need no key: their security gains ``{}`` (none), which makes a key optional.
    Key management is the exception: an admin key is needed to read keys too."""
    for path, operations in spec.get("paths", {}).items():
        if path.startswith(keys.router.prefix):
            continue
        for method, operation in operations.items():
            security = operation.get("security")
            if method in READS and security and {} not in security:
                security.append({})


def _link_created_rows(spec: dict[str, Any]) -> None:
    """``POST /claims`` answers 201 with the new row: link its ``id`` to every operation on
    ``/claims/{ref}`` and below, so clients (and Schemathesis's stateful tests) can follow."""
    paths = spec.get("paths", {})
    for collection, operations in paths.items():
        created = operations.get("post", {}).get("responses", {}).get("201")
        if created is None:
            continue
        links = created.setdefault("links", {})
        for path, targets in paths.items():
            if not path.startswith(f"{collection}/{{ref}}"):
                continue
            for target in targets.values():
                name = target["operationId"]
                links[name] = {"operationId": name, "parameters": {"ref": "$response.body#/id"}}


def _amend_openapi(app: FastAPI, settings: Settings) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        spec = build()  # FastAPI's, cached until routes change; the amendments are idempotent
        if not settings.read_requires_key:
            _open_reads(spec)
        _link_created_rows(spec)
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def install(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    app.add_middleware(NoNulInQuery)
    _amend_openapi(app, settings)
