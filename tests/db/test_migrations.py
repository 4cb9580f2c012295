"""The migrations build exactly the models' schema, undo cleanly, and the schema enforces
the rules the application relies on, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.schema import CreateTable

from app.db import migrate
from app.db.engine import make_engine
from app.db.models import Base

APP_TABLES = set(Base.metadata.tables)


def table_names(url: str) -> set[str]:
    # A fresh engine each time: an inspector caches what it saw before a migration.
    engine = make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.fixture
def restored_to_head(database_url: str, engine: Engine) -> Iterator[str]:
    """The shared database, put back at head (and so empty) whatever the test did to it."""
    engine.dispose()  # no pooled connection may hold a lock while tables are dropped
    try:
        yield database_url
    finally:
        migrate.upgrade(database_url, "head")
        assert migrate.current_revision(engine) == migrate.head_revision(database_url)


def test_downgrade_to_base_and_upgrade_to_head_round_trips(restored_to_head: str) -> None:
    url = restored_to_head
    assert table_names(url) >= APP_TABLES
    for _ in range(2):
        migrate.downgrade(url, "base")
        assert table_names(url) <= {"alembic_version"}
        migrate.upgrade(url, "head")
        assert table_names(url) >= APP_TABLES
        assert table_names(url) - APP_TABLES == {"alembic_version"}


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def _vocabulary_checks() -> list[tuple[str, sa.CheckConstraint, int]]:
    """(table, constraint, how many values) of every vocabulary column's CHECK."""
    found = []
    for table in Base.metadata.tables.values():
        for column in table.columns:
            kind = column.type
            if isinstance(kind, sa.Enum) and kind.name:
                name = f"ck_{table.name}_{kind.name}"
                (check,) = (
                    c for c in table.constraints
                    if isinstance(c, sa.CheckConstraint) and c.name == name
                )  # fmt: skip
                found.append((table.name, check, len(kind.enums)))
    return found


def test_the_vocabulary_checks_are_stored_as_the_models_spell_them(engine: Engine) -> None:
    # compare_metadata leaves CHECK constraints out: the migrations could drift from the
    # models there unseen. Both spell them as comparisons, not as an IN list (SQLite
    # builds a temporary index per checked row for an IN list).
    checks = _vocabulary_checks()
    assert len(checks) == 12
    with engine.connect() as conn:
        for table, check, values in checks:
            if conn.dialect.name == "sqlite":
                stored = conn.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
                ).scalar_one()
                model = str(CreateTable(Base.metadata.tables[table]).compile(dialect=conn.dialect))
                (spelled,) = (
                    line.strip().rstrip(",").strip() for line in model.splitlines()
                    if line.strip().startswith(f"CONSTRAINT {check.name} CHECK")
                )  # fmt: skip
                assert spelled in stored
            else:
                stored = conn.exec_driver_sql(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s",
                    (check.name,),
                ).scalar_one()
                assert stored.count(" OR ") == values - 1, stored
                assert "ANY" not in stored, stored


# --- The database itself refuses rows that break the rules -----------------------------


@pytest.fixture
def conn(db: sessionmaker[Session], engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back: nothing is left behind."""
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()


def insert(conn: Connection, table: str, **values: Any) -> int:
    """Insert one tracked row with raw SQL (no ORM defaults or enum validation) -> its id."""
    names = ", ".join([*values, "created_at", "updated_at", "version"])
    params = ", ".join(f":{name}" for name in values)
    sql = (
        f"INSERT INTO {table} ({names}) "
        f"VALUES ({params}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1) RETURNING id"
    )
    return conn.execute(sa.text(sql), values).scalar_one()


def outlet(conn: Connection, slug: str = "tass", kind: str = "wire") -> int:
    return insert(conn, "outlets", slug=slug, name=slug.upper(), kind=kind)


def document(conn: Connection, outlet_id: int) -> int:
    return insert(
        conn, "documents", key="doc-1", outlet_id=outlet_id, raw_text="text", sha256="0" * 64
    )


def claim(conn: Connection) -> int:
    return insert(
        conn, "claims", slug="troops", title="Troops", unit="person",
        value_type="quantity", behavior="fixed", tolerance=0.1, aliases="[]", vague_terms="{}",
    )  # fmt: skip


def assertion(conn: Connection, *, low: float, high: float) -> int:
    document_id = document(conn, outlet(conn))
    return insert(
        conn, "assertions", key="a-1", claim_id=claim(conn), document_id=document_id,
        stance="asserts", status="active", value_text="some troops", qualifier="range",
        low=low, high=high, low_inclusive=True, high_inclusive=True,
        created_by="test", creator_kind="person",
    )  # fmt: skip


def test_the_row_builders_make_valid_rows(conn: Connection) -> None:
    # Without this, every refusal below could be a refusal of the builders' own rows.
    assert assertion(conn, low=1000, high=2000) > 0


def test_an_assertion_whose_low_exceeds_its_high_is_refused(conn: Connection) -> None:
    with pytest.raises(IntegrityError, match="ck_assertions_low_le_high"):
        assertion(conn, low=2000, high=1000)


def test_an_outlet_of_an_unknown_kind_is_refused(conn: Connection) -> None:
    with pytest.raises(IntegrityError, match="ck_outlets_kind"):
        outlet(conn, kind="tabloid")


def test_a_document_of_a_missing_outlet_is_refused(conn: Connection) -> None:
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
        document(conn, outlet_id=999_999)


def test_a_second_outlet_with_the_same_slug_is_refused(conn: Connection) -> None:
    outlet(conn, slug="tass")
    with pytest.raises(IntegrityError, match=r"outlets\.slug|uq_outlets_slug"):
        outlet(conn, slug="tass")
