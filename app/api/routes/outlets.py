"""/outlets: the publishers."""

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
from app.db.models import Outlet
from app.domain.vocabulary import OutletKind
from app.schemas.common import Page
from app.schemas.records import OutletIn, OutletPatch
from app.schemas.views import OutletOut, RevisionOut
from app.services import catalog, lifecycle

router = APIRouter(prefix="/outlets", tags=["outlets"], responses=PROBLEM_RESPONSES)


@router.get("", summary="List outlets")
def list_outlets(
    session: SessionDep,
    params: PageDep,
    q: Annotated[
        str | None, Query(max_length=200, description="Text in name, slug or domain")
    ] = None,
    kind: OutletKind | None = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
    include_deleted: IncludeDeleted = False,
) -> Page[OutletOut]:
    """Search by text and filter by kind and country. Paginated (`limit`, `cursor`; follow `next`);
    soft-deleted rows only with `include_deleted=true`."""
    f = queries.OutletFilter(q=q, kind=kind, country=country, include_deleted=include_deleted)
    rows, next_cursor = queries.list_outlets(session, f, params.limit, params.cursor)
    return page_of([OutletOut.model_validate(r) for r in rows], next_cursor, params)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create an outlet")
def create_outlet(
    body: OutletIn, session: SessionDep, actor: EditorDep, response: Response
) -> OutletOut:
    """A publisher. Answers 201 with the outlet and its `Location`; 409 when the slug is taken."""
    outlet = catalog.create_outlet(session, body, actor)
    response.headers["Location"] = f"/outlets/{outlet.id}"
    return OutletOut.model_validate(outlet)


@router.get("/{ref}", summary="Read an outlet")
def read_outlet(ref: RefPath, session: SessionDep, response: Response) -> OutletOut:
    """The outlet by id or slug; answers with its `ETag`."""
    outlet = find(session, Outlet, ref)
    set_etag(response, outlet)
    return OutletOut.model_validate(outlet)


@router.patch("/{ref}", summary="Update an outlet", responses=PRECONDITION_RESPONSES)
def update_outlet(
    ref: RefPath,
    body: OutletPatch,
    session: SessionDep,
    actor: EditorDep,
    expected: IfMatchDep,
    response: Response,
) -> OutletOut:
    """Send only the fields to change. Send the `ETag` as `If-Match` to refuse (412) overwriting
    someone else's edit."""
    outlet = catalog.update_outlet(session, ref, body, actor, expected=expected)
    set_etag(response, outlet)
    return OutletOut.model_validate(outlet)


@router.delete(
    "/{ref}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an outlet",
    responses=PRECONDITION_RESPONSES,
)
def delete_outlet(
    ref: RefPath, session: SessionDep, actor: EditorDep, expected: IfMatchDep, response: Response
) -> None:
    """Soft delete: the row stays in the history. Refused while live documents cite it."""
    set_etag(response, catalog.delete_outlet(session, ref, actor, expected=expected))


@router.post("/{ref}/restore", summary="Restore a deleted outlet", responses=PRECONDITION_RESPONSES)
def restore_outlet(
    ref: RefPath, session: SessionDep, actor: EditorDep, expected: IfMatchDep, response: Response
) -> OutletOut:
    """Undo a soft delete, recorded as a revision; 409 when the outlet is not deleted."""
    outlet = lifecycle.restore(session, Outlet, ref, actor, expected=expected)
    set_etag(response, outlet)
    return OutletOut.model_validate(outlet)


@router.delete(
    "/{ref}/purge",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Purge a deleted outlet for good (admin)",
    responses=PRECONDITION_RESPONSES,
)
def purge_outlet(ref: RefPath, session: SessionDep, actor: AdminDep, expected: IfMatchDep) -> None:
    """Only a soft-deleted outlet can be purged, and only while no row (live or deleted)
    refers to it; the purge is recorded as a revision holding the row as it was."""
    lifecycle.purge(session, Outlet, ref, actor, expected=expected)


@router.get("/{ref}/history", summary="An outlet's revisions")
def outlet_history(ref: RefPath, session: SessionDep, params: PageDep) -> Page[RevisionOut]:
    """The row's revisions, oldest first: who changed it, when, and the row before and after; a
    purged row's history stays readable by its id."""
    return history_page(session, Outlet, "outlet", ref, params)
