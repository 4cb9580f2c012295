"""Claim assessments stored, and marked stale by triggers on every write they read.

``claim_assessments`` and ``claim_conflicts`` hold each claim's assessment as last
computed; ``stale_claims`` marks the claims whose evidence changed since. Triggers write
the marks in the transaction of every write to the rows an assessment reads
(assertions, claims, sources, outlets; documents through ``stale_documents``, which a
refresh expands along syndication chains), so bulk imports, raw SQL and every API path
are covered alike. Every existing claim starts stale.

A later migration that rebuilds one of these tables on SQLite (``batch_alter_table``
copies the table) drops its triggers: it must create them again (``_sqlite_triggers``).

Revision ID: 5b1e0c3a7d21
Revises: 89c9f6cb4f15
Create Date: 2026-11-23 16:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db.types

revision: str = "5b1e0c3a7d21"
down_revision: str | None = "89c9f6cb4f15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MarkId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _mark_claims(select: str) -> str:
    """Mark the claims ``select`` yields (one column, claim ids) stale. Marks are only
    inserted: no writer waits on another's mark."""
    return f"INSERT INTO stale_claims (claim_id) {select}"


def _mark_documents(select: str) -> str:
    return f"INSERT INTO stale_documents (document_id) {select}"


# (name, event, table, statements); NEW and OLD are the row.
_SQLITE_TRIGGERS = [
    ("assertions_stale_insert", "INSERT", "assertions",
     [_mark_claims("SELECT NEW.claim_id")]),
    ("assertions_stale_update", "UPDATE", "assertions",
     [_mark_claims("SELECT NEW.claim_id"),
      _mark_claims("SELECT OLD.claim_id WHERE OLD.claim_id <> NEW.claim_id")]),
    ("assertions_stale_delete", "DELETE", "assertions",
     [_mark_claims("SELECT OLD.claim_id")]),
    ("claims_stale_insert", "INSERT", "claims", [_mark_claims("SELECT NEW.id")]),
    ("claims_stale_update", "UPDATE", "claims", [_mark_claims("SELECT NEW.id")]),
    ("sources_stale_update", "UPDATE", "sources",
     [_mark_claims("SELECT DISTINCT claim_id FROM assertions WHERE source_id = NEW.id")]),
    ("outlets_stale_update", "UPDATE", "outlets",
     [_mark_claims("SELECT DISTINCT a.claim_id FROM assertions a JOIN documents d "
                   "ON d.id = a.document_id WHERE d.outlet_id = NEW.id")]),
    ("documents_stale_update", "UPDATE", "documents",
     [_mark_documents("SELECT NEW.id")]),
]  # fmt: skip


def _sqlite_triggers() -> None:
    for name, event, table, statements in _SQLITE_TRIGGERS:
        body = "\n".join(f"  {s};" for s in statements)
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN\n{body}\nEND"
        )


# PostgreSQL: statement-level triggers over transition tables, so a COPY or an
# executemany of thousands of rows marks each claim once, not once per row. (SQLite has
# row triggers only: a bulk insert leaves a mark per row, deleted by the next refresh.)
_PG_FUNCTIONS = {
    "provenance_stale_assertions": f"""
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    {_mark_claims("SELECT DISTINCT claim_id FROM new_rows")};
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    {_mark_claims("SELECT DISTINCT claim_id FROM old_rows")};
  END IF;""",
    "provenance_stale_claims": f"""
  {_mark_claims("SELECT id FROM new_rows")};""",
    "provenance_stale_sources": f"""
  {
        _mark_claims(
            "SELECT DISTINCT a.claim_id FROM assertions a JOIN new_rows s ON s.id = a.source_id"
        )
    };""",
    "provenance_stale_outlets": f"""
  {
        _mark_claims(
            "SELECT DISTINCT a.claim_id FROM assertions a JOIN documents d ON d.id = a.document_id "
            "JOIN new_rows o ON o.id = d.outlet_id"
        )
    };""",
    "provenance_stale_documents": f"""
  {_mark_documents("SELECT id FROM new_rows")};""",
}

