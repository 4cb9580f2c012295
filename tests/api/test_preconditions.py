"""Optimistic locking: reads carry an ETag, writes sent with If-Match proceed only on
the version the caller read (412 otherwise), and a server may require If-Match (428)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.domain.vocabulary import Role
from tests import builders
from tests.apps import served

pytestmark = pytest.mark.anyio


async def _outlet_etag(client: httpx.AsyncClient, **fields: object) -> tuple[str, str]:
    outlet = await builders.outlet(client, **fields)
    path = f"/outlets/{outlet['slug']}"
    return path, (await client.get(path)).headers["etag"]


@pytest.mark.parametrize(
    ("builder", "natural_key"),
    [("outlet", "slug"), ("source", "slug"), ("claim", "slug"), ("document", "key"),
     ("assertion", "key")],
)  # fmt: skip
async def test_every_read_of_a_row_carries_its_version_as_a_strong_etag(
    client, builder, natural_key
):
    row = await getattr(builders, builder)(client)
    response = await client.get(f"/{builder}s/{row[natural_key]}")
    assert response.headers["etag"] == f'"{row["id"]}-{row["version"]}"'


async def test_a_stale_if_match_is_refused_and_leaves_the_row_as_it_was(client):
    path, etag = await _outlet_etag(client, name="Before")
    assert (await client.patch(path, json={"name": "Meanwhile"})).status_code == 200

    stale = await client.patch(path, json={"name": "Lost"}, headers={"If-Match": etag})

    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert stale.json()["type"] == "urn:provenance:problem:precondition-failed"
    current = (await client.get(path)).json()
    assert current["name"] == "Meanwhile"
    assert current["version"] == 2
    history = (await client.get(f"{path}/history")).json()["items"]
    assert [r["action"] for r in history] == ["create", "update"]
    for write in (client.delete(path, headers={"If-Match": etag}),
                  client.post(f"{path}/restore", headers={"If-Match": etag})):  # fmt: skip
        assert (await write).status_code == 412
    assert (await client.get(path)).status_code == 200


async def test_a_matching_if_match_writes_and_answers_with_the_new_etag(client):
    path, etag = await _outlet_etag(client, name="Before")

    patched = await client.patch(path, json={"name": "After"}, headers={"If-Match": etag})

    assert patched.status_code == 200, patched.text
    new_etag = patched.headers["etag"]
    assert new_etag != etag
    assert new_etag == f'"{patched.json()["id"]}-{patched.json()["version"]}"'
    assert (await client.get(path)).headers["etag"] == new_etag


async def test_delete_and_restore_chain_their_etags(client):
    claim = await builders.claim(client)
    path = f"/claims/{claim['slug']}"
    etag = (await client.get(path)).headers["etag"]

    deleted = await client.delete(path, headers={"If-Match": etag})
    assert deleted.status_code == 204
    restored = await client.post(f"{path}/restore", headers={"If-Match": deleted.headers["etag"]})

    assert restored.status_code == 200, restored.text
    assert restored.headers["etag"] == f'"{claim["id"]}-3"'


@pytest.mark.parametrize(
    ("if_match", "status"),
    [("*", 200), ('"0-1", {etag}', 200), ("W/{etag}", 412), ("{bare}", 412), ('"x-1"', 412)],
)
async def test_if_match_lists_star_and_weak_tags_follow_rfc_9110(client, if_match, status):
    path, etag = await _outlet_etag(client)
    header = if_match.format(etag=etag, bare=etag.strip('"'))
    response = await client.patch(path, json={"notes": "checked"}, headers={"If-Match": header})
    assert response.status_code == status, response.text


async def test_a_stale_if_match_on_an_assertion_edit_is_refused(client):
    assertion = await builders.assertion(client)
    path = f"/assertions/{assertion['key']}"
    etag = (await client.get(path)).headers["etag"]
    await client.post(f"{path}/retract", json={"reason": "withdrawn"}, headers={"If-Match": etag})
    stale = await client.patch(path, json={"hedge": "reportedly"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert (await client.get(path)).json()["hedge"] is None


@pytest.fixture
async def strict_client(db, settings, api_keys) -> AsyncIterator[httpx.AsyncClient]:
    """An editor's client of a server with ``require_if_match`` set."""
    async with served(settings, key=api_keys[Role.EDITOR], require_if_match=True) as c:
        yield c


async def test_a_server_that_requires_if_match_refuses_changes_without_it(strict_client):
    path, etag = await _outlet_etag(strict_client)  # creating needs no If-Match

    for response in (
        await strict_client.patch(path, json={"name": "Blind"}),
        await strict_client.delete(path),
        await strict_client.post(f"{path}/restore"),
    ):
        assert response.status_code == 428
        assert response.headers["content-type"] == "application/problem+json"
        assert "If-Match" in response.json()["detail"]
    assert (await strict_client.get(path)).json()["version"] == 1

    sighted = await strict_client.patch(path, json={"name": "Seen"}, headers={"If-Match": etag})
    assert sighted.status_code == 200
