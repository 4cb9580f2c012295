"""The asynchronous client: ``AsyncClient`` and its resources, the twins of ``Client``'s."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any, Generic, TypeVar

import anyio
import httpx
from pydantic import BaseModel

from app.client import calls
from app.client.calls import Call, FilterValue, ResourceCalls, RowRef
from app.client.defaults import DEFAULT_PAGE_SIZE, DEFAULT_URL, client_headers
from app.client.retry import RETRY_STATUSES, RetryPolicy
from app.schemas.assessment import AssessmentOut, ConflictOut, OutletRecordOut
from app.schemas.common import Page
from app.schemas.extraction import ExtractIn, ExtractionOut
from app.schemas.records import (
    AssertionIn,
    AssertionPatch,
    ClaimIn,
    ClaimPatch,
    DocumentIn,
    DocumentPatch,
    OutletIn,
    OutletPatch,
    SourceIn,
    SourcePatch,
)
from app.schemas.views import (
    AssertionOut,
    ClaimDetail,
    ClaimOut,
    DocumentDetail,
    DocumentOut,
    Health,
    OutletOut,
    Readiness,
    RevisionOut,
    SourceOut,
)

T = TypeVar("T")
Row = TypeVar("Row", bound=BaseModel)
Detail = TypeVar("Detail", bound=BaseModel)
New = TypeVar("New", bound=BaseModel)
Patch = TypeVar("Patch", bound=BaseModel)

log = logging.getLogger("app.client")


class AsyncResource(Generic[Row, Detail, New, Patch]):
    """One collection: read, list (a page, or every row), create, update, delete, restore."""

    def __init__(self, client: AsyncClient, calls: ResourceCalls[Row, Detail]) -> None:
        self._client = client
        self._calls = calls

    async def get(self, ref: RowRef, *, include_deleted: bool = False) -> Detail:
        return await self._client.send(self._calls.get(ref, include_deleted))

    async def page(
        self, *, limit: int = 50, cursor: str | None = None, **filters: FilterValue
    ) -> Page[Row]:
        """One page; its ``next_cursor`` (or ``next``) leads to the following one."""
        return await self._client.send(self._calls.page(limit, cursor, filters))

    def iterate(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: FilterValue
    ) -> AsyncIterator[Row]:
        """Every row matching the filters, page after page (fetched as they are consumed)."""
        return self._client.follow_pages(
            self._calls.page(page_size, None, filters), self._calls.row
        )

    async def create(self, value: New | Mapping[str, Any]) -> Row:
        return await self._client.send(self._calls.create(value))

    async def update(
        self, ref: RowRef, patch: Patch | Mapping[str, Any], *, if_match: str | None = None
    ) -> Row:
        """Change the fields the patch sets; ``if_match`` (an ETag) refuses with 412 when
        someone else wrote the row in between."""
        return await self._client.send(self._calls.update(ref, patch, if_match))

    async def delete(self, ref: RowRef, *, if_match: str | None = None) -> None:
        """Soft delete: ``restore`` undoes it."""
        await self._client.send(self._calls.delete(ref, if_match))

    async def restore(self, ref: RowRef, *, if_match: str | None = None) -> Row:
        return await self._client.send(self._calls.restore(ref, if_match))

    def history(
        self, ref: RowRef, *, page_size: int = DEFAULT_PAGE_SIZE
    ) -> AsyncIterator[RevisionOut]:
        """Every revision of the row, oldest first."""
        return self._client.follow_pages(self._calls.history(ref, page_size), RevisionOut)


class AsyncOutlets(AsyncResource[OutletOut, OutletOut, OutletIn, OutletPatch]):
    async def record(self, ref: RowRef) -> OutletRecordOut:
        """How the outlet's figures fare against other outlets' and the consensus."""
        return await self._client.send(calls.outlet_record(ref))


class AsyncClaims(AsyncResource[ClaimOut, ClaimDetail, ClaimIn, ClaimPatch]):
    async def assessment(self, ref: RowRef, *, conflict_limit: int = 100) -> AssessmentOut:
        """Consensus per time window, agreement groups, conflicts and the timeline."""
        return await self._client.send(calls.assessment(ref, conflict_limit))


class AsyncDocuments(AsyncResource[DocumentOut, DocumentDetail, DocumentIn, DocumentPatch]):
    async def extract(
        self, ref: RowRef, request: ExtractIn | Mapping[str, Any] | None = None
    ) -> ExtractionOut:
        """The document's candidate assertions; with ``request`` (``accept``...) stores them."""
        return await self._client.send(calls.extract(ref, request))


