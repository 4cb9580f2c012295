"""The schema: SQLAlchemy 2 typed models for DESIGN.md's domain model.

Constraints live in the database (unique keys, foreign keys, CHECKs on vocabularies
and intervals), named by ``NAMING_CONVENTION`` so migrations stay stable. Every
relationship is ``lazy="raise"``: a query must say what it loads.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from app.db.types import JSONDocument, UTCDateTime, utcnow, vocabulary, vocabulary_check
from app.domain.vocabulary import (
    AssertionStatus,
    Behavior,
    CreatorKind,
    OutletKind,
    Precision,
    Qualifier,
    RevisionAction,
    Role,
    SourceKind,
    Stance,
    ValueType,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


@sa.event.listens_for(sa.Column, "after_parent_attach")
def _vocabulary_check(column: sa.Column[Any], table: sa.Table) -> None:
    """The models' vocabulary columns get their CHECK constraint (only theirs: not the
    tables Alembic builds)."""
    if isinstance(table, sa.Table) and table.metadata is Base.metadata:
        vocabulary_check(column, table)


class Tracked:
    """Columns every editable record has: timestamps, soft delete, optimistic version."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)
    notes: Mapped[str | None] = mapped_column(sa.Text)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        # Every UPDATE checks and bumps ``version``: a concurrent edit fails loudly.
        return {"version_id_col": cls.version}


class Outlet(Tracked, Base):
    __tablename__ = "outlets"

    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    domain: Mapped[str | None] = mapped_column(sa.String(253), index=True)
    country: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    kind: Mapped[OutletKind] = mapped_column(vocabulary(OutletKind, "kind"), index=True)

    documents: Mapped[list[Document]] = relationship(back_populates="outlet", lazy="raise")


class Source(Tracked, Base):
    __tablename__ = "sources"

    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[SourceKind] = mapped_column(vocabulary(SourceKind, "kind"), index=True)
    affiliation: Mapped[str | None] = mapped_column(sa.String(200), index=True)


class Claim(Tracked, Base):
    __tablename__ = "claims"
    __table_args__ = (
        sa.CheckConstraint("tolerance >= 0 AND tolerance < 1", name="tolerance_fraction"),
    )

    slug: Mapped[str] = mapped_column(sa.String(160), unique=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    description: Mapped[str | None] = mapped_column(sa.Text)
    unit: Mapped[str] = mapped_column(sa.String(60), index=True)
    value_type: Mapped[ValueType] = mapped_column(vocabulary(ValueType, "value_type"), index=True)
    behavior: Mapped[Behavior] = mapped_column(vocabulary(Behavior, "behavior"), index=True)
    tolerance: Mapped[float] = mapped_column(sa.Double, default=0.1)
    aliases: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    # Per-claim readings of vague wording, over the default lexicon: {"hundreds": [200, 999]}.
    vague_terms: Mapped[dict[str, list[float]]] = mapped_column(JSONDocument, default=dict)

    tags: Mapped[list[ClaimTag]] = relationship(
        cascade="all, delete-orphan", order_by="ClaimTag.tag", lazy="raise"
    )
    assertions: Mapped[list[Assertion]] = relationship(back_populates="claim", lazy="raise")


class ClaimTag(Base):
    __tablename__ = "claim_tags"

    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(sa.String(80), primary_key=True, index=True)


class Document(Tracked, Base):
    __tablename__ = "documents"
    __table_args__ = (
        sa.CheckConstraint(
            "duplicate_similarity IS NULL OR "
            "(duplicate_similarity >= 0 AND duplicate_similarity <= 1)",
            name="similarity_fraction",
        ),
        sa.CheckConstraint(
            "duplicate_of_id IS NULL OR duplicate_of_id <> id", name="not_own_duplicate"
        ),
    )

    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    outlet_id: Mapped[int] = mapped_column(sa.ForeignKey("outlets.id"), index=True)
    url: Mapped[str | None] = mapped_column(sa.String(2048), unique=True)
    title: Mapped[str | None] = mapped_column(sa.String(1000))
    author: Mapped[str | None] = mapped_column(sa.String(300))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    published_precision: Mapped[Precision | None] = mapped_column(
        vocabulary(Precision, "published_precision")
    )
    retrieved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    language: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    raw_text: Mapped[str] = mapped_column(sa.Text)
    content_type: Mapped[str] = mapped_column(
        sa.String(40), default="text/plain", server_default=sa.text("'text/plain'")
    )
    # An HTML capture's text as a reader sees it; quotes index this (else raw_text).
    plain_text: Mapped[str | None] = mapped_column(sa.Text)
    clean_text: Mapped[str | None] = mapped_column(sa.Text)
    # What cleaning set aside, with why: [{"start", "end", "reason"}] into the text.
    excluded_spans: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDocument)
    minhash: Mapped[list[int] | None] = mapped_column(JSONDocument)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"), index=True)
    duplicate_similarity: Mapped[float | None] = mapped_column(sa.Double)

    outlet: Mapped[Outlet] = relationship(back_populates="documents", lazy="raise")
    duplicate_of: Mapped[Document | None] = relationship(remote_side="Document.id", lazy="raise")
    assertions: Mapped[list[Assertion]] = relationship(back_populates="document", lazy="raise")

    @property
    def text(self) -> str:
        """The text quotes are anchored in: the reader's text of an HTML capture, else raw."""
        return self.plain_text if self.plain_text is not None else self.raw_text


