"""Documents: captured reports, kept as evidence with the hash of their raw text."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from sqlalchemy.orm import Session

from app.db import queries
from app.db.lookup import find
from app.db.models import Document, Outlet
from app.domain.errors import InvalidInput
from app.schemas.records import DocumentIn, DocumentPatch
from app.services import rows


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_key(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:20]}"


def document_fields(session: Session, body: DocumentIn) -> dict[str, Any]:
    """Column values for ``body``: the outlet resolved, the hash computed and checked."""
    digest = text_sha256(body.raw_text)
    if body.sha256 is not None and body.sha256 != digest:
        raise InvalidInput(
            f"sha256 {body.sha256} does not match the raw text (its sha256 is {digest})",
            field="sha256",
        )
    fields = body.model_dump(exclude={"type", "outlet", "sha256", "raw_text_file", "duplicate_of"})
    fields["outlet_id"] = find(session, Outlet, body.outlet, field="outlet").id
    fields["duplicate_of_id"] = _original(session, body.duplicate_of, body.key)
    fields["sha256"] = digest
    fields["key"] = body.key or new_key("doc")
    return fields


def _original(session: Session, ref: int | str | None, own_key: str | None) -> int | None:
    if ref is None:
        return None
    original = find(session, Document, ref, field="duplicate_of", include_deleted=True)
    if own_key is not None and original.key == own_key:
        raise InvalidInput("a document cannot copy itself", field="duplicate_of")
    return original.id


def create_document(session: Session, body: DocumentIn, actor: str) -> Document:
    return rows.create(session, Document(**document_fields(session, body)), actor)


def update_document(session: Session, ref: int | str, patch: DocumentPatch, actor: str) -> Document:
    document = find(session, Document, ref)
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


def delete_document(session: Session, ref: int | str, actor: str) -> int:
    """Soft-delete the document and its assertions; returns how many assertions went."""
    document = find(session, Document, ref)
    assertions = queries.assertions_of_document(session, document.id)
    for assertion in assertions:
        rows.soft_delete(session, assertion, actor)
    rows.soft_delete(session, document, actor)
    return len(assertions)
