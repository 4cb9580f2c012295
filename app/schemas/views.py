"""Output shapes: what the API answers. Every view carries ids, keys and timestamps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.domain.vocabulary import (
    AssertionStatus,
    Behavior,
    CreatorKind,
    OutletKind,
    Precision,
    RevisionAction,
    SourceKind,
    Stance,
    ValueType,
)
from app.schemas.common import AsOf, Quote, Value


class View(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RowMeta(View):
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = Field(description="Set when soft-deleted")
    version: int = Field(description="Bumped by every update")


class OutletRef(View):
    id: int
    slug: str
    name: str
    kind: OutletKind


class OutletOut(RowMeta):
    id: int
    slug: str
    name: str
    domain: str | None
    country: str | None
    kind: OutletKind
    notes: str | None


class SourceRef(View):
    id: int
    slug: str
    name: str
    kind: SourceKind


class SourceOut(RowMeta):
    id: int
    slug: str
    name: str
    kind: SourceKind
    affiliation: str | None
    notes: str | None


class ClaimRef(View):
    id: int
    slug: str
    title: str
    unit: str
    value_type: ValueType


class ClaimOut(RowMeta):
    id: int
    slug: str
    title: str
    description: str | None
    unit: str
    value_type: ValueType
    behavior: Behavior
    tolerance: float
    aliases: list[str]
    tags: list[str]
    vague_terms: dict[str, tuple[float, float]]
    notes: str | None


class DocumentRef(View):
    id: int
    key: str
    title: str | None
    url: str | None
    published_at: datetime | None
    outlet: OutletRef


class DocumentOut(RowMeta):
    id: int
    key: str
    outlet: OutletRef
    url: str | None
    title: str | None
    author: str | None
    published_at: datetime | None
    published_precision: Precision | None
    retrieved_at: datetime | None
    language: str | None
    content_type: str
    sha256: str
    text_matches_sha256: bool = Field(
        description="Whether the stored raw text still hashes to `sha256` (false: it was "
        "altered after capture)"
    )
    duplicate_of_id: int | None
    duplicate_similarity: float | None
    notes: str | None


class AttributionOut(BaseModel):
    source: SourceRef | None = Field(description="The ultimate source; null: the outlet itself")
    via: list[SourceRef] = Field(description="Intermediaries, from the source towards the outlet")


class AssertionOut(RowMeta):
    id: int
    key: str
    claim: ClaimRef
    document: DocumentRef
    stance: Stance
    status: AssertionStatus
    superseded_by_id: int | None
    value: Value
    as_of: AsOf | None
    hedge: str | None
    attribution: AttributionOut
    quote: Quote | None
    created_by: str
    creator_kind: CreatorKind
    notes: str | None


class ClaimDetail(ClaimOut):
    assertions: list[AssertionOut] = Field(description="Active, not deleted, oldest first")


class ExcludedSpan(BaseModel):
    start: int
    end: int
    reason: str


class DocumentDetail(DocumentOut):
    raw_text: str
    plain_text: str | None = Field(description="An HTML capture's reader text; quotes index it")
    clean_text: str | None = Field(description="The article without what cleaning set aside")
    excluded_spans: list[ExcludedSpan] = Field(
        description="Offsets (into plain_text, else raw_text) of what is not the article, and why"
    )
    assertions: list[AssertionOut] = Field(description="Not deleted, oldest first")


class RevisionOut(View):
    id: int
    entity_type: str
    entity_id: int
    action: RevisionAction
    actor: str
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class Health(BaseModel):
    status: str
    version: str
    database: str


class Readiness(BaseModel):
    status: str = Field(examples=["ready"])
    version: str
    database: str
    revision: str = Field(description="The migration the database is at: the code's head")
