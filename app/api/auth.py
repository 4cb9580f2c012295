"""Who is calling: the API key of a request and what its role allows.

Keys come as ``Authorization: Bearer <secret>`` or ``X-API-Key: <secret>``. Writes need
an editor key, key management an admin key; reads are open unless the
``read_requires_key`` setting closes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from app.api.deps import SettingsDep
from app.db.engine import transaction
from app.domain.vocabulary import Role
from app.services import keys

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="provenance"'}
# Declared so that the OpenAPI document (and the docs page's Authorize button) knows the
# two ways to send a key; the header is read by _secret, which also refuses other schemes.
_BEARER = HTTPBearer(auto_error=False, description="`Authorization: Bearer <key>`")
_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, description="The same key")


@dataclass(frozen=True, slots=True)
class Principal:
    key_id: int
    name: str
    role: Role

    @property
    def actor(self) -> str:
        """How revisions name this caller."""
        return f"key:{self.name}"


def _secret(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HTTPException(401, "use `Authorization: Bearer <key>`", headers=_CHALLENGE)
        return token.strip()
    return request.headers.get("x-api-key") or None


async def get_principal(
    request: Request,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
    _header: Annotated[str | None, Depends(_HEADER)],
) -> Principal | None:
    """The caller's key, or None when the request carries none; a key that is unknown
    or revoked is refused (401), never treated as anonymous. A request without a key
    costs no database work and no worker thread (reads are most requests)."""
    secret = _secret(request)
    if secret is None:
        return None
    found = await run_in_threadpool(_authenticate, request.app.state.session_factory, secret)
    if found is None:
        raise HTTPException(401, "the API key is unknown or revoked", headers=_CHALLENGE)
    return found


def _authenticate(factory: sessionmaker[Session], secret: str) -> Principal | None:
    # Its own short transaction: recording the key's use does not wait for the request.
    with transaction(factory) as session:
        row = keys.authenticate(session, secret)
        return None if row is None else Principal(row.id, row.name, row.role)


PrincipalDep = Annotated[Principal | None, Depends(get_principal)]


def require(needed: Role) -> Any:
    """A dependency that lets through callers whose key allows ``needed``."""

    async def check(principal: PrincipalDep) -> Principal:
        if principal is None:
            raise HTTPException(
                401, f"this needs an API key with the {needed} role", headers=_CHALLENGE
            )
        if not keys.allows(principal.role, needed):
            raise HTTPException(
                403, f"the key {principal.name!r} is a {principal.role}; this needs {needed}"
            )
        return principal

    return Depends(check)


async def reader_gate(principal: PrincipalDep, settings: SettingsDep) -> None:
    """Reads are open unless ``read_requires_key`` is set; then any live key will do."""
    if settings.read_requires_key and principal is None:
        raise HTTPException(401, "reads need an API key on this server", headers=_CHALLENGE)


def editor_actor(principal: Annotated[Principal, require(Role.EDITOR)]) -> str:
    return principal.actor


def admin_actor(principal: Annotated[Principal, require(Role.ADMIN)]) -> str:
    return principal.actor


EditorDep = Annotated[str, Depends(editor_actor)]
AdminDep = Annotated[str, Depends(admin_actor)]
