"""Vocabulary CHECK constraints spelled as comparisons, not as IN lists.

SQLite (3.40) runs a CHECK constraint's ``kind IN ('a', 'b')`` by building a temporary
index of the list, again for every row it checks: the five of ``assertions`` cost 8 us
per inserted row, a tenth of a large import. ``kind = 'a' OR kind = 'b'`` allows and
refuses the same values (a NULL passes both) at a fraction of the cost.

On SQLite the constraints are rewritten in the tables' stored SQL, as SQLite documents
for constraints that the stored rows already meet (``PRAGMA writable_schema``, then the
schema version bumped, so that every connection reads the schema again): no table is
copied, which would drop the tables' triggers and take minutes on a large database.
On PostgreSQL each constraint is dropped and added again.

Revision ID: 3c5e8f1a9b27
Revises: daf8cf4f8dfd
Create Date: 2026-12-02 18:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "3c5e8f1a9b27"
down_revision: str | None = "daf8cf4f8dfd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PRECISIONS = ("year", "quarter", "month", "week", "day", "hour", "minute", "second")
# (table, column: its constraint is ck_<table>_<column>, values), as of this revision
_VOCABULARIES = [
    ("api_keys", "role", ("reader", "editor", "admin")),
    ("assertions", "stance", ("asserts", "denies", "undisclosed")),
    ("assertions", "status", ("active", "retracted", "superseded")),
    ("assertions", "qualifier", ("exact", "approximately", "at_least", "more_than", "at_most",
                                 "less_than", "range", "vague")),
    ("assertions", "as_of_precision", _PRECISIONS),
    ("assertions", "creator_kind", ("person", "extractor", "import")),
    ("claims", "behavior", ("fixed", "snapshot", "cumulative")),
    ("claims", "value_type", ("quantity", "date", "text")),
    ("documents", "published_precision", _PRECISIONS),
    ("outlets", "kind", ("state_media", "wire", "aggregator", "independent", "government",
                         "other")),
    ("revisions", "action", ("create", "update", "delete", "restore", "purge")),
    ("sources", "kind", ("person", "agency", "body", "outlet", "other")),
]  # fmt: skip


def _listed(column: str, values: Sequence[str]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def _compared(column: str, values: Sequence[str]) -> str:
    return " OR ".join(f"{column} = '{v}'" for v in values)


def _rewrite_sqlite(spell: str) -> None:
    """Each vocabulary constraint of the stored table SQL as ``spell`` says."""
    connection = op.get_bind()
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar_one()
    tables: dict[str, str] = {}
    for table, column, values in _VOCABULARIES:
        if table not in tables:
            tables[table] = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).scalar_one()
        old, new = _listed(column, values), _compared(column, values)
        if spell == "listed":
            old, new = new, old
        name = f"ck_{table}_{column}"
        stored = f"CONSTRAINT {name} CHECK ({old})"
        if tables[table].count(stored) != 1:
            raise RuntimeError(f"{name} is not {old!r} in the stored SQL of {table}")
        tables[table] = tables[table].replace(stored, f"CONSTRAINT {name} CHECK ({new})")
    connection.exec_driver_sql("PRAGMA writable_schema = ON")
    for table, sql in tables.items():
        connection.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql, table)
        )
    connection.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    connection.exec_driver_sql("PRAGMA writable_schema = OFF")


def _rewrite_postgresql(spell: str) -> None:
    for table, column, values in _VOCABULARIES:
        name = f"ck_{table}_{column}"
        check = _compared(column, values) if spell == "compared" else _listed(column, values)
        op.execute(
            f"ALTER TABLE {table} DROP CONSTRAINT {name}, ADD CONSTRAINT {name} CHECK ({check})"
        )


def _rewrite(spell: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rewrite_sqlite(spell)
    else:
        _rewrite_postgresql(spell)


def upgrade() -> None:
    _rewrite("compared")


def downgrade() -> None:
    _rewrite("listed")
