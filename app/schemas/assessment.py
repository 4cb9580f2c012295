"""Assessment views: consensus, agreement groups, conflicts, timelines, outlet records."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from app.domain.vocabulary import Behavior, Qualifier, Stance
from app.schemas.views import ClaimRef, OutletRef, SourceRef

Bound = float | date | None


class Window(BaseModel):
    start: date
    end: date


class ClaimBrief(ClaimRef):
    behavior: Behavior


class Span(BaseModel):
    """An interval in the claim's own terms: numbers, or dates for date claims.
    A null bound is unbounded; text claims carry ``text`` instead."""

    low: Bound = None
    high: Bound = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    text: str | None = None


class ConsensusOut(Span):
    window: Window | None = Field(description="The time window (snapshot, cumulative claims)")
    best: Bound = Field(description="The point estimate: the middle of a bounded consensus")
    supporting: list[int] = Field(description="Assertion ids behind the consensus")
    dissenting: list[int] = Field(description="Compared assertion ids outside it")
    outlets: int
    independent_sources: int = Field(description="Distinct voices: echoes of one source count once")
    support: float = Field(description="Votes behind it; each independent voice has one")
    explanation: str


class AgreementGroupOut(Span):
    window: Window | None
    assertions: list[int]
    outlets: int
    independent_sources: int
    voices: list[str] = Field(description="Who stands behind the group, one name per voice")


class ConflictSide(BaseModel):
    assertion: int
    key: str
    outlet: OutletRef
    document: int
    source: SourceRef | None
    value: str
    quote: str | None


class ConflictOut(BaseModel):
    claim: ClaimBrief
    a: ConflictSide
    b: ConflictSide
    severity: float = Field(ge=0, le=1, description="Relative gap between the values, 0..1")
    rule: str
    reason: str


class TimelineEntry(Span):
    assertion: int
    outlet: OutletRef
    stance: Stance
    qualifier: Qualifier | None
    wording: str
    as_of_start: date | None
    as_of_end: date | None
    published_at: datetime | None
    voice: str
    in_consensus: bool | None = Field(description="null when not compared (undisclosed, denial)")


class AssessmentOut(BaseModel):
    claim: ClaimBrief
    consensus: ConsensusOut | None = Field(description="The latest time window's consensus")
    windows: list[ConsensusOut] = Field(description="One consensus per time window")
    agreement_groups: list[AgreementGroupOut]
    conflicts: list[ConflictOut] = Field(description="Most severe first")
    conflicts_total: int = Field(
        description="Conflicting pairs; when `conflicts_complete` is false (a claim where "
        "many values disagree), the pairs of values that cannot both hold, an upper bound"
    )
    conflicts_complete: bool = Field(
        True, description="Whether `conflicts_total` pairs were all compared and counted"
    )
    undisclosed: list[int] = Field(description="Listed, never compared")
    denials: list[int]
    excluded: list[int] = Field(description="Retracted or superseded: not assessed")
    timeline: list[TimelineEntry]


class ClaimRecordOut(BaseModel):
    claim: ClaimBrief
    assertions: list[int]
    agreements: int = Field(description="Comparable assertions of other outlets that agree")
    conflicts: int = Field(description="Conflicts with assertions of other outlets")
    in_consensus: int
    dissenting: int
    not_compared: int


class OutletRecordOut(BaseModel):
    outlet: OutletRef
    claims: list[ClaimRecordOut]
    assertions: int
    agreements: int
    conflicts: int
    in_consensus: int
    dissenting: int
    agreement_rate: float | None = Field(description="agreements / (agreements + conflicts)")
