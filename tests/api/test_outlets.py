"""/outlets: create, read, list, patch, soft delete, history."""

from __future__ import annotations

import pytest

from tests import builders

pytestmark = pytest.mark.anyio


async def test_created_outlet_reads_back_by_id_and_by_slug(client):
    response = await client.post(
        "/outlets",
        json={"slug": "sputnik", "name": "Sputnik International", "kind": "state_media",
              "country": "RU", "domain": "sputnikglobe.com"},
    )  # fmt: skip
    assert response.status_code == 201
    created = response.json()
    assert response.headers["location"] == f"/outlets/{created['id']}"
    by_id = (await client.get(f"/outlets/{created['id']}")).json()
    by_slug = (await client.get("/outlets/sputnik")).json()
    assert by_id == by_slug
    assert by_id["kind"] == "state_media"
    assert by_id["version"] == 1
    assert by_id["deleted_at"] is None


async def test_duplicate_slug_is_a_conflict_naming_the_field(client):
    await builders.outlet(client, slug="menafn")
    response = await client.post("/outlets", json={"slug": "menafn", "name": "Other"})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["field"] == "slug"
    assert "menafn" in problem["detail"]


async def test_missing_outlet_is_404_problem(client):
    response = await client.get("/outlets/no-such-outlet")
    assert response.status_code == 404
    assert response.json()["status"] == 404
    assert response.json()["instance"] == "/outlets/no-such-outlet"


async def test_patch_changes_only_the_given_fields_and_bumps_version(client):
    outlet = await builders.outlet(client, name="Before", country="FR")
    response = await client.patch(f"/outlets/{outlet['id']}", json={"name": "After"})
    assert response.status_code == 200
    patched = response.json()
    assert patched["name"] == "After"
    assert patched["country"] == "FR"
    assert patched["version"] == 2


async def test_patch_with_nothing_new_leaves_no_revision(client):
    outlet = await builders.outlet(client, name="Same")
    await client.patch(f"/outlets/{outlet['id']}", json={"name": "Same"})
    history = (await client.get(f"/outlets/{outlet['id']}/history")).json()["items"]
    assert [r["action"] for r in history] == ["create"]


async def test_patch_to_a_taken_slug_is_a_conflict(client):
    await builders.outlet(client, slug="taken")
    other = await builders.outlet(client)
    response = await client.patch(f"/outlets/{other['id']}", json={"slug": "taken"})
    assert response.status_code == 409
    assert (await client.get(f"/outlets/{other['id']}")).json()["slug"] == other["slug"]


async def test_soft_deleted_outlet_is_gone_but_kept_in_history(client):
    outlet = await builders.outlet(client)
    assert (await client.delete(f"/outlets/{outlet['id']}")).status_code == 204
    assert (await client.get(f"/outlets/{outlet['id']}")).status_code == 410
    listed = (await client.get("/outlets")).json()["items"]
    assert outlet["id"] not in [o["id"] for o in listed]
    with_deleted = (await client.get("/outlets", params={"include_deleted": True})).json()
    assert outlet["id"] in [o["id"] for o in with_deleted["items"]]
    history = (await client.get(f"/outlets/{outlet['id']}/history")).json()["items"]
    assert [r["action"] for r in history] == ["create", "delete"]
    assert history[1]["before"]["deleted_at"] is None
    assert history[1]["after"]["deleted_at"] is not None


async def test_outlet_with_live_documents_cannot_be_deleted(client):
    document = await builders.document(client)
    response = await client.delete(f"/outlets/{document['outlet']['id']}")
    assert response.status_code == 409
    assert "documents" in response.json()["detail"]


async def test_list_filters_by_kind_country_and_text(client):
    await builders.outlet(client, slug="tass", name="TASS", kind="state_media", country="RU")
    await builders.outlet(
        client, slug="afp", name="Agence France-Presse", kind="wire", country="FR"
    )
    await builders.outlet(client, slug="yonhap", name="Yonhap", kind="wire", country="KR")

    async def slugs(**params):
        return [o["slug"] for o in (await client.get("/outlets", params=params)).json()["items"]]

    assert await slugs(kind="wire") == ["afp", "yonhap"]
    assert await slugs(country="RU") == ["tass"]
    assert await slugs(q="france") == ["afp"]
    assert await slugs(q="%") == []  # wildcards are matched literally
