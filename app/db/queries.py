"""The list queries behind the API's filters, and the eager loads its views need.

Each list is one SELECT (plus one per eagerly loaded collection), never a query per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.interfaces import ORMOption

from app.db.models import (
    Assertion,
    AssertionIntermediary,
    Claim,
    ClaimTag,
    Document,
    DocumentBand,
    Outlet,
    Revision,
    Source,
)
from app.db.pagination import page

DOCUMENT_VIEW: tuple[ORMOption, ...] = (joinedload(Document.outlet),)
CLAIM_VIEW: tuple[ORMOption, ...] = (selectinload(Claim.tags),)
ASSERTION_VIEW: tuple[ORMOption, ...] = (
    joinedload(Assertion.claim),
    joinedload(Assertion.document).joinedload(Document.outlet),
    joinedload(Assertion.source),
    selectinload(Assertion.intermediaries).joinedload(AssertionIntermediary.source),
)


# Lists of assertions show each document as a reference: its text (often tens of
# kilobytes, repeated for every assertion quoting it) is not loaded.
ASSERTION_LIST_VIEW: tuple[ORMOption, ...] = (
    joinedload(Assertion.claim),
    joinedload(Assertion.document)
    .load_only(
        Document.id, Document.key, Document.title, Document.url, Document.published_at,
        Document.outlet_id, raiseload=True,
    )
    .joinedload(Document.outlet),
    joinedload(Assertion.source),
    selectinload(Assertion.intermediaries).joinedload(AssertionIntermediary.source),
)  # fmt: skip


def _live(stmt: sa.Select[Any], model: Any, include_deleted: bool) -> sa.Select[Any]:
    return stmt if include_deleted else stmt.where(model.deleted_at.is_(None))


@dataclass(frozen=True)
class OutletFilter:
    q: str | None = None
    kind: str | None = None
    country: str | None = None
    include_deleted: bool = False


def list_outlets(
    session: Session, f: OutletFilter, limit: int, cursor: str | None
) -> tuple[Sequence[Outlet], str | None]:
    stmt = _live(sa.select(Outlet), Outlet, f.include_deleted)
    if f.q:
        stmt = stmt.where(
            sa.or_(
                Outlet.name.icontains(f.q, autoescape=True),
                Outlet.slug.icontains(f.q, autoescape=True),
                Outlet.domain.icontains(f.q, autoescape=True),
            )
        )
    if f.kind:
        stmt = stmt.where(Outlet.kind == f.kind)
    if f.country:
        stmt = stmt.where(Outlet.country == f.country)
    return page(session, stmt, Outlet.id, limit, cursor)


@dataclass(frozen=True)
class SourceFilter:
    q: str | None = None
    kind: str | None = None
    affiliation: str | None = None
    include_deleted: bool = False


def list_sources(
    session: Session, f: SourceFilter, limit: int, cursor: str | None
) -> tuple[Sequence[Source], str | None]:
    stmt = _live(sa.select(Source), Source, f.include_deleted)
    if f.q:
        stmt = stmt.where(
            sa.or_(
                Source.name.icontains(f.q, autoescape=True),
                Source.slug.icontains(f.q, autoescape=True),
            )
        )
    if f.kind:
        stmt = stmt.where(Source.kind == f.kind)
    if f.affiliation:
        stmt = stmt.where(Source.affiliation == f.affiliation)
    return page(session, stmt, Source.id, limit, cursor)


@dataclass(frozen=True)
class ClaimFilter:
    q: str | None = None
    tag: str | None = None
    unit: str | None = None
    value_type: str | None = None
    behavior: str | None = None
    include_deleted: bool = False


def list_claims(
    session: Session, f: ClaimFilter, limit: int, cursor: str | None
) -> tuple[Sequence[Claim], str | None]:
    stmt = _live(sa.select(Claim).options(*CLAIM_VIEW), Claim, f.include_deleted)
    if f.q:
        stmt = stmt.where(
            sa.or_(
                Claim.title.icontains(f.q, autoescape=True),
                Claim.slug.icontains(f.q, autoescape=True),
                Claim.description.icontains(f.q, autoescape=True),
                sa.cast(Claim.aliases, sa.Text).icontains(f.q, autoescape=True),
            )
        )
    if f.tag:
        stmt = stmt.where(sa.exists().where(ClaimTag.claim_id == Claim.id, ClaimTag.tag == f.tag))
    if f.unit:
        stmt = stmt.where(Claim.unit == f.unit)
    if f.value_type:
        stmt = stmt.where(Claim.value_type == f.value_type)
    if f.behavior:
        stmt = stmt.where(Claim.behavior == f.behavior)
    return page(session, stmt, Claim.id, limit, cursor)


@dataclass(frozen=True)
class DocumentFilter:
    q: str | None = None
    outlet_id: int | None = None
    language: str | None = None
    published_from: datetime | None = None
    published_to: datetime | None = None
    sha256: str | None = None
    include_deleted: bool = False


def list_documents(
    session: Session, f: DocumentFilter, limit: int, cursor: str | None
) -> tuple[Sequence[Document], str | None]:
    stmt = _live(sa.select(Document).options(*DOCUMENT_VIEW), Document, f.include_deleted)
    if f.q:
        stmt = stmt.where(Document.title.icontains(f.q, autoescape=True))
    if f.outlet_id is not None:
        stmt = stmt.where(Document.outlet_id == f.outlet_id)
    if f.language:
        stmt = stmt.where(Document.language == f.language)
    if f.published_from is not None:
        stmt = stmt.where(Document.published_at >= f.published_from)
    if f.published_to is not None:
        stmt = stmt.where(Document.published_at <= f.published_to)
    if f.sha256:
        stmt = stmt.where(Document.sha256 == f.sha256)
    return page(session, stmt, Document.id, limit, cursor)


@dataclass(frozen=True)
class AssertionFilter:
    claim_id: int | None = None
    document_id: int | None = None
    outlet_id: int | None = None
    source_id: int | None = None
    stance: str | None = None
    status: str | None = None
    as_of_from: date | None = None
    as_of_to: date | None = None
    published_from: datetime | None = None
    published_to: datetime | None = None
    include_deleted: bool = False


def list_assertions(
    session: Session, f: AssertionFilter, limit: int, cursor: str | None
) -> tuple[Sequence[Assertion], str | None]:
    stmt = _live(sa.select(Assertion).options(*ASSERTION_LIST_VIEW), Assertion, f.include_deleted)
    if f.claim_id is not None:
        stmt = stmt.where(Assertion.claim_id == f.claim_id)
    if f.document_id is not None:
        stmt = stmt.where(Assertion.document_id == f.document_id)
    if f.source_id is not None:
        # The source anywhere in the attribution: as the root or as an intermediary.
        stmt = stmt.where(
            sa.or_(
                Assertion.source_id == f.source_id,
                sa.exists().where(
                    AssertionIntermediary.assertion_id == Assertion.id,
                    AssertionIntermediary.source_id == f.source_id,
                ),
            )
        )
    if f.stance:
        stmt = stmt.where(Assertion.stance == f.stance)
    if f.status:
        stmt = stmt.where(Assertion.status == f.status)
    # An as-of window overlaps [as_of_from, as_of_to] unless it ends before or starts after.
    if f.as_of_from is not None:
        stmt = stmt.where(
            sa.or_(Assertion.as_of_end.is_(None), Assertion.as_of_end >= f.as_of_from)
        )
    if f.as_of_to is not None:
        stmt = stmt.where(
            sa.or_(Assertion.as_of_start.is_(None), Assertion.as_of_start <= f.as_of_to)
        )
    if f.outlet_id is not None or f.published_from is not None or f.published_to is not None:
        documents = sa.select(Document.id)
        if f.outlet_id is not None:
            documents = documents.where(Document.outlet_id == f.outlet_id)
        if f.published_from is not None:
            documents = documents.where(Document.published_at >= f.published_from)
        if f.published_to is not None:
            documents = documents.where(Document.published_at <= f.published_to)
        stmt = stmt.where(Assertion.document_id.in_(documents))
    return page(session, stmt, Assertion.id, limit, cursor)


def assertions_of_claim(session: Session, claim_id: int) -> Sequence[Assertion]:
    stmt = (
        sa.select(Assertion)
        .options(*ASSERTION_VIEW)
        .where(Assertion.claim_id == claim_id, Assertion.deleted_at.is_(None))
        .order_by(Assertion.id)
    )
    return session.scalars(stmt).unique().all()


def assertions_of_document(
    session: Session, document_id: int, *, include_deleted: bool = False
) -> Sequence[Assertion]:
    stmt = _live(
        sa.select(Assertion).options(*ASSERTION_VIEW).where(Assertion.document_id == document_id),
        Assertion,
        include_deleted,
    ).order_by(Assertion.id)
    return session.scalars(stmt).unique().all()


def count_live(session: Session, column: Any, value: int) -> int:
    """How many live rows of ``column``'s table refer to ``value``."""
    table = column.class_
    stmt = sa.select(sa.func.count()).where(column == value, table.deleted_at.is_(None))
    return int(session.scalar(stmt) or 0)


