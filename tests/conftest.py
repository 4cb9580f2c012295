"""Fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL: ``TEST_DATABASE_URL`` names a server (and a database to connect to) when
set; otherwise the local server on 127.0.0.1:5432 is used when it answers. Each test
session creates a throwaway database there and drops it afterwards. Outside CI a
missing server skips the PostgreSQL half; with ``CI=true`` it is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from app.config import REPO_ROOT, Settings
from app.db import migrate
from app.db.engine import make_engine, make_session_factory, transaction
from app.db.models import Base
from app.domain.vocabulary import Role
from app.main import create_app
from app.services import bundle, keys
from tests.databases import BACKENDS, empty_database
from tests.live_api import LIVE_WRITE_LIMIT, LiveApi, seeded_api

LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SEED_BUNDLE = REPO_ROOT / "seeds" / "bundle.ndjson"


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


def _postgres_admin_url() -> str:
    """The server to create throwaway databases on; skips (fails in CI) when there is none."""
    url = os.environ.get("TEST_DATABASE_URL") or LOCAL_POSTGRES
    engine = sa.create_engine(
        url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    try:
        with engine.connect():
            return url
    except sa.exc.OperationalError as exc:
        message = (
            f"PostgreSQL is not reachable at {make_url(url).render_as_string(hide_password=True)} "
            f"({exc.orig}). Start it (see README) or set TEST_DATABASE_URL="
            "postgresql+psycopg://user@host:5432/postgres to run the PostgreSQL half."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    admin_url = _postgres_admin_url()
    name = f"provenance_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated, empty database on each backend (built by ``alembic upgrade head``)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _empty(engine: Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(sa.text(f"DELETE FROM {table}"))


@pytest.fixture
def db(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """A session factory on an empty database; emptied again after the test."""
    _empty(engine)
    yield make_session_factory(engine)
    _empty(engine)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, seeds_dir=REPO_ROOT / "seeds")


@pytest.fixture
def api_keys(db: sessionmaker[Session]) -> dict[Role, str]:
    """One live key of each role, by role: the secrets to send."""
    with transaction(db) as session:
        return {role: keys.create_key(session, f"test-{role}", role)[1] for role in Role}


@pytest.fixture
async def app_client(
    db: sessionmaker[Session], settings: Settings
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app over HTTP (httpx's ASGI transport) on an empty database, no key sent."""
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
    app.state.engine.dispose()


@pytest.fixture
async def client(app_client: httpx.AsyncClient, api_keys: dict[Role, str]) -> httpx.AsyncClient:
    """``app_client`` sending an editor's key, as an analyst's script would."""
    app_client.headers["Authorization"] = f"Bearer {api_keys[Role.EDITOR]}"
    return app_client


@pytest.fixture
def seeded(db: sessionmaker[Session]) -> sessionmaker[Session]:
    """The seed bundle loaded, as ``provenance seed`` loads it."""
    with transaction(db) as session:
        bundle.import_file(session, SEED_BUNDLE, "test:seed")
    return db


@pytest.fixture(scope="session", params=BACKENDS)
def live_api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveApi]:
    """A seeded server on 127.0.0.1 (tests/live_api.py), one per backend and session, on
    a database of its own: what the client, `provenance audit` and the audit scripts run
    against. Tests that write to it create rows of their own. Writes are limited to 20 a
    second per key (tests/client/test_retries.py bursts past it with a key of its own)."""
    folder = tmp_path_factory.mktemp("live-api")
    with (
        empty_database(request.param, request, folder) as url,
        seeded_api(url, WRITE_RATE_LIMIT=LIVE_WRITE_LIMIT) as api,
    ):
        yield api
