"""Bringing a soft-deleted row back (restore), and removing one for good (purge).

Restore refuses while the row points at a row that is still deleted (an assertion whose
claim, document or source is deleted; a document whose outlet is). Purge removes only a
row that is already soft-deleted, and refuses while any other row, live or deleted,
still points at it: there is no cascade, so a purge never takes more than it names.
Both leave a revision.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import ORMOption

from app.db import references
from app.db.lookup import LABEL, find
from app.db.models import (
    Assertion,
    AssertionIntermediary,
    Claim,
    Document,
    Outlet,
    Source,
    Tracked,
)
from app.domain.errors import DeletedReference, InUse, NotDeleted
from app.services import rows

M = TypeVar("M", bound=Tracked)

# Collections a row owns: loaded so that its revision's snapshot holds them.
_OWNED: dict[type[Tracked], tuple[ORMOption, ...]] = {
    Claim: (selectinload(Claim.tags),),
    Assertion: (selectinload(Assertion.intermediaries),),
}

# What a row points at that must be live before it is restored: (field, column, model).
# A document may copy a deleted original (as when it is stored), so duplicate_of is absent.
_MUST_BE_LIVE: dict[type[Tracked], tuple[tuple[str, str, type[Tracked]], ...]] = {
    Document: (("outlet", "outlet_id", Outlet),),
    Assertion: (
        ("claim", "claim_id", Claim),
        ("document", "document_id", Document),
        ("attribution.source", "source_id", Source),
    ),
}

# Every column that points at a row of a model, with what it counts and how to say it.
_REFERRERS: dict[type[Tracked], tuple[tuple[Any, Any, str], ...]] = {
    Outlet: ((Document.outlet_id, Document.id, "documents"),),
    Source: (
        (Assertion.source_id, Assertion.id, "assertions attributed to it"),
        (
            AssertionIntermediary.source_id,
            AssertionIntermediary.assertion_id,
            "assertions naming it as an intermediary",
        ),
    ),
    Claim: ((Assertion.claim_id, Assertion.id, "assertions"),),
    Document: (
        (Assertion.document_id, Assertion.id, "assertions"),
        (Document.duplicate_of_id, Document.id, "documents copying it"),
    ),
    Assertion: ((Assertion.superseded_by_id, Assertion.id, "assertions it superseded"),),
}


def _deleted_row(session: Session, model: type[M], ref: int | str, expected: rows.Expected) -> M:
    row = find(session, model, ref, include_deleted=True, options=_OWNED.get(model, ()))
    rows.check_version(session, row, expected)
    return row


def restore(
    session: Session,
    model: type[M],
    ref: int | str,
    actor: str,
    *,
    expected: rows.Expected = None,
) -> M:
    """Undo the soft delete of the row ``ref`` names, recorded as a revision."""
    row = _deleted_row(session, model, ref, expected)
    label = LABEL[model]
    if row.deleted_at is None:
        raise NotDeleted(f"{label} {ref!r} is not deleted")
    for field, column, target in _MUST_BE_LIVE.get(model, ()):
        target_id = getattr(row, column)
        if target_id is not None and references.deleted_ids(session, target, [target_id]):
            raise DeletedReference(
                f"{label} {ref!r} refers to {LABEL[target]} {target_id}, which is deleted: "
                "restore that first",
                field=field,
            )
    if isinstance(row, Assertion):
        via = [link.source_id for link in row.intermediaries]
        gone = references.deleted_ids(session, Source, via)
        if gone:
            raise DeletedReference(
                f"{label} {ref!r} names deleted sources {gone} as intermediaries: "
                "restore them first",
                field="attribution.via",
            )
    rows.restore(session, row, actor)
    return row


def purge(
    session: Session,
    model: type[M],
    ref: int | str,
    actor: str,
    *,
    expected: rows.Expected = None,
) -> M:
    """Remove the deleted row ``ref`` names for good; returns it as it was."""
    row = _deleted_row(session, model, ref, expected)
    label = LABEL[model]
    if row.deleted_at is None:
        raise NotDeleted(f"{label} {ref!r} is live: delete it first, then purge it")
    users = [
        f"{count} {what}"
        for column, counted, what in _REFERRERS[model]
        if (count := references.count_referring(session, column, row.id, counted))
    ]
    if users:
        raise InUse(
            f"{label} {ref!r} is still referred to by {' and '.join(users)} (live or deleted): "
            "purge those first"
        )
    rows.purge(session, row, actor)
    return row
