"""An audit run: fetch what the chosen rules read, through the client, and apply them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TypeVar

from pydantic import BaseModel, Field

from app.audit import rules
from app.audit.rules import RULES, Finding
from app.client import Client
from app.progress import QUIET, Ticker
from app.schemas.assessment import AssessmentOut, ConflictOut
from app.schemas.views import AssertionOut, ClaimOut, DocumentOut

T = TypeVar("T")


@dataclass(frozen=True)
class Thresholds:
    min_severity: float = 0.5
    stale_since: date = date(1, 1, 1)


@dataclass
class Evidence:
    """What the rules read, fetched once however many rules read it."""

    claims: list[ClaimOut] = field(default_factory=list)
    assertions: list[AssertionOut] = field(default_factory=list)
    documents: list[DocumentOut] = field(default_factory=list)
    conflicts: list[ConflictOut] = field(default_factory=list)
    assessments: list[AssessmentOut] = field(default_factory=list)


# What each rule reads, and how it reads it.
NEEDS: dict[str, frozenset[str]] = {
    "conflicts": frozenset({"conflicts"}),
    "single-source": frozenset({"claims", "assessments"}),
    "unquoted": frozenset({"assertions"}),
    "unattributed": frozenset({"assertions"}),
    "tampered": frozenset({"documents"}),
    "stale": frozenset({"claims", "assertions"}),
}
APPLY: dict[str, Callable[[Evidence, Thresholds], list[Finding]]] = {
    "conflicts": lambda e, s: rules.severe_conflicts(e.conflicts, s.min_severity),
    "single-source": lambda e, s: rules.single_source_claims(e.assessments),
    "unquoted": lambda e, s: rules.unquoted_assertions(e.assertions),
    "unattributed": lambda e, s: rules.unattributed_assertions(e.assertions),
    "tampered": lambda e, s: rules.tampered_documents(e.documents),
    "stale": lambda e, s: rules.stale_claims(e.claims, e.assertions, s.stale_since),
}


class RuleResult(BaseModel):
    rule: str
    title: str
    fail_on: bool = Field(description="Whether a finding of this rule fails the audit")
    findings: list[Finding]


class AuditReport(BaseModel):
    url: str
    generated_at: datetime
    min_severity: float
    stale_since: date
    rules: list[RuleResult]
    tripped: list[str] = Field(description="The --fail-on rules that found something")


def gather(
    api: Client, chosen: Collection[str], thresholds: Thresholds, ticker: Ticker
) -> Evidence:
    """Fetch every page the chosen rules need (each record advances ``ticker``)."""
    needs = frozenset().union(*(NEEDS[r] for r in chosen))
    evidence = Evidence()
    if "claims" in needs:
        evidence.claims = _counted(api.claims.iterate(), ticker)
    if "assertions" in needs:
        evidence.assertions = _counted(api.assertions.iterate(status="active"), ticker)
    if "documents" in needs:
        evidence.documents = _counted(api.documents.iterate(), ticker)
    if "conflicts" in needs:
        evidence.conflicts = _counted(
            api.iter_conflicts(min_severity=thresholds.min_severity), ticker
        )
    if "assessments" in needs:
        evidence.assessments = [
            _ticked(api.claims.assessment(c.id, conflict_limit=0), ticker) for c in evidence.claims
        ]
    return evidence


def _counted(items: Iterable[T], ticker: Ticker) -> list[T]:
    return [_ticked(item, ticker) for item in items]


def _ticked(item: T, ticker: Ticker) -> T:
    ticker.advance()
    return item


def audit(
    api: Client,
    chosen: Collection[str],
    thresholds: Thresholds,
    fail_on: Collection[str] = (),
    ticker: Ticker | None = None,
) -> AuditReport:
    """Run the chosen rules (and every ``fail_on`` rule) against the API ``api`` speaks to."""
    ordered = [r for r in RULES if r in set(chosen) | set(fail_on)]
    evidence = gather(api, ordered, thresholds, ticker or QUIET)
    results = [
        RuleResult(
            rule=r, title=RULES[r], fail_on=r in fail_on, findings=APPLY[r](evidence, thresholds)
        )
        for r in ordered
    ]
    return AuditReport(
        url=api.base_url,
        generated_at=datetime.now(UTC),
        min_severity=thresholds.min_severity,
        stale_since=thresholds.stale_since,
        rules=results,
        tripped=[r.rule for r in results if r.fail_on and r.findings],
    )
