"""Make the records a test needs through the API, with overridable defaults."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

_counter = itertools.count(1)

ARTICLE = (
    "Pyongyang agreed to send 1,000 sappers to Kursk, Shoigu said on Tuesday. "
    "By early December they had cleared some 42,400 hectares."
)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}"


async def create(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def outlet(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    body = {"slug": unique("outlet"), "name": "Test Wire", "kind": "wire", "country": "FR"}
    return await create(client, "/outlets", body | fields)


async def source(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    body = {
        "slug": unique("source"),
        "name": "Sergei Shoigu",
        "kind": "person",
        "affiliation": "RU",
    }
    return await create(client, "/sources", body | fields)


async def claim(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    body = {
        "slug": unique("claim"),
        "title": "North Korean sappers sent to Kursk",
        "unit": "people",
        "value_type": "quantity",
        "behavior": "fixed",
        "tags": ["kursk"],
    }
    return await create(client, "/claims", body | fields)


async def document(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    if "outlet" not in fields:
        fields["outlet"] = (await outlet(client))["slug"]
    body = {"title": "Sappers for Kursk", "raw_text": own_article(), "language": "en"}
    return await create(client, "/documents", body | fields)


def own_article(text: str = ARTICLE) -> str:
    """``text`` with a line of its own, so that two documents made by the builders are
    not near-duplicates of each other (unless a test means them to be)."""
    tag = unique("desk").replace("-", "")
    return f"{text}\n\nFiled by the {tag} desk for {tag} readers of the {tag} edition today."


async def assertion(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    if "claim" not in fields:
        fields["claim"] = (await claim(client))["slug"]
    if "document" not in fields:
        fields["document"] = (await document(client))["key"]
    body = {
        "value": {"text": "1,000", "qualifier": "exact", "low": 1000, "high": 1000},
        "quote": {"exact": "1,000 sappers"},
    }
    return await create(client, "/assertions", body | fields)