class AsyncAssertions(AsyncResource[AssertionOut, AssertionOut, AssertionIn, AssertionPatch]):
    async def retract(
        self, ref: RowRef, reason: str, *, if_match: str | None = None
    ) -> AssertionOut:
        return await self._client.send(calls.retract(ref, reason, if_match))


class AsyncClient:
    """The provenance API over HTTP, asynchronously; answers parsed into the API's own
    pydantic models.

    >>> async with AsyncClient(api_key="...") as api:  # doctest: +SKIP
    ...     async for conflict in api.iter_conflicts(min_severity=0.5):
    ...         print(conflict.claim.slug, conflict.severity, conflict.reason)

    Errors are raised as ``ProblemError``; 429 and 503 answers (and failures to connect)
    are retried as ``retry`` says.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        *,
        api_key: str | None = None,
        timeout: float | httpx.Timeout = 10.0,
        retry: RetryPolicy = RetryPolicy(),
        transport: httpx.AsyncBaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.retry = retry
        self._http = httpx.AsyncClient(
            base_url=base_url, headers=client_headers(api_key, headers), timeout=timeout,
            transport=transport,
        )  # fmt: skip
        self.outlets = AsyncOutlets(self, calls.OUTLETS)
        self.sources: AsyncResource[SourceOut, SourceOut, SourceIn, SourcePatch] = AsyncResource(
            self, calls.SOURCES
        )
        self.claims = AsyncClaims(self, calls.CLAIMS)
        self.documents = AsyncDocuments(self, calls.DOCUMENTS)
        self.assertions = AsyncAssertions(self, calls.ASSERTIONS)

    @property
    def base_url(self) -> str:
        """The API's root URL, without a trailing slash."""
        return str(self._http.base_url).rstrip("/")

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send(self, call: Call[T]) -> T:
        """Send one call, retrying as the policy allows, and read its answer."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._http.request(
                    call.method, call.path, params=call.params, json=call.json,
                    headers=call.headers,
                )  # fmt: skip
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # nothing was sent
                wait = self.retry.wait(attempt)
                if wait is None:
                    raise
                log.warning(
                    "%s %s: %s; retry %d in %.1f s", call.method, call.path, exc, attempt, wait
                )
                await anyio.sleep(wait)
                continue
            if response.status_code in RETRY_STATUSES:
                wait = self.retry.wait(attempt, response.headers.get("Retry-After"))
                if wait is not None:
                    log.warning(
                        "%s %s: %d; retry %d in %.1f s",
                        call.method, call.path, response.status_code, attempt, wait,
                    )  # fmt: skip
                    await anyio.sleep(wait)
                    continue
            return calls.finish(call, response)

    async def follow_pages(self, first: Call[Page[Row]], model: type[Row]) -> AsyncIterator[Row]:
        """The items of ``first`` and of every page after it, following ``next``."""
        call = first
        while True:
            page = await self.send(call)
            for item in page.items:
                yield item
            if page.next is None:
                return
            call = calls.follow(page.next, model)

    async def health(self) -> Health:
        return await self.send(calls.health())

    async def ready(self) -> Readiness:
        """200 when the database answers and is migrated; a 503 is retried, then raised."""
        return await self.send(calls.ready())

    async def conflicts(
        self, *, limit: int = 50, cursor: str | None = None, **filters: FilterValue
    ) -> Page[ConflictOut]:
        """One page of conflicts, most severe first; filters ``claim``, ``outlet``,
        ``source``, ``min_severity``."""
        return await self.send(calls.conflicts(limit, cursor, filters))

    def iter_conflicts(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: FilterValue
    ) -> AsyncIterator[ConflictOut]:
        """Every conflict matching the filters, most severe first."""
        return self.follow_pages(calls.conflicts(page_size, None, filters), ConflictOut)
