"""What each API call sends and how its answer is read, shared by the sync and async clients.

A ``Call`` is a plain description (method, path, query, body, reader); the clients only
send it, retry it and read the answer, so both speak to the API in exactly one way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from app.client.errors import ProblemError
from app.schemas.assessment import AssessmentOut, ConflictOut, OutletRecordOut
from app.schemas.common import Page
from app.schemas.extraction import ExtractIn, ExtractionOut
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
M = TypeVar("M", bound=BaseModel)
D = TypeVar("D", bound=BaseModel)

RowRef = int | str
FilterValue = str | int | float | bool | date | datetime | None
Body = BaseModel | Mapping[str, Any]


@dataclass(frozen=True)
class Call(Generic[T]):
    method: str
    path: str
    read: Callable[[httpx.Response], T]
    params: dict[str, str] | None = None
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def read_model(model: type[M]) -> Callable[[httpx.Response], M]:
    return lambda response: model.model_validate_json(response.content)


def read_page(model: type[M]) -> Callable[[httpx.Response], Page[M]]:
    page: type[Page[M]] = Page[model]  # type: ignore[valid-type]
    return lambda response: page.model_validate_json(response.content)


def follow(url: str, model: type[M]) -> Call[Page[M]]:
    """The next page: the ``next`` URL a page gives, as it is."""
    return Call("GET", url, read_page(model))


def read_nothing(response: httpx.Response) -> None:
    return None


def query(filters: Mapping[str, FilterValue]) -> dict[str, str]:
    """Filters as query parameters: None left out, booleans as true/false, dates in ISO 8601."""
    params: dict[str, str] = {}
    for name, value in filters.items():
        if value is None:
            continue
        if isinstance(value, bool):
            params[name] = "true" if value else "false"
        elif isinstance(value, date | datetime):
            params[name] = value.isoformat()
        else:
            params[name] = str(value)
    return params


def body(value: Body | None) -> Any:
    """A request body: a model as the fields that were set (a patch sends only what it
    changes, never a null it did not mean), a mapping as it is."""
    if value is None:
        return None
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_unset=True)
    return dict(value)


def precondition(if_match: str | None) -> dict[str, str]:
    return {"If-Match": if_match} if if_match else {}


class Versioned(Protocol):
    id: int
    version: int


def etag(row: Versioned) -> str:
    """The ETag a read of ``row`` answered with (``"<id>-<version>"``), to send as
    ``if_match``: the write is refused with 412 if someone changed the row since."""
    return f'"{row.id}-{row.version}"'


def row_path(collection: str, ref: RowRef, suffix: str = "") -> str:
    return f"{collection}/{quote(str(ref), safe='')}{suffix}"


@dataclass(frozen=True)
class ResourceCalls(Generic[M, D]):
    """The calls of one collection (``/claims``...): ``row`` is its list and write view,
    ``detail`` what reading one row answers (a claim with its assertions, say)."""

    path: str
    row: type[M]
    detail: type[D]

    def get(self, ref: RowRef, include_deleted: bool = False) -> Call[D]:
        params = query({"include_deleted": include_deleted}) if include_deleted else None
        return Call("GET", row_path(self.path, ref), read_model(self.detail), params=params)

    def page(
        self, limit: int, cursor: str | None, filters: Mapping[str, FilterValue]
    ) -> Call[Page[M]]:
        params = query({**filters, "limit": limit, "cursor": cursor})
        return Call("GET", self.path, read_page(self.row), params=params)

    def create(self, value: Body) -> Call[M]:
        return Call("POST", self.path, read_model(self.row), json=body(value))

    def update(self, ref: RowRef, patch: Body, if_match: str | None) -> Call[M]:
        return Call(
            "PATCH", row_path(self.path, ref), read_model(self.row), json=body(patch),
            headers=precondition(if_match),
        )  # fmt: skip

    def delete(self, ref: RowRef, if_match: str | None) -> Call[None]:
        return Call(
            "DELETE", row_path(self.path, ref), read_nothing, headers=precondition(if_match)
        )

    def restore(self, ref: RowRef, if_match: str | None) -> Call[M]:
        return Call(
            "POST", row_path(self.path, ref, "/restore"), read_model(self.row),
            headers=precondition(if_match),
        )  # fmt: skip

    def history(self, ref: RowRef, limit: int) -> Call[Page[RevisionOut]]:
        return Call(
            "GET", row_path(self.path, ref, "/history"), read_page(RevisionOut),
            params={"limit": str(limit)},
        )  # fmt: skip


def finish(call: Call[T], response: httpx.Response) -> T:
    """The answer read into its model, or the problem details raised."""
    if response.is_error:
        raise ProblemError.from_response(response)
    return call.read(response)


OUTLETS = ResourceCalls("/outlets", OutletOut, OutletOut)
SOURCES = ResourceCalls("/sources", SourceOut, SourceOut)
CLAIMS = ResourceCalls("/claims", ClaimOut, ClaimDetail)
DOCUMENTS = ResourceCalls("/documents", DocumentOut, DocumentDetail)
ASSERTIONS = ResourceCalls("/assertions", AssertionOut, AssertionOut)


def health() -> Call[Health]:
    return Call("GET", "/health", read_model(Health))


def ready() -> Call[Readiness]:
    return Call("GET", "/ready", read_model(Readiness))


def assessment(ref: RowRef, conflict_limit: int) -> Call[AssessmentOut]:
    return Call(
        "GET", row_path("/claims", ref, "/assessment"), read_model(AssessmentOut),
        params={"conflict_limit": str(conflict_limit)},
    )  # fmt: skip


def outlet_record(ref: RowRef) -> Call[OutletRecordOut]:
    return Call("GET", row_path("/outlets", ref, "/record"), read_model(OutletRecordOut))


def extract(ref: RowRef, request: ExtractIn | Mapping[str, Any] | None) -> Call[ExtractionOut]:
    return Call(
        "POST", row_path("/documents", ref, "/extract"), read_model(ExtractionOut),
        json=body(request),
    )  # fmt: skip


def retract(ref: RowRef, reason: str, if_match: str | None) -> Call[AssertionOut]:
    return Call(
        "POST", row_path("/assertions", ref, "/retract"), read_model(AssertionOut),
        json={"reason": reason}, headers=precondition(if_match),
    )  # fmt: skip


def conflicts(
    limit: int, cursor: str | None, filters: Mapping[str, FilterValue]
) -> Call[Page[ConflictOut]]:
    params = query({**filters, "limit": limit, "cursor": cursor})
    return Call("GET", "/conflicts", read_page(ConflictOut), params=params)
