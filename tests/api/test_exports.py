"""Exports over HTTP: assertions and conflicts as CSV and NDJSON, with the list
endpoints' filters, streamed in chunks."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import anyio
import pytest

from app.config import Settings
from app.db import queries
from app.db.engine import transaction
from app.main import create_app
from app.services import bundle, exports
from tests import builders

pytestmark = pytest.mark.anyio


async def _listed(client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paginated list, following ``next``."""
    items: list[dict[str, Any]] = []
    response = await client.get(path, params={"limit": 500, **params})
    while True:
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        if page["next"] is None:
            return items
        response = await client.get(page["next"])


async def _download(client, path: str, **params: Any):
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _ndjson(text: str) -> list[dict[str, Any]]:
    assert text.endswith("\n") or text == ""
    return [json.loads(line) for line in text.splitlines()]


async def test_assertions_ndjson_holds_exactly_the_listed_assertions(client, seeded):
    response = await _download(client, "/exports/assertions.ndjson")
    assert response.headers["content-type"] == "application/x-ndjson"
    assert 'filename="assertions.ndjson"' in response.headers["content-disposition"]
    assert _ndjson(response.text) == await _listed(client, "/assertions")


async def test_assertions_csv_has_a_header_and_one_quoted_row_per_assertion(client, seeded):
    response = await _download(client, "/exports/assertions.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="assertions.csv"' in response.headers["content-disposition"]
    assert response.text.startswith("id,key,claim,")
    rows = _csv(response.text)
    listed = await _listed(client, "/assertions")
    assert [r["key"] for r in rows] == [a["key"] for a in listed]
    by_key = {r["key"]: r for r in rows}
    for a in listed:
        row = by_key[a["key"]]
        assert row["claim"] == a["claim"]["slug"]
        assert row["outlet"] == a["document"]["outlet"]["slug"]
        assert row["value_text"] == a["value"]["text"]
        assert row["quote"] == (a["quote"]["exact"] if a["quote"] else "")
        assert row["high"] == ("" if a["value"]["high"] is None else str(a["value"]["high"]))
        chain = [s["slug"] for s in a["attribution"]["via"]]
        assert row["via"] == " > ".join(chain)
    # Commas and quotes inside a cell survive the round trip through a CSV reader.
    assert any("," in r["value_text"] for r in rows)


async def test_export_takes_the_filters_of_the_list_endpoint(client, seeded):
    first = (await _listed(client, "/assertions"))[0]
    await client.post(f"/assertions/{first['key']}/retract", json={"reason": "withdrawn"})
    filters: list[dict[str, Any]] = [
        {"claim": "nk-sappers-sent-to-kursk"},
        {"outlet": "sputnik"},
        {"source": "tass"},
        {"status": "retracted"},
        {"stance": "asserts", "as_of_from": "2025-12-01", "as_of_to": "2025-12-31"},
        {"published_from": "2026-01-01T00:00:00Z", "published_to": "2026-01-31T00:00:00Z"},
    ]
    for params in filters:
        listed = [a["key"] for a in await _listed(client, "/assertions", **params)]
        response = await _download(client, "/exports/assertions.csv", **params)
        assert [r["key"] for r in _csv(response.text)] == listed, params
        assert listed, f"the filter {params} selects nothing in the seeds: a weak check"
    retracted = _ndjson(
        (await _download(client, "/exports/assertions.ndjson", status="retracted")).text
    )
    assert [a["key"] for a in retracted] == [first["key"]]


def test_export_parameters_are_the_list_endpoints():
    app = create_app(Settings(database_url="sqlite://"))
    paths = app.openapi()["paths"]
    app.state.engine.dispose()

    def names(path: str) -> set[str]:
        return {p["name"] for p in paths[path]["get"].get("parameters", [])}

    paging = {"limit", "cursor"}
    assert names("/exports/assertions.{fmt}") - {"fmt"} == names("/assertions") - paging
    assert names("/exports/conflicts.{fmt}") - {"fmt"} == names("/conflicts") - paging
    for path in ("/exports/assertions.{fmt}", "/exports/conflicts.{fmt}"):
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert set(content) == {"text/csv", "application/x-ndjson"}


async def test_unknown_format_or_filter_is_a_problem_not_a_stream(client, seeded):
    response = await client.get("/exports/assertions.xlsx")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    response = await client.get("/exports/conflicts.csv", params={"outlet": "no-such-outlet"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def _conflicting(client) -> dict[str, Any]:
    """A claim with three figures from three outlets: 1,000 and 1,000 against 5,000."""
    claim = await builders.claim(client)
    for figure in (1000, 1000, 5000):
        await builders.assertion(
            client, claim=claim["slug"],
            value={"text": f"{figure:,}", "qualifier": "exact", "low": figure, "high": figure},
        )  # fmt: skip
    return claim


async def test_conflicts_export_holds_the_listed_conflicts_with_the_same_filters(client, seeded):
    claim = await _conflicting(client)
    other = await _conflicting(client)
    listed = await _listed(client, "/conflicts")
    assert len(listed) >= 4
    exported = _ndjson((await _download(client, "/exports/conflicts.ndjson")).text)
    key = lambda c: (c["claim"]["slug"], c["a"]["key"], c["b"]["key"])  # noqa: E731
    assert sorted(exported, key=key) == sorted(listed, key=key)
    # Claim by claim, most severe first within each.
    claims = [c["claim"]["id"] for c in exported]
    assert claims == sorted(claims)
    for c in (claim, other):
        severities = [x["severity"] for x in exported if x["claim"]["slug"] == c["slug"]]
        assert severities == sorted(severities, reverse=True)

    one = listed[0]
    for params in (
        {"claim": claim["slug"]},
        {"outlet": one["a"]["outlet"]["slug"]},
        {"min_severity": 0.5},
    ):
        want = sorted(await _listed(client, "/conflicts", **params), key=key)
        got = _ndjson((await _download(client, "/exports/conflicts.ndjson", **params)).text)
        assert sorted(got, key=key) == want, params
        rows = _csv((await _download(client, "/exports/conflicts.csv", **params)).text)
        assert sorted((r["claim"], r["a_key"], r["b_key"]) for r in rows) == [key(c) for c in want]


async def test_a_csv_cell_a_spreadsheet_would_run_is_defused(client):
    made = await builders.assertion(
        client, value={"text": '=HYPERLINK("http://x")', "qualifier": "exact", "low": 1, "high": 1}
    )
    row = _csv((await _download(client, "/exports/assertions.csv")).text)[0]
    assert row["value_text"] == "'" + made["value"]["text"]
    line = _ndjson((await _download(client, "/exports/assertions.ndjson")).text)[0]
    assert line["value"]["text"] == made["value"]["text"]


def _many_assertions(factory, n: int) -> None:
    """``n`` more assertions of the seed claim and document, through the bundle."""
    lines = [
        json.dumps({
            "type": "assertion", "key": f"bulk-{i}", "claim": "nk-sappers-sent-to-kursk",
            "document": "seed-000", "value": {"text": "1,000 sappers", "qualifier": "exact",
            "low": 1000, "high": 1000}, "quote": {"exact": "1,000 sappers"},
        })
        for i in range(n)
    ]  # fmt: skip
    with transaction(factory) as session:
        bundle.import_lines(session, lines, "test:bulk")


async def _asgi_get(app, path: str) -> list[dict[str, Any]]:
    """The ASGI messages the app sends for ``GET path``, as a server would receive them
    (httpx's ASGI transport joins the body parts, so it cannot show the chunks)."""
    sent: list[dict[str, Any]] = []
    requested = False
    done = anyio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()  # the client stays until the response is complete
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            done.set()

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"host", b"testserver")], "server": ("testserver", 80),
        "client": ("127.0.0.1", 1234),
    }  # fmt: skip
    await app(scope, receive, send)
    return sent


