"""pytest-alembic's fixtures: the project's Alembic setup, and an empty database per backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.config import Config
from sqlalchemy.engine import Engine

from app.db import migrate
from app.db.engine import make_engine
from tests.databases import BACKENDS, empty_database


@pytest.fixture(params=BACKENDS)
def alembic_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of the test's own: pytest-alembic migrates it up and down, so it
    must not be the migrated database the rest of the suite shares."""
    with empty_database(request.param, request, tmp_path) as url:
        yield url


@pytest.fixture
def alembic_config(alembic_database_url: str) -> Config:
    """alembic.ini and migrations/, as `provenance migrate` runs them."""
    return migrate.alembic_config(alembic_database_url)


@pytest.fixture
def alembic_engine(alembic_database_url: str) -> Iterator[Engine]:
    """The app's engine (SQLite with foreign keys and WAL), which env.py migrates through."""
    engine = make_engine(alembic_database_url)
    yield engine
    engine.dispose()