def history(
    session: Session, entity_type: str, entity_id: int, limit: int, cursor: str | None
) -> tuple[Sequence[Revision], str | None]:
    stmt = sa.select(Revision).where(
        Revision.entity_type == entity_type, Revision.entity_id == entity_id
    )
    return page(session, stmt, Revision.id, limit, cursor)


def count_live_links(session: Session, column: Any, value: int) -> int:
    """How many live assertions name ``value`` as an intermediary."""
    stmt = (
        sa.select(sa.func.count())
        .select_from(AssertionIntermediary)
        .join(Assertion, Assertion.id == AssertionIntermediary.assertion_id)
        .where(column == value, Assertion.deleted_at.is_(None))
    )
    return int(session.scalar(stmt) or 0)


def duplicate_heads(session: Session, document_ids: set[int]) -> dict[int, int]:
    """For each document, the outlet of the original it (transitively) copies; its own
    outlet when it copies nothing. Chains are followed level by level, one query each."""
    rows = session.execute(
        sa.select(Document.id, Document.duplicate_of_id, Document.outlet_id).where(
            Document.id.in_(document_ids)
        )
    ).all()
    parent = {r.id: r.duplicate_of_id for r in rows}
    outlet = {r.id: r.outlet_id for r in rows}
    head = {doc: doc for doc in parent}
    for _ in range(20):  # syndication chains are short; a cycle cannot loop forever
        pending = {d: parent[head[d]] for d in head if parent.get(head[d]) is not None}
        if not pending:
            break
        missing = {p for p in pending.values() if p not in parent}
        if missing:
            for r in session.execute(
                sa.select(Document.id, Document.duplicate_of_id, Document.outlet_id).where(
                    Document.id.in_(missing)
                )
            ):
                parent[r.id] = r.duplicate_of_id
                outlet[r.id] = r.outlet_id
        for doc, up in pending.items():
            head[doc] = up
    return {doc: outlet[head[doc]] for doc in document_ids if doc in head}


