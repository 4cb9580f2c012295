"""A corpus of malformed requests against a seeded database: each gets 4xx problem
details naming the field at fault, never a 500, and changes nothing stored.

Every case is data (one ``Bad`` row): add one by writing the request and what it must get.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import Base
from app.domain.vocabulary import Role

pytestmark = pytest.mark.anyio

MIB = 1024 * 1024
DEFAULT_LIMIT = 10 * MIB  # Settings.max_body_bytes

# Rows of the seed bundle (seeds/bundle.ndjson) the cases refer to.
QUANTITY_CLAIM = "nk-sappers-sent-to-kursk"
DATE_CLAIM = "russia-nk-treaty-signing-date"
DOCUMENT = "seed-000"
ASSERTION = "seed-000-sappers"
OUTLET = "sputnik"
SOURCE = "tass"


@dataclass(frozen=True)
class Bad:
    """One malformed request and the answer it must get."""

    name: str
    method: str
    path: str
    status: int
    field: str | None  # the field problem details must name (a prefix of it), if any
    json: Any = None  # a body to send as JSON
    raw: bytes | None = None  # or these exact bytes, as application/json
    headers: dict[str, str] = field(default_factory=dict)
    role: Role = Role.EDITOR
    chunked: bool = False  # send ``raw`` without Content-Length, in 1 MiB chunks


def assertion(**fields: Any) -> dict[str, Any]:
    """A valid new assertion of the quantity claim, with ``fields`` over it."""
    body = {
        "claim": QUANTITY_CLAIM,
        "document": DOCUMENT,
        "value": {"text": "1,000", "qualifier": "exact", "low": 1000, "high": 1000},
    }
    return body | fields


def value(**fields: Any) -> dict[str, Any]:
    return assertion(value={"text": "x", "qualifier": "exact"} | fields)


def dated(**fields: Any) -> dict[str, Any]:
    return assertion(claim=DATE_CLAIM, value={"text": "x", "qualifier": "exact"} | fields)


def document(**fields: Any) -> dict[str, Any]:
    return {"outlet": OUTLET, "raw_text": "Some 1,000 sappers went to Kursk."} | fields


def claim(**fields: Any) -> dict[str, Any]:
    return {"slug": "new-claim", "title": "A new claim", "unit": "people"} | fields


def outlet(**fields: Any) -> dict[str, Any]:
    return {"slug": "new-outlet", "name": "New Outlet"} | fields


def source(**fields: Any) -> dict[str, Any]:
    return {"slug": "new-source", "name": "New Source"} | fields


def raw_assertion(value_json: str) -> bytes:
    """An assertion whose value is written by hand: JSON's NaN and Infinity literals,
    which Python's parser accepts and a JSON encoder would never write."""
    return (
        f'{{"claim": "{QUANTITY_CLAIM}", "document": "{DOCUMENT}", "value": {value_json}}}'
    ).encode()


