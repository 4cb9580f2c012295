"""Rows into the API's views."""

from __future__ import annotations

from collections.abc import Sequence

from app.db.models import Assertion, Claim, Document
from app.schemas.views import (
    AssertionOut,
    AttributionOut,
    ClaimDetail,
    ClaimOut,
    ClaimRef,
    DocumentDetail,
    DocumentOut,
    DocumentRef,
    OutletRef,
    SourceRef,
)
from app.services.document_text import text_sha256
from app.services.records import as_of_of, quote_of, value_of


def claim_view(row: Claim) -> ClaimOut:
    return ClaimOut.model_validate(
        {**_columns(row), "tags": [t.tag for t in row.tags], "aliases": list(row.aliases)}
    )


def claim_detail(row: Claim, assertions: Sequence[Assertion]) -> ClaimDetail:
    return ClaimDetail(**dict(claim_view(row)), assertions=[assertion_view(a) for a in assertions])


def document_view(row: Document) -> DocumentOut:
    return DocumentOut.model_validate(
        {
            **_columns(row),
            "outlet": OutletRef.model_validate(row.outlet),
            "text_matches_sha256": text_sha256(row.raw_text) == row.sha256,
        }
    )


def document_detail(row: Document, assertions: Sequence[Assertion]) -> DocumentDetail:
    return DocumentDetail(
        **dict(document_view(row)),
        raw_text=row.raw_text,
        plain_text=row.plain_text,
        clean_text=row.clean_text,
        excluded_spans=row.excluded_spans or [],
        assertions=[assertion_view(a) for a in assertions],
    )


def assertion_view(row: Assertion) -> AssertionOut:
    document = row.document
    return AssertionOut(
        id=row.id,
        key=row.key,
        claim=ClaimRef.model_validate(row.claim),
        document=DocumentRef(
            id=document.id,
            key=document.key,
            title=document.title,
            url=document.url,
            published_at=document.published_at,
            outlet=OutletRef.model_validate(document.outlet),
        ),
        stance=row.stance,
        status=row.status,
        superseded_by_id=row.superseded_by_id,
        value=value_of(row),
        as_of=as_of_of(row),
        hedge=row.hedge,
        attribution=AttributionOut(
            source=SourceRef.model_validate(row.source) if row.source else None,
            via=[SourceRef.model_validate(link.source) for link in row.intermediaries],
        ),
        quote=quote_of(row),
        created_by=row.created_by,
        creator_kind=row.creator_kind,
        notes=row.notes,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
        version=row.version,
    )


def _columns(row: Claim | Document) -> dict[str, object]:
    return {attr.key: getattr(row, attr.key) for attr in type(row).__mapper__.column_attrs}
