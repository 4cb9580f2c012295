"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python.

    SQLite has no time zones, so values are stored there as naive UTC; PostgreSQL
    stores ``timestamptz``. Either way the application sees aware UTC datetimes.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONDocument = sa.JSON().with_variant(JSONB(), "postgresql")


def vocabulary(enum: type[StrEnum], name: str) -> sa.Enum:
    """A VARCHAR column restricted by a named CHECK constraint to ``enum``'s values
    (``vocabulary_check``, which the models' tables add: not SQLAlchemy's own)."""
    return sa.Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=False,
        length=max(len(m.value) for m in enum) + 4,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def vocabulary_check(column: sa.Column[Any], table: sa.Table) -> None:
    """Add to ``table`` the CHECK constraint of ``column``'s vocabulary, named after it,
    spelled ``x = 'a' OR x = 'b' ...``: SQLite (3.40) runs a CHECK's ``x IN ('a', 'b')``
    by building a temporary index for the list, row after row (8 us per row for the five
    of ``assertions``, a tenth of a large import), and the comparisons in a fraction of
    that. NULL passes either way, as it did."""
    kind = column.type
    if not isinstance(kind, sa.Enum) or kind.native_enum or kind.name is None:
        return
    plain = sa.type_coerce(column, sa.String())
    table.append_constraint(
        sa.CheckConstraint(sa.or_(*(plain == value for value in kind.enums)), name=kind.name)
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


__all__ = ["JSONDocument", "UTCDateTime", "utcnow", "vocabulary"]
