"""A conflict as a row of ``claim_conflicts``: its ordering columns and its JSON."""

from __future__ import annotations

from app.domain.compare import Conflict
from app.services.evidence import Evidence


def conflict_row(ev: Evidence, conflict: Conflict, json: bytes) -> dict[str, object]:
    """The stored row of one of ``ev``'s conflicts (its rank within the claim left out),
    ``json`` its API body (``assessment_views.conflicts_json``)."""
    a, b = ev.rows[conflict.a], ev.rows[conflict.b]
    severity = round(conflict.severity, 4)  # as the view shows it
    return {
        "claim_id": ev.claim.id,
        "sort_key": -severity,
        "severity": severity,
        "a_id": a.id,
        "b_id": b.id,
        "outlet_a": a.document.outlet_id,
        "outlet_b": b.document.outlet_id,
        "source_a": a.source_id,
        "source_b": b.source_id,
        "body": json.decode(),
    }
