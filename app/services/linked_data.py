"""Load what the linked-data views need and build them (app.services.jsonld)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.db import queries
from app.db.lookup import find
from app.db.models import Assertion, Claim
from app.services import assessment, jsonld, present
from app.services.evidence import evidence


def claim_review(session: Session, ref: int | str, *, base: str) -> dict[str, Any]:
    """The schema.org ClaimReview of the claim ``ref`` names, assessed now."""
    claim = find(session, Claim, ref, options=queries.CLAIM_VIEW)
    result = assessment.assess_claim(session, claim.id, conflict_limit=0)
    rows = queries.assertions_of_claim(session, claim.id)
    voices = {f.id: f.voice for f in evidence(session, claim, rows).facts}
    return jsonld.claim_review(
        present.claim_view(claim), result, [present.assertion_view(r) for r in rows], voices,
        base=base, published=datetime.now(UTC).date(),
    )  # fmt: skip


def assertion_lineage(session: Session, ref: int | str, *, base: str) -> dict[str, Any]:
    """The W3C PROV-O lineage of the assertion ``ref`` names."""
    row = find(session, Assertion, ref, options=queries.ASSERTION_VIEW)
    return jsonld.assertion_lineage(present.assertion_view(row), base=base)
