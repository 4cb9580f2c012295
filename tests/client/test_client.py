"""app.client against a live seeded server on both databases: reads parse into the API's
models, pages are followed to the end, writes round-trip, errors carry problem details."""

from __future__ import annotations

import uuid

import httpx
import pytest

from app.client import AsyncClient, Client, ProblemError, etag
from app.schemas.assessment import AssessmentOut
from app.schemas.common import Page
from app.schemas.records import AssertionIn, ClaimIn, ClaimPatch, DocumentIn, OutletIn, SourceIn
from app.schemas.views import ClaimDetail, ClaimOut, DocumentDetail
from tests.live_api import LiveApi

CLAIM = "nk-sappers-sent-to-kursk"


@pytest.fixture
def api(live_api: LiveApi) -> Client:
    with Client(live_api.url, api_key=live_api.editor_key) as client:
        yield client


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_a_read_is_the_api_answer_parsed_into_its_model(api: Client, live_api: LiveApi) -> None:
    raw = httpx.get(f"{live_api.url}/claims/{CLAIM}").json()
    claim = api.claims.get(CLAIM)
    assert isinstance(claim, ClaimDetail)
    assert claim == ClaimDetail.model_validate(raw)
    assert len(claim.assertions) >= 3
    assessment = api.claims.assessment(CLAIM)
    assert isinstance(assessment, AssessmentOut)
    assert assessment.claim.slug == CLAIM
    assert assessment.consensus is not None


def test_iterating_follows_every_page_once(api: Client) -> None:
    everything = api.claims.page(limit=500)
    assert everything.next is None
    paged = list(api.claims.iterate(page_size=3))
    assert len(everything.items) > 6  # several pages of three
    assert [c.id for c in paged] == [c.id for c in everything.items]
    first = api.claims.page(limit=3)
    assert isinstance(first, Page)
    assert first.next is not None
    assert all(isinstance(c, ClaimOut) for c in first.items)


def test_filters_are_sent_as_query_parameters(api: Client) -> None:
    claim = api.claims.get(CLAIM)
    of_claim = list(api.assertions.iterate(claim=CLAIM, page_size=2))
    assert sorted(a.id for a in of_claim) == sorted(a.id for a in claim.assertions)
    docs = list(api.documents.iterate(outlet="sputnik"))
    assert docs
    assert {d.outlet.slug for d in docs} == {"sputnik"}


def test_writes_round_trip_through_the_models(api: Client) -> None:
    outlet = api.outlets.create(OutletIn(slug=_unique("outlet"), name="Test Wire", kind="wire"))
    source = api.sources.create(SourceIn(slug=_unique("source"), name="Test Ministry"))
    claim = api.claims.create(ClaimIn(slug=_unique("claim"), title="Test figure", unit="people"))
    text = "Officials said some 1,200 people were moved. Others said 5,000 people."
    document = api.documents.create(DocumentIn(outlet=outlet.slug, raw_text=text))
    first = api.assertions.create(
        AssertionIn.model_validate(
            {
                "claim": claim.slug, "document": document.key,
                "value": {"text": "some 1,200"}, "quote": {"exact": "some 1,200 people"},
                "attribution": {"source": source.slug},
            }
        )
    )  # fmt: skip
    second = api.assertions.create(
        {"claim": claim.id, "document": document.id, "value": {"text": "5,000"}}
    )
    try:
        assert first.quote is not None
        assert first.quote.start == text.index("some 1,200")
        assert first.attribution.source is not None
        assert first.attribution.source.slug == source.slug
        assert api.documents.get(document.key).text_matches_sha256
        assert isinstance(api.documents.get(document.key), DocumentDetail)

        conflicts = list(api.iter_conflicts(claim=claim.slug))
        assert {(c.a.assertion, c.b.assertion) for c in conflicts} in (
            {(first.id, second.id)},
            {(second.id, first.id)},
        )

        patched = api.claims.update(claim.slug, ClaimPatch(title="Renamed"), if_match=etag(claim))
        assert patched.title == "Renamed"
        assert patched.version == claim.version + 1
        with pytest.raises(ProblemError) as stale:  # the ETag read before the first patch
            api.claims.update(claim.slug, {"title": "Again"}, if_match=etag(claim))
        assert stale.value.status == 412

        retracted = api.assertions.retract(second.key, "the outlet withdrew it")
        assert retracted.status == "retracted"
        assert list(api.iter_conflicts(claim=claim.slug)) == []
        revisions = list(api.claims.history(claim.slug, page_size=1))
        assert [r.action for r in revisions] == ["create", "update"]
    finally:
        for assertion in (first, second):
            api.assertions.delete(assertion.key)
        api.claims.delete(claim.slug)
        api.documents.delete(document.key)
        api.sources.delete(source.slug)
        api.outlets.delete(outlet.slug)
    with pytest.raises(ProblemError) as gone:
        api.claims.get(claim.slug)
    assert gone.value.status in (404, 410)
    restored = api.claims.restore(claim.slug)
    assert restored.deleted_at is None
    api.claims.delete(claim.slug)


def test_problem_details_are_raised_with_their_fields(api: Client, live_api: LiveApi) -> None:
    with pytest.raises(ProblemError) as invalid:
        api.claims.create({"slug": "Not A Slug", "title": "x", "unit": "people", "colour": 1})
    problem = invalid.value
    assert problem.status == 422
    assert problem.type == "urn:provenance:problem:validation"
    assert problem.title == "Invalid request"
    assert {e.field for e in problem.errors} >= {"slug", "colour"}
    assert problem.request_id

    with pytest.raises(ProblemError) as missing:
        api.outlets.get("no-such-outlet")
    assert (missing.value.status, missing.value.type) == (404, "urn:provenance:problem:not-found")
    assert "no-such-outlet" in missing.value.detail

    with Client(live_api.url, api_key=live_api.reader_key) as reader:
        assert reader.claims.get(CLAIM).slug == CLAIM  # a reader reads
        with pytest.raises(ProblemError) as refused:
            reader.outlets.create({"slug": _unique("nope"), "name": "Nope"})
    assert refused.value.status == 403


def test_extraction_and_outlet_record(api: Client) -> None:
    proposals = api.documents.extract("seed-000")
    assert proposals.candidates
    assert all(c.quote.exact for c in proposals.candidates)
    assert proposals.accepted == []  # no body: nothing stored
    record = api.outlets.record("sputnik")
    assert record.outlet.slug == "sputnik"
    assert record.assertions > 0


@pytest.mark.anyio
async def test_the_async_client_reads_pages_and_raises_alike(live_api: LiveApi) -> None:
    async with AsyncClient(live_api.url, api_key=live_api.editor_key) as api:
        assert (await api.health()).status == "ok"
        assert (await api.ready()).status == "ready"
        claims = [c async for c in api.claims.iterate(page_size=4)]
        assert [c.id for c in claims] == [c.id for c in (await api.claims.page(limit=500)).items]
        detail = await api.claims.get(CLAIM)
        assert {a.id for a in detail.assertions} == {
            a.id async for a in api.assertions.iterate(claim=CLAIM)
        }
        conflicts = [c async for c in api.iter_conflicts(page_size=1)]
        assert conflicts == (await api.conflicts(limit=500)).items
        outlet = await api.outlets.create({"slug": _unique("async"), "name": "Async Wire"})
        await api.outlets.delete(outlet.slug, if_match=etag(outlet))
        with pytest.raises(ProblemError) as error:
            await api.outlets.delete(outlet.slug)
        assert error.value.status in (404, 410)
