"""Keyset pagination by id: stable under concurrent inserts, cheap on a million rows."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.errors import InvalidInput

T = TypeVar("T")


def encode_cursor(last_id: int) -> str:
    raw = json.dumps({"after": last_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        after = json.loads(base64.urlsafe_b64decode(padded.encode()))["after"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise InvalidInput("the cursor is not one this API gave out", field="cursor") from exc
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after < 2**31:
        raise InvalidInput("the cursor is not one this API gave out", field="cursor")
    return after


def page(
    session: Session, stmt: sa.Select[Any], id_column: Any, limit: int, cursor: str | None
) -> tuple[Sequence[Any], str | None]:
    """Run ``stmt`` for one page of at most ``limit`` rows after ``cursor``, ordered by id."""
    if cursor is not None:
        stmt = stmt.where(id_column > decode_cursor(cursor))
    rows = session.scalars(stmt.order_by(id_column).limit(limit + 1)).unique().all()
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, encode_cursor(rows[-1].id)
    return rows, None


def page_of_list(items: Sequence[T], limit: int, cursor: str | None) -> tuple[list[T], str | None]:
    """One page of a list computed in memory; the cursor holds the offset."""
    offset = 0 if cursor is None else decode_cursor(cursor)
    chunk = list(items[offset : offset + limit])
    more = offset + limit < len(items)
    return chunk, encode_cursor(offset + limit) if more else None
