"""Outlets and sources: the publishers, and the voices figures are attributed to."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.db import queries
from app.db.lookup import find
from app.db.models import Assertion, AssertionIntermediary, Document, Outlet, Source
from app.domain.errors import InUse
from app.schemas.records import OutletIn, OutletPatch, SourceIn, SourcePatch
from app.services import rows
from app.services.rows import Expected


def create_outlet(session: Session, body: OutletIn, actor: str) -> Outlet:
    return rows.create(session, Outlet(**body.model_dump(exclude={"type"})), actor)


def update_outlet(
    session: Session, ref: int | str, patch: OutletPatch, actor: str, *, expected: Expected = None
) -> Outlet:
    outlet = find(session, Outlet, ref)
    rows.check_version(session, outlet, expected)
    rows.update(session, outlet, patch.model_dump(exclude_unset=True), actor)
    return outlet


def delete_outlet(
    session: Session, ref: int | str, actor: str, *, expected: Expected = None
) -> Outlet:
    outlet = find(session, Outlet, ref)
    rows.check_version(session, outlet, expected)
    documents = queries.count_live(session, Document.outlet_id, outlet.id)
    if documents:
        raise InUse(f"outlet {outlet.slug!r} still has {documents} documents; delete them first")
    rows.soft_delete(session, outlet, actor)
    return outlet


def create_source(session: Session, body: SourceIn, actor: str) -> Source:
    return rows.create(session, Source(**body.model_dump(exclude={"type"})), actor)


def update_source(
    session: Session, ref: int | str, patch: SourcePatch, actor: str, *, expected: Expected = None
) -> Source:
    source = find(session, Source, ref)
    rows.check_version(session, source, expected)
    rows.update(session, source, patch.model_dump(exclude_unset=True), actor)
    return source


def delete_source(
    session: Session, ref: int | str, actor: str, *, expected: Expected = None
) -> Source:
    source = find(session, Source, ref)
    rows.check_version(session, source, expected)
    used = queries.count_live(session, Assertion.source_id, source.id) + queries.count_live_links(
        session, AssertionIntermediary.source_id, source.id
    )
    if used:
        raise InUse(
            f"source {source.slug!r} is cited by {used} assertions; re-attribute them first"
        )
    rows.soft_delete(session, source, actor)
    return source
