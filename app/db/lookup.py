"""Find one tracked row by its id, slug or key, whichever the caller gave."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from app.db.models import Assertion, Claim, Document, Outlet, Revision, Source, Tracked
from app.domain.errors import Gone, NotFound
from app.domain.vocabulary import RevisionAction

M = TypeVar("M", bound=Tracked)

NATURAL_KEY: dict[type[Tracked], str] = {
    Outlet: "slug",
    Source: "slug",
    Claim: "slug",
    Document: "key",
    Assertion: "key",
}
LABEL: dict[type[Tracked], str] = {
    Outlet: "outlet",
    Source: "source",
    Claim: "claim",
    Document: "document",
    Assertion: "assertion",
}


MAX_ID = 2**31 - 1  # ids are INTEGER columns


def ref_condition(model: type[Tracked], ref: int | str) -> Any:
    """Digits name an id; anything else a slug or key."""
    if isinstance(ref, int) or (ref.isascii() and ref.isdigit()):  # not "²", not "٣"
        number = int(ref)
        return model.id == number if 0 < number <= MAX_ID else sa.false()
    return getattr(model, NATURAL_KEY[model]) == ref


def find(
    session: Session,
    model: type[M],
    ref: int | str,
    *,
    options: tuple[ORMOption, ...] = (),
    include_deleted: bool = False,
    field: str | None = None,
) -> M:
    """The row ``ref`` names; ``NotFound`` when there is none, ``Gone`` when it is deleted."""
    stmt = sa.select(model).where(ref_condition(model, ref)).options(*options)
    row = session.scalars(stmt).unique().one_or_none()
    label = LABEL[model]
    if row is None:
        raise NotFound(f"no {label} {ref!r}", field=field)
    if row.deleted_at is not None and not include_deleted:
        raise Gone(f"{label} {ref!r} was deleted at {row.deleted_at.isoformat()}", field=field)
    return row


def purged_id(session: Session, model: type[Tracked], ref: str) -> int | None:
    """The id ``ref`` gives when it names a purged row (by id: its slug went with it)."""
    if not (ref.isascii() and ref.isdigit()) or not 0 < int(ref) <= MAX_ID:
        return None
    stmt = sa.select(Revision.entity_id).where(
        Revision.entity_type == LABEL[model],
        Revision.entity_id == int(ref),
        Revision.action == RevisionAction.PURGE,
    )
    return session.scalars(stmt.limit(1)).first()
