"""Claims get per-claim readings of vague wording; text values get a canonical form.

Existing claims start with no overrides ('{}'); the server default only fills the
existing rows and is dropped again, as the models set the value themselves.

Revision ID: 42af6adee26e
Revises: ba7d06dfb05a
Create Date: 2026-11-23 09:30:56.829002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "42af6adee26e"
down_revision: str | None = "ba7d06dfb05a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("assertions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("value_normalized", sa.String(length=1000), nullable=True))

    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("vague_terms", JSON, nullable=False, server_default=sa.text("'{}'"))
        )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.alter_column("vague_terms", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_column("vague_terms")

    with op.batch_alter_table("assertions", schema=None) as batch_op:
        batch_op.drop_column("value_normalized")
