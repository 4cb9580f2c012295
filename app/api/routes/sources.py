"""/sources: the people and bodies figures are attributed to."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.api.deps import ActorDep, PageDep, SessionDep
from app.api.errors import PROBLEM_RESPONSES
from app.api.routes.common import IncludeDeleted, RefPath, history_page, page_of
from app.db import queries
from app.db.lookup import find
from app.db.models import Source
from app.domain.vocabulary import SourceKind
from app.schemas.common import Page
from app.schemas.records import SourceIn, SourcePatch
from app.schemas.views import RevisionOut, SourceOut
from app.services import catalog

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
    f = queries.SourceFilter(
        q=q, kind=kind, affiliation=affiliation, include_deleted=include_deleted
    )
    rows, next_cursor = queries.list_sources(session, f, params.limit, params.cursor)
    return page_of([SourceOut.model_validate(r) for r in rows], next_cursor, params)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create an source")
def create_source(
    body: SourceIn, session: SessionDep, actor: ActorDep, response: Response
) -> SourceOut:
    source = catalog.create_source(session, body, actor)
    response.headers["Location"] = f"/sources/{source.id}"
    return SourceOut.model_validate(source)


@router.get("/{ref}", summary="Read an source")
def read_source(ref: RefPath, session: SessionDep) -> SourceOut:
    return SourceOut.model_validate(find(session, Source, ref))


@router.patch("/{ref}", summary="Update an source")
def update_source(
    ref: RefPath, body: SourcePatch, session: SessionDep, actor: ActorDep
) -> SourceOut:
    return SourceOut.model_validate(catalog.update_source(session, ref, body, actor))


@router.delete("/{ref}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete an source")
def delete_source(ref: RefPath, session: SessionDep, actor: ActorDep) -> None:
    """Soft delete: the row stays in the history. Refused while live assertions cite it."""
    catalog.delete_source(session, ref, actor)


@router.get("/{ref}/history", summary="An source's revisions")
def source_history(ref: RefPath, session: SessionDep, params: PageDep) -> Page[RevisionOut]:
    return history_page(session, Source, "source", ref, params)
