"""Restore undoes a soft delete; purge (admins only) removes a deleted row for good.
Both leave a revision, and both refuse what would break a rule."""

from __future__ import annotations

import pytest

from app.domain.vocabulary import Role
from tests import builders

pytestmark = pytest.mark.anyio


def _admin(api_keys: dict[Role, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_keys[Role.ADMIN]}"}


async def _actions(client, path):
    return [r["action"] for r in (await client.get(f"{path}/history")).json()["items"]]


async def test_restore_brings_a_deleted_outlet_back_as_a_revision(client):
    outlet = await builders.outlet(client, name="Yonhap")
    path = f"/outlets/{outlet['slug']}"
    assert (await client.delete(path)).status_code == 204
    assert (await client.get(path)).status_code == 410

    restored = await client.post(f"{path}/restore")

    assert restored.status_code == 200, restored.text
    assert restored.json()["deleted_at"] is None
    assert restored.json()["version"] == 3
    assert (await client.get(path)).json()["name"] == "Yonhap"
    assert await _actions(client, path) == ["create", "delete", "restore"]
    last = (await client.get(f"{path}/history")).json()["items"][-1]
    assert last["before"]["deleted_at"] is not None
    assert last["after"]["deleted_at"] is None


async def test_restoring_a_live_row_is_a_conflict(client):
    claim = await builders.claim(client)
    response = await client.post(f"/claims/{claim['slug']}/restore")
    assert response.status_code == 409
    assert response.json()["type"] == "urn:provenance:problem:not-deleted"


async def test_an_assertion_is_not_restored_while_its_document_is_deleted(client):
    assertion = await builders.assertion(client)
    document = assertion["document"]["key"]
    assert (await client.delete(f"/documents/{document}")).status_code == 204

    refused = await client.post(f"/assertions/{assertion['key']}/restore")
    assert refused.status_code == 409
    assert refused.json()["type"] == "urn:provenance:problem:refers-to-deleted"
    assert refused.json()["field"] == "document"

    assert (await client.post(f"/documents/{document}/restore")).status_code == 200
    again = await client.post(f"/assertions/{assertion['key']}/restore")
    assert again.status_code == 200, again.text
    assert again.json()["deleted_at"] is None


async def test_a_document_is_not_restored_while_its_outlet_is_deleted(client):
    document = await builders.document(client)
    outlet = document["outlet"]["slug"]
    await client.delete(f"/documents/{document['key']}")
    await client.delete(f"/outlets/{outlet}")
    refused = await client.post(f"/documents/{document['key']}/restore")
    assert refused.status_code == 409
    assert refused.json()["field"] == "outlet"


async def test_purge_is_for_admins_and_only_of_deleted_rows(client, api_keys):
    source = await builders.source(client)
    path = f"/sources/{source['slug']}"
    assert (await client.delete(f"{path}/purge")).status_code == 403  # an editor's key
    live = await client.delete(f"{path}/purge", headers=_admin(api_keys))
    assert live.status_code == 409
    assert live.json()["type"] == "urn:provenance:problem:not-deleted"

    await client.delete(path)
    purged = await client.delete(f"{path}/purge", headers=_admin(api_keys))

    assert purged.status_code == 204, purged.text
    assert (await client.get(path)).status_code == 404
    listed = await client.get("/sources", params={"include_deleted": True})
    assert listed.json()["items"] == []
    # The history stays, by id: the purge holds the row as it was.
    history = (await client.get(f"/sources/{source['id']}/history")).json()["items"]
    assert [r["action"] for r in history] == ["create", "delete", "purge"]
    assert history[-1]["actor"] == "key:test-admin"
    assert history[-1]["before"]["slug"] == source["slug"]
    assert history[-1]["after"] is None


async def test_purge_refuses_while_deleted_rows_still_refer_to_the_row(client, api_keys):
    assertion = await builders.assertion(client)
    claim = assertion["claim"]["slug"]
    await client.delete(f"/assertions/{assertion['key']}")
    await client.delete(f"/claims/{claim}")

    refused = await client.delete(f"/claims/{claim}/purge", headers=_admin(api_keys))
    assert refused.status_code == 409
    assert "1 assertions" in refused.json()["detail"]

    admin = _admin(api_keys)
    assert (await client.delete(f"/assertions/{assertion['key']}/purge", headers=admin)).is_success
    assert (await client.delete(f"/claims/{claim}/purge", headers=admin)).status_code == 204
    assert (await client.get(f"/claims/{claim}")).status_code == 404


async def test_purging_a_claim_and_a_document_takes_their_tags_and_buckets(client, api_keys):
    claim = await builders.claim(client, tags=["kursk", "sappers"])
    document = await builders.document(client)
    for path in (f"/claims/{claim['slug']}", f"/documents/{document['key']}"):
        await client.delete(path)
        response = await client.delete(f"{path}/purge", headers=_admin(api_keys))
        assert response.status_code == 204, response.text
    assert (await client.get("/claims", params={"tag": "kursk"})).json()["items"] == []
    # The slug and the key are free again.
    await builders.claim(client, slug=claim["slug"])
    await builders.document(client, key=document["key"], outlet=document["outlet"]["slug"])
