"""Stale marks name the assertion that changed; stored assessments carry a token.

A mark with ``assertion_id`` says that one assertion of the claim was inserted, changed
or deleted; a mark without one (a claim, source, outlet or document change, or a bulk
statement of more than ``_PER_ROW`` rows on PostgreSQL) says anything may have. With
every mark since the stored assessment naming its assertion, a process that holds the
claim's evidence in memory as of that assessment (``token``) reloads only those rows.

Columns are added in place (no table rebuild on SQLite), so the triggers on these
tables stay; the assertion triggers are created again to record the assertion.

Revision ID: a77aae3eff73
Revises: 5b1e0c3a7d21
Create Date: 2026-11-23 19:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a77aae3eff73"
down_revision: str | None = "5b1e0c3a7d21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A PostgreSQL statement touching more assertion rows than this (an import's COPY)
# leaves one mark per claim, without assertion: a full recompute is cheaper then anyway.
_PER_ROW = 1000


def _sqlite_assertion_triggers(with_assertion: bool) -> list[tuple[str, str, list[str]]]:
    def mark(claim: str, assertion: str, where: str = "") -> str:
        if with_assertion:
            return (
                f"INSERT INTO stale_claims (claim_id, assertion_id) "
                f"SELECT {claim}, {assertion}{where}"
            )
        return f"INSERT INTO stale_claims (claim_id) SELECT {claim}{where}"

    return [
        ("assertions_stale_insert", "INSERT", [mark("NEW.claim_id", "NEW.id")]),
        ("assertions_stale_update", "UPDATE",
         [mark("NEW.claim_id", "NEW.id"),
          mark("OLD.claim_id", "OLD.id", " WHERE OLD.claim_id <> NEW.claim_id")]),
        ("assertions_stale_delete", "DELETE", [mark("OLD.claim_id", "OLD.id")]),
    ]  # fmt: skip


def _sqlite(with_assertion: bool) -> None:
    for name, event, statements in _sqlite_assertion_triggers(with_assertion):
        op.execute(f"DROP TRIGGER {name}")
        body = "\n".join(f"  {s};" for s in statements)
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON assertions FOR EACH ROW BEGIN\n{body}\nEND"
        )


def _pg_marks(operations: str, rows: str) -> str:
    """Mark the claims of the transition table ``rows`` for the ``operations``: one mark
    per row, naming it, up to ``_PER_ROW`` rows; else one per claim, naming none."""
    return f"""
  IF TG_OP IN ({operations}) THEN
    per_row := (SELECT count(*) FROM (SELECT 1 FROM {rows} LIMIT {_PER_ROW + 1}) r)
      <= {_PER_ROW};
    IF per_row THEN
      INSERT INTO stale_claims (claim_id, assertion_id) SELECT claim_id, id FROM {rows};
    ELSE
      INSERT INTO stale_claims (claim_id) SELECT DISTINCT claim_id FROM {rows};
    END IF;
  END IF;"""


_PG_WITH_ASSERTION = f"""
CREATE OR REPLACE FUNCTION provenance_stale_assertions() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  per_row boolean;
BEGIN{_pg_marks("'INSERT', 'UPDATE'", "new_rows")}{_pg_marks("'UPDATE', 'DELETE'", "old_rows")}
  RETURN NULL;
END
$$"""

_PG_WITHOUT_ASSERTION = """
CREATE OR REPLACE FUNCTION provenance_stale_assertions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO stale_claims (claim_id) SELECT DISTINCT claim_id FROM new_rows;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO stale_claims (claim_id) SELECT DISTINCT claim_id FROM old_rows;
  END IF;
  RETURN NULL;
END
$$"""


def upgrade() -> None:
    op.add_column("stale_claims", sa.Column("assertion_id", sa.Integer(), nullable=True))
    op.add_column("claim_assessments", sa.Column("token", sa.String(length=32), nullable=True))
    if op.get_context().dialect.name == "postgresql":
        op.execute(_PG_WITH_ASSERTION)
    else:
        _sqlite(with_assertion=True)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(_PG_WITHOUT_ASSERTION)
    else:
        _sqlite(with_assertion=False)
    # SQLite drops a column in place since 3.35 (no triggers or indexes name these).
    op.drop_column("claim_assessments", "token")
    op.drop_column("stale_claims", "assertion_id")
