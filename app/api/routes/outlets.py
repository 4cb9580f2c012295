"""/outlets: the publishers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.api.deps import ActorDep, PageDep, SessionDep
from app.api.errors import PROBLEM_RESPONSES
from app.api.routes.common import IncludeDeleted, RefPath, history_page, page_of
from app.db import queries
from app.db.lookup import find
from app.db.models import Outlet
from app.domain.vocabulary import OutletKind
from app.schemas.common import Page
from app.schemas.records import OutletIn, OutletPatch
from app.schemas.views import OutletOut, RevisionOut
from app.services import catalog

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
    f = queries.OutletFilter(q=q, kind=kind, country=country, include_deleted=include_deleted)
    rows, next_cursor = queries.list_outlets(session, f, params.limit, params.cursor)
    return page_of([OutletOut.model_validate(r) for r in rows], next_cursor, params)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create an outlet")
def create_outlet(
    body: OutletIn, session: SessionDep, actor: ActorDep, response: Response
) -> OutletOut:
    outlet = catalog.create_outlet(session, body, actor)
    response.headers["Location"] = f"/outlets/{outlet.id}"
    return OutletOut.model_validate(outlet)


@router.get("/{ref}", summary="Read an outlet")
def read_outlet(ref: RefPath, session: SessionDep) -> OutletOut:
    return OutletOut.model_validate(find(session, Outlet, ref))


@router.patch("/{ref}", summary="Update an outlet")
def update_outlet(
    ref: RefPath, body: OutletPatch, session: SessionDep, actor: ActorDep
) -> OutletOut:
    return OutletOut.model_validate(catalog.update_outlet(session, ref, body, actor))


@router.delete("/{ref}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete an outlet")
def delete_outlet(ref: RefPath, session: SessionDep, actor: ActorDep) -> None:
    """Soft delete: the row stays in the history. Refused while live documents cite it."""
    catalog.delete_outlet(session, ref, actor)


@router.get("/{ref}/history", summary="An outlet's revisions")
def outlet_history(ref: RefPath, session: SessionDep, params: PageDep) -> Page[RevisionOut]:
    return history_page(session, Outlet, "outlet", ref, params)
