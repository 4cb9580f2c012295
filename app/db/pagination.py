"""Keyset pagination (by id, or by a compound ordering key): stable under concurrent
inserts, cheap on a million rows. Cursors are opaque base64 JSON."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.errors import InvalidInput


def encode_cursor(last_id: int) -> str:
    return _encode({"after": last_id})


def decode_cursor(cursor: str) -> int:
    raw = decode_raw(cursor)
    after = raw.get("after") if isinstance(raw, dict) else None
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after < 2**31:
        raise InvalidInput("the cursor is not one this API gave out", field="cursor")
    return after


def encode_keyset(values: Sequence[int | float]) -> str:
    """A cursor after the row whose ordering key is ``values`` (a compound keyset)."""
    return _encode(list(values))


def decode_raw(cursor: str) -> Any:
    """A cursor's JSON value; the caller checks its shape."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("the cursor is not one this API gave out", field="cursor") from exc


def _encode(value: Any) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


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
