"""A large import into a small SQLite database builds the secondary indexes of its
biggest tables once, at its end, inside its transaction; PostgreSQL keeps its indexes."""

from __future__ import annotations

import json

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from app.db.engine import transaction
from app.domain.errors import BundleError
from app.services import bundle, ingest
from tests.builders import own_article


def _indexes(db: sessionmaker[Session]) -> list[tuple[str, str]]:
    sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    if db.kw["bind"].dialect.name == "postgresql":
        sql = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
    with db() as session:
        return [(str(name), str(made)) for name, made in session.execute(sa.text(sql))]


def test_a_large_import_builds_its_indexes_at_the_end_or_not_at_all(
    db: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite drops and builds them in the import's transaction; PostgreSQL keeps them.
    before = _indexes(db)
    assert any(name.startswith("ix_assertions_") for name, _ in before)
    monkeypatch.setattr(ingest, "DEFER_INDEXES_FROM", 1)
    outlet = {"type": "outlet", "slug": "wire", "name": "Wire"}
    claim = {"type": "claim", "slug": "count", "title": "A count", "unit": "people"}
    document = {"type": "document", "key": "d", "outlet": "wire", "raw_text": own_article()}
    bad = {"type": "document", "key": "d2", "outlet": "nobody", "raw_text": own_article()}
    # A failed import: nothing stored, the indexes as they were.
    with pytest.raises(BundleError), transaction(db) as session:
        bundle.import_lines(session, [json.dumps(r) for r in (outlet, bad)], "t", expected=9)
    assert _indexes(db) == before
    with db() as session:
        assert session.execute(sa.text("SELECT count(*) FROM outlets")).scalar_one() == 0
    # A successful one: the same indexes, over the new rows.
    with transaction(db) as session:
        lines = [json.dumps(r) for r in (outlet, claim, document)]
        bundle.import_lines(session, lines, "t", expected=9)
    assert _indexes(db) == before
    with db() as session:
        found = session.execute(
            sa.text("SELECT count(*) FROM revisions WHERE entity_type = 'claim'")
        ).scalar_one()
        assert found == 1
        if db.kw["bind"].dialect.name == "sqlite":  # the rebuilt index holds the new rows
            check = session.execute(sa.text("PRAGMA integrity_check")).scalar_one()
            assert check == "ok"


def _triggers(db: sessionmaker[Session]) -> list[tuple[str, str]]:
    sql = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    if db.kw["bind"].dialect.name == "postgresql":
        sql = (
            "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE NOT tgisinternal ORDER BY 1"
        )
    with db() as session:
        return [(str(name), str(made)) for name, made in session.execute(sa.text(sql))]


def _import(db: sessionmaker[Session], records: list[dict[str, object]], expected: int) -> None:
    with transaction(db) as session:
        bundle.import_lines(session, [json.dumps(r) for r in records], "t", expected=expected)


def _figure(key: str, document: str, people: int, stance: str = "asserts") -> dict[str, object]:
    return {
        "type": "assertion", "key": key, "claim": "count", "document": document,
        "stance": stance,
        "value": {"text": f"{people} people", "qualifier": "exact", "low": people, "high": people},
    }  # fmt: skip


@pytest.mark.anyio
async def test_a_large_import_into_an_assessed_claim_is_seen_by_its_next_assessment(
    db: sessionmaker[Session], client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On SQLite a large import stores its assertions without the trigger that marks their
    # claim stale, marking each claim once at its end; the trigger is back after it.
    triggers = _triggers(db)
    outlets = [{"type": "outlet", "slug": s, "name": s.title()} for s in ("wire", "daily", "post")]
    claim = {"type": "claim", "slug": "count", "title": "A count", "unit": "people"}
    first = {"type": "document", "key": "d1", "outlet": "wire", "raw_text": own_article()}
    _import(db, [*outlets, claim, first, _figure("a1", "d1", 100)], expected=0)
    before = await client.get("/claims/count/assessment")
    assert before.status_code == 200, before.text
    assert before.json()["conflicts_total"] == 0  # stored: a later read may come from it

    monkeypatch.setattr(ingest, "DEFER_INDEXES_FROM", 1)
    second = {"type": "document", "key": "d2", "outlet": "daily", "raw_text": own_article()}
    _import(db, [second, _figure("a2", "d2", 500)], expected=99)
    assert _triggers(db) == triggers
    after = await client.get("/claims/count/assessment")
    assert after.json()["conflicts_total"] == 1, after.text  # 100 against 500

    # A write after it is marked by the trigger, as before.
    monkeypatch.setattr(ingest, "DEFER_INDEXES_FROM", 10**9)
    third = {"type": "document", "key": "d3", "outlet": "post", "raw_text": own_article()}
    _import(db, [third, _figure("a3", "d3", 100, stance="denies")], expected=0)
    last = await client.get("/claims/count/assessment")
    assert len(last.json()["denials"]) == 1, last.text
