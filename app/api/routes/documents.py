"""/documents: captured reports, kept as evidence."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.api.auth import AdminDep, EditorDep
from app.api.deps import PageDep, SessionDep
from app.api.errors import PROBLEM_RESPONSES
from app.api.preconditions import PRECONDITION_RESPONSES, IfMatchDep, set_etag
from app.api.routes.common import (
    FilterRef,
    IncludeDeleted,
    RefPath,
    history_page,
    page_of,
    resolve_filter,
)
from app.db import queries
from app.db.lookup import find
from app.db.models import Document, Outlet
from app.schemas.common import Page, Timestamp
from app.schemas.records import DocumentIn, DocumentPatch
from app.schemas.views import DocumentDetail, DocumentOut, RevisionOut
from app.services import documents, lifecycle, present

router = APIRouter(prefix="/documents", tags=["documents"], responses=PROBLEM_RESPONSES)


@router.get("", summary="List documents")
def list_documents(
    session: SessionDep,
    params: PageDep,
    q: Annotated[str | None, Query(max_length=200, description="Text in the title")] = None,
    outlet: FilterRef = None,
    language: Annotated[str | None, Query(max_length=16)] = None,
    published_from: Annotated[Timestamp | None, Query(description="Inclusive")] = None,
    published_to: Annotated[Timestamp | None, Query(description="Inclusive")] = None,
    sha256: Annotated[str | None, Query(pattern=r"^[0-9a-f]{64}$")] = None,
    include_deleted: IncludeDeleted = False,
) -> Page[DocumentOut]:
    """Filter by title text, outlet, language, publication date range or sha256. Paginated (`limit`,
    `cursor`; follow `next`); soft-deleted rows only with `include_deleted=true`."""
    f = queries.DocumentFilter(
        q=q,
        outlet_id=resolve_filter(session, Outlet, outlet, "outlet"),
        language=language,
        published_from=published_from,
        published_to=published_to,
        sha256=sha256,
        include_deleted=include_deleted,
    )
    rows, next_cursor = queries.list_documents(session, f, params.limit, params.cursor)
    return page_of([present.document_view(r) for r in rows], next_cursor, params)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Store a captured document")
def create_document(
    body: DocumentIn, session: SessionDep, actor: EditorDep, response: Response
) -> DocumentOut:
    """The raw text is kept as captured with its sha256; `sha256`, when sent, is checked."""
    document = documents.create_document(session, body, actor)
    document = find(session, Document, document.id, options=queries.DOCUMENT_VIEW)
    response.headers["Location"] = f"/documents/{document.id}"
    return present.document_view(document)


@router.get("/{ref}", summary="Read a document with its text and assertions")
def read_document(
    ref: RefPath, session: SessionDep, response: Response, include_deleted: IncludeDeleted = False
) -> DocumentDetail:
    """The document with its raw text, reader text, cleaned text, the excluded spans cleaning set
    aside (with reasons) and its assertions; answers with its `ETag`."""
    document = find(
        session, Document, ref, options=queries.DOCUMENT_VIEW, include_deleted=include_deleted
    )
    set_etag(response, document)
    assertions = queries.assertions_of_document(
        session, document.id, include_deleted=include_deleted
    )
    return present.document_detail(document, assertions)


@router.patch("/{ref}", summary="Update a document's metadata", responses=PRECONDITION_RESPONSES)
def update_document(
    ref: RefPath,
    body: DocumentPatch,
    session: SessionDep,
    actor: EditorDep,
    expected: IfMatchDep,
    response: Response,
) -> DocumentOut:
    """Metadata only: the raw text and its sha256 are evidence and never change. Send the `ETag` as
    `If-Match` to refuse (412) overwriting someone else's edit."""
    document = documents.update_document(session, ref, body, actor, expected=expected)
    set_etag(response, document)
    return present.document_view(
        find(session, Document, document.id, options=queries.DOCUMENT_VIEW)
    )


@router.delete(
    "/{ref}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a document",
    responses=PRECONDITION_RESPONSES,
)
def delete_document(
    ref: RefPath, session: SessionDep, actor: EditorDep, expected: IfMatchDep, response: Response
) -> None:
    """Soft delete of the document and of its assertions, each recorded as a revision."""
    set_etag(response, documents.delete_document(session, ref, actor, expected=expected))


@router.post(
    "/{ref}/restore", summary="Restore a deleted document", responses=PRECONDITION_RESPONSES
)
def restore_document(
    ref: RefPath, session: SessionDep, actor: EditorDep, expected: IfMatchDep, response: Response
) -> DocumentOut:
    """Undo a soft delete, recorded as a revision; 409 when the document is not deleted or
    its outlet is. The assertions its deletion took are restored one by one
    (`GET /assertions?document=KEY&include_deleted=true` lists them)."""
    document = lifecycle.restore(session, Document, ref, actor, expected=expected)
    set_etag(response, document)
    return present.document_view(
        find(session, Document, document.id, options=queries.DOCUMENT_VIEW)
    )


@router.delete(
    "/{ref}/purge",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Purge a deleted document for good (admin)",
    responses=PRECONDITION_RESPONSES,
)
def purge_document(
    ref: RefPath, session: SessionDep, actor: AdminDep, expected: IfMatchDep
) -> None:
    """Only a soft-deleted document can be purged, and only while no row (live or deleted)
    refers to it; the purge is recorded as a revision holding the row as it was."""
    lifecycle.purge(session, Document, ref, actor, expected=expected)


@router.get("/{ref}/history", summary="A document's revisions")
def document_history(ref: RefPath, session: SessionDep, params: PageDep) -> Page[RevisionOut]:
    """The row's revisions, oldest first: who changed it, when, and the row before and after; a
    purged row's history stays readable by its id."""
    return history_page(session, Document, "document", ref, params)