class DocumentBand(Base):
    """One locality-sensitive-hashing bucket of a document's MinHash signature: documents
    sharing a bucket are near-duplicate candidates."""

    __tablename__ = "document_bands"
    __table_args__ = (sa.Index("ix_document_bands_band_bucket", "band", "bucket"),)

    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    band: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    bucket: Mapped[int] = mapped_column(sa.BigInteger)


class Assertion(Tracked, Base):
    """One document asserting one value for one claim: the heart of the schema."""

    __tablename__ = "assertions"
    __table_args__ = (
        sa.CheckConstraint("low IS NULL OR high IS NULL OR low <= high", name="low_le_high"),
        sa.CheckConstraint(
            "date_low IS NULL OR date_high IS NULL OR date_low <= date_high",
            name="date_low_le_date_high",
        ),
        sa.CheckConstraint(
            "as_of_start IS NULL OR as_of_end IS NULL OR as_of_start <= as_of_end",
            name="as_of_ordered",
        ),
        sa.CheckConstraint(
            "(quote_start IS NULL AND quote_end IS NULL) OR "
            "(quote_start >= 0 AND quote_end >= quote_start)",
            name="quote_span",
        ),
        sa.CheckConstraint(
            "stance <> 'undisclosed' OR (qualifier IS NULL AND low IS NULL AND high IS NULL "
            "AND date_low IS NULL AND date_high IS NULL)",
            name="undisclosed_has_no_value",
        ),
        sa.CheckConstraint(
            "superseded_by_id IS NULL OR superseded_by_id <> id", name="not_own_successor"
        ),
        sa.Index("ix_assertions_claim_id_id", "claim_id", "id"),
        sa.Index("ix_assertions_as_of_start_as_of_end", "as_of_start", "as_of_end"),
    )

    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id"))  # ix_assertions_claim_id_id
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"), index=True)
    source_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sources.id"), index=True)
    stance: Mapped[Stance] = mapped_column(vocabulary(Stance, "stance"), index=True)
    status: Mapped[AssertionStatus] = mapped_column(
        vocabulary(AssertionStatus, "status"), default=AssertionStatus.ACTIVE, index=True
    )
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assertions.id"), index=True)

    # The value: the verbatim wording, its qualifier and the interval it stands for.
    value_text: Mapped[str] = mapped_column(sa.String(1000))
    # Text claims: the canonical value the wording stands for ("the capital" -> "Pyongyang").
    value_normalized: Mapped[str | None] = mapped_column(sa.String(1000))
    qualifier: Mapped[Qualifier | None] = mapped_column(vocabulary(Qualifier, "qualifier"))
    low: Mapped[float | None] = mapped_column(sa.Double)
    high: Mapped[float | None] = mapped_column(sa.Double)  # NULL: unbounded above
    low_inclusive: Mapped[bool] = mapped_column(default=True)
    high_inclusive: Mapped[bool] = mapped_column(default=True)
    date_low: Mapped[date | None] = mapped_column(sa.Date)
    date_high: Mapped[date | None] = mapped_column(sa.Date)

    # The time the figure refers to.
    as_of_start: Mapped[date | None] = mapped_column(sa.Date)
    as_of_end: Mapped[date | None] = mapped_column(sa.Date)
    as_of_precision: Mapped[Precision | None] = mapped_column(
        vocabulary(Precision, "as_of_precision")
    )
    as_of_text: Mapped[str | None] = mapped_column(sa.String(500))
    hedge: Mapped[str | None] = mapped_column(sa.String(500))

    # The quote anchor (W3C TextQuoteSelector + TextPositionSelector on raw_text).
    quote_exact: Mapped[str | None] = mapped_column(sa.Text)
    quote_prefix: Mapped[str | None] = mapped_column(sa.String(200))
    quote_suffix: Mapped[str | None] = mapped_column(sa.String(200))
    quote_start: Mapped[int | None]
    quote_end: Mapped[int | None]

    created_by: Mapped[str] = mapped_column(sa.String(200))
    creator_kind: Mapped[CreatorKind] = mapped_column(vocabulary(CreatorKind, "creator_kind"))

    claim: Mapped[Claim] = relationship(back_populates="assertions", lazy="raise")
    document: Mapped[Document] = relationship(back_populates="assertions", lazy="raise")
    source: Mapped[Source | None] = relationship(lazy="raise")
    intermediaries: Mapped[list[AssertionIntermediary]] = relationship(
        cascade="all, delete-orphan", order_by="AssertionIntermediary.position", lazy="raise"
    )


