"""Lists are paginated by a cursor; the response says how to get the next page."""

from __future__ import annotations

import pytest

from tests import builders

pytestmark = pytest.mark.anyio


async def test_following_next_visits_every_row_once_in_order(client):
    created = [(await builders.source(client))["id"] for _ in range(7)]
    seen: list[int] = []
    url: str | None = "/sources?limit=3"
    pages = 0
    while url is not None:
        body = (await client.get(url)).json()
        assert len(body["items"]) <= 3
        assert body["limit"] == 3
        seen += [s["id"] for s in body["items"]]
        url = body["next"]
        pages += 1
    assert seen == created
    assert pages == 3


async def test_next_keeps_the_filters(client):
    for _ in range(3):
        await builders.outlet(client, kind="wire")
    await builders.outlet(client, kind="state_media")
    first = (await client.get("/outlets", params={"kind": "wire", "limit": 2})).json()
    assert "kind=wire" in first["next"]
    second = (await client.get(first["next"])).json()
    assert [o["kind"] for o in second["items"]] == ["wire"]
    assert second["next"] is None
    assert second["next_cursor"] is None


async def test_rows_added_while_paging_are_not_skipped_or_repeated(client):
    ids = [(await builders.claim(client))["id"] for _ in range(3)]
    page1 = (await client.get("/claims", params={"limit": 2})).json()
    late = await builders.claim(client)
    page2 = (await client.get(page1["next"])).json()
    assert [c["id"] for c in page1["items"]] == ids[:2]
    assert [c["id"] for c in page2["items"]] == [ids[2], late["id"]]
