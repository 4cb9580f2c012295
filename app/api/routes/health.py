"""/health: is the service up, and can it reach its database."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter

from app import __version__
from app.api.deps import SessionDep
from app.schemas.views import Health

router = APIRouter(tags=["operations"])


@router.get("/health", summary="Liveness and database reachability")
def health(session: SessionDep) -> Health:
    session.execute(sa.text("SELECT 1"))
    return Health(status="ok", version=__version__, database=session.get_bind().dialect.name)
