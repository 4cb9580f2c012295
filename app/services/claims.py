"""Claims: the propositions whose values outlets report."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.db import queries
from app.db.lookup import find
from app.db.models import Assertion, Claim, ClaimTag
from app.domain.errors import InUse
from app.schemas.records import ClaimIn, ClaimPatch
from app.services import assertions, revisions, rows
from app.services.rows import Expected


def _sync_tags(claim: Claim, tags: Sequence[str]) -> None:
    wanted = list(dict.fromkeys(tags))
    kept = [t for t in claim.tags if t.tag in wanted]
    have = {t.tag for t in kept}
    claim.tags = kept + [ClaimTag(tag=t) for t in wanted if t not in have]


def _as_json(terms: dict[str, tuple[float, float]]) -> dict[str, list[float]]:
    return {term: [low, high] for term, (low, high) in terms.items()}


def create_claim(session: Session, body: ClaimIn, actor: str) -> Claim:
    claim = Claim(**body.model_dump(exclude={"type", "tags", "vague_terms"}))
    claim.vague_terms = _as_json(body.vague_terms)
    claim.tags = [ClaimTag(tag=t) for t in dict.fromkeys(body.tags)]
    return rows.create(session, claim, actor)


def update_claim(
    session: Session, ref: int | str, patch: ClaimPatch, actor: str, *, expected: Expected = None
) -> Claim:
    claim = find(session, Claim, ref, options=queries.CLAIM_VIEW)
    rows.check_version(session, claim, expected)
    apply_claim(session, claim, patch.model_dump(exclude_unset=True), actor)
    return claim


def apply_claim(session: Session, claim: Claim, changes: dict[str, object], actor: str) -> bool:
    """Apply ``changes``; when the reading of wording changed (tolerance, vague terms),
    the values read from wording are read again."""
    before = revisions.snapshot(claim)
    old_tolerance, old_terms = claim.tolerance, dict(claim.vague_terms)
    tags = changes.pop("tags", None)
    if changes.get("vague_terms") is not None:
        changes["vague_terms"] = _as_json(changes["vague_terms"])  # type: ignore[arg-type]
    if tags is not None:
        _sync_tags(claim, tags)  # type: ignore[arg-type]
    changed = rows.update(session, claim, changes, actor, before=before)
    if changed and (claim.tolerance != old_tolerance or claim.vague_terms != old_terms):
        assertions.reread_values(session, claim, old_tolerance, old_terms, actor)
    return changed


def delete_claim(
    session: Session, ref: int | str, actor: str, *, expected: Expected = None
) -> Claim:
    claim = find(session, Claim, ref, options=queries.CLAIM_VIEW)
    rows.check_version(session, claim, expected)
    used = queries.count_live(session, Assertion.claim_id, claim.id)
    if used:
        raise InUse(f"claim {claim.slug!r} still has {used} assertions; delete them first")
    rows.soft_delete(session, claim, actor)
    return claim
