"""Revisions: every write to a tracked row leaves its before and after in the history."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db.lookup import LABEL
from app.db.models import Assertion, Claim, Revision, Tracked
from app.domain.vocabulary import RevisionAction


def _plain(value: Any) -> Any:
    # A time as the database keeps it (UTC), whatever offset it was given with.
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def snapshot(row: Tracked) -> dict[str, Any]:
    """Every column of ``row`` as JSON-ready values, plus its owned collections."""
    mapper = sa.inspect(type(row))
    data = {attr.key: _plain(getattr(row, attr.key)) for attr in mapper.column_attrs}
    if isinstance(row, Claim):
        data["tags"] = sorted(t.tag for t in row.tags)  # as stored: in tag order
    if isinstance(row, Assertion):
        data["via"] = [link.source_id for link in row.intermediaries]
    return data


def record(
    session: Session,
    row: Tracked,
    action: RevisionAction,
    actor: str,
    before: dict[str, Any] | None,
) -> Revision:
    after = None if action is RevisionAction.PURGE else snapshot(row)
    revision = Revision(
        entity_type=LABEL[type(row)],
        entity_id=row.id,
        action=action,
        actor=actor,
        before=before,
        after=after,
    )
    session.add(revision)
    return revision
