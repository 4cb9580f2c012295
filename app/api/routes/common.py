"""Pieces every resource router uses: the path reference, pages and history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, TypeVar

from fastapi import Path, Query
from sqlalchemy.orm import Session

from app.api.deps import PageParams
from app.db import queries
from app.db.lookup import find, purged_id
from app.db.models import Tracked
from app.domain.errors import NotFound
from app.schemas.common import KEY_PATTERN, Page
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
