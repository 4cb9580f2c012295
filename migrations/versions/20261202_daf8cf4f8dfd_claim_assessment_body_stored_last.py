"""SQLite keeps a stored assessment's body after its other columns.

SQLite writes a row's columns in order, a long value spilling onto a chain of overflow
pages; reading a column after it walks that chain. A 10,000-assertion claim's body is
megabytes, so reading its rules, conflict_count or token (each read of a
stale claim, each write then read) walked a thousand pages. With the body last they are
read from the row's first page. PostgreSQL keeps long values apart (TOAST): unchanged.

The table is a cache of what the assessment rules compute, and this release's rules
differ from the last one's (every stored assessment would be stale anyway): on SQLite it
is created again empty, every claim it held marked stale, so the next read or
``provenance assess`` computes it again. Its conflict rows go first, so the drop takes
nothing else with it (they reference it, ON DELETE CASCADE).

Revision ID: daf8cf4f8dfd
Revises: a77aae3eff73
Create Date: 2026-12-02 11:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db.types

revision: str = "daf8cf4f8dfd"
down_revision: str | None = "a77aae3eff73"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _recreate(*, body_last: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("INSERT INTO stale_claims (claim_id) SELECT claim_id FROM claim_assessments")
    op.execute("DELETE FROM claim_conflicts")
    op.drop_table("claim_assessments")
    body = sa.Column("body", sa.Text(), nullable=False)
    others = [
        sa.Column("rules", sa.String(length=64), nullable=False),
        sa.Column("conflict_count", sa.Integer(), nullable=False),
        sa.Column("computed_at", app.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=True),
    ]
    op.create_table(
        "claim_assessments",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        *([*others, body] if body_last else [body, *others]),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_assessments_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_id", name=op.f("pk_claim_assessments")),
    )


def upgrade() -> None:
    _recreate(body_last=True)


def downgrade() -> None:
    _recreate(body_last=False)
