"""Bad input gets a clear 4xx problem-details response, never a 500."""

from __future__ import annotations

import pytest

from tests import builders

pytestmark = pytest.mark.anyio

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"),
    [
        ("post", "/outlets", {"name": "No slug"}, 422, "slug"),
        ("post", "/outlets", {"slug": "Bad Slug", "name": "x"}, 422, "slug"),
        ("post", "/outlets", {"slug": "ok", "name": "x", "country": "Russia"}, 422, "country"),
        ("post", "/outlets", {"slug": "ok", "name": "x", "kind": "blog"}, 422, "kind"),
        ("post", "/outlets", {"slug": "ok", "name": "x", "owner": "me"}, 422, "owner"),
        (
            "post",
            "/claims",
            {"slug": "c", "title": "t", "unit": "u", "value_type": "money"},
            422,
            "value_type",
        ),
        ("post", "/claims", {"slug": "c", "title": "", "unit": "u"}, 422, "title"),
        ("post", "/documents", {"outlet": "x"}, 422, "raw_text"),
        ("post", "/documents", {"outlet": "x", "raw_text": "t", "url": "ftp://x"}, 422, "url"),
        (
            "post",
            "/documents",
            {"outlet": "x", "raw_text": "t", "published_at": "yesterday"},
            422,
            "published_at",
        ),
        ("post", "/assertions", {"claim": "c", "document": "d"}, 422, "value"),
        (
            "post",
            "/assertions",
            {"claim": "c", "document": "d", "value": {"text": "x", "low": 1}},
            422,
            "value",
        ),
        (
            "post",
            "/assertions",
            {
                "claim": "c",
                "document": "d",
                "value": {"text": "x", "qualifier": "exact", "low": "NaN"},
            },
            422,
            "value.low",
        ),
        (
            "post",
            "/assertions",
            {
                "claim": "c",
                "document": "d",
                "value": {"text": "x"},
                "as_of": {"start": "2025-02-01", "end": "2025-01-01"},
            },
            422,
            "as_of",
        ),
        (
            "post",
            "/assertions",
            {
                "claim": "c",
                "document": "d",
                "value": {"text": "x"},
                "quote": {"exact": "x", "start": -1, "end": 2},
            },
            422,
            "quote.start",
        ),
        ("get", "/outlets?limit=0", None, 422, "limit"),
        ("get", "/outlets?limit=100000", None, 422, "limit"),
        ("get", "/outlets?cursor=not-a-cursor", None, 422, "cursor"),
        ("get", "/assertions?as_of_from=someday", None, 422, "as_of_from"),
        ("get", "/claims/nope", None, 404, None),
        ("get", "/claims/99999999999999999999999", None, 404, None),
        ("post", "/outlets", {"slug": "ok", "name": "a\x00b"}, 422, None),
        (
            "post",
            "/claims",
            {"slug": "c", "title": "t", "unit": "u", "aliases": ["\x00"]},
            422,
            None,
        ),
        (
            "post",
            "/assertions",
            {"claim": 10**20, "document": "d", "value": {"text": "x"}},
            422,
            "claim",
        ),
        ("get", "/assertions/12345", None, 404, None),
        ("patch", "/outlets/nope", {"name": "x"}, 404, None),
        ("delete", "/documents/nope", None, 404, None),
    ],
)
async def test_bad_requests_get_problem_details(client, method, path, body, status, field):
    kwargs = {} if body is None else {"json": body}
    response = await client.request(method.upper(), path, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem.keys() >= PROBLEM_KEYS
    assert problem["status"] == status
    assert problem["detail"]
    if field is not None:
        fields = [e["field"] for e in problem.get("errors", [])] + [problem.get("field")]
        assert any(f is not None and f.startswith(field) for f in fields), problem


async def test_malformed_json_is_a_400(client):
    response = await client.post(
        "/outlets", content=b'{"slug": "x",', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["type"] == "urn:provenance:problem:malformed-json"


async def test_unknown_route_and_wrong_method_are_problems(client):
    missing = await client.get("/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = await client.put("/outlets")
    assert wrong.status_code == 405
    assert wrong.json()["status"] == 405
    assert wrong.headers["allow"] == "GET, POST"  # every route's methods, not the first's
    patchable = await client.put("/outlets/some-outlet")
    assert set(patchable.headers["allow"].split(", ")) >= {"GET", "PATCH", "DELETE"}


async def test_failed_write_leaves_nothing_behind(client):
    claim = await builders.claim(client)
    document = await builders.document(client)
    before = (await client.get(f"/claims/{claim['id']}/history")).json()["items"]
    response = await client.post(
        "/assertions",
        json={"claim": claim["slug"], "document": document["key"],
              "value": {"text": "1", "qualifier": "exact", "low": 1, "high": 1},
              "attribution": {"source": "not-a-source"}},
    )  # fmt: skip
    assert response.status_code == 404
    assert response.json()["field"] == "attribution.source"
    assert (await client.get("/assertions")).json()["items"] == []
    assert (await client.get(f"/claims/{claim['id']}/history")).json()["items"] == before
