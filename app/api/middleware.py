"""What every request goes through: an id, a JSON log line, metrics, CORS, the write limit."""

from __future__ import annotations

import logging
import re
import time
import uuid

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.logs import REQUEST_LOGGER, configure_logging, request_id_var
from app.api.metrics import UNMATCHED_ROUTE, HttpMetrics
from app.api.ratelimit import WriteRateLimit, parse_limits
from app.config import Settings

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is echoed only when it is short and plain (UUIDs, trace ids): it ends up
# in logs and headers, so nothing that could forge a log line or a header gets through.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

access_log = logging.getLogger(REQUEST_LOGGER)


def request_id_of(scope: Scope) -> str:
    """The client's ``X-Request-ID`` when sane, else a new random one."""
    incoming = Headers(scope=scope).get(REQUEST_ID_HEADER)
    if incoming and SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def route_template(scope: Scope) -> str:
    """``/claims/{ref}``, not ``/claims/nk-sappers``: metric labels stay few.

    Routing leaves the matched route in the scope; a request that matched none, or was
    answered before routing (a 429 of the write limit), counts as ``<unmatched>``.
    """
    return str(getattr(scope.get("route"), "path", UNMATCHED_ROUTE))


class RequestObservation:
    """Outermost middleware: names each request, then logs, times and counts it.

    The id goes into ``request.state.request_id`` (problem details quote it), the
    ``X-Request-ID`` response header and every log record written while the request runs.
    """

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500  # what the server error handler outside us answers if the app raises

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            self.metrics.observe(scope["method"], route_template(scope), status, seconds)
            access_log.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )
        # Reset only on success: after an exception, the error handler outside us still
        # logs under this request's id (and each served request has its own context).
        request_id_var.reset(token)


def install(app: FastAPI, settings: Settings) -> None:
    """Logging, then the middleware stack; the last added runs first (outermost)."""
    configure_logging(settings.log_level)
    if settings.write_rate_limit:
        app.add_middleware(WriteRateLimit, limits=parse_limits(settings.write_rate_limit))
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-API-Key", REQUEST_ID_HEADER],
            expose_headers=[REQUEST_ID_HEADER, "Retry-After", "Location", "ETag"],
        )
    app.state.metrics = HttpMetrics()
    app.add_middleware(RequestObservation, metrics=app.state.metrics)
