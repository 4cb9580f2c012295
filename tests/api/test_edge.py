"""The edge of the API: the body size limit, and what the OpenAPI document adds."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from app.config import Settings
from app.domain.vocabulary import Role
from app.main import create_app
from tests.apps import served

pytestmark = pytest.mark.anyio

LIMIT = 200


@pytest.fixture
async def small_client(db, settings, api_keys) -> AsyncIterator[httpx.AsyncClient]:
    """The app with a 200-byte body limit, sending an editor's key."""
    async with served(settings, key=api_keys[Role.EDITOR], max_body_bytes=LIMIT) as client:
        yield client


def outlet_body(size: int) -> bytes:
    """A valid outlet whose JSON is exactly ``size`` bytes long."""
    body = {"slug": "padded", "name": "Padded", "notes": ""}
    short = len(json.dumps(body).encode())
    return json.dumps(body | {"notes": "n" * (size - short)}).encode()


async def chunks(body: bytes, size: int = 50) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def assert_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 413
    assert str(LIMIT) in problem["detail"]
    assert problem["request_id"] == response.headers["x-request-id"]


async def test_a_body_at_the_limit_is_read(small_client):
    response = await small_client.post(
        "/outlets", content=outlet_body(LIMIT), headers={"content-type": "application/json"}
    )
    assert response.status_code == 201, response.text


async def test_a_declared_body_over_the_limit_is_refused(small_client):
    response = await small_client.post(
        "/outlets", content=outlet_body(LIMIT + 1), headers={"content-type": "application/json"}
    )
    assert_too_large(response)
    assert (await small_client.get("/outlets")).json()["items"] == []


async def test_a_chunked_body_over_the_limit_is_refused_as_it_arrives(small_client):
    response = await small_client.post(
        "/outlets",
        content=chunks(outlet_body(LIMIT + 1)),
        headers={"content-type": "application/json"},
    )
    assert "content-length" not in response.request.headers
    assert_too_large(response)
    assert (await small_client.get("/outlets")).json()["items"] == []


async def test_a_chunked_body_under_the_limit_is_read(small_client):
    response = await small_client.post(
        "/outlets", content=chunks(outlet_body(LIMIT)), headers={"content-type": "application/json"}
    )
    assert response.status_code == 201, response.text


def _spec(**settings: object) -> dict:
    return create_app(Settings(database_url="sqlite://", **settings)).openapi()


def test_reads_say_a_key_is_optional_and_writes_that_it_is_needed():
    paths = _spec()["paths"]
    assert {} in paths["/claims"]["get"]["security"]
    assert {} in paths["/claims/{ref}/assessment"]["get"]["security"]
    assert {} not in paths["/claims"]["post"]["security"]
    assert {} not in paths["/keys"]["get"]["security"]  # admin only, read or not


def test_a_server_that_closes_reads_says_they_need_a_key():
    paths = _spec(read_requires_key=True)["paths"]
    assert {} not in paths["/claims"]["get"]["security"]


def test_a_created_row_links_to_the_operations_on_it():
    spec = _spec()
    links = spec["paths"]["/claims"]["post"]["responses"]["201"]["links"]
    targets = {
        operation["operationId"]: (path, method)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
    }
    linked = {targets[link["operationId"]] for link in links.values()}
    assert ("/claims/{ref}", "get") in linked
    assert ("/claims/{ref}", "patch") in linked
    assert ("/claims/{ref}/assessment", "get") in linked
    assert all(link["parameters"] == {"ref": "$response.body#/id"} for link in links.values())
