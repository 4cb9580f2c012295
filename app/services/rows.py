"""The write path every tracked row shares: uniqueness, flush, soft delete, revision."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.lookup import LABEL
from app.db.models import Tracked
from app.db.types import utcnow
from app.domain.errors import AlreadyExists, InvalidInput
from app.domain.vocabulary import RevisionAction
from app.services import revisions

M = TypeVar("M", bound=Tracked)

UNIQUE_FIELDS: dict[str, tuple[str, ...]] = {
    "outlet": ("slug",),
    "source": ("slug",),
    "claim": ("slug",),
    "document": ("key", "url"),
    "assertion": ("key",),
}
# Bookkeeping that moves on every write and so says nothing about whether content changed.
_BOOKKEEPING = frozenset({"version", "updated_at"})


def ensure_unique(
    session: Session, model: type[Tracked], values: dict[str, Any], own_id: int | None
) -> None:
    """Raise ``AlreadyExists`` naming the field when another row holds one of ``values``."""
    label = LABEL[model]
    for name in UNIQUE_FIELDS[label]:
        value = values.get(name)
        if value is None:
            continue
        stmt = sa.select(model.id, model.deleted_at).where(getattr(model, name) == value)
        if own_id is not None:
            stmt = stmt.where(model.id != own_id)
        clash = session.execute(stmt).first()
        if clash is not None:
            state = " (deleted; restore it instead)" if clash.deleted_at is not None else ""
            raise AlreadyExists(
                f"{label} {clash.id} already has {name} {value!r}{state}", field=name
            )


def flush(session: Session, label: str) -> None:
    """Flush, turning a constraint the database caught into an error a person can read."""
    try:
        session.flush()
    except IntegrityError as exc:
        message = str(exc.orig).lower()
        if "unique" in message or "duplicate" in message:
            raise AlreadyExists(f"that {label} clashes with an existing one") from exc
        raise InvalidInput(f"the {label} breaks a database rule: {exc.orig}") from exc


def create(session: Session, row: M, actor: str) -> M:
    label = LABEL[type(row)]
    ensure_unique(session, type(row), {n: getattr(row, n) for n in UNIQUE_FIELDS[label]}, None)
    session.add(row)
    flush(session, label)
    revisions.record(session, row, RevisionAction.CREATE, actor, None)
    return row


def _content(snap: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in snap.items() if k not in _BOOKKEEPING}


def update(
    session: Session,
    row: Tracked,
    changes: dict[str, Any],
    actor: str,
    *,
    before: dict[str, Any] | None = None,
) -> bool:
    """Apply column ``changes`` to ``row`` and record a revision; False when nothing changed.

    A caller that also changes owned collections (tags, intermediaries) takes the
    ``before`` snapshot first and passes it in.
    """
    if before is None:
        before = revisions.snapshot(row)
    changed = {k: v for k, v in changes.items() if getattr(row, k) != v}
    ensure_unique(session, type(row), changed, row.id)
    for name, value in changed.items():
        setattr(row, name, value)
    if _content(revisions.snapshot(row)) == _content(before):
        return False
    row.updated_at = utcnow()
    flush(session, LABEL[type(row)])
    revisions.record(session, row, RevisionAction.UPDATE, actor, before)
    return True


def soft_delete(session: Session, row: Tracked, actor: str) -> None:
    before = revisions.snapshot(row)
    row.deleted_at = utcnow()
    flush(session, LABEL[type(row)])
    revisions.record(session, row, RevisionAction.DELETE, actor, before)
