"""A limit on writes per client: POST, PUT, PATCH and DELETE; reads are never limited.

The counting is ``limits`` (the engine behind slowapi), with its moving window in this
process's memory: each server process counts on its own. The synchronous API is right
for memory storage (no I/O, a lock held for microseconds); a shared store (Redis) would
want ``limits.aio``.
"""

from __future__ import annotations

import hashlib
import math
import time

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.errors import problem

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_HEADERS = ("x-api-key", "authorization")


def parse_limits(text: str) -> list[RateLimitItem]:
    """``"60/minute"`` (or ``"10/second;500/hour"``) -> limit items; ValueError if unreadable."""
    try:
        return parse_many(text)
    except ValueError as exc:
        raise ValueError(f"WRITE_RATE_LIMIT {text!r} is not a rate limit like '60/minute'") from exc


def client_key(scope: Scope) -> str:
    """Who is writing: the API key when one is sent (hashed: keys are not kept), else the IP.

    The client address is the peer's; behind a proxy, run uvicorn with ``--proxy-headers``
    so that it is the forwarded one.
    """
    headers = Headers(scope=scope)
    for name in KEY_HEADERS:
        if value := headers.get(name):
            return "key:" + hashlib.sha256(value.encode()).hexdigest()[:24]
    client = scope.get("client")
    return "ip:" + (client[0] if client else "unknown")


class WriteRateLimit:
    """ASGI middleware: answers 429 problem details with ``Retry-After`` past the limit.

    It runs before routing and authentication, so rejected writes (401, 422) count too.
    """

    def __init__(self, app: ASGIApp, limits: list[RateLimitItem]) -> None:
        self.app = app
        self.limits = limits
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        client = client_key(scope)
        for limit in self.limits:
            if not self.limiter.hit(limit, "writes", client):
                reset_at, _remaining = self.limiter.get_window_stats(limit, "writes", client)
                retry_after = max(1, math.ceil(reset_at - time.time()))
                response = problem(
                    Request(scope),
                    429,
                    "rate-limited",
                    f"this client's writes are limited to {limit}; retry in {retry_after} s",
                    title="Too many requests",
                    headers={"Retry-After": str(retry_after)},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
