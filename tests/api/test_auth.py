"""API keys and roles: every write needs an editor, keys need an admin, reads are open
unless the server closes them."""

from __future__ import annotations

import re

import pytest

from app.domain.vocabulary import Role
from app.main import create_app
from tests import builders

pytestmark = pytest.mark.anyio

WRITES = ("post", "put", "patch", "delete")


def _write_operations() -> list[tuple[str, str]]:
    from app.config import Settings

    spec = create_app(Settings(database_url="sqlite://")).openapi()
    return [
        (method, re.sub(r"\{[^}]+\}", "1", path))
        for path, operations in spec["paths"].items()
        for method in operations
        if method in WRITES
    ]


WRITE_OPERATIONS = _write_operations()


def test_the_spec_has_the_writes_this_test_walks():
    assert len(WRITE_OPERATIONS) >= 19  # 3 per resource, retract, extract, 2 for keys
    assert ("post", "/keys") in WRITE_OPERATIONS
    assert ("post", "/documents/1/extract") in WRITE_OPERATIONS


@pytest.mark.parametrize(("method", "path"), WRITE_OPERATIONS)
async def test_every_write_refuses_no_key_and_a_reader_key(app_client, api_keys, method, path):
    anonymous = await app_client.request(method, path, json={})
    assert anonymous.status_code == 401, anonymous.text
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    reader = {"Authorization": f"Bearer {api_keys[Role.READER]}"}
    refused = await app_client.request(method, path, json={}, headers=reader)
    assert refused.status_code == 403, refused.text
    assert "reader" in refused.json()["detail"]


async def test_editors_write_and_revisions_name_their_key(client):
    outlet = await builders.outlet(client)
    history = (await client.get(f"/outlets/{outlet['slug']}/history")).json()["items"]
    assert history[0]["actor"] == "key:test-editor"


async def test_the_key_may_come_as_x_api_key(app_client, api_keys):
    body = {"slug": "wire", "name": "Wire", "kind": "wire"}
    response = await app_client.post(
        "/outlets", json=body, headers={"X-API-Key": api_keys[Role.ADMIN]}
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "header",
    ["Bearer pvk_not-a-key", "Basic dXNlcjpwYXNz", "Bearer ", "pvk_missing-scheme"],
)
async def test_unknown_or_malformed_keys_are_refused_even_for_reads(app_client, header):
    response = await app_client.get("/claims", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["status"] == 401


async def test_admins_manage_keys_and_a_revoked_key_stops_working(app_client, api_keys):
    admin = {"Authorization": f"Bearer {api_keys[Role.ADMIN]}"}
    editor = {"Authorization": f"Bearer {api_keys[Role.EDITOR]}"}
    assert (await app_client.get("/keys", headers=editor)).status_code == 403

    created = await app_client.post(
        "/keys", json={"name": "nightly-audit", "role": "editor"}, headers=admin
    )
    assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    assert secret.startswith(created.json()["prefix"])
    listed = (await app_client.get("/keys", headers=admin)).json()
    assert "nightly-audit" in [k["name"] for k in listed]
    assert all("secret" not in k for k in listed)

    new = {"Authorization": f"Bearer {secret}"}
    body = {"slug": "audit-outlet", "name": "Audit", "kind": "wire"}
    assert (await app_client.post("/outlets", json=body, headers=new)).status_code == 201
    revoked = await app_client.delete(f"/keys/{created.json()['id']}", headers=admin)
    assert revoked.json()["revoked_at"] is not None
    again = await app_client.patch("/outlets/audit-outlet", json={"name": "X"}, headers=new)
    assert again.status_code == 401
    assert (await app_client.get("/outlets/audit-outlet")).json()["name"] == "Audit"
    everything = (await app_client.get("/keys?include_revoked=true", headers=admin)).json()
    assert len(everything) == len(listed)
    assert len((await app_client.get("/keys", headers=admin)).json()) == len(listed) - 1


async def test_a_key_needs_a_name_and_a_known_role(app_client, api_keys):
    admin = {"Authorization": f"Bearer {api_keys[Role.ADMIN]}"}
    bad = await app_client.post("/keys", json={"name": " ", "role": "god"}, headers=admin)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"name", "role"}


async def test_a_server_can_close_reads_to_callers_without_a_key(db, settings, api_keys):
    import httpx

    app = create_app(settings.model_copy(update={"read_requires_key": True}))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        assert (await c.get("/claims")).status_code == 401
        assert (await c.get("/conflicts")).status_code == 401
        reader = {"Authorization": f"Bearer {api_keys[Role.READER]}"}
        assert (await c.get("/claims", headers=reader)).status_code == 200
        assert (await c.get("/health")).status_code == 200
    app.state.engine.dispose()
