"""Typed dependencies, declared once: every route takes them as parameters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from app.config import Settings
from app.db.engine import transaction


async def get_settings(request: Request) -> Settings:  # async: no worker thread for it
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """The one transaction boundary: commit when the route succeeds, else roll back."""
    with transaction(request.app.state.session_factory) as session:
        yield session


# scope="function": commit before the response is sent, so a failed commit is an error.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


class PageParams:
    def __init__(
        self,
        request: Request,
        limit: Annotated[int, Query(ge=1, le=500, description="Rows per page (at most 500)")] = 50,
        cursor: Annotated[
            str | None, Query(max_length=200, description="`next_cursor` of the previous page")
        ] = None,
    ) -> None:
        self.request = request
        self.limit = limit
        self.cursor = cursor

    def next_url(self, next_cursor: str | None) -> str | None:
        if next_cursor is None:
            return None
        url = self.request.url.include_query_params(cursor=next_cursor)
        return f"{url.path}?{url.query}"


PageDep = Annotated[PageParams, Depends()]
