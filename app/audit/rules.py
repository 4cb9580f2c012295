"""The audit rules: plain functions from the client's answers to findings.

Each rule reads API models (as ``app.client`` returns them) and names every record that
trips it, with a reason a person can read and the API path to look at.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from pydantic import BaseModel, Field

from app.domain.vocabulary import AssertionStatus
from app.schemas.assessment import AssessmentOut, ConflictOut
from app.schemas.views import AssertionOut, ClaimOut, DocumentOut


class Finding(BaseModel):
    rule: str
    subject: str = Field(description="The record at fault, e.g. 'claim nk-soldiers-killed'")
    detail: str
    path: str = Field(description="Where to look, on the audited API")
    severity: float | None = None


RULES: dict[str, str] = {
    "conflicts": "Conflicts at or above the minimum severity",
    "single-source": "Claims whose consensus rests on one independent source",
    "unquoted": "Assertions without a quote anchor",
    "unattributed": "Assertions attributed to no source (the outlet's own voice)",
    "tampered": "Documents whose stored text no longer matches its sha256",
    "stale": "Claims with no new assertion since the stale date",
}


def severe_conflicts(conflicts: Iterable[ConflictOut], min_severity: float) -> list[Finding]:
    """Every conflict of at least ``min_severity`` (0..1), most severe first."""
    found = [
        Finding(
            rule="conflicts",
            subject=f"claim {c.claim.slug}: {c.a.key} vs {c.b.key}",
            detail=(
                f"{c.a.outlet.name} '{c.a.value}' vs {c.b.outlet.name} '{c.b.value}': {c.reason}"
            ),
            path=f"/claims/{c.claim.slug}/assessment",
            severity=c.severity,
        )
        for c in conflicts
        if c.severity >= min_severity
    ]
    return sorted(found, key=lambda f: -(f.severity or 0.0))


def single_source_claims(assessments: Iterable[AssessmentOut]) -> list[Finding]:
    """Claims whose current consensus has fewer than two independent sources behind it
    (five outlets echoing one agency are one source)."""
    return [
        Finding(
            rule="single-source",
            subject=f"claim {a.claim.slug}",
            detail=(
                f"consensus {_consensus_text(a)} rests on "
                f"{a.consensus.independent_sources} independent source(s) "
                f"from {a.consensus.outlets} outlet(s)"
            ),
            path=f"/claims/{a.claim.slug}/assessment",
        )
        for a in assessments
        if a.consensus is not None and a.consensus.independent_sources < 2
    ]


def _consensus_text(assessment: AssessmentOut) -> str:
    c = assessment.consensus
    assert c is not None
    if c.text is not None:
        return repr(c.text)
    if c.low == c.high:
        return _bound(c.low)
    return f"[{_bound(c.low)}, {_bound(c.high)}]"


def _bound(value: float | date | None) -> str:
    """A bound as a reader writes it: 42,400 (not 42400.0), a date, or unbounded."""
    if value is None:
        return "unbounded"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,}"
    return str(value)


def _active(assertions: Iterable[AssertionOut]) -> list[AssertionOut]:
    return [a for a in assertions if a.status == AssertionStatus.ACTIVE and a.deleted_at is None]


def unquoted_assertions(assertions: Iterable[AssertionOut]) -> list[Finding]:
    """Active assertions with no quote anchoring their value in the document's text."""
    return [
        Finding(
            rule="unquoted",
            subject=f"assertion {a.key}",
            detail=f"'{a.value.text}' for {a.claim.slug} in {a.document.key} has no quote",
            path=f"/assertions/{a.key}",
        )
        for a in _active(assertions)
        if a.quote is None
    ]


def unattributed_assertions(assertions: Iterable[AssertionOut]) -> list[Finding]:
    """Active assertions that name no source and no intermediary: the outlet speaks alone."""
    return [
        Finding(
            rule="unattributed",
            subject=f"assertion {a.key}",
            detail=(
                f"'{a.value.text}' for {a.claim.slug} is {a.document.outlet.name}'s own voice "
                f"({a.document.key})"
            ),
            path=f"/assertions/{a.key}",
        )
        for a in _active(assertions)
        if a.attribution.source is None and not a.attribution.via
    ]


def tampered_documents(documents: Iterable[DocumentOut]) -> list[Finding]:
    """Documents whose stored raw text no longer hashes to the sha256 taken at capture."""
    return [
        Finding(
            rule="tampered",
            subject=f"document {d.key}",
            detail=f"{d.outlet.name}: the stored text does not match sha256 {d.sha256[:12]}…",
            path=f"/documents/{d.key}",
        )
        for d in documents
        if not d.text_matches_sha256
    ]


def _reported_on(assertion: AssertionOut) -> date:
    """When an assertion was made public: its document's publication, else its recording."""
    when: datetime = assertion.document.published_at or assertion.created_at
    return when.date()


def stale_claims(
    claims: Iterable[ClaimOut], assertions: Iterable[AssertionOut], since: date
) -> list[Finding]:
    """Claims with no active assertion published on or after ``since`` (a claim with no
    assertion at all is stale too): nobody has reported on them lately."""
    latest: dict[int, date] = {}
    for a in _active(assertions):
        day = _reported_on(a)
        if a.claim.id not in latest or day > latest[a.claim.id]:
            latest[a.claim.id] = day
    findings = []
    for claim in claims:
        last = latest.get(claim.id)
        if last is not None and last >= since:
            continue
        detail = f"latest assertion {last}" if last is not None else "no active assertion"
        findings.append(
            Finding(
                rule="stale",
                subject=f"claim {claim.slug}",
                detail=f"{detail}; nothing since {since}",
                path=f"/claims/{claim.slug}",
            )
        )
    return findings
