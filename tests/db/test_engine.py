"""The engine's SQLite set-up: what crash safety and the schema's rules rely on."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from app.db.engine import make_engine


def test_sqlite_connections_use_the_write_ahead_log_and_enforce_foreign_keys(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        # Two connections: the pragmas are set on every new one, not only on the first.
        with engine.connect() as first, engine.connect() as second:
            for conn in (first, second):
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    finally:
        engine.dispose()
    # WAL is a property of the file: a plain connection, without the engine's set-up, sees it.
    plain = sa.create_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        with plain.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
    finally:
        plain.dispose()
