"""Documents: captured reports, kept as evidence with the hash of their raw text."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import queries
from app.db.lookup import find
from app.db.models import Document, DocumentBand, Outlet
from app.domain.errors import InvalidInput
from app.domain.similarity import best_original, fingerprint
from app.schemas.records import DocumentIn, DocumentPatch
from app.services import rows
from app.services.document_text import derive_text, fingerprinted_text, text_sha256
from app.services.rows import Expected


def new_key(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:20]}"


def document_fields(session: Session, body: DocumentIn) -> dict[str, Any]:
    """Column values for ``body``: the outlet resolved, the hash computed and checked, the
    text cleaned. A body that names no original leaves the near-duplicate link as found."""
    digest = text_sha256(body.raw_text)
    if body.sha256 is not None and body.sha256 != digest:
        raise InvalidInput(
            f"sha256 {body.sha256} does not match the raw text (its sha256 is {digest})",
            field="sha256",
        )
    fields = body.model_dump(
        exclude={
            "type", "outlet", "sha256", "raw_text_file", "duplicate_of", "duplicate_similarity",
            "clean_text",
        }
    )  # fmt: skip
    fields.update(derive_text(body.raw_text, body.clean_text))
    fields["outlet_id"] = find(session, Outlet, body.outlet, field="outlet").id
    if body.duplicate_of is not None:
        fields["duplicate_of_id"] = _original(session, body.duplicate_of, body.key)
        fields["duplicate_similarity"] = body.duplicate_similarity
    fields["sha256"] = digest
    fields["key"] = body.key or new_key("doc")
    return fields


def find_or_store(
    session: Session,
    text: str,
    *,
    outlet: str | None,
    title: str | None,
    published: datetime | None,
    language: str | None = None,
    actor: str,
) -> Document:
    """The live document holding exactly ``text``, or a new one of ``outlet``."""
    digest = text_sha256(text)
    stmt = sa.select(Document).where(Document.sha256 == digest, Document.deleted_at.is_(None))
    found = session.scalars(stmt.order_by(Document.id).limit(1)).first()
    if found is not None:
        return found
    if outlet is None:
        raise InvalidInput("a new document needs an outlet: give --outlet", field="outlet")
    body = DocumentIn(
        key=f"doc-{digest[:20]}",
        outlet=outlet,
        title=title,
        raw_text=text,
        published_at=published,
        language=language,
    )
    return create_document(session, body, actor)


def _original(session: Session, ref: int | str | None, own_key: str | None) -> int | None:
    if ref is None:
        return None
    original = find(session, Document, ref, field="duplicate_of", include_deleted=True)
    if own_key is not None and original.key == own_key:
        raise InvalidInput("a document cannot copy itself", field="duplicate_of")
    return original.id


def create_document(session: Session, body: DocumentIn, actor: str) -> Document:
    return store_new(session, document_fields(session, body), actor)


def store_new(session: Session, fields: dict[str, Any], actor: str) -> Document:
    """Create a document, fingerprinted and linked to the original it copies, if any."""
    document = Document(**fields)
    found = fingerprint(
        fingerprinted_text(document.raw_text, document.plain_text, document.clean_text)
    )
    if found is not None:
        document.minhash = list(found.signature)
        if document.duplicate_of_id is None:
            candidates = queries.near_duplicate_candidates(session, found.bands)
            original = best_original(found, candidates)
            if original is not None:
                document.duplicate_of_id, document.duplicate_similarity = original
    rows.create(session, document, actor)
    if found is not None:
        session.add_all(
            DocumentBand(document_id=document.id, band=band, bucket=bucket)
            for band, bucket in enumerate(found.bands)
        )
    return document


def update_document(
    session: Session,
    ref: int | str,
    patch: DocumentPatch,
    actor: str,
    *,
    expected: Expected = None,
) -> Document:
    document = find(session, Document, ref)
    rows.check_version(session, document, expected)
    changes = patch.model_dump(exclude_unset=True)
    if "outlet" in changes:
        outlet_ref = changes.pop("outlet")
        if outlet_ref is None:
            raise InvalidInput("a document needs an outlet", field="outlet")
        changes["outlet_id"] = find(session, Outlet, outlet_ref, field="outlet").id
    if "duplicate_of" in changes:
        changes["duplicate_of_id"] = _original(session, changes.pop("duplicate_of"), document.key)
    rows.update(session, document, changes, actor)
    return document


def delete_document(
    session: Session, ref: int | str, actor: str, *, expected: Expected = None
) -> Document:
    """Soft-delete the document and its assertions (each restored on its own)."""
    document = find(session, Document, ref)
    rows.check_version(session, document, expected)
    assertions = queries.assertions_of_document(session, document.id)
    for assertion in assertions:
        rows.soft_delete(session, assertion, actor)
    rows.soft_delete(session, document, actor)
    return document
