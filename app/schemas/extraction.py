"""Extraction views: a document's candidate assertions, with their evidence."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, StringConstraints

from app.schemas.common import AsOf, Quote, Ref, Strict, Value
from app.schemas.views import ClaimRef, SourceRef

CandidateKey = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class ExcludedSpanOut(BaseModel):
    start: int
    end: int
    reason: str = Field(examples=["comments"])


class ClaimSuggestion(BaseModel):
    claim: ClaimRef
    score: float = Field(ge=0, le=1)


class ProposedClaim(BaseModel):
    slug: str
    title: str
    unit: str


class CandidateAttribution(BaseModel):
    cue: str | None = Field(examples=["according to"])
    name: str | None = Field(description="Who the cue points at, as written", examples=["KCNA"])
    source: SourceRef | None = Field(description="The stored source that name resolves to")
    via: list[str] = Field(description="Who later cues name, as written", examples=[["TASS"]])
    via_sources: list[SourceRef] = Field(description="The stored sources those names resolve to")


class CandidateOut(BaseModel):
    key: str = Field(description="Stable across runs on the same text: pass it to accept")
    value: Value
    unit: str | None
    sentence: str
    quote: Quote
    attribution: CandidateAttribution
    hedge: str | None
    as_of: AsOf | None
    suggested_claim: ClaimSuggestion | None
    proposed_claim: ProposedClaim | None = Field(description="When no stored claim matches")
    assertion: int | None = Field(description="The assertion already accepted from it")


class ExtractionOut(BaseModel):
    document: int
    extractor: str = Field(examples=["provenance-extract/1.0"])
    excluded: list[ExcludedSpanOut]
    candidates: list[CandidateOut]
    accepted: list[int] = Field(description="Assertions created or confirmed by this call")


class ExtractIn(Strict):
    """What to accept: candidate keys (or "all"), and the claim for any of them."""

    accept: Literal["all"] | Annotated[list[CandidateKey], Field(max_length=1000)] = Field(
        default_factory=list
    )
    claims: Annotated[dict[CandidateKey, Ref], Field(max_length=1000)] = Field(
        default_factory=dict, description="Candidate key -> claim id or slug, over the suggestion"
    )
    create_claims: StrictBool = Field(
        default=False, description="Create the proposed claim of a candidate that has no match"
    )
