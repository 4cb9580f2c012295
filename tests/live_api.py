"""A seeded server for the client, the audits and the audit scripts: one per backend and
session, on a database of its own (the suite's shared one is emptied by every ``db`` test)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa

from app.config import REPO_ROOT
from app.db import migrate
from app.db.engine import make_engine, make_session_factory, transaction
from app.domain.vocabulary import Role
from app.services import bundle, keys
from tests.live import serving

SEED_BUNDLE = REPO_ROOT / "seeds" / "bundle.ndjson"
LIVE_WRITE_LIMIT = "20/second"


@dataclass(frozen=True)
class LiveApi:
    url: str
    database_url: str
    editor_key: str
    reader_key: str

    def execute(self, sql: str, **params: object) -> None:
        """Change the server's database behind the API's back (a tampered capture, say)."""
        engine = make_engine(self.database_url)
        try:
            with engine.begin() as conn:
                conn.execute(sa.text(sql), params)
        finally:
            engine.dispose()


@contextmanager
def seeded_api(database_url: str, **env: str) -> Iterator[LiveApi]:
    """Migrate and seed ``database_url``, make an editor and a reader key, and serve it on
    127.0.0.1 (with ``env`` over the environment: settings such as WRITE_RATE_LIMIT)."""
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            bundle.import_file(session, SEED_BUNDLE, "test:seed")
            editor = keys.create_key(session, "client-editor", Role.EDITOR)[1]
            reader = keys.create_key(session, "client-reader", Role.READER)[1]
    finally:
        engine.dispose()
    with serving(os.environ | {"DATABASE_URL": database_url, **env}) as url:
        yield LiveApi(url, database_url, editor, reader)
