"""Pieces every resource router uses: the path reference, pages and history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, TypeVar

from fastapi import Depends, Path, Query
from sqlalchemy.orm import Session

from app.api.deps import PageParams, SessionDep
from app.db import queries
from app.db.lookup import find, purged_id
from app.db.models import Claim, Document, Outlet, Source, Tracked
from app.domain.errors import NotFound
from app.domain.vocabulary import AssertionStatus, Stance
from app.schemas.common import KEY_PATTERN, IsoDate, Page, Timestamp
from app.schemas.views import RevisionOut

T = TypeVar("T")

# Digits name an id; a slug or key starts with a letter (app.schemas.common.KEY_PATTERN).
REF_PATTERN = rf"^(?:[0-9]+|{KEY_PATTERN[1:-1]})$"

RefPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=200,
        pattern=REF_PATTERN,
        description=(
            "The numeric id, or the slug (outlets, sources, claims) or key (documents, assertions)"
        ),
        examples=["nk-sappers-sent-to-kursk"],
    ),
]
FilterRef = Annotated[str | None, Query(max_length=200, description="An id, slug or key")]
IncludeDeleted = Annotated[bool, Query(description="Also list soft-deleted rows")]


def page_of(items: Sequence[T], next_cursor: str | None, params: PageParams) -> Page[T]:
    return Page[T](
        items=list(items),
        limit=params.limit,
        next_cursor=next_cursor,
        next=params.next_url(next_cursor),
    )


def history_page(
    session: Session, model: type[Tracked], label: str, ref: str, params: PageParams
) -> Page[RevisionOut]:
    try:
        row_id = find(session, model, ref, include_deleted=True).id
    except NotFound:
        # A purged row's history stays readable by its id; its last revision is the purge.
        purged = purged_id(session, model, ref)
        if purged is None:
            raise
        row_id = purged
    revisions, next_cursor = queries.history(session, label, row_id, params.limit, params.cursor)
    return page_of([RevisionOut.model_validate(r) for r in revisions], next_cursor, params)


def resolve_filter(
    session: Session, model: type[Tracked], ref: str | None, field: str
) -> int | None:
    if ref is None:
        return None
    return find(session, model, ref, include_deleted=True, field=field).id


def assertion_filter(
    session: SessionDep,
    claim: FilterRef = None,
    outlet: FilterRef = None,
    document: FilterRef = None,
    source: Annotated[
        str | None, Query(max_length=200, description="As the root or an intermediary")
    ] = None,
    stance: Stance | None = None,
    status_: Annotated[AssertionStatus | None, Query(alias="status")] = None,
    as_of_from: Annotated[IsoDate | None, Query(description="As-of window overlaps from")] = None,
    as_of_to: Annotated[IsoDate | None, Query(description="As-of window overlaps up to")] = None,
    published_from: Annotated[
        Timestamp | None, Query(description="Document published from")
    ] = None,
    published_to: Annotated[Timestamp | None, Query(description="Document published up to")] = None,
    include_deleted: IncludeDeleted = False,
) -> queries.AssertionFilter:
    """The assertion filters of the query string, refs resolved (404 for an unknown one):
    one declaration for every route that selects assertions (list, export)."""
    return queries.AssertionFilter(
        claim_id=resolve_filter(session, Claim, claim, "claim"),
        document_id=resolve_filter(session, Document, document, "document"),
        outlet_id=resolve_filter(session, Outlet, outlet, "outlet"),
        source_id=resolve_filter(session, Source, source, "source"),
        stance=stance,
        status=status_,
        as_of_from=as_of_from,
        as_of_to=as_of_to,
        published_from=published_from,
        published_to=published_to,
        include_deleted=include_deleted,
    )


AssertionFilterDep = Annotated[queries.AssertionFilter, Depends(assertion_filter)]