# fmt: off
CORPUS: list[Bad] = [
    # -- the body itself: size, encoding, syntax, shape
    Bad("body over the limit, declared", "POST", "/documents", 413, None,
        raw=b" " * (DEFAULT_LIMIT + 1)),
    Bad("body over the limit, chunked", "POST", "/documents", 413, None,
        raw=b" " * (DEFAULT_LIMIT + 1), chunked=True),
    Bad("invalid UTF-8", "POST", "/outlets", 400, None,
        raw=b'{"slug": "caf\xe9", "name": "\xff\xfe"}'),
    Bad("invalid UTF-8 in a document", "POST", "/documents", 400, None,
        raw=b'{"outlet": "sputnik", "raw_text": "\xc3\x28"}'),
    Bad("truncated JSON", "POST", "/claims", 400, None, raw=b'{"slug": "x",'),
    Bad("a list for an object", "POST", "/claims", 422, "body", json=[claim()]),
    Bad("empty body", "POST", "/outlets", 422, "body", raw=b""),
    Bad("JSON sent as text/plain", "POST", "/outlets", 422, "body",
        raw=json.dumps(outlet()).encode(), headers={"content-type": "text/plain"}),
    # -- NaN and Infinity: Python's json reads these literals, the API must not
    Bad("NaN low", "POST", "/assertions", 422, "value.low",
        raw=raw_assertion('{"text": "x", "qualifier": "exact", "low": NaN, "high": 1}')),
    Bad("Infinity high", "POST", "/assertions", 422, "value.high",
        raw=raw_assertion('{"text": "x", "qualifier": "at_least", "low": 1, "high": Infinity}')),
    Bad("-Infinity low", "POST", "/assertions", 422, "value.low",
        raw=raw_assertion('{"text": "x", "qualifier": "at_most", "low": -Infinity, "high": 5}')),
    Bad("a number past float range", "POST", "/assertions", 422, "value.low",
        raw=raw_assertion('{"text": "x", "qualifier": "exact", "low": 1e400, "high": 1e400}')),
    Bad("NaN tolerance", "POST", "/claims", 422, "tolerance",
        raw=b'{"slug": "c", "title": "t", "unit": "people", "tolerance": NaN}'),
    Bad("NaN in vague terms", "POST", "/claims", 422, "vague_terms",
        raw=b'{"slug": "c", "title": "t", "unit": "people", "vague_terms": {"dozens": [NaN, 99]}}'),
    Bad("Infinity similarity", "POST", "/documents", 422, "duplicate_similarity",
        raw=b'{"outlet": "sputnik", "raw_text": "t", "duplicate_similarity": Infinity}'),
    Bad("NaN for a name", "POST", "/outlets", 422, "name",
        raw=b'{"slug": "nan-outlet", "name": NaN}'),
    Bad("NaN quote offset", "POST", "/assertions", 422, "quote.start",
        raw=raw_assertion('{"text": "1,000", "qualifier": "exact", "low": 1000, "high": 1000},'
                          ' "quote": {"exact": "1,000", "start": NaN}')),
    # -- negative counts: quantities are magnitudes ("up to x" reads as [0, x])
    Bad("negative low", "POST", "/assertions", 422, "value.low", json=value(low=-5, high=10)),
    Bad("negative exact figure", "POST", "/assertions", 422, "value.high",
        json=value(low=1, high=-1000)),
    Bad("negative vague reading", "POST", "/claims", 422, "vague_terms",
        json=claim(vague_terms={"dozens": [-12, 99]})),
    Bad("negative tolerance", "POST", "/claims", 422, "tolerance", json=claim(tolerance=-0.1)),
    Bad("negative quote offset", "POST", "/assertions", 422, "quote.start",
        json=assertion(quote={"exact": "1,000", "start": -1, "end": 4})),
    Bad("negative page size", "GET", "/outlets?limit=-1", 422, "limit"),
    Bad("negative conflict limit", "GET",
        f"/claims/{QUANTITY_CLAIM}/assessment?conflict_limit=-1", 422, "conflict_limit"),
    Bad("negative severity", "GET", "/conflicts?min_severity=-0.5", 422, "min_severity"),
    # -- low above high
    Bad("low above high", "POST", "/assertions", 422, "value", json=value(low=2000, high=1000)),
    Bad("dates the wrong way round", "POST", "/assertions", 422, "value",
        json=dated(low="2024-05-01", high="2024-01-01")),
    Bad("vague reading the wrong way round", "POST", "/claims", 422, "vague_terms",
        json=claim(vague_terms={"hundreds": [999, 200]})),
    Bad("as-of window ends before it starts", "POST", "/assertions", 422, "as_of",
        json=assertion(as_of={"start": "2025-02-01", "end": "2025-01-01"})),
    # -- dates out of range or impossible
    Bad("year 0", "POST", "/documents", 422, "published_at",
        json=document(published_at="0000-01-01T00:00:00Z")),
    Bad("year 10000", "POST", "/documents", 422, "published_at",
        json=document(published_at="10000-01-01T00:00:00Z")),
    Bad("February 30th", "POST", "/documents", 422, "published_at",
        json=document(published_at="2025-02-30T12:00:00Z")),
    Bad("past the last instant in UTC", "POST", "/documents", 422, "published_at",
        json=document(published_at="9999-12-31T23:00:00-05:00")),
    Bad("before the first instant in UTC", "POST", "/documents", 422, "retrieved_at",
        json=document(retrieved_at="0001-01-01T00:00:00+05:00")),
    Bad("month 13", "POST", "/assertions", 422, "as_of.start",
        json=assertion(as_of={"start": "2024-13-01"})),
    Bad("29 February of a common year", "POST", "/assertions", 422, "as_of.end",
        json=assertion(as_of={"end": "2023-02-29"})),
    Bad("a date value in year 0", "POST", "/assertions", 422, "value.low",
        json=dated(low="0000-12-31", high="2024-01-01")),
    Bad("a filter in year 10000", "GET", "/assertions?as_of_from=10000-01-01", 422, "as_of_from"),
    Bad("a filter past the last instant", "GET",
        "/documents?published_from=9999-12-31T23:00:00-05:00", 422, "published_from"),
    # -- strings past their length
    Bad("long outlet name", "POST", "/outlets", 422, "name", json=outlet(name="n" * 301)),
    Bad("long slug", "POST", "/outlets", 422, "slug", json=outlet(slug="s" * 121)),
    Bad("long claim title", "POST", "/claims", 422, "title", json=claim(title="t" * 501)),
    Bad("long unit", "POST", "/claims", 422, "unit", json=claim(unit="u" * 61)),
    Bad("long alias", "POST", "/claims", 422, "aliases", json=claim(aliases=["a" * 301])),
    Bad("long tag", "POST", "/claims", 422, "tags", json=claim(tags=["t" * 81])),
    Bad("long affiliation", "POST", "/sources", 422, "affiliation",
        json=source(affiliation="a" * 201)),
    Bad("long URL", "POST", "/documents", 422, "url",
        json=document(url="https://example.org/" + "p" * 2030)),
    Bad("long language tag", "POST", "/documents", 422, "language",
        json=document(language="en-abcdefgh-abcdefgh")),
    Bad("long raw text", "POST", "/documents", 422, "raw_text",
        json=document(raw_text="r" * 2_000_001)),
    Bad("long hedge", "POST", "/assertions", 422, "hedge", json=assertion(hedge="h" * 501)),
    Bad("long value wording", "POST", "/assertions", 422, "value.text",
        json=value(text="1" * 1001, low=1, high=1)),
    Bad("long notes", "POST", "/assertions", 422, "notes", json=assertion(notes="n" * 20_001)),
    Bad("long retraction reason", "POST", f"/assertions/{ASSERTION}/retract", 422, "reason",
        json={"reason": "r" * 2001}),
    Bad("long candidate key", "POST", f"/documents/{DOCUMENT}/extract", 422, "accept",
        json={"accept": ["k" * 201]}),
    Bad("long key name", "POST", "/keys", 422, "name", json={"name": "k" * 201, "role": "reader"},
        role=Role.ADMIN),
    Bad("long search", "GET", "/claims?q=" + "q" * 201, 422, "q"),
    Bad("long patched notes", "PATCH", f"/outlets/{OUTLET}", 422, "notes",
        json={"notes": "n" * 20_001}),
    Bad("a blank name", "POST", "/outlets", 422, "name", json=outlet(name=" \u3000\u0085 ")),
    Bad("a blank retraction reason", "POST", f"/assertions/{ASSERTION}/retract", 422, "reason",
        json={"reason": "\t\n"}),
    # -- the page-size cap
    Bad("page of 501", "GET", "/assertions?limit=501", 422, "limit"),
    Bad("page of 0", "GET", "/conflicts?limit=0", 422, "limit"),
    # -- unknown fields: nothing the server owns can be assigned through the API
    Bad("an id", "POST", "/outlets", 422, "id", json=outlet(id=999)),
    Bad("a creation time", "POST", "/outlets", 422, "created_at",
        json=outlet(created_at="2020-01-01T00:00:00Z")),
    Bad("a deletion time", "POST", "/sources", 422, "deleted_at",
        json=source(deleted_at="2020-01-01T00:00:00Z")),
    Bad("a version", "POST", "/claims", 422, "version", json=claim(version=7)),
    Bad("an update time", "POST", "/documents", 422, "updated_at",
        json=document(updated_at="2020-01-01T00:00:00Z")),
    Bad("a creator", "POST", "/assertions", 422, "created_by", json=assertion(created_by="me")),
    Bad("a creator kind", "POST", "/assertions", 422, "creator_kind",
        json=assertion(creator_kind="extractor")),
    Bad("a status", "POST", "/assertions", 422, "status", json=assertion(status="retracted")),
    Bad("a patched status", "PATCH", f"/assertions/{ASSERTION}", 422, "status",
        json={"status": "superseded"}),
    Bad("a patched id", "PATCH", f"/claims/{QUANTITY_CLAIM}", 422, "id", json={"id": 1}),
    Bad("patched raw text (evidence)", "PATCH", f"/documents/{DOCUMENT}", 422, "raw_text",
        json={"raw_text": "rewritten"}),
    Bad("a patched sha256", "PATCH", f"/documents/{DOCUMENT}", 422, "sha256",
        json={"sha256": "0" * 64}),
    Bad("a status through retract", "POST", f"/assertions/{ASSERTION}/retract", 422, "status",
        json={"reason": "withdrawn", "status": "active"}),
    Bad("a key's hash", "POST", "/keys", 422, "key_hash",
        json={"name": "k", "role": "admin", "key_hash": "0" * 64}, role=Role.ADMIN),
    Bad("a misspelt field", "POST", "/claims", 422, "behaviour",
        json=claim(behaviour="cumulative")),
    # -- null for a field that always has a value
    Bad("a null slug", "PATCH", f"/outlets/{OUTLET}", 422, "slug", json={"slug": None}),
    Bad("a null kind", "PATCH", f"/sources/{SOURCE}", 422, "kind", json={"kind": None}),
    Bad("a null title", "PATCH", f"/claims/{QUANTITY_CLAIM}", 422, "title", json={"title": None}),
    Bad("a null value", "PATCH", f"/assertions/{ASSERTION}", 422, "value", json={"value": None}),
    Bad("a null outlet", "PATCH", f"/documents/{DOCUMENT}", 422, "outlet", json={"outlet": None}),
    # -- quotes that do not match the document's text
    Bad("a quote not in the text", "POST", "/assertions", 422, "quote",
        json=assertion(quote={"exact": "no such words anywhere"})),
    Bad("offsets that point elsewhere", "POST", "/assertions", 422, "quote",
        json=assertion(quote={"exact": "1,000", "start": 0, "end": 5})),
    Bad("offsets past the text", "POST", "/assertions", 422, "quote",
        json=assertion(quote={"exact": "1,000", "start": 1_999_990, "end": 1_999_995})),
    Bad("an offset past any text", "POST", "/assertions", 422, "quote.end",
        json=assertion(quote={"exact": "1,000", "start": 0, "end": 2_000_001})),
    # -- types, vocabularies and references (JSON types are kept: no true for 1, no "5")
    Bad("a boolean tolerance", "PATCH", f"/claims/{QUANTITY_CLAIM}", 422, "tolerance",
        json={"tolerance": False}),
    Bad("a number written as text", "POST", "/claims", 422, "tolerance",
        json=claim(tolerance="0.2")),
    Bad("a boolean bound", "POST", "/assertions", 422, "value.low", json=value(low=True, high=1)),
    Bad("a text inclusive flag", "POST", "/assertions", 422, "value.low_inclusive",
        json=value(low=1, high=2, low_inclusive="yes")),
    Bad("a Unix time for a publication", "POST", "/documents", 422, "published_at",
        json=document(published_at=1718600000)),
    Bad("a Unix time as text", "GET", "/assertions?published_to=0.5", 422, "published_to"),
    Bad("a number for an as-of date", "POST", "/assertions", 422, "as_of.start",
        json=assertion(as_of={"start": 86400})),
    Bad("a number of seconds for a date filter", "GET", "/assertions?as_of_from=86400", 422,
        "as_of_from"),
    Bad("a boolean for create_claims", "POST", f"/documents/{DOCUMENT}/extract", 422,
        "create_claims", json={"create_claims": "true"}),
    Bad("no such claim", "POST", "/assertions", 404, "claim", json=assertion(claim="no-claim")),
    Bad("no such source", "POST", "/assertions", 404, "attribution.source",
        json=assertion(attribution={"source": "no-source"})),
    Bad("no such original", "POST", "/documents", 404, "duplicate_of",
        json=document(duplicate_of="no-document")),
    Bad("a boolean reference", "POST", "/assertions", 422, "document",
        json=assertion(document=True)),
    Bad("an id written as text", "POST", "/assertions", 422, "claim", json=assertion(claim="1")),
    Bad("a fractional id", "PATCH", f"/documents/{DOCUMENT}", 422, "outlet",
        json={"outlet": 1.5}),
    Bad("an offset written as text", "POST", "/assertions", 422, "quote.start",
        json=assertion(quote={"exact": "1,000", "start": "5"})),
    Bad("an unknown stance", "POST", "/assertions", 422, "stance", json=assertion(stance="maybe")),
    Bad("dates for a quantity", "POST", "/assertions", 422, "value.low",
        json=value(low="2024-01-01", high="2024-01-02")),
    Bad("numbers for a date", "POST", "/assertions", 422, "value.low", json=dated(low=1, high=2)),
    Bad("a sha256 that is not the text's", "POST", "/documents", 422, "sha256",
        json=document(sha256="0" * 64)),
    Bad("NUL in a name", "POST", "/outlets", 422, "name", json=outlet(name="a\x00b")),
    Bad("NUL in an alias", "POST", "/claims", 422, "aliases", json=claim(aliases=["ok", "\x00"])),
    Bad("NUL in a vague term", "POST", "/claims", 422, "vague_terms",
        json=claim(vague_terms={"dozens\x00": [12, 99]})),
    Bad("NUL in a value's wording", "POST", "/assertions", 422, "value.text",
        json=value(text="1\x00000", low=1, high=1)),
    Bad("NUL in a search", "GET", "/claims?q=%00", 422, "q"),
    Bad("NUL in a filter", "GET", "/assertions?source=tass%00", 422, "source"),
    Bad("a reference of superscript digits", "GET", "/claims/%C2%B2", 422, "ref"),
    Bad("a reference of Arabic-Indic digits", "DELETE", "/outlets/%D9%A3", 422, "ref"),
    Bad("an id past any row", "GET", "/claims/99999999999999999999", 404, None),
    Bad("a key reference of superscript digits", "DELETE", "/keys/%C2%B2", 422, "ref",
        role=Role.ADMIN),
    Bad("a key id past any row", "DELETE", "/keys/9999999999", 404, "key", role=Role.ADMIN),
    Bad("a key reference too long", "DELETE", "/keys/" + "9" * 17, 422, "ref", role=Role.ADMIN),
]
# fmt: on


