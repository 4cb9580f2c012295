"""/assertions: values as intervals, quotes anchored in the text, attribution chains."""

from __future__ import annotations

import pytest

from tests import builders

pytestmark = pytest.mark.anyio


async def test_assertion_read_carries_document_outlet_source_chain_and_quote(client):
    nis = await builders.source(
        client, slug="nis", name="National Intelligence Service", kind="agency"
    )
    lawmaker = await builders.source(client, slug="lawmaker", name="A lawmaker", kind="person")
    yonhap = await builders.source(client, slug="yonhap", name="Yonhap", kind="agency")
    created = await builders.assertion(
        client,
        key="a-nis-1",
        hedge="reportedly",
        as_of={
            "start": "2025-12-01",
            "end": "2025-12-10",
            "precision": "day",
            "text": "by early December",
        },
        attribution={"source": "nis", "via": ["lawmaker", "yonhap"]},
    )
    read = (await client.get("/assertions/a-nis-1")).json()
    assert read == created
    assert read["attribution"]["source"]["id"] == nis["id"]
    assert [s["id"] for s in read["attribution"]["via"]] == [lawmaker["id"], yonhap["id"]]
    assert read["document"]["outlet"]["kind"] == "wire"
    assert read["value"] == {"text": "1,000", "normalized": None, "qualifier": "exact",
                             "low": 1000.0, "high": 1000.0,
                             "low_inclusive": True, "high_inclusive": True}  # fmt: skip
    assert read["as_of"]["text"] == "by early December"
    assert read["created_by"] == "key:test-editor"
    assert read["creator_kind"] == "person"


async def test_quote_offsets_are_found_and_context_filled(client):
    assertion = await builders.assertion(client, quote={"exact": "1,000 sappers"})
    quote = assertion["quote"]
    start = builders.ARTICLE.index("1,000 sappers")
    assert (quote["start"], quote["end"]) == (start, start + len("1,000 sappers"))
    assert builders.ARTICLE[quote["start"] : quote["end"]] == quote["exact"]
    assert builders.ARTICLE[:start].endswith(quote["prefix"])
    assert builders.ARTICLE[quote["end"] :].startswith(quote["suffix"])


