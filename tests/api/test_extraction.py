"""Extraction over HTTP: candidates with evidence, accepting them, cleaning, near-duplicates."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.db.engine import transaction
from app.db.models import Revision
from tests import builders

pytestmark = pytest.mark.anyio

WIRE = (
    "SEOUL, June 18 (Wire) - North Korea will send 1,000 sappers to Russia's Kursk region, "
    "Russian Security Council Secretary Sergei Shoigu said on Tuesday, according to TASS.\n\n"
    "The deminers have reportedly cleared some 42,400 hectares so far, state media said.\n"
)


async def _extract(client, ref, body=None):
    response = await client.post(f"/documents/{ref}/extract", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def _text(client, ref) -> str:
    document = (await client.get(f"/documents/{ref}")).json()
    return document["plain_text"] or document["raw_text"]


async def test_seed_article_candidates_carry_evidence_and_suggested_claims(client, seeded):
    result = await _extract(client, "seed-000")
    text = await _text(client, "seed-000")
    for candidate in result["candidates"]:
        quote = candidate["quote"]
        assert text[quote["start"] : quote["end"]] == quote["exact"]
    by_wording = {c["value"]["text"]: c for c in result["candidates"]}
    sappers = next(c for w, c in by_wording.items() if "1,000" in w)
    assert sappers["suggested_claim"]["claim"]["slug"] == "nk-sappers-sent-to-kursk"
    hectares = next(c for w, c in by_wording.items() if "42,400" in w)
    assert hectares["value"]["qualifier"] == "approximately"
    assert hectares["suggested_claim"]["claim"]["slug"] == "kursk-hectares-demined"
    assert hectares["as_of"]["end"] == "2025-12-10"
    assert result["extractor"].startswith("provenance-extract/")


@pytest.mark.parametrize(
    ("key", "reason"),
    [("seed-001", "error_banner"), ("seed-001", "duplicate_paragraph"),
     ("seed-002", "comments"), ("seed-004", "read_more")],
)  # fmt: skip
async def test_seed_captures_have_their_noise_set_aside(client, seeded, key, reason):
    document = (await client.get(f"/documents/{key}")).json()
    spans = [s for s in document["excluded_spans"] if s["reason"] == reason]
    assert spans, document["excluded_spans"]
    result = await _extract(client, key)
    for candidate in result["candidates"]:
        start, end = candidate["quote"]["start"], candidate["quote"]["end"]
        assert all(end <= s["start"] or start >= s["end"] for s in document["excluded_spans"])
    assert document["clean_text"]
    assert len(document["clean_text"]) < len(document["raw_text"])


async def test_accepting_stores_assertions_once_made_by_the_extractor(client, db):
    await builders.source(client, slug="tass", name="TASS", kind="agency")
    await builders.source(client, slug="sergei-shoigu", name="Sergei Shoigu", kind="person")
    sappers = await builders.claim(
        client, slug="sappers", title="North Korean sappers sent to Kursk", aliases=["deminers"]
    )
    document = await builders.document(client, raw_text=WIRE, published_at="2025-06-18T08:00:00Z")
    proposed = await _extract(client, document["key"])
    assert proposed["accepted"] == []
    assert all(c["assertion"] is None for c in proposed["candidates"])
    one = next(c for c in proposed["candidates"] if "1,000" in c["value"]["text"])
    assert one["suggested_claim"]["claim"]["slug"] == sappers["slug"]
    assert one["attribution"]["name"] == "Russian Security Council Secretary Sergei Shoigu"
    assert one["attribution"]["source"]["slug"] == "sergei-shoigu"
    assert [s["slug"] for s in one["attribution"]["via_sources"]] == ["tass"]
    hectares = next(c for c in proposed["candidates"] if "42,400" in c["value"]["text"])
    assert hectares["hedge"] == "reportedly"
    assert hectares["attribution"]["name"] == "state media"
    assert hectares["suggested_claim"] is None

    accepted = await _extract(client, document["key"], {"accept": "all", "create_claims": True})
    assert len(accepted["accepted"]) == len(proposed["candidates"])
    stored = (await client.get(f"/assertions/{accepted['accepted'][0]}")).json()
    assert stored["creator_kind"] == "extractor"
    assert stored["created_by"] == f"extractor:{proposed['extractor']}"
    assert stored["claim"]["slug"] == "sappers"
    assert stored["attribution"]["source"]["slug"] == "sergei-shoigu"
    assert [v["slug"] for v in stored["attribution"]["via"]] == ["tass"]
    quote = stored["quote"]
    assert WIRE[quote["start"] : quote["end"]] == quote["exact"]
    created = (await client.get(f"/assertions/{accepted['accepted'][1]}")).json()
    assert created["claim"]["slug"] != "sappers"  # the proposed claim was created for it
    with transaction(db) as session:
        revisions = session.scalar(sa.select(sa.func.count()).select_from(Revision))

    again = await _extract(client, document["key"], {"accept": "all", "create_claims": True})
    assert again["accepted"] == accepted["accepted"]
    assert all(c["assertion"] in accepted["accepted"] for c in again["candidates"])
    with transaction(db) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Revision)) == revisions


async def test_a_candidate_without_a_claim_is_not_accepted_silently(client):
    document = await builders.document(client, raw_text="Officials counted 3,000 widgets there.")
    result = await _extract(client, document["key"])
    key = result["candidates"][0]["key"]
    assert result["candidates"][0]["proposed_claim"]["unit"]
    refused = await client.post(f"/documents/{document['key']}/extract", json={"accept": [key]})
    assert refused.status_code == 422
    assert refused.json()["field"] == "claims"
    unknown = await client.post(f"/documents/{document['key']}/extract", json={"accept": ["9-9"]})
    assert unknown.status_code == 422
    assert (await client.get("/assertions")).json()["items"] == []
    claim = await builders.claim(client, unit="widgets")
    chosen = await _extract(
        client, document["key"], {"accept": [key], "claims": {key: claim["slug"]}}
    )
    assert len(chosen["accepted"]) == 1


async def test_html_capture_is_read_as_text_and_quotes_index_that_text(client):
    outlet = await builders.outlet(client)
    html = (
        "<html><head><title>Kursk</title></head><body><nav>Home | World | Sport</nav>"
        "<article><h1>Sappers for Kursk</h1><p>North Korea sent 1,000 sappers to Kursk, "
        "officials said on Tuesday in a statement to reporters.</p><p>They cleared some "
        "42,400 hectares of farmland by early December, the ministry added.</p></article>"
        "<footer>Copyright 2026 Example Media</footer></body></html>"
    )
    response = await client.post(
        "/documents", json={"outlet": outlet["slug"], "raw_text": html, "key": "html-1"}
    )
    assert response.status_code == 201, response.text
    document = (await client.get("/documents/html-1")).json()
    assert document["content_type"] == "text/html"
    assert "<p>" not in document["plain_text"]
    assert "1,000 sappers" in document["plain_text"]
    assertion = await builders.assertion(
        client, document="html-1", quote={"exact": "1,000 sappers to Kursk"}
    )
    start = assertion["quote"]["start"]
    assert document["plain_text"][start : assertion["quote"]["end"]] == "1,000 sappers to Kursk"


async def test_a_syndicated_copy_is_linked_to_its_original(client):
    original = await builders.document(client, raw_text=WIRE * 3, key="wire-1")
    copy = await builders.document(
        client, raw_text=(WIRE * 3).replace("(Wire)", "(Other Agency)"), key="copy-1"
    )
    assert copy["duplicate_of_id"] == original["id"]
    assert copy["duplicate_similarity"] >= 0.8
    unrelated = await builders.document(client, raw_text=builders.ARTICLE * 3, key="other-1")
    assert unrelated["duplicate_of_id"] is None


async def test_a_detected_copy_counts_once_in_the_assessment(client):
    claim = await builders.claim(client)
    texts = [WIRE * 3, "Reprinted with permission.\n" + WIRE * 3]
    original = await builders.document(client, raw_text=texts[0])
    copy = await builders.document(client, raw_text=texts[1])
    assert copy["duplicate_of_id"] == original["id"]
    for document, text in zip((original, copy), texts, strict=True):
        start = text.index("1,000 sappers")
        end = start + len("1,000 sappers")
        await builders.assertion(
            client, claim=claim["slug"], document=document["key"],
            value={"text": "1,000"}, quote={"exact": "1,000 sappers", "start": start, "end": end},
        )  # fmt: skip
    consensus = (await client.get(f"/claims/{claim['slug']}/assessment")).json()["consensus"]
    assert consensus["outlets"] == 2
    assert consensus["independent_sources"] == 1
