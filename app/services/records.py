"""Rows back into the input shapes: what the bundle writer exports and updates start from."""

from __future__ import annotations

from app.db.models import Assertion, Claim, Document, Outlet, Source
from app.schemas.common import AsOf, Attribution, Quote, Value
from app.schemas.records import (
    AssertionIn,
    AssertionRecord,
    ClaimRecord,
    DocumentRecord,
    OutletRecord,
    SourceRecord,
)


def outlet_record(row: Outlet) -> OutletRecord:
    return OutletRecord(
        type="outlet", slug=row.slug, name=row.name, domain=row.domain,
        country=row.country, kind=row.kind, notes=row.notes,
    )  # fmt: skip


def source_record(row: Source) -> SourceRecord:
    return SourceRecord(
        type="source", slug=row.slug, name=row.name, kind=row.kind,
        affiliation=row.affiliation, notes=row.notes,
    )  # fmt: skip


def claim_record(row: Claim) -> ClaimRecord:
    return ClaimRecord(
        type="claim", slug=row.slug, title=row.title, description=row.description,
        unit=row.unit, value_type=row.value_type, behavior=row.behavior,
        tolerance=row.tolerance, aliases=list(row.aliases), tags=[t.tag for t in row.tags],
        vague_terms={term: (low, high) for term, (low, high) in row.vague_terms.items()},
        notes=row.notes,
    )  # fmt: skip


def document_record(
    row: Document, outlet_slug: str, original_key: str | None = None
) -> DocumentRecord:
    return DocumentRecord(
        type="document", key=row.key, outlet=outlet_slug, url=row.url, title=row.title,
        author=row.author, published_at=row.published_at,
        published_precision=row.published_precision, retrieved_at=row.retrieved_at,
        language=row.language, raw_text=row.raw_text, clean_text=row.clean_text,
        sha256=row.sha256, duplicate_of=original_key,
        duplicate_similarity=row.duplicate_similarity, notes=row.notes,
    )  # fmt: skip


def value_of(row: Assertion) -> Value:
    dated = row.date_low is not None or row.date_high is not None
    return Value.model_construct(
        text=row.value_text,
        normalized=row.value_normalized,
        qualifier=row.qualifier,
        low=row.date_low if dated else row.low,
        high=row.date_high if dated else row.high,
        low_inclusive=row.low_inclusive,
        high_inclusive=row.high_inclusive,
    )


def as_of_of(row: Assertion) -> AsOf | None:
    if (
        row.as_of_start is None
        and row.as_of_end is None
        and row.as_of_text is None
        and row.as_of_precision is None
    ):
        return None
    return AsOf(
        start=row.as_of_start, end=row.as_of_end, precision=row.as_of_precision,
        text=row.as_of_text,
    )  # fmt: skip


def quote_of(row: Assertion) -> Quote | None:
    if row.quote_exact is None:
        return None
    return Quote(
        exact=row.quote_exact, start=row.quote_start, end=row.quote_end,
        prefix=row.quote_prefix, suffix=row.quote_suffix,
    )  # fmt: skip


def assertion_input(row: Assertion) -> AssertionIn:
    """``row`` as the body that would create it (needs claim, document, sources loaded)."""
    return AssertionIn(
        key=row.key,
        claim=row.claim.slug,
        document=row.document.key,
        stance=row.stance,
        value=value_of(row),
        as_of=as_of_of(row),
        hedge=row.hedge,
        attribution=Attribution(
            source=row.source.slug if row.source else None,
            via=[link.source.slug for link in row.intermediaries],
        ),
        quote=quote_of(row),
        notes=row.notes,
    )


def assertion_record(row: Assertion) -> AssertionRecord:
    return AssertionRecord(
        type="assertion",
        created_by=row.created_by,
        creator_kind=row.creator_kind,
        status=row.status,
        **dict(assertion_input(row)),
    )