async def test_a_large_export_is_streamed_in_chunks(seeded, settings):
    _many_assertions(seeded, 150)
    app = create_app(settings)
    try:
        sent = await _asgi_get(app, "/exports/assertions.ndjson")
    finally:
        app.state.engine.dispose()
    start = sent[0]
    assert start["status"] == 200
    assert b"content-length" not in dict(start["headers"])  # chunked: the size is not known
    bodies = [m for m in sent if m["type"] == "http.response.body"]
    assert len([b for b in bodies if b["body"]]) > 1
    assert all(b.get("more_body") for b in bodies[:-1])
    lines = b"".join(b["body"] for b in bodies).decode("utf-8").splitlines()
    with transaction(seeded) as session:
        total = len(queries.list_assertions(session, queries.AssertionFilter(), 500, None)[0])
    assert len(lines) == total > 150


def test_assertions_are_read_batch_by_batch_in_id_order(seeded):
    _many_assertions(seeded, 20)
    every = list(exports.assertions(seeded, queries.AssertionFilter(), batch=500))
    batched = exports.assertions(seeded, queries.AssertionFilter(), batch=7)
    first = next(batched)  # lazily: one batch read, the rest not yet
    rest = list(batched)
    assert [a.id for a in [first, *rest]] == [a.id for a in every]
    assert [a.id for a in every] == sorted({a.id for a in every})
