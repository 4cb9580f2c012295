"""The app built with other settings, over httpx's ASGI transport, for tests that need a
server configured apart from the shared ``app_client``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from app.config import Settings
from app.main import create_app


@asynccontextmanager
async def served(
    settings: Settings, *, key: str | None = None, **changes: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """The app built with ``changes`` to the settings, sending ``key`` when given."""
    app = create_app(settings.model_copy(update=changes))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", headers=headers
        ) as client:
            yield client
    finally:
        app.state.engine.dispose()
