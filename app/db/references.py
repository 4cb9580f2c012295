"""Which rows refer to a row: what keeps it from being purged, or from being restored."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db.models import Tracked


def count_referring(session: Session, column: Any, value: int, counted: Any) -> int:
    """How many rows (``counted`` names them) hold ``value`` in ``column``, live or deleted."""
    stmt = sa.select(sa.func.count(sa.distinct(counted))).where(column == value)
    return int(session.scalar(stmt) or 0)


def deleted_ids(session: Session, model: type[Tracked], ids: Collection[int]) -> list[int]:
    """Those of ``ids`` whose ``model`` row is soft-deleted, in id order."""
    if not ids:
        return []
    stmt = sa.select(model.id).where(model.id.in_(ids), model.deleted_at.is_not(None))
    return list(session.scalars(stmt.order_by(model.id)))
