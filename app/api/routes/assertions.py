"""/assertions: one document asserting one value for one claim."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from app.api.auth import AdminDep, EditorDep
from app.api.deps import PageDep, SessionDep
from app.api.errors import PROBLEM_RESPONSES
from app.api.preconditions import PRECONDITION_RESPONSES, IfMatchDep, set_etag
from app.api.routes.common import (
    AssertionFilterDep,
    IncludeDeleted,
    RefPath,
    history_page,
    page_of,
)
from app.db import queries
from app.db.lookup import find
from app.db.models import Assertion
from app.schemas.common import Page
from app.schemas.records import AssertionIn, AssertionPatch, RetractIn
from app.schemas.views import AssertionOut, RevisionOut
from app.services import assertions, lifecycle, present

router = APIRouter(prefix="/assertions", tags=["assertions"], responses=PROBLEM_RESPONSES)


def _view(session: SessionDep, assertion_id: int) -> AssertionOut:
    session.expire_all()
    return present.assertion_view(
        find(session, Assertion, assertion_id, options=queries.ASSERTION_VIEW, include_deleted=True)
    )


@router.get("", summary="List assertions")
def list_assertions(
    session: SessionDep,
    params: PageDep,
    f: AssertionFilterDep,
) -> Page[AssertionOut]:
    """Filter by claim, outlet, document, source (root or intermediary), stance, status, as-of
    window and publication date. Paginated (`limit`, `cursor`; follow `next`); soft-deleted rows
    only with `include_deleted=true`."""
    rows, next_cursor = queries.list_assertions(session, f, params.limit, params.cursor)
    return page_of([present.assertion_view(r) for r in rows], next_cursor, params)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create an assertion")
def create_assertion(
    body: AssertionIn, session: SessionDep, actor: EditorDep, response: Response
) -> AssertionOut:
    """The quote is checked against the document's raw text: give `start`/`end`, or only
    `exact` (with `prefix`/`suffix` if it occurs more than once) and the offsets are found."""
    assertion = assertions.create_assertion(session, body, actor)
    response.headers["Location"] = f"/assertions/{assertion.id}"
    return _view(session, assertion.id)


@router.get("/{ref}", summary="Read an assertion with its document, outlet, source and quote")
def read_assertion(
    ref: RefPath, session: SessionDep, response: Response, include_deleted: IncludeDeleted = False
) -> AssertionOut:
    """The assertion with its claim, document, outlet, value interval, as-of window, attribution
    chain and quote anchor; answers with its `ETag`."""
    assertion = find(
        session, Assertion, ref, options=queries.ASSERTION_VIEW, include_deleted=include_deleted
    )
    set_etag(response, assertion)
    return present.assertion_view(assertion)


@router.patch("/{ref}", summary="Update an assertion", responses=PRECONDITION_RESPONSES)
def update_assertion(
    ref: RefPath,
    body: AssertionPatch,
    session: SessionDep,
    actor: EditorDep,
    expected: IfMatchDep,
    response: Response,
) -> AssertionOut:
    """Send only the fields to change; the value and quote are checked again against the claim and
    the document's text. Send the `ETag` as `If-Match` to refuse (412) overwriting someone else's
    edit."""
    assertion = assertions.update_assertion(session, ref, body, actor, expected=expected)
    set_etag(response, assertion)
    return _view(session, assertion.id)


@router.post("/{ref}/retract", summary="Retract an assertion", responses=PRECONDITION_RESPONSES)
def retract_assertion(
    ref: RefPath,
    body: RetractIn,
    session: SessionDep,
    actor: EditorDep,
    expected: IfMatchDep,
    response: Response,
) -> AssertionOut:
    """Marks the assertion retracted (the outlet withdrew it); the reason goes to its notes."""
    assertion = assertions.retract_assertion(session, ref, body.reason, actor, expected=expected)
    set_etag(response, assertion)
    return _view(session, assertion.id)


@router.delete(
    "/{ref}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an assertion",
    responses=PRECONDITION_RESPONSES,
)
def delete_assertion(
    ref: RefPath, session: SessionDep, actor: EditorDep, expected: IfMatchDep, response: Response
) -> None:
    """Soft delete, recorded as a revision."""
    set_etag(response, assertions.delete_assertion(session, ref, actor, expected=expected))


@router.post(
    "/{ref}/restore", summary="Restore a deleted assertion", responses=PRECONDITION_RESPONSES
)
def restore_assertion(
    ref: RefPath, session: SessionDep, actor: EditorDep, expected: IfMatchDep, response: Response
) -> AssertionOut:
    """Undo a soft delete, recorded as a revision; 409 when the assertion is not deleted,
    or its claim, document or a source it names is."""
    assertion = lifecycle.restore(session, Assertion, ref, actor, expected=expected)
    set_etag(response, assertion)
    return _view(session, assertion.id)


@router.delete(
    "/{ref}/purge",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Purge a deleted assertion for good (admin)",
    responses=PRECONDITION_RESPONSES,
)
def purge_assertion(
    ref: RefPath, session: SessionDep, actor: AdminDep, expected: IfMatchDep
) -> None:
    """Only a soft-deleted assertion can be purged, and only while no row (live or deleted)
    refers to it; the purge is recorded as a revision holding the row as it was."""
    lifecycle.purge(session, Assertion, ref, actor, expected=expected)


@router.get("/{ref}/history", summary="An assertion's revisions")
def assertion_history(ref: RefPath, session: SessionDep, params: PageDep) -> Page[RevisionOut]:
    """The row's revisions, oldest first: who changed it, when, and the row before and after; a
    purged row's history stays readable by its id."""
    return history_page(session, Assertion, "assertion", ref, params)
