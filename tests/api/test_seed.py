"""The seed data set, loaded as `provenance seed` loads it, seen through the API."""

from __future__ import annotations

import pytest

from app.db.engine import transaction
from app.services import bundle
from tests.conftest import SEED_BUNDLE

pytestmark = pytest.mark.anyio


async def _all(client, path, **params):
    items, url = [], path
    while url is not None:
        body = (await client.get(url, params=params if url == path else None)).json()
        items += body["items"]
        url = body["next"]
    return items


async def test_seed_lists_the_five_documents_of_five_outlets(client, seeded):
    documents = await _all(client, "/documents")
    assert len(documents) == 5
    assert {d["outlet"]["slug"] for d in documents} >= {"sputnik", "menafn", "southfront"}
    assert len({d["outlet"]["id"] for d in documents}) == 5


async def test_every_seed_claim_has_assertions_with_quotes_anchored_in_the_text(client, seeded):
    claims = await _all(client, "/claims", limit=100)
    assert len(claims) >= 15
    texts = {d["key"]: (await client.get(f"/documents/{d['id']}")).json()["raw_text"]
             for d in await _all(client, "/documents")}  # fmt: skip
    for claim in claims:
        detail = (await client.get(f"/claims/{claim['slug']}")).json()
        assert detail["assertions"], claim["slug"]
        for assertion in detail["assertions"]:
            quote = assertion["quote"]
            assert quote is not None, assertion["key"]
            text = texts[assertion["document"]["key"]]
            assert text[quote["start"] : quote["end"]] == quote["exact"], assertion["key"]


async def test_the_thousand_sappers_stand_in_three_outlets(client, seeded):
    claim = (await client.get("/claims/nk-sappers-sent-to-kursk")).json()
    values = {(a["value"]["low"], a["value"]["high"]) for a in claim["assertions"]}
    assert values == {(1000.0, 1000.0)}
    outlets = {a["document"]["outlet"]["slug"] for a in claim["assertions"]}
    assert len(outlets) == 3
    roots = {a["attribution"]["source"]["slug"] if a["attribution"]["source"] else None
             for a in claim["assertions"]}  # fmt: skip
    assert len(roots) < len(outlets)  # echoes of one voice


async def test_no_seed_figure_comes_from_comments_or_sidebars(client, seeded):
    for key, marker in (("seed-002", "that’s what i call real loyalty"), ("seed-004", "Read More")):
        document = (await client.get(f"/documents/{key}")).json()
        boundary = document["raw_text"].index(marker)
        assert document["assertions"], key
        for assertion in document["assertions"]:
            assert assertion["quote"]["end"] <= boundary, assertion["key"]


async def test_undisclosed_casualties_are_stored_without_an_interval(client, seeded):
    items = (await client.get("/assertions", params={"stance": "undisclosed"})).json()["items"]
    assert len(items) == 1
    assert items[0]["value"]["low"] is None
    assert items[0]["value"]["qualifier"] is None
    assert items[0]["document"]["outlet"]["slug"] == "menafn"


async def test_seeding_twice_changes_nothing(client, seeded):
    before = await _all(client, "/assertions", limit=500)
    with transaction(seeded) as session:
        report = bundle.import_file(session, SEED_BUNDLE, "test:seed")
    assert sum(report.created.values()) == 0
    assert sum(report.updated.values()) == 0
    assert report.unchanged["assertion"] == len(before)
    assert await _all(client, "/assertions", limit=500) == before
