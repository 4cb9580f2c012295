"""Nested reads load what they show in a fixed number of queries, never one per row."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app.domain.vocabulary import Role
from app.main import create_app
from tests import builders

pytestmark = pytest.mark.anyio


@contextmanager
def counting(engine):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
async def app_and_client(db, settings, api_keys):
    import httpx

    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {api_keys[Role.EDITOR]}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://t", headers=headers
    ) as client:
        yield app, client
    app.state.engine.dispose()


async def _queries(app, client, path) -> int:
    with counting(app.state.engine) as statements:
        response = await client.get(path)
        assert response.status_code == 200, response.text
    return len(statements)


async def test_claim_and_assertion_reads_do_not_grow_with_the_assertions(app_and_client):
    app, client = app_and_client
    small = await builders.claim(client)
    large = await builders.claim(client)
    tass = await builders.source(client, slug="tass")
    for claim, n in ((small, 2), (large, 12)):
        for _ in range(n):
            await builders.assertion(
                client, claim=claim["slug"], attribution={"source": tass["slug"], "via": ["tass"]}
            )
    for path in ("/claims/{slug}", "/assertions?claim={slug}&limit=100"):
        few = await _queries(app, client, path.format(slug=small["slug"]))
        many = await _queries(app, client, path.format(slug=large["slug"]))
        assert few == many, path
        assert many <= 6, path