async def test_quote_whose_offsets_do_not_hold_the_exact_text_is_rejected(client):
    document = await builders.document(client)
    claim = await builders.claim(client)
    response = await client.post(
        "/assertions",
        json={"claim": claim["slug"], "document": document["key"],
              "value": {"text": "1,000", "qualifier": "exact", "low": 1000, "high": 1000},
              "quote": {"exact": "1,000 sappers", "start": 0, "end": 13}},
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["field"] == "quote.exact"
    assert (await client.get("/assertions")).json()["items"] == []


async def test_quote_that_is_not_in_the_document_is_rejected(client):
    response = await client.post(
        "/assertions",
        json={"claim": (await builders.claim(client))["id"],
              "document": (await builders.document(client))["id"],
              "value": {"text": "5,000", "qualifier": "exact", "low": 5000, "high": 5000},
              "quote": {"exact": "5,000 builders"}},
    )  # fmt: skip
    assert response.status_code == 422
    assert "does not occur" in response.json()["detail"]


async def test_open_interval_keeps_its_bounds(client):
    assertion = await builders.assertion(
        client,
        value={"text": "over 1.5 million", "qualifier": "more_than", "low": 1_500_000,
               "low_inclusive": False},
        quote=None,
    )  # fmt: skip
    assert assertion["value"]["high"] is None
    assert assertion["value"]["low_inclusive"] is False
    assert assertion["quote"] is None


async def test_date_claims_take_dates_and_quantity_claims_numbers(client):
    treaty = await builders.claim(client, title="Treaty signed", unit="date", value_type="date")
    ok = await client.post(
        "/assertions",
        json={"claim": treaty["slug"], "document": (await builders.document(client))["key"],
              "value": {"text": "June 19, 2024", "qualifier": "exact",
                        "low": "2024-06-19", "high": "2024-06-19"}},
    )  # fmt: skip
    assert ok.status_code == 201, ok.text
    assert ok.json()["value"]["low"] == "2024-06-19"
    wrong = await client.post(
        "/assertions",
        json={"claim": treaty["slug"], "document": ok.json()["document"]["key"],
              "value": {"text": "1,000", "qualifier": "exact", "low": 1000, "high": 1000}},
    )  # fmt: skip
    assert wrong.status_code == 422
    assert wrong.json()["field"] == "value.low"


async def test_undisclosed_assertion_has_no_interval(client):
    claim = await builders.claim(client)
    document = await builders.document(client)
    body = {"claim": claim["slug"], "document": document["key"], "stance": "undisclosed",
            "value": {"text": "not disclosed"}}  # fmt: skip
    created = await client.post("/assertions", json=body)
    assert created.status_code == 201
    assert created.json()["value"]["qualifier"] is None
    body["value"] = {"text": "not disclosed", "qualifier": "exact", "low": 1, "high": 1}
    refused = await client.post("/assertions", json=body)
    assert refused.status_code == 422
    assert refused.json()["field"] == "value"


async def test_low_above_high_is_rejected(client):
    response = await client.post(
        "/assertions",
        json={"claim": (await builders.claim(client))["slug"],
              "document": (await builders.document(client))["key"],
              "value": {"text": "x", "qualifier": "range", "low": 12000, "high": 10000}},
    )  # fmt: skip
    assert response.status_code == 422
    assert "greater than high" in response.json()["detail"]


async def test_patch_moves_the_value_and_records_before_and_after(client):
    assertion = await builders.assertion(client)
    response = await client.patch(
        f"/assertions/{assertion['id']}",
        json={
            "value": {"text": "some 1,100", "qualifier": "approximately", "low": 990, "high": 1210}
        },
    )
    assert response.status_code == 200, response.text
    patched = response.json()
    assert (patched["value"]["low"], patched["value"]["high"]) == (990, 1210)
    assert patched["quote"] == assertion["quote"]
    assert patched["version"] == assertion["version"] + 1
    history = (await client.get(f"/assertions/{assertion['id']}/history")).json()["items"]
    assert [r["action"] for r in history] == ["create", "update"]
    assert history[1]["before"]["low"] == 1000
    assert history[1]["after"]["low"] == 990
    assert history[1]["actor"] == "key:test-editor"


async def test_patch_with_a_new_quote_relocates_it(client):
    assertion = await builders.assertion(client)
    response = await client.patch(
        f"/assertions/{assertion['id']}", json={"quote": {"exact": "some 42,400 hectares"}}
    )
    assert response.status_code == 200, response.text
    assert response.json()["quote"]["start"] == builders.ARTICLE.index("some 42,400")


async def test_retract_marks_status_and_keeps_the_reason(client):
    assertion = await builders.assertion(client)
    response = await client.post(
        f"/assertions/{assertion['id']}/retract", json={"reason": "outlet corrected the figure"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "retracted"
    assert "outlet corrected the figure" in response.json()["notes"]
    again = await client.post(f"/assertions/{assertion['id']}/retract", json={"reason": "x"})
    assert again.status_code == 422


async def test_status_and_creator_cannot_be_mass_assigned(client):
    claim = await builders.claim(client)
    document = await builders.document(client)
    for extra in ({"status": "retracted"}, {"created_by": "someone-else"}, {"id": 99}):
        response = await client.post(
            "/assertions",
            json={"claim": claim["slug"], "document": document["key"],
                  "value": {"text": "1", "qualifier": "exact", "low": 1, "high": 1}} | extra,
        )  # fmt: skip
        assert response.status_code == 422, extra
        assert response.json()["errors"][0]["type"] == "extra_forbidden"


async def test_list_filters(client):
    shoigu = await builders.source(client, slug="shoigu")
    tass = await builders.source(client, slug="tass", kind="agency")
    claim = await builders.claim(client)
    via_tass = await builders.assertion(
        client, claim=claim["slug"], attribution={"source": "shoigu", "via": ["tass"]},
        as_of={"start": "2025-06-17", "end": "2025-06-17"},
    )  # fmt: skip
    own_voice = await builders.assertion(
        client, claim=claim["slug"], stance="denies",
        as_of={"start": "2024-01-01", "end": "2024-12-31"},
    )  # fmt: skip
    elsewhere = await builders.assertion(client)

    async def ids(**params):
        response = await client.get("/assertions", params=params)
        assert response.status_code == 200, response.text
        return [a["id"] for a in response.json()["items"]]

    assert await ids(claim=claim["slug"]) == [via_tass["id"], own_voice["id"]]
    assert await ids(claim=claim["id"], source="shoigu") == [via_tass["id"]]
    assert await ids(source=tass["id"]) == [via_tass["id"]]
    assert await ids(stance="denies") == [own_voice["id"]]
    assert await ids(outlet=elsewhere["document"]["outlet"]["slug"]) == [elsewhere["id"]]
    assert await ids(document=own_voice["document"]["key"]) == [own_voice["id"]]
    assert await ids(claim=claim["slug"], as_of_from="2025-01-01") == [via_tass["id"]]
    assert await ids(claim=claim["slug"], as_of_to="2024-06-30") == [own_voice["id"]]
    await client.post(f"/assertions/{own_voice['id']}/retract", json={"reason": "r"})
    assert await ids(status="retracted") == [own_voice["id"]]
    assert shoigu["id"] != tass["id"]


async def test_filter_by_unknown_claim_is_404(client):
    response = await client.get("/assertions", params={"claim": "no-such-claim"})
    assert response.status_code == 404
    assert response.json()["field"] == "claim"
