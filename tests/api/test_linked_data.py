"""Linked data over HTTP: ClaimReview and PROV-O JSON-LD, read by a real JSON-LD processor
(PyLD) whose document loader serves the contexts shipped in the package, offline."""

from __future__ import annotations

from typing import Any

import pytest
from pyld import jsonld

from app.contexts import context
from tests import builders

pytestmark = pytest.mark.anyio

SCHEMA = "http://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
BASE = "http://testserver"


def offline_loader(url: str, options: Any = None) -> dict[str, Any]:
    """Serve the package's contexts; any other URL fails (no network)."""
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": context(url),
    }


class Graph:
    """The RDF triples of a JSON-LD document, as PyLD's toRdf gives them."""

    def __init__(self, document: dict[str, Any]) -> None:
        dataset = jsonld.to_rdf(document, {"documentLoader": offline_loader})
        self.triples = [
            (t["subject"]["value"], t["predicate"]["value"], t["object"]["value"])
            for t in dataset["@default"]
        ]
        assert self.triples, "the document expands to no triples"

    def objects(self, subject: str, predicate: str) -> list[str]:
        return [o for s, p, o in self.triples if s == subject and p == predicate]

    def one(self, subject: str, predicate: str) -> str:
        found = self.objects(subject, predicate)
        assert len(found) == 1, (subject, predicate, found)
        return found[0]

    def subjects(self, predicate: str, obj: str) -> list[str]:
        return [s for s, p, o in self.triples if p == predicate and o == obj]


async def _jsonld(client, path: str) -> dict[str, Any]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/ld+json")
    return response.json()


async def test_claim_review_names_the_claim_its_consensus_and_the_outlets_reporting_it(
    client, seeded
):
    slug = "nk-sappers-sent-to-kursk"
    claim = (await client.get(f"/claims/{slug}")).json()
    assessment = (await client.get(f"/claims/{slug}/assessment")).json()
    graph = Graph(await _jsonld(client, f"/claims/{slug}/assessment.jsonld"))

    review = f"{BASE}/claims/{slug}/assessment"
    assert f"{SCHEMA}ClaimReview" in graph.objects(review, RDF_TYPE)
    assert graph.one(review, f"{SCHEMA}claimReviewed") == claim["title"]
    item = graph.one(review, f"{SCHEMA}itemReviewed")
    assert item == f"{BASE}/claims/{slug}"
    assert f"{SCHEMA}Claim" in graph.objects(item, RDF_TYPE)
    assert graph.one(item, f"{SCHEMA}name") == claim["title"]

    # The outlets whose assertions are weighed are the claim's authors; their
    # documents its appearances, each published by its outlet.
    outlets = {a["document"]["outlet"]["slug"] for a in claim["assertions"]}
    assert len(outlets) >= 3
    assert set(graph.objects(item, f"{SCHEMA}author")) == {f"{BASE}/outlets/{o}" for o in outlets}
    for a in claim["assertions"]:
        document = f"{BASE}/documents/{a['document']['key']}"
        assert document in graph.objects(item, f"{SCHEMA}appearance")
        publisher = graph.one(document, f"{SCHEMA}publisher")
        assert publisher == f"{BASE}/outlets/{a['document']['outlet']['slug']}"
        assert graph.one(publisher, f"{SCHEMA}name") == a["document"]["outlet"]["name"]

    # The rating is the consensus: independent voices behind it of those compared.
    consensus = assessment["consensus"]
    rating = graph.one(review, f"{SCHEMA}reviewRating")
    assert int(graph.one(rating, f"{SCHEMA}ratingValue")) == consensus["independent_sources"]
    assert int(graph.one(rating, f"{SCHEMA}bestRating")) >= consensus["independent_sources"]
    assert graph.one(rating, f"{SCHEMA}ratingExplanation") == consensus["explanation"]
    assert "1,000 people" in graph.one(rating, f"{SCHEMA}alternateName")


