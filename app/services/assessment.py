"""Assessment use cases: load a claim's evidence, run the domain rules, shape the answer.

Assessments are computed from the rows on every request, so they are never stale.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.db import queries
from app.db.evidence_rows import AssertionBrief, live_assertion_rows
from app.db.lookup import find
from app.db.models import Claim, Outlet
from app.db.pagination import page_of_list
from app.domain.assessment import Assessment, assess
from app.domain.compare import agrees, compare
from app.schemas.assessment import AssessmentOut, ClaimRecordOut, ConflictOut, OutletRecordOut
from app.schemas.views import OutletRef
from app.services import assessment_views as views
from app.services.evidence import Evidence, evidence


def _run(ev: Evidence) -> Assessment:
    return assess(ev.facts, ev.claim.behavior, ev.claim.value_type)


def assess_claim(session: Session, ref: int | str, *, conflict_limit: int) -> AssessmentOut:
    claim = find(session, Claim, ref)
    ev = evidence(session, claim, live_assertion_rows(session, [claim.id]))
    return views.assessment_view(ev, _run(ev), conflict_limit=conflict_limit)


def conflicts(
    session: Session,
    *,
    claim_id: int | None,
    outlet_id: int | None,
    source_id: int | None,
    min_severity: float,
    limit: int,
    cursor: str | None,
) -> tuple[list[ConflictOut], str | None]:
    """Every conflicting pair across claims, most severe first."""
    claim_ids = queries.claims_with_assertions(
        session, claim_id=claim_id, outlet_id=outlet_id, source_id=source_id
    )
    claims = queries.load_claims(session, claim_ids)
    by_claim: dict[int, list[AssertionBrief]] = {}
    for row in live_assertion_rows(session, claim_ids):
        by_claim.setdefault(row.claim_id, []).append(row)
    found: list[ConflictOut] = []
    for claim_id_, rows in by_claim.items():
        ev = evidence(session, claims[claim_id_], rows)
        for conflict in _run(ev).conflicts:
            if conflict.severity < min_severity:
                continue
            a, b = ev.rows[conflict.a], ev.rows[conflict.b]
            if outlet_id is not None and outlet_id not in (
                a.document.outlet_id,
                b.document.outlet_id,
            ):
                continue
            if source_id is not None and source_id not in (a.source_id, b.source_id):
                continue
            found.append(views.conflict_view(ev, conflict))
    found.sort(key=lambda c: (-c.severity, c.claim.id, c.a.assertion, c.b.assertion))
    return page_of_list(found, limit, cursor)


def outlet_record(session: Session, ref: int | str) -> OutletRecordOut:
    """How often an outlet's assertions agree or conflict with other outlets' and with the
    consensus, claim by claim."""
    outlet = find(session, Outlet, ref)
    claim_ids = queries.claims_of_outlet(session, outlet.id)
    claims = queries.load_claims(session, claim_ids)
    by_claim: dict[int, list[AssertionBrief]] = {}
    for row in live_assertion_rows(session, claim_ids):
        by_claim.setdefault(row.claim_id, []).append(row)
    records = []
    for claim_id in sorted(by_claim):
        ev = evidence(session, claims[claim_id], by_claim[claim_id])
        records.append(_claim_record(ev, _run(ev), outlet.id))
    records = [r for r in records if r.assertions]
    agreements = sum(r.agreements for r in records)
    conflicts_ = sum(r.conflicts for r in records)
    return OutletRecordOut(
        outlet=OutletRef.model_validate(outlet),
        claims=records,
        assertions=sum(len(r.assertions) for r in records),
        agreements=agreements,
        conflicts=conflicts_,
        in_consensus=sum(r.in_consensus for r in records),
        dissenting=sum(r.dissenting for r in records),
        agreement_rate=agreements / (agreements + conflicts_) if agreements + conflicts_ else None,
    )


def _claim_record(ev: Evidence, result: Assessment, outlet_id: int) -> ClaimRecordOut:
    behavior, value_type = ev.claim.behavior, ev.claim.value_type
    own = [f for f in ev.facts if f.outlet_id == outlet_id]
    others = [f for f in ev.facts if f.outlet_id != outlet_id]
    supporting = {i for w in result.windows if w.consensus for i in w.consensus.supporting}
    dissenting = {i for w in result.windows if w.consensus for i in w.consensus.dissenting}
    return ClaimRecordOut(
        claim=views.claim_brief(ev.claim),
        assertions=sorted(f.id for f in own)
        + sorted(i for i in ev.excluded if ev.rows[i].document.outlet_id == outlet_id),
        agreements=sum(agrees(a, b, behavior) for a in own for b in others),
        conflicts=sum(compare(a, b, behavior, value_type) is not None for a in own for b in others),
        in_consensus=sum(f.id in supporting for f in own),
        dissenting=sum(f.id in dissenting for f in own),
        not_compared=sum(not f.is_figure for f in own),
    )
