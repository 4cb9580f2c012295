"""/documents: evidence kept with its hash; metadata editable, raw text not."""

from __future__ import annotations

import hashlib

import pytest

from tests import builders

pytestmark = pytest.mark.anyio


async def test_document_is_stored_with_the_sha256_of_its_raw_text(client):
    outlet = await builders.outlet(client)
    text = "Über 1.000 Pioniere – «sappers» 🇰🇵\r\nline two"
    response = await client.post(
        "/documents",
        json={"outlet": outlet["slug"], "title": "T", "raw_text": text, "key": "doc-umlaut",
              "url": "https://example.org/a", "published_at": "2025-06-17T10:00:00+03:00"},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert created["published_at"].startswith("2025-06-17T07:00:00")
    read = (await client.get("/documents/doc-umlaut")).json()
    assert read["raw_text"] == text
    assert read["outlet"]["slug"] == outlet["slug"]


async def test_a_wrong_sha256_is_rejected(client):
    outlet = await builders.outlet(client)
    response = await client.post(
        "/documents", json={"outlet": outlet["id"], "raw_text": "abc", "sha256": "0" * 64}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "sha256"


async def test_duplicate_url_is_a_conflict(client):
    await builders.document(client, url="https://example.org/same")
    outlet = await builders.outlet(client)
    response = await client.post(
        "/documents",
        json={"outlet": outlet["slug"], "raw_text": "x", "url": "https://example.org/same"},
    )
    assert response.status_code == 409
    assert response.json()["field"] == "url"


async def test_unknown_outlet_is_named_in_the_error(client):
    response = await client.post("/documents", json={"outlet": "nowhere", "raw_text": "x"})
    assert response.status_code == 404
    assert response.json()["field"] == "outlet"


async def test_raw_text_cannot_be_patched(client):
    document = await builders.document(client, raw_text=builders.ARTICLE)
    response = await client.patch(f"/documents/{document['id']}", json={"raw_text": "forged"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "raw_text"
    assert (await client.get(f"/documents/{document['id']}")).json()["raw_text"] == builders.ARTICLE


async def test_deleting_a_document_soft_deletes_its_assertions(client):
    assertion = await builders.assertion(client)
    document_id = assertion["document"]["id"]
    assert (await client.delete(f"/documents/{document_id}")).status_code == 204
    assert (await client.get(f"/assertions/{assertion['id']}")).status_code == 410
    kept = await client.get(f"/documents/{document_id}", params={"include_deleted": True})
    assert [a["id"] for a in kept.json()["assertions"]] == [assertion["id"]]
    history = (await client.get(f"/assertions/{assertion['id']}/history")).json()["items"]
    assert [r["action"] for r in history] == ["create", "delete"]


async def test_list_filters_by_outlet_and_publication_dates(client):
    a = await builders.outlet(client)
    b = await builders.outlet(client)
    early = await builders.document(client, outlet=a["slug"], published_at="2025-04-28T00:00:00Z")
    late = await builders.document(client, outlet=b["slug"], published_at="2026-01-06T09:37:00Z")

    async def ids(**params):
        return [d["id"] for d in (await client.get("/documents", params=params)).json()["items"]]

    assert await ids(outlet=a["slug"]) == [early["id"]]
    assert await ids(published_from="2026-01-01T00:00:00Z") == [late["id"]]
    assert await ids(published_to="2025-12-31T00:00:00Z") == [early["id"]]
    listed = (await client.get("/documents")).json()["items"][0]
    assert "raw_text" not in listed  # lists stay light; the text is on the detail