def test_the_corpus_is_large_and_names_each_case_once():
    assert len(CORPUS) >= 50
    assert len({case.name for case in CORPUS}) == len(CORPUS)


def snapshot(factory: sessionmaker[Session]) -> dict[str, tuple[int, ...]]:
    """What is stored, coarsely: each table's row count, and for tracked rows the sum of
    their versions and how many are deleted (every write bumps one or the other, and
    leaves a revision). API keys' ``last_used_at`` is a hint and is left out."""
    counts: dict[str, tuple[int, ...]] = {}
    with factory() as session:
        for table in Base.metadata.sorted_tables:
            columns = [sa.func.count()]
            if "version" in table.c:
                columns += [
                    sa.func.coalesce(sa.func.sum(table.c.version), 0),
                    sa.func.count(table.c.deleted_at),
                ]
            counts[table.name] = tuple(
                session.execute(sa.select(*columns).select_from(table)).one()
            )
    return counts


async def _chunks(body: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(body), MIB):
        yield body[start : start + MIB]


async def send(client: Any, case: Bad, keys: dict[Role, str]) -> Any:
    headers = {"Authorization": f"Bearer {keys[case.role]}", **case.headers}
    if case.raw is not None:
        headers.setdefault("content-type", "application/json")
        content: Any = _chunks(case.raw) if case.chunked else case.raw
        return await client.request(case.method, case.path, content=content, headers=headers)
    if case.json is not None:
        return await client.request(case.method, case.path, json=case.json, headers=headers)
    return await client.request(case.method, case.path, headers=headers)