# (trigger, event, table, function, transition tables)
_PG_TRIGGERS = [
    ("assertions_stale_insert", "INSERT", "assertions", "provenance_stale_assertions",
     "NEW TABLE AS new_rows"),
    ("assertions_stale_update", "UPDATE", "assertions", "provenance_stale_assertions",
     "NEW TABLE AS new_rows OLD TABLE AS old_rows"),
    ("assertions_stale_delete", "DELETE", "assertions", "provenance_stale_assertions",
     "OLD TABLE AS old_rows"),
    ("claims_stale_insert", "INSERT", "claims", "provenance_stale_claims", "NEW TABLE AS new_rows"),
    ("claims_stale_update", "UPDATE", "claims", "provenance_stale_claims", "NEW TABLE AS new_rows"),
    ("sources_stale_update", "UPDATE", "sources", "provenance_stale_sources",
     "NEW TABLE AS new_rows"),
    ("outlets_stale_update", "UPDATE", "outlets", "provenance_stale_outlets",
     "NEW TABLE AS new_rows"),
    ("documents_stale_update", "UPDATE", "documents", "provenance_stale_documents",
     "NEW TABLE AS new_rows"),
]  # fmt: skip


def _postgresql_triggers() -> None:
    for function, body in _PG_FUNCTIONS.items():
        op.execute(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN"
            f"{body}\n  RETURN NULL;\nEND\n$$"
        )
    for name, event, table, function, transitions in _PG_TRIGGERS:
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transitions} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )


def upgrade() -> None:
    op.create_table(
        "claim_assessments",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("rules", sa.String(length=64), nullable=False),
        sa.Column("conflict_count", sa.Integer(), nullable=False),
        sa.Column("computed_at", app.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_assessments_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_id", name=op.f("pk_claim_assessments")),
    )
    op.create_table(
        "stale_claims",
        sa.Column("id", MarkId, nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_stale_claims_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stale_claims")),
    )
    op.create_index(op.f("ix_stale_claims_claim_id"), "stale_claims", ["claim_id"])
    op.create_table(
        "claim_conflicts",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("sort_key", sa.Double(), nullable=False),
        sa.Column("severity", sa.Double(), nullable=False),
        sa.Column("a_id", sa.Integer(), nullable=False),
        sa.Column("b_id", sa.Integer(), nullable=False),
        sa.Column("outlet_a", sa.Integer(), nullable=False),
        sa.Column("outlet_b", sa.Integer(), nullable=False),
        sa.Column("source_a", sa.Integer(), nullable=True),
        sa.Column("source_b", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claim_assessments.claim_id"],
            name=op.f("fk_claim_conflicts_claim_id_claim_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_id", "rank", name=op.f("pk_claim_conflicts")),
    )
    op.create_index(
        "ix_claim_conflicts_order",
        "claim_conflicts",
        ["sort_key", "claim_id", "a_id", "b_id"],
        unique=False,
    )
    op.create_table(
        "stale_documents",
        sa.Column("id", MarkId, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_stale_documents_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stale_documents")),
    )
    op.create_index(op.f("ix_stale_documents_document_id"), "stale_documents", ["document_id"])
    if op.get_context().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()
    op.execute("INSERT INTO stale_claims (claim_id) SELECT id FROM claims")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        for name, _, table, _, _ in _PG_TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON {table}")
        for function in _PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION {function}()")
    else:
        for name, *_ in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index(op.f("ix_stale_documents_document_id"), table_name="stale_documents")
    op.drop_table("stale_documents")
    op.drop_index("ix_claim_conflicts_order", table_name="claim_conflicts")
    op.drop_table("claim_conflicts")
    op.drop_index(op.f("ix_stale_claims_claim_id"), table_name="stale_claims")
    op.drop_table("stale_claims")
    op.drop_table("claim_assessments")
