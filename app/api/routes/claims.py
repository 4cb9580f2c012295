"""/claims: the propositions outlets report values for."""

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
from app.db.models import Claim
from app.domain.vocabulary import Behavior, ValueType
from app.schemas.common import Page
from app.schemas.records import ClaimIn, ClaimPatch
from app.schemas.views import ClaimDetail, ClaimOut, RevisionOut
from app.services import claims, lifecycle, present

router = APIRouter(prefix="/claims", tags=["claims"], responses=PROBLEM_RESPONSES)


@router.get("", summary="List and search claims")
def list_claims(
    session: SessionDep,
    params: PageDep,
    q: Annotated[
        str | None, Query(max_length=200, description="Text in title, slug, description or aliases")
    ] = None,
    tag: Annotated[str | None, Query(max_length=80)] = None,
    unit: Annotated[str | None, Query(max_length=60)] = None,
    value_type: ValueType | None = None,
    behavior: Behavior | None = None,
    include_deleted: IncludeDeleted = False,
) -> Page[ClaimOut]:
    """Search by text (title, slug, description, aliases) and filter by tag, unit, value type and
    behavior. Paginated (`limit`, `cursor`; follow `next`); soft-deleted rows only with
    `include_deleted=true`."""
    f = queries.ClaimFilter(
        q=q, tag=tag, unit=unit, value_type=value_type, behavior=behavior,
        include_deleted=include_deleted,
    )  # fmt: skip
    rows, next_cursor = queries.list_claims(session, f, params.limit, params.cursor)
    return page_of([present.claim_view(r) for r in rows], next_cursor, params)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a claim")
def create_claim(
    body: ClaimIn, session: SessionDep, actor: EditorDep, response: Response
) -> ClaimOut:
    """A proposition whose value outlets report. Answers 201 with the claim and its `Location`; 409
    when the slug is taken."""
    claim = claims.create_claim(session, body, actor)
    response.headers["Location"] = f"/claims/{claim.id}"
    return present.claim_view(claim)


@router.get("/{ref}", summary="Read a claim with its assertions")
def read_claim(ref: RefPath, session: SessionDep, response: Response) -> ClaimDetail:
    """The claim and every live assertion of it, each with its document, outlet,
    attribution and quote, in one call."""
    claim = find(session, Claim, ref, options=queries.CLAIM_VIEW)
    set_etag(response, claim)
    return present.claim_detail(claim, queries.assertions_of_claim(session, claim.id))


@router.patch("/{ref}", summary="Update a claim", responses=PRECONDITION_RESPONSES)
def update_claim(
    ref: RefPath,
    body: ClaimPatch,
    session: SessionDep,
    actor: EditorDep,
    expected: IfMatchDep,
    response: Response,
) -> ClaimOut:
    """Send only the fields to change. Changing the tolerance or the vague terms re-reads the
    claim's assertions given as wording. Send the `ETag` as `If-Match` to refuse (412)
    overwriting someone else's edit."""
    claim = claims.update_claim(session, ref, body, actor, expected=expected)
    set_etag(response, claim)
    return present.claim_view(claim)


@router.delete(
    "/{ref}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a claim",
    responses=PRECONDITION_RESPONSES,
)
def delete_claim(
    ref: RefPath, session: SessionDep, actor: EditorDep, expected: IfMatchDep, response: Response
) -> None:
    """Soft delete. Refused while the claim has live assertions."""
    set_etag(response, claims.delete_claim(session, ref, actor, expected=expected))


@router.post("/{ref}/restore", summary="Restore a deleted claim", responses=PRECONDITION_RESPONSES)
def restore_claim(
    ref: RefPath, session: SessionDep, actor: EditorDep, expected: IfMatchDep, response: Response
) -> ClaimOut:
    """Undo a soft delete, recorded as a revision; 409 when the claim is not deleted.
    Its assertions deleted before it are restored one by one."""
    claim = lifecycle.restore(session, Claim, ref, actor, expected=expected)
    set_etag(response, claim)
    return present.claim_view(claim)


@router.delete(
    "/{ref}/purge",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Purge a deleted claim for good (admin)",
    responses=PRECONDITION_RESPONSES,
)
def purge_claim(ref: RefPath, session: SessionDep, actor: AdminDep, expected: IfMatchDep) -> None:
    """Only a soft-deleted claim can be purged, and only while no row (live or deleted)
    refers to it; the purge is recorded as a revision holding the row as it was."""
    lifecycle.purge(session, Claim, ref, actor, expected=expected)


@router.get("/{ref}/history", summary="A claim's revisions")
def claim_history(ref: RefPath, session: SessionDep, params: PageDep) -> Page[RevisionOut]:
    """The row's revisions, oldest first: who changed it, when, and the row before and after; a
    purged row's history stays readable by its id."""
    return history_page(session, Claim, "claim", ref, params)
