"""Values and times given as wording are read into intervals with the claim's settings."""

from __future__ import annotations

import pytest

from tests import builders

pytestmark = pytest.mark.anyio

TEXT = "By early December they had cleared some 42,400 hectares, mehr als 2.700 Minen."


async def _post(client, claim, value, **more):
    document = await builders.document(client, raw_text=TEXT, published_at="2026-01-06T09:37:00Z")
    return await client.post(
        "/assertions",
        json={"claim": claim, "document": document["key"], "value": value} | more,
    )


async def test_wording_alone_is_read_with_the_claims_tolerance(client):
    default = (await builders.claim(client, unit="hectares"))["slug"]
    tight = (await builders.claim(client, unit="hectares", tolerance=0.05))["slug"]
    read = (await _post(client, default, {"text": "some 42,400 hectares"})).json()["value"]
    assert read["qualifier"] == "approximately"
    assert (read["low"], read["high"]) == (pytest.approx(38160), pytest.approx(46640))
    assert read["text"] == "some 42,400 hectares"
    tighter = (await _post(client, tight, {"text": "some 42,400"})).json()["value"]
    assert (tighter["low"], tighter["high"]) == (pytest.approx(40280), pytest.approx(44520))


async def test_open_bounds_and_other_languages(client):
    claim = (await builders.claim(client))["slug"]
    read = (await _post(client, claim, {"text": "mehr als 2.700"})).json()["value"]
    assert read["qualifier"] == "more_than"
    assert read["low"] == 2700
    assert read["high"] is None
    assert read["low_inclusive"] is False


async def test_vague_wording_uses_the_claims_own_lexicon(client):
    plain = (await builders.claim(client))["slug"]
    own = (await builders.claim(client, vague_terms={"thousands": [1000, 9999]}))["slug"]
    assert (await _post(client, plain, {"text": "thousands of troops"})).json()["value"][
        "low"
    ] == 2000
    assert (await _post(client, own, {"text": "thousands of troops"})).json()["value"][
        "low"
    ] == 1000


async def test_wording_with_no_figure_is_refused_unless_denied(client):
    claim = (await builders.claim(client))["slug"]
    refused = await _post(client, claim, {"text": "a significant number"})
    assert refused.status_code == 422
    assert refused.json()["field"] == "value.text"
    denied = await _post(client, claim, {"text": "no troops at all"}, stance="denies")
    assert denied.status_code == 201
    assert denied.json()["value"]["qualifier"] is None


async def test_dates_are_read_as_the_days_they_cover(client):
    claim = (await builders.claim(client, unit="date", value_type="date"))["slug"]
    day = (await _post(client, claim, {"text": "June 19, 2024"})).json()["value"]
    assert (day["qualifier"], day["low"], day["high"]) == ("exact", "2024-06-19", "2024-06-19")
    month = (await _post(client, claim, {"text": "in June 2024"})).json()["value"]
    assert (month["qualifier"], month["low"], month["high"]) == (
        "range",
        "2024-06-01",
        "2024-06-30",
    )


async def test_as_of_wording_is_read_against_the_publication_date(client):
    claim = (await builders.claim(client, behavior="cumulative"))["slug"]
    response = await _post(
        client, claim, {"text": "some 42,400"}, as_of={"text": "By early December"}
    )
    as_of = response.json()["as_of"]
    assert (as_of["start"], as_of["end"]) == ("2025-12-01", "2025-12-10")
    assert as_of["text"] == "By early December"


async def test_changing_the_tolerance_rereads_values_read_from_wording_only(client):
    claim = await builders.claim(client)
    read = (await _post(client, claim["slug"], {"text": "about 1,000"})).json()
    by_hand = (
        await _post(
            client,
            claim["slug"],
            {"text": "about 1,000", "qualifier": "approximately", "low": 950, "high": 1050},
        )
    ).json()
    response = await client.patch(f"/claims/{claim['id']}", json={"tolerance": 0.2})
    assert response.status_code == 200
    reread = (await client.get(f"/assertions/{read['id']}")).json()["value"]
    assert (reread["low"], reread["high"]) == (pytest.approx(800), pytest.approx(1200))
    kept = (await client.get(f"/assertions/{by_hand['id']}")).json()["value"]
    assert (kept["low"], kept["high"]) == (950, 1050)
    history = (await client.get(f"/assertions/{read['id']}/history")).json()["items"]
    assert [r["action"] for r in history] == ["create", "update"]


async def test_vague_term_with_low_above_high_is_refused(client):
    response = await client.post(
        "/claims",
        json={"slug": "c", "title": "t", "unit": "u", "vague_terms": {"dozens": [99, 24]}},
    )
    assert response.status_code == 422
    assert "dozens" in response.json()["detail"]
