"""/sources: the people and bodies figures are attributed to."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.api.auth import AdminDep, EditorDep
from app.api.deps import PageDep, SessionDep
from app.api.errors import PROBLEM_RESPONSES
from app.api.preconditions import PRECONDITION_RESPONSES, IfMatchDep, set_etag
from app.api.routes.common import IncludeDeleted, RefPath, history_page, page_of
from app.db import queries
from app.db.lookup import find
from app.db.models import Source
from app.domain.vocabulary import SourceKind
from app.schemas.common import Page
from app.schemas.records import SourceIn, SourcePatch
from app.schemas.views import RevisionOut, SourceOut
from app.services import catalog, lifecycle

router = APIRouter(prefix="/sources", tags=["sources"], responses=PROBLEM_RESPONSES)


@router.get("", summary="List sources")
def list_sources(
    session: SessionDep,
    params: PageDep,
    q: Annotated[str | None, Query(max_length=200, description="Text in name or slug")] = None,
    kind: SourceKind | None = None,
    affiliation: Annotated[str | None, Query(max_length=200)] = None,
    include_deleted: IncludeDeleted = False,
) -> Page[SourceOut]:
    """Search by text and filter by kind and affiliation. Paginated (`limit`, `cursor`; follow
    `next`); soft-deleted rows only with `include_deleted=true`."""
    f = queries.SourceFilter(
        q=q, kind=kind, affiliation=affiliation, include_deleted=include_deleted
    )
    rows, next_cursor = queries.list_sources(session, f, params.limit, params.cursor)
    return page_of([SourceOut.model_validate(r) for r in rows], next_cursor, params)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create an source")
def create_source(
    body: SourceIn, session: SessionDep, actor: EditorDep, response: Response
) -> SourceOut:
    """Who a figure is ultimately attributed to: a person, an agency, a body. Answers 201 with the
    source and its `Location`; 409 when the slug is taken."""
    source = catalog.create_source(session, body, actor)
    response.headers["Location"] = f"/sources/{source.id}"
    return SourceOut.model_validate(source)


@router.get("/{ref}", summary="Read an source")
def read_source(ref: RefPath, session: SessionDep, response: Response) -> SourceOut:
    """The source by id or slug; answers with its `ETag`."""
    source = find(session, Source, ref)
    set_etag(response, source)
    return SourceOut.model_validate(source)


@router.patch("/{ref}", summary="Update an source", responses=PRECONDITION_RESPONSES)
def update_source(
    ref: RefPath,
    body: SourcePatch,
    session: SessionDep,
    actor: EditorDep,
    expected: IfMatchDep,
    response: Response,
) -> SourceOut:
    """Send only the fields to change. Send the `ETag` as `If-Match` to refuse (412) overwriting
    someone else's edit."""
    source = catalog.update_source(session, ref, body, actor, expected=expected)
    set_etag(response, source)
    return SourceOut.model_validate(source)


@router.delete(
    "/{ref}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an source",
    responses=PRECONDITION_RESPONSES,
)
def delete_source(
    ref: RefPath, session: SessionDep, actor: EditorDep, expected: IfMatchDep, response: Response
) -> None:
    """Soft delete: the row stays in the history. Refused while live assertions cite it."""
    set_etag(response, catalog.delete_source(session, ref, actor, expected=expected))


@router.post("/{ref}/restore", summary="Restore a deleted source", responses=PRECONDITION_RESPONSES)
def restore_source(
    ref: RefPath, session: SessionDep, actor: EditorDep, expected: IfMatchDep, response: Response
) -> SourceOut:
    """Undo a soft delete, recorded as a revision; 409 when the source is not deleted."""
    source = lifecycle.restore(session, Source, ref, actor, expected=expected)
    set_etag(response, source)
    return SourceOut.model_validate(source)


@router.delete(
    "/{ref}/purge",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Purge a deleted source for good (admin)",
    responses=PRECONDITION_RESPONSES,
)
def purge_source(ref: RefPath, session: SessionDep, actor: AdminDep, expected: IfMatchDep) -> None:
    """Only a soft-deleted source can be purged, and only while no row (live or deleted)
    refers to it; the purge is recorded as a revision holding the row as it was."""
    lifecycle.purge(session, Source, ref, actor, expected=expected)


@router.get("/{ref}/history", summary="An source's revisions")
def source_history(ref: RefPath, session: SessionDep, params: PageDep) -> Page[RevisionOut]:
    """The row's revisions, oldest first: who changed it, when, and the row before and after; a
    purged row's history stays readable by its id."""
    return history_page(session, Source, "source", ref, params)
