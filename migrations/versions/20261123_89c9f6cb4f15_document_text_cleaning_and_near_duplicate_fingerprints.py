"""Documents keep the reader's text of HTML captures, what cleaning set aside, and a
MinHash fingerprint whose LSH bands (document_bands) find near-duplicates.

Existing documents are plain-text captures: the server default 'text/plain' fills
them (and any row written outside the application). Cleaning and fingerprints are the
application's work, not the migration's: documents stored before it have none, so they
are not offered as near-duplicate originals until stored again.

Revision ID: 89c9f6cb4f15
Revises: 42af6adee26e
Create Date: 2026-11-23 09:52:07.063536
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "89c9f6cb4f15"
down_revision: str | None = "42af6adee26e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "document_bands",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.SmallInteger(), nullable=False),
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_bands_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", "band", name=op.f("pk_document_bands")),
    )
    with op.batch_alter_table("document_bands", schema=None) as batch_op:
        batch_op.create_index("ix_document_bands_band_bucket", ["band", "bucket"], unique=False)

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "content_type",
                sa.String(length=40),
                nullable=False,
                server_default=sa.text("'text/plain'"),
            )
        )
        batch_op.add_column(sa.Column("plain_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("excluded_spans", JSON, nullable=True))
        batch_op.add_column(sa.Column("minhash", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("minhash")
        batch_op.drop_column("excluded_spans")
        batch_op.drop_column("plain_text")
        batch_op.drop_column("content_type")

    with op.batch_alter_table("document_bands", schema=None) as batch_op:
        batch_op.drop_index("ix_document_bands_band_bucket")

    op.drop_table("document_bands")
