"""A migrated database of the test's own on each backend: the crash tests kill processes
in the middle of writes, so they never use the database the rest of the suite shares."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db import migrate
from tests.databases import BACKENDS, empty_database


@pytest.fixture(params=BACKENDS)
def own_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with empty_database(request.param, request, tmp_path) as url:
        migrate.upgrade(url)
        yield url