def load_claims(session: Session, claim_ids: list[int]) -> dict[int, Claim]:
    stmt = sa.select(Claim).where(Claim.id.in_(claim_ids))
    return {c.id: c for c in session.scalars(stmt)}


def claims_of_outlet(session: Session, outlet_id: int) -> list[int]:
    """Ids of the claims an outlet has live assertions on."""
    stmt = (
        sa.select(Assertion.claim_id)
        .join(Document, Document.id == Assertion.document_id)
        .where(Assertion.deleted_at.is_(None), Document.outlet_id == outlet_id)
        .distinct()
        .order_by(Assertion.claim_id)
    )
    return list(session.scalars(stmt))


def near_duplicate_candidates(
    session: Session, buckets: Sequence[int], *, limit: int = 50
) -> list[tuple[int, list[int]]]:
    """Live documents sharing an LSH bucket with ``buckets`` (band i holds buckets[i]),
    with their MinHash signatures."""
    shared = sa.or_(
        *(sa.and_(DocumentBand.band == band, DocumentBand.bucket == bucket)
          for band, bucket in enumerate(buckets))
    )  # fmt: skip
    stmt = (
        sa.select(Document.id, Document.minhash)
        .where(
            Document.id.in_(sa.select(DocumentBand.document_id).where(shared)),
            Document.deleted_at.is_(None),
            Document.minhash.is_not(None),
        )
        .order_by(Document.id)
        .limit(limit)
    )
    return [(r.id, list(r.minhash)) for r in session.execute(stmt)]