def fault(case: Bad, response: Any) -> str | None:
    """Why ``response`` is not the answer ``case`` must get, or None."""
    if response.status_code != case.status:
        return f"status {response.status_code}, not {case.status}: {response.text[:300]}"
    if response.headers.get("content-type") != "application/problem+json":
        return f"content type {response.headers.get('content-type')}"
    problem = response.json()
    if problem.get("status") != case.status or not problem.get("detail"):
        return f"not problem details: {problem}"
    if case.field is not None:
        named = [e["field"] for e in problem.get("errors", [])] + [problem.get("field")]
        if not any(f is not None and f.startswith(case.field) for f in named):
            return f"does not name {case.field!r}: {problem}"
    return None


async def test_malformed_requests_get_problem_details_and_change_nothing(client, seeded, api_keys):
    before = snapshot(seeded)
    faults = []
    for case in CORPUS:
        response = await send(client, case, api_keys)
        assert response.status_code < 500, f"{case.name}: {response.text}"
        if (why := fault(case, response)) is not None:
            faults.append(f"{case.name} ({case.method} {case.path[:60]}): {why}")
        if (after := snapshot(seeded)) != before:
            faults.append(f"{case.name}: the stored rows changed: {before} -> {after}")
            before = after
    assert not faults, "\n".join(faults)


@pytest.mark.parametrize(
    ("published", "cue"),
    [("0001-01-15T00:00:00Z", "last year"), ("9999-12-31T12:00:00Z", "next year")],
)
async def test_the_ends_of_the_calendar_are_read_without_error(client, seeded, published, cue):
    """Valid, if odd: a time cue that would name a day before year 1 or after 9999 names
    none, in an as-of window and in extraction alike."""
    text = f"Some 1,000 sappers went to Kursk {cue}, Shoigu said."
    created = await client.post("/documents", json=document(raw_text=text, published_at=published))
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    asserted = await client.post(
        "/assertions",
        json=assertion(document=key, value={"text": "some 1,000"}, as_of={"text": cue}),
    )
    assert asserted.status_code == 201, asserted.text
    assert asserted.json()["as_of"]["start"] is None
    extracted = await client.post(f"/documents/{key}/extract")
    assert extracted.status_code == 200, extracted.text
    assessed = await client.get(f"/claims/{QUANTITY_CLAIM}/assessment")
    assert assessed.status_code == 200, assessed.text
