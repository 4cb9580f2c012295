"""What a crash test asks of the database after a kill: the row counts, whether it is
intact, and whether a write was under way at the moment of the kill."""

from __future__ import annotations

import sqlite3
import time
from collections import Counter

import sqlalchemy as sa
from sqlalchemy.engine import Connection, make_url

from app.db.engine import make_engine
from app.db.models import Base, Claim, ClaimAssessment, StaleClaim

RECORD_TABLES = {
    "outlet": "outlets", "source": "sources", "claim": "claims", "document": "documents",
    "assertion": "assertions",
}  # fmt: skip


# Derived: stored assessments and stale marks, which `seed` and `import` write after the
# records' own transaction (a kill between the two is a legitimate state). Checked by
# ``_unassessed`` instead: every claim is either marked stale or has a stored assessment.
DERIVED_TABLES = {"stale_claims", "stale_documents", "claim_assessments", "claim_conflicts"}


def table_counts(url: str) -> dict[str, int]:
    """Rows in every table of the models but the derived ones."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table.name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for table in Base.metadata.sorted_tables
                if table.name not in DERIVED_TABLES
            }
    finally:
        engine.dispose()


def record_counts(counts: dict[str, int]) -> Counter[str]:
    """The rows of each bundle record type, out of ``table_counts``."""
    return Counter({kind: counts[table] for kind, table in RECORD_TABLES.items()})


def integrity_problems(url: str) -> list[str]:
    """Everything found wrong with the database; empty when it is intact.

    SQLite: ``PRAGMA integrity_check`` and ``foreign_key_check``. PostgreSQL: constraints
    and indexes all valid, and, where the amcheck extension can be created, every B-tree
    index checked against its table and every table's pages verified. Both: no row refers
    to a missing row and no unique key is held twice, checked with plain queries.
    """
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                problems = _sqlite_problems(conn)
            else:
                problems = _postgres_problems(conn)
            return problems + _orphans(conn) + _duplicates(conn) + _unassessed(conn)
    finally:
        engine.dispose()


def _unassessed(conn: Connection) -> list[str]:
    """Claims neither marked stale nor assessed: a stored assessment that a write could
    have left behind unmarked (the marks are written in the write's own transaction)."""
    missing = conn.scalars(
        sa.select(Claim.id)
        .where(
            ~sa.exists().where(StaleClaim.claim_id == Claim.id),
            ~sa.exists().where(ClaimAssessment.claim_id == Claim.id),
        )
        .limit(10)
    ).all()
    return [f"claims neither stale nor assessed: {missing}"] if missing else []


def _sqlite_problems(conn: Connection) -> list[str]:
    problems: list[str] = []
    verdict = conn.exec_driver_sql("PRAGMA integrity_check").scalars().all()
    if verdict != ["ok"]:
        problems.append(f"integrity_check: {verdict}")
    dangling = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if dangling:
        problems.append(f"foreign_key_check: {dangling[:10]}")
    return problems


def _postgres_problems(conn: Connection) -> list[str]:
    problems: list[str] = []
    invalid = conn.execute(
        sa.text(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint "
            "WHERE connamespace = 'public'::regnamespace AND NOT convalidated "
            "UNION ALL SELECT indrelid::regclass::text, indexrelid::regclass::text "
            "FROM pg_index WHERE NOT indisvalid"
        )
    ).all()
    if invalid:
        problems.append(f"constraints or indexes not valid: {invalid}")
    if not _amcheck(conn):
        return problems
    indexes = conn.execute(
        sa.text(
            "SELECT c.oid, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am am ON am.oid = c.relam "
            "WHERE am.amname = 'btree' AND c.relnamespace = 'public'::regnamespace"
        )
    ).all()
    for oid, name in indexes:
        try:
            with conn.begin_nested():
                conn.execute(sa.text("SELECT bt_index_check(:oid, true)"), {"oid": oid})
        except sa.exc.DBAPIError as exc:
            problems.append(f"index {name}: {exc.orig}")
    for table in Base.metadata.sorted_tables:
        damage = conn.execute(
            sa.text("SELECT blkno, msg FROM verify_heapam(CAST(:t AS regclass))"), {"t": table.name}
        ).all()
        if damage:
            problems.append(f"table {table.name}: {damage[:5]}")
    return problems


def _amcheck(conn: Connection) -> bool:
    """Whether amcheck's functions can be used (creating it needs a superuser)."""
    try:
        with conn.begin_nested():
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS amcheck"))
    except sa.exc.DBAPIError:
        return False
    return True


def _orphans(conn: Connection) -> list[str]:
    """Rows whose foreign key names a row that is not there."""
    problems = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_key_constraints:
            parent = fk.referred_table.alias("parent")  # the table itself, for self-references
            pairs = [(element.parent, parent.c[element.column.name]) for element in fk.elements]
            missing = (
                sa.select(sa.func.count())
                .select_from(table)
                .where(*(child.is_not(None) for child, _ in pairs))
                .where(~sa.exists().where(*(child == key for child, key in pairs)))
            )
            if orphans := conn.execute(missing).scalar_one():
                problems.append(f"{orphans} rows of {table.name} break {fk.name}")
    return problems


def _duplicates(conn: Connection) -> list[str]:
    """Primary and unique keys held by more than one row."""
    problems = []
    for table in Base.metadata.sorted_tables:
        keys = [
            list(c.columns)
            for c in table.constraints
            if isinstance(c, sa.PrimaryKeyConstraint | sa.UniqueConstraint)
        ] + [list(i.columns) for i in table.indexes if i.unique]
        for columns in keys:
            held_twice = (
                sa.select(*columns)
                .where(*(column.is_not(None) for column in columns))
                .group_by(*columns)
                .having(sa.func.count() > 1)
                .limit(5)
            )
            if twice := conn.execute(held_twice).all():
                names = ", ".join(column.name for column in columns)
                problems.append(f"{table.name} ({names}) held twice: {twice}")
    return problems


def write_under_way(url: str, application_name: str) -> bool:
    """Whether some connection holds an open write transaction on the database: on
    PostgreSQL, the session of ``application_name`` with a transaction id (it has written);
    on SQLite, whoever holds the write lock (a ``BEGIN IMMEDIATE`` is refused at once)."""
    if make_url(url).get_backend_name() == "sqlite":
        probe = sqlite3.connect(make_url(url).database or "", timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                return True
            raise
        else:
            probe.execute("ROLLBACK")
            return False
        finally:
            probe.close()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            writers = conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name = :name AND backend_xid IS NOT NULL"
                ),
                {"name": application_name},
            ).scalar_one()
            return bool(writers)
    finally:
        engine.dispose()


def wait_until_alone(url: str, timeout: float = 15) -> None:
    """PostgreSQL: wait until the sessions of killed processes have ended (the server
    rolls back what they left open when it notices the client is gone)."""
    if make_url(url).get_backend_name() != "postgresql":
        return
    engine = make_engine(url)
    deadline = time.monotonic() + timeout
    others = sa.text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    try:
        with engine.connect() as conn:
            while conn.execute(others).scalar_one():
                conn.rollback()  # a fresh snapshot of pg_stat_activity on the next query
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"sessions of killed processes still open after {timeout} s"
                    )
                time.sleep(0.1)
    finally:
        engine.dispose()


def empty_tables(url: str) -> None:
    """Delete every row, children first."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
    finally:
        engine.dispose()