class AssertionIntermediary(Base):
    """One link of an attribution chain, ordered from the source towards the outlet."""

    __tablename__ = "assertion_intermediaries"
    __table_args__ = (sa.CheckConstraint("position >= 0", name="position_non_negative"),)

    assertion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assertions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("sources.id"), index=True)

    source: Mapped[Source] = relationship(lazy="raise")


class Revision(Base):
    """One create, update, delete, restore or purge of a tracked row: who, when, before, after."""

    __tablename__ = "revisions"
    __table_args__ = (sa.Index("ix_revisions_entity_type_entity_id", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[int]
    action: Mapped[RevisionAction] = mapped_column(vocabulary(RevisionAction, "action"))
    actor: Mapped[str] = mapped_column(sa.String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)


class ApiKey(Base):
    """An API key: only its SHA-256 is stored; ``prefix`` lets a person recognise it."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    prefix: Mapped[str] = mapped_column(sa.String(16), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    role: Mapped[Role] = mapped_column(vocabulary(Role, "role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# 64-bit ids that SQLite still numbers itself (its INTEGER PRIMARY KEY is the rowid).
MarkId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class StaleClaim(Base):
    """A mark: this claim's stored assessment may no longer match its evidence.

    Written only by database triggers (migration 5b1e0c3a7d21) in the transaction of
    every write to assertions, claims, sources and outlets, bulk imports included. Marks
    are only ever inserted, never updated, so concurrent writers never wait on one
    another for them. A refresh deletes the marks it read before computing and no
    other: one left by a write that raced the computation keeps the claim stale.
    """

    __tablename__ = "stale_claims"

    id: Mapped[int] = mapped_column(MarkId, primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True
    )
    # The assertion inserted, changed or deleted (migration a77aae3eff73); None: anything
    # about the claim may have changed (its own row, a source, an outlet, a document).
    assertion_id: Mapped[int | None]


class StaleDocument(Base):
    """A mark: this document changed, which reaches the claims of its assertions and of
    every document that (transitively) copies it; a refresh expands it into claim marks."""

    __tablename__ = "stale_documents"

    id: Mapped[int] = mapped_column(MarkId, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )


class ClaimAssessment(Base):
    """A claim's assessment as last computed (the API's JSON, conflicts left out: they
    are rows of ``claim_conflicts``). Valid while the claim has no ``stale_claims`` mark."""

    __tablename__ = "claim_assessments"

    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    # Which rules computed it (a digest of the code): a release that changes them
    # makes every stored assessment stale.
    rules: Mapped[str] = mapped_column(sa.String(64))
    conflict_count: Mapped[int]  # rows in claim_conflicts: none to read when 0
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Names this computation: a process holding the claim's evidence as of it in memory
    # (app/services/claim_state.py) patches that with the marked assertions only.
    token: Mapped[str | None] = mapped_column(sa.String(32))
    # Last: SQLite reads the columns after a long value through its overflow pages.
    body: Mapped[str] = mapped_column(sa.Text)


class ClaimConflict(Base):
    """One conflicting pair of a claim's stored assessment, for paging every claim's
    conflicts in SQL, most severe first. ``body`` is the API's JSON of the conflict."""

    __tablename__ = "claim_conflicts"
    __table_args__ = (sa.Index("ix_claim_conflicts_order", "sort_key", "claim_id", "a_id", "b_id"),)

    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claim_assessments.claim_id", ondelete="CASCADE"), primary_key=True
    )
    rank: Mapped[int] = mapped_column(primary_key=True)  # 0 = most severe of the claim
    sort_key: Mapped[float] = mapped_column(sa.Double)  # -severity: one ascending index
    severity: Mapped[float] = mapped_column(sa.Double)
    a_id: Mapped[int]
    b_id: Mapped[int]
    outlet_a: Mapped[int]
    outlet_b: Mapped[int]
    source_a: Mapped[int | None]
    source_b: Mapped[int | None]
    body: Mapped[str] = mapped_column(sa.Text)


TRACKED_MODELS: dict[str, type[Tracked]] = {
    "outlet": Outlet,
    "source": Source,
    "claim": Claim,
    "document": Document,
    "assertion": Assertion,
}
