"""The write path every tracked row shares: uniqueness, flush, soft delete, revision."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.lookup import LABEL
from app.db.models import Tracked
from app.db.types import utcnow
from app.domain.errors import AlreadyExists, InvalidInput, PreconditionFailed
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

# The (id, version) pairs a caller says it last read; a write proceeds only when the row
# is still at one of them. None: the caller set no condition.
Expected = frozenset[tuple[int, int]] | None


def check_version(session: Session, row: Tracked, expected: Expected) -> None:
    """Raise ``PreconditionFailed`` unless ``row`` is still at a version the caller read.

    The row is locked first (``SELECT ... FOR UPDATE`` where the database has it), so a
    concurrent writer's commit is waited for and seen: of two writers that read the same
    version, the second is refused instead of overwriting the first.
    """
    if expected is None:
        return
    session.refresh(row, ["version"], with_for_update=True)
    if (row.id, row.version) not in expected:
        raise PreconditionFailed(
            f"{LABEL[type(row)]} {row.id} changed since it was read: it is now at version "
            f"{row.version}; read it again and retry"
        )


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


def restore(session: Session, row: Tracked, actor: str) -> None:
    """Undo a soft delete; the caller has checked that what the row refers to is live."""
    before = revisions.snapshot(row)
    label = LABEL[type(row)]
    ensure_unique(session, type(row), {n: getattr(row, n) for n in UNIQUE_FIELDS[label]}, row.id)
    row.deleted_at = None
    row.updated_at = utcnow()
    flush(session, label)
    revisions.record(session, row, RevisionAction.RESTORE, actor, before)


def purge(session: Session, row: Tracked, actor: str) -> None:
    """Remove ``row`` for good, leaving a revision whose ``before`` is the row as it was.

    Owned collections (tags, intermediaries, near-duplicate buckets) go with it through
    the foreign keys' ON DELETE CASCADE; the caller has checked that no row refers to it.
    """
    model = type(row)
    revisions.record(session, row, RevisionAction.PURGE, actor, revisions.snapshot(row))
    stmt = sa.delete(model).where(model.id == row.id, model.version == row.version)
    result = session.execute(stmt.execution_options(synchronize_session=False))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise PreconditionFailed(f"{LABEL[model]} {row.id} changed while it was being purged")
    session.expunge(row)
    flush(session, LABEL[model])