async def test_claim_review_of_a_conflicted_claim_counts_the_dissenting_voices(client):
    claim = await builders.claim(client)
    for figure in (1000, 1000, 5000):
        source = await builders.source(client)
        await builders.assertion(
            client,
            claim=claim["slug"],
            value={"text": f"{figure:,}", "qualifier": "exact", "low": figure, "high": figure},
            attribution={"source": source["slug"]},
        )
    graph = Graph(await _jsonld(client, f"/claims/{claim['slug']}/assessment.jsonld"))
    rating = graph.one(f"{BASE}/claims/{claim['slug']}/assessment", f"{SCHEMA}reviewRating")
    assert graph.one(rating, f"{SCHEMA}ratingValue") == "2"
    assert graph.one(rating, f"{SCHEMA}bestRating") == "3"
    body = graph.one(f"{BASE}/claims/{claim['slug']}/assessment", f"{SCHEMA}reviewBody")
    assert "2 conflicting pair(s)" in body


async def test_prov_lineage_runs_from_the_document_back_through_the_chain_to_the_source(client):
    nis = await builders.source(client, name="National Intelligence Service", kind="agency")
    lawmaker = await builders.source(client, name="A lawmaker", kind="person")
    yonhap = await builders.source(client, name="Yonhap", kind="outlet")
    outlet = await builders.outlet(client, name="Korea Herald")
    document = await builders.document(client, outlet=outlet["slug"])
    made = await builders.assertion(
        client,
        document=document["key"],
        attribution={"source": nis["slug"], "via": [lawmaker["slug"], yonhap["slug"]]},
    )
    graph = Graph(await _jsonld(client, f"/assertions/{made['key']}/provenance"))

    figure = f"{BASE}/assertions/{made['id']}"
    doc = f"{BASE}/documents/{document['key']}"
    assert f"{PROV}Entity" in graph.objects(figure, RDF_TYPE)
    assert graph.one(figure, f"{PROV}value") == made["value"]["text"]
    quote = graph.one(figure, f"{PROV}wasDerivedFrom")
    assert graph.one(quote, f"{PROV}value") == made["quote"]["exact"]
    assert graph.one(quote, f"{PROV}wasQuotedFrom") == doc
    assert graph.one(doc, f"{PROV}wasAttributedTo") == f"{BASE}/outlets/{outlet['slug']}"

    # Follow wasDerivedFrom from the document: each statement attributed in turn.
    speakers = []
    node = doc
    while graph.objects(node, f"{PROV}wasDerivedFrom"):
        node = graph.one(node, f"{PROV}wasDerivedFrom")
        speakers.append(graph.one(node, f"{PROV}wasAttributedTo"))
    assert speakers == [f"{BASE}/sources/{s['slug']}" for s in (yonhap, lawmaker, nis)]
    assert f"{PROV}Person" in graph.objects(f"{BASE}/sources/{lawmaker['slug']}", RDF_TYPE)
    assert f"{PROV}Organization" in graph.objects(f"{BASE}/sources/{nis['slug']}", RDF_TYPE)
    creator = graph.one(figure, f"{PROV}wasAttributedTo")
    assert creator.startswith("urn:provenance:actor:key:")


async def test_prov_lineage_of_an_outlets_own_voice_ends_at_the_document(client, seeded):
    made = (await client.get("/assertions/seed-000-sappers")).json()
    assert made["attribution"]["source"] is None
    graph = Graph(await _jsonld(client, "/assertions/seed-000-sappers/provenance"))
    doc = f"{BASE}/documents/{made['document']['key']}"
    assert graph.objects(doc, f"{PROV}wasDerivedFrom") == []
    assert graph.one(doc, f"{PROV}wasAttributedTo") == f"{BASE}/outlets/sputnik"
    assert graph.subjects(f"{PROV}wasQuotedFrom", doc)


async def test_linked_data_of_a_missing_row_is_a_404_problem(client):
    for path in ("/claims/no-such-claim/assessment.jsonld", "/assertions/no-such/provenance"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
