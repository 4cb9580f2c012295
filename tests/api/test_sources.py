"""/sources: the voices figures are attributed to."""

from __future__ import annotations

import pytest

from tests import builders

pytestmark = pytest.mark.anyio


async def test_source_round_trip_and_filters(client):
    await builders.source(
        client, slug="kcna", name="Korean Central News Agency", kind="agency", affiliation="KP"
    )
    await builders.source(
        client, slug="shoigu", name="Sergei Shoigu", kind="person", affiliation="RU"
    )
    assert (await client.get("/sources/kcna")).json()["kind"] == "agency"

    async def slugs(**params):
        return [s["slug"] for s in (await client.get("/sources", params=params)).json()["items"]]

    assert await slugs(kind="person") == ["shoigu"]
    assert await slugs(affiliation="KP") == ["kcna"]
    assert await slugs(q="central") == ["kcna"]


async def test_cited_source_cannot_be_deleted_until_uncited(client):
    shoigu = await builders.source(client)
    tass = await builders.source(client, name="TASS", kind="agency")
    assertion = await builders.assertion(
        client, attribution={"source": shoigu["slug"], "via": [tass["slug"]]}
    )
    assert (await client.delete(f"/sources/{tass['id']}")).status_code == 409
    assert (await client.delete(f"/sources/{shoigu['id']}")).status_code == 409
    await client.patch(f"/assertions/{assertion['id']}", json={"attribution": {"source": None}})
    assert (await client.delete(f"/sources/{tass['id']}")).status_code == 204
    assert (await client.delete(f"/sources/{shoigu['id']}")).status_code == 204


async def test_unknown_kind_is_rejected_with_the_allowed_values(client):
    response = await client.post("/sources", json={"slug": "x", "name": "X", "kind": "oracle"})
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["field"] == "kind"
    assert "person" in problem["errors"][0]["message"]
