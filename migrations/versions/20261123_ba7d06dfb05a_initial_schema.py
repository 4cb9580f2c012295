"""Initial schema: outlets, sources, claims, documents, assertions, revisions, API keys.

Generated from app/db/models.py and reviewed by hand: constraint names follow the
models' naming convention; enum-like columns are VARCHAR with named CHECKs on both
SQLite and PostgreSQL.

Revision ID: ba7d06dfb05a
Revises:
Create Date: 2026-11-23 09:07:25.049223
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db.types

revision: str = "ba7d06dfb05a"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "reader",
                "editor",
                "admin",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("created_at", app.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", app.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", app.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_keys_prefix"), ["prefix"], unique=False)

    op.create_table(
        "claims",
        sa.Column("slug", sa.String(length=160), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("unit", sa.String(length=60), nullable=False),
        sa.Column(
            "value_type",
            sa.Enum(
                "quantity",
                "date",
                "text",
                name="value_type",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column(
            "behavior",
            sa.Enum(
                "fixed",
                "snapshot",
                "cumulative",
                name="behavior",
                native_enum=False,
                create_constraint=True,
                length=14,
            ),
            nullable=False,
        ),
        sa.Column("tolerance", sa.Double(), nullable=False),
        sa.Column(
            "aliases",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", app.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "tolerance >= 0 AND tolerance < 1", name=op.f("ck_claims_tolerance_fraction")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("slug", name=op.f("uq_claims_slug")),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claims_behavior"), ["behavior"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_unit"), ["unit"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_value_type"), ["value_type"], unique=False)

    op.create_table(
        "outlets",
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "state_media",
                "wire",
                "aggregator",
                "independent",
                "government",
                "other",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=15,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", app.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outlets")),
        sa.UniqueConstraint("slug", name=op.f("uq_outlets_slug")),
    )
    with op.batch_alter_table("outlets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outlets_country"), ["country"], unique=False)
        batch_op.create_index(batch_op.f("ix_outlets_domain"), ["domain"], unique=False)
        batch_op.create_index(batch_op.f("ix_outlets_kind"), ["kind"], unique=False)

    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "create",
                "update",
                "delete",
                "restore",
                "purge",
                name="action",
                native_enum=False,
                create_constraint=True,
                length=11,
            ),
            nullable=False,
        ),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", app.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "after",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revisions")),
    )
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revisions_at"), ["at"], unique=False)
        batch_op.create_index(
            "ix_revisions_entity_type_entity_id", ["entity_type", "entity_id"], unique=False
        )

    op.create_table(
        "sources",
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "person",
                "agency",
                "body",
                "outlet",
                "other",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("affiliation", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", app.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("slug", name=op.f("uq_sources_slug")),
    )
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sources_affiliation"), ["affiliation"], unique=False)
        batch_op.create_index(batch_op.f("ix_sources_kind"), ["kind"], unique=False)

    op.create_table(
        "claim_tags",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_tags_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_id", "tag", name=op.f("pk_claim_tags")),
    )
    with op.batch_alter_table("claim_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_tags_tag"), ["tag"], unique=False)

    op.create_table(
        "documents",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("outlet_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("title", sa.String(length=1000), nullable=True),
        sa.Column("author", sa.String(length=300), nullable=True),
        sa.Column("published_at", app.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "published_precision",
            sa.Enum(
                "year",
                "quarter",
                "month",
                "week",
                "day",
                "hour",
                "minute",
                "second",
                name="published_precision",
                native_enum=False,
                create_constraint=True,
                length=11,
            ),
            nullable=True,
        ),
        sa.Column("retrieved_at", app.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("clean_text", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("duplicate_similarity", sa.Double(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", app.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "duplicate_of_id IS NULL OR duplicate_of_id <> id",
            name=op.f("ck_documents_not_own_duplicate"),
        ),
        sa.CheckConstraint(
            "duplicate_similarity IS NULL OR (duplicate_similarity >= 0 AND duplicate_similarity <= 1)",
            name=op.f("ck_documents_similarity_fraction"),
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["documents.id"],
            name=op.f("fk_documents_duplicate_of_id_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["outlet_id"], ["outlets.id"], name=op.f("fk_documents_outlet_id_outlets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("key", name=op.f("uq_documents_key")),
        sa.UniqueConstraint("url", name=op.f("uq_documents_url")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_documents_duplicate_of_id"), ["duplicate_of_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_documents_language"), ["language"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_outlet_id"), ["outlet_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_documents_published_at"), ["published_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_documents_sha256"), ["sha256"], unique=False)

    op.create_table(
        "assertions",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column(
            "stance",
            sa.Enum(
                "asserts",
                "denies",
                "undisclosed",
                name="stance",
                native_enum=False,
                create_constraint=True,
                length=15,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "retracted",
                "superseded",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=14,
            ),
            nullable=False,
        ),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("value_text", sa.String(length=1000), nullable=False),
        sa.Column(
            "qualifier",
            sa.Enum(
                "exact",
                "approximately",
                "at_least",
                "more_than",
                "at_most",
                "less_than",
                "range",
                "vague",
                name="qualifier",
                native_enum=False,
                create_constraint=True,
                length=17,
            ),
            nullable=True,
        ),
        sa.Column("low", sa.Double(), nullable=True),
        sa.Column("high", sa.Double(), nullable=True),
        sa.Column("low_inclusive", sa.Boolean(), nullable=False),
        sa.Column("high_inclusive", sa.Boolean(), nullable=False),
        sa.Column("date_low", sa.Date(), nullable=True),
        sa.Column("date_high", sa.Date(), nullable=True),
        sa.Column("as_of_start", sa.Date(), nullable=True),
        sa.Column("as_of_end", sa.Date(), nullable=True),
        sa.Column(
            "as_of_precision",
            sa.Enum(
                "year",
                "quarter",
                "month",
                "week",
                "day",
                "hour",
                "minute",
                "second",
                name="as_of_precision",
                native_enum=False,
                create_constraint=True,
                length=11,
            ),
            nullable=True,
        ),
        sa.Column("as_of_text", sa.String(length=500), nullable=True),
        sa.Column("hedge", sa.String(length=500), nullable=True),
        sa.Column("quote_exact", sa.Text(), nullable=True),
        sa.Column("quote_prefix", sa.String(length=200), nullable=True),
        sa.Column("quote_suffix", sa.String(length=200), nullable=True),
        sa.Column("quote_start", sa.Integer(), nullable=True),
        sa.Column("quote_end", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column(
            "creator_kind",
            sa.Enum(
                "person",
                "extractor",
                "import",
                name="creator_kind",
                native_enum=False,
                create_constraint=True,
                length=13,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", app.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "stance <> 'undisclosed' OR (qualifier IS NULL AND low IS NULL AND high IS NULL AND date_low IS NULL AND date_high IS NULL)",
            name=op.f("ck_assertions_undisclosed_has_no_value"),
        ),
        sa.CheckConstraint(
            "(quote_start IS NULL AND quote_end IS NULL) OR (quote_start >= 0 AND quote_end >= quote_start)",
            name=op.f("ck_assertions_quote_span"),
        ),
        sa.CheckConstraint(
            "as_of_start IS NULL OR as_of_end IS NULL OR as_of_start <= as_of_end",
            name=op.f("ck_assertions_as_of_ordered"),
        ),
        sa.CheckConstraint(
            "date_low IS NULL OR date_high IS NULL OR date_low <= date_high",
            name=op.f("ck_assertions_date_low_le_date_high"),
        ),
        sa.CheckConstraint(
            "low IS NULL OR high IS NULL OR low <= high", name=op.f("ck_assertions_low_le_high")
        ),
        sa.CheckConstraint(
            "superseded_by_id IS NULL OR superseded_by_id <> id",
            name=op.f("ck_assertions_not_own_successor"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_assertions_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_assertions_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_assertions_source_id_sources")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"],
            ["assertions.id"],
            name=op.f("fk_assertions_superseded_by_id_assertions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assertions")),
        sa.UniqueConstraint("key", name=op.f("uq_assertions_key")),
    )
    with op.batch_alter_table("assertions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assertions_as_of_start_as_of_end", ["as_of_start", "as_of_end"], unique=False
        )
        batch_op.create_index("ix_assertions_claim_id_id", ["claim_id", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assertions_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assertions_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assertions_stance"), ["stance"], unique=False)
        batch_op.create_index(batch_op.f("ix_assertions_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assertions_superseded_by_id"), ["superseded_by_id"], unique=False
        )

    op.create_table(
        "assertion_intermediaries",
        sa.Column("assertion_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "position >= 0", name=op.f("ck_assertion_intermediaries_position_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["assertion_id"],
            ["assertions.id"],
            name=op.f("fk_assertion_intermediaries_assertion_id_assertions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_assertion_intermediaries_source_id_sources"),
        ),
        sa.PrimaryKeyConstraint(
            "assertion_id", "position", name=op.f("pk_assertion_intermediaries")
        ),
    )
    with op.batch_alter_table("assertion_intermediaries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assertion_intermediaries_source_id"), ["source_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assertion_intermediaries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assertion_intermediaries_source_id"))

    op.drop_table("assertion_intermediaries")
    with op.batch_alter_table("assertions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assertions_superseded_by_id"))
        batch_op.drop_index(batch_op.f("ix_assertions_status"))
        batch_op.drop_index(batch_op.f("ix_assertions_stance"))
        batch_op.drop_index(batch_op.f("ix_assertions_source_id"))
        batch_op.drop_index(batch_op.f("ix_assertions_document_id"))
        batch_op.drop_index("ix_assertions_claim_id_id")
        batch_op.drop_index("ix_assertions_as_of_start_as_of_end")

    op.drop_table("assertions")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_sha256"))
        batch_op.drop_index(batch_op.f("ix_documents_published_at"))
        batch_op.drop_index(batch_op.f("ix_documents_outlet_id"))
        batch_op.drop_index(batch_op.f("ix_documents_language"))
        batch_op.drop_index(batch_op.f("ix_documents_duplicate_of_id"))

    op.drop_table("documents")
    with op.batch_alter_table("claim_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_tags_tag"))

    op.drop_table("claim_tags")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sources_kind"))
        batch_op.drop_index(batch_op.f("ix_sources_affiliation"))

    op.drop_table("sources")
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_revisions_entity_type_entity_id")
        batch_op.drop_index(batch_op.f("ix_revisions_at"))

    op.drop_table("revisions")
    with op.batch_alter_table("outlets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outlets_kind"))
        batch_op.drop_index(batch_op.f("ix_outlets_domain"))
        batch_op.drop_index(batch_op.f("ix_outlets_country"))

    op.drop_table("outlets")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_value_type"))
        batch_op.drop_index(batch_op.f("ix_claims_unit"))
        batch_op.drop_index(batch_op.f("ix_claims_behavior"))

    op.drop_table("claims")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_prefix"))

    op.drop_table("api_keys")
