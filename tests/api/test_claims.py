"""/claims: tags, aliases, search, nested read with assertions, delete rules."""

from __future__ import annotations

import pytest

from tests import builders

pytestmark = pytest.mark.anyio


async def test_claim_keeps_tags_and_aliases(client):
    claim = await builders.claim(
        client, slug="nk-sappers", tags=["kursk", "demining", "kursk"], aliases=["deminers"]
    )
    assert claim["tags"] == ["kursk", "demining"]
    read = (await client.get("/claims/nk-sappers")).json()
    assert sorted(read["tags"]) == ["demining", "kursk"]
    assert read["aliases"] == ["deminers"]
    assert read["tolerance"] == 0.1


async def test_search_matches_title_slug_and_aliases_and_tag_filters(client):
    await builders.claim(
        client, slug="sappers", title="Sappers sent", aliases=["deminers"], tags=["kursk"]
    )
    await builders.claim(
        client, slug="hectares", title="Hectares cleared", unit="hectares", tags=["demining"]
    )

    async def slugs(**params):
        return [c["slug"] for c in (await client.get("/claims", params=params)).json()["items"]]

    assert await slugs(q="DEMINERS") == ["sappers"]
    assert await slugs(q="cleared") == ["hectares"]
    assert await slugs(tag="demining") == ["hectares"]
    assert await slugs(unit="hectares") == ["hectares"]
    assert await slugs(tag="absent") == []


async def test_patching_tags_replaces_them_and_is_recorded(client):
    claim = await builders.claim(client, tags=["a", "b"])
    response = await client.patch(f"/claims/{claim['id']}", json={"tags": ["b", "c"]})
    assert response.status_code == 200
    assert sorted(response.json()["tags"]) == ["b", "c"]
    history = (await client.get(f"/claims/{claim['id']}/history")).json()["items"]
    assert history[-1]["action"] == "update"
    assert sorted(history[-1]["before"]["tags"]) == ["a", "b"]
    assert sorted(history[-1]["after"]["tags"]) == ["b", "c"]


async def test_claim_read_embeds_its_live_assertions_with_evidence(client):
    claim = await builders.claim(client)
    kept = await builders.assertion(client, claim=claim["slug"])
    dropped = await builders.assertion(client, claim=claim["slug"])
    await client.delete(f"/assertions/{dropped['id']}")
    read = (await client.get(f"/claims/{claim['slug']}")).json()
    assert [a["id"] for a in read["assertions"]] == [kept["id"]]
    embedded = read["assertions"][0]
    assert embedded["document"]["outlet"]["slug"] == kept["document"]["outlet"]["slug"]
    assert embedded["quote"]["exact"] == "1,000 sappers"


async def test_claim_with_live_assertions_cannot_be_deleted(client):
    assertion = await builders.assertion(client)
    claim_id = assertion["claim"]["id"]
    assert (await client.delete(f"/claims/{claim_id}")).status_code == 409
    await client.delete(f"/assertions/{assertion['id']}")
    assert (await client.delete(f"/claims/{claim_id}")).status_code == 204


async def test_tolerance_must_be_a_fraction(client):
    response = await client.post(
        "/claims", json={"slug": "x", "title": "X", "unit": "people", "tolerance": 1.5}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "tolerance"
