"""API keys: admins create, list and revoke them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from app.api.auth import AdminDep
from app.api.deps import SessionDep
from app.api.errors import PROBLEM_RESPONSES
from app.schemas.keys import KeyCreated, KeyIn, KeyOut
from app.services import keys

router = APIRouter(prefix="/keys", tags=["keys"], responses=PROBLEM_RESPONSES)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create an API key")
def create_key(body: KeyIn, session: SessionDep, actor: AdminDep) -> KeyCreated:
    """The secret is in this response only: store it now. Needs an admin key."""
    row, secret = keys.create_key(session, body.name, body.role)
    return KeyCreated(**KeyOut.model_validate(row).model_dump(), secret=secret)


@router.get("", summary="List API keys")
def list_keys(
    session: SessionDep,
    actor: AdminDep,
    include_revoked: bool = Query(default=False, description="Also list revoked keys"),
) -> list[KeyOut]:
    """Names, roles, prefixes and last use; never secrets. Needs an admin key."""
    return [
        KeyOut.model_validate(k) for k in keys.list_keys(session, include_revoked=include_revoked)
    ]


@router.delete("/{ref}", summary="Revoke an API key")
def revoke_key(
    ref: Annotated[
        str, Path(pattern=r"^[A-Za-z0-9_-]{1,16}$", description="The key's id or prefix")
    ],
    session: SessionDep,
    actor: AdminDep,
) -> KeyOut:
    """By id or prefix; the key stops working at once. Needs an admin key."""
    return KeyOut.model_validate(keys.revoke_key(session, ref))
