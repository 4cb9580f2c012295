"""Empty databases of a test's own, for tests that must not touch the shared one.

The suite's ``database_url`` is one migrated database per backend that every test
shares. Migration checks need a database with no schema at all, and crash tests kill
processes in the middle of writes: both get a database of their own from here, on the
same PostgreSQL server as the suite (``postgres_url`` in tests/conftest.py decides which
server, and skips when there is none) or in an SQLite file.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

BACKENDS = ["sqlite", "postgresql"]


@contextmanager
def throwaway_postgres(server_url: str) -> Iterator[str]:
    """A new, empty database on the server of ``server_url``; dropped afterwards, even
    when a process the test killed left a connection to it."""
    name = f"provenance_own_{uuid.uuid4().hex[:12]}"
    # NullPool: no idle connection to the suite's database is kept while the test runs.
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def empty_database(backend: str, request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    """The URL of an empty database (no tables) on ``backend``."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'own.db'}"
        return
    with throwaway_postgres(request.getfixturevalue("postgres_url")) as url:
        yield url
