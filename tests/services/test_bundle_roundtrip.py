"""Export then import into an empty database gives the same data, field by field: the
seeds plus rows that exercise every field a bundle carries."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import selectinload

from app.db.engine import transaction
from app.db.models import Assertion, Claim, Document, Outlet, Source
from app.domain.vocabulary import Qualifier
from app.schemas.records import AssertionRecord
from app.services import bundle
from tests import builders
from tests.conftest import _empty

pytestmark = pytest.mark.anyio

# Bookkeeping of the database that a bundle does not carry (and need not: they say when
# and how often this database changed a row, not what the row is).
_BOOKKEEPING = {"id", "created_at", "updated_at", "deleted_at", "version"}


def _columns(row: Any) -> dict[str, Any]:
    return {
        a.key: getattr(row, a.key)
        for a in type(row).__mapper__.column_attrs
        if a.key not in _BOOKKEEPING
    }


def snapshot(factory) -> dict[str, dict[str, dict[str, Any]]]:
    """Every live row, by natural key, every column with references as natural keys."""
    with transaction(factory) as session:
        outlets = {o.id: o.slug for o in session.scalars(sa.select(Outlet))}
        sources = {s.id: s.slug for s in session.scalars(sa.select(Source))}
        claims = {c.id: c.slug for c in session.scalars(sa.select(Claim))}
        live_docs = session.scalars(sa.select(Document).where(Document.deleted_at.is_(None)))
        documents = {d.id: d.key for d in live_docs}
        assertions = {a.id: a.key for a in session.scalars(sa.select(Assertion))}
        out: dict[str, dict[str, dict[str, Any]]] = {}

        def live(model, *options):
            stmt = sa.select(model).where(model.deleted_at.is_(None)).options(*options)
            return session.scalars(stmt).all()

        out["outlet"] = {o.slug: _columns(o) for o in live(Outlet)}
        out["source"] = {s.slug: _columns(s) for s in live(Source)}
        out["claim"] = {
            c.slug: _columns(c) | {"tags": [t.tag for t in c.tags]}
            for c in live(Claim, selectinload(Claim.tags))
        }
        out["document"] = {}
        for d in live(Document):
            row = _columns(d) | {"outlet_id": outlets[d.outlet_id]}
            # A link to a deleted original is not carried: the bundle holds live rows.
            row["duplicate_of_id"] = documents.get(d.duplicate_of_id)
            if row["duplicate_of_id"] is None:
                row["duplicate_similarity"] = None
            out["document"][d.key] = row
        out["assertion"] = {}
        for a in live(Assertion, selectinload(Assertion.intermediaries)):
            row = _columns(a) | {
                "claim_id": claims[a.claim_id],
                "document_id": documents[a.document_id],
                "source_id": sources.get(a.source_id),
                "superseded_by_id": assertions.get(a.superseded_by_id),
                "via": [sources[link.source_id] for link in a.intermediaries],
            }
            out["assertion"][a.key] = row
    return out


def _export(factory) -> str:
    out = io.StringIO()
    with transaction(factory) as session:
        bundle.export(session, out)
    return out.getvalue()


HTML = (
    "<html><head><title>Kursk</title></head><body><article><h1>Sappers in Kursk</h1>"
    "<p>Seoul's spy agency said about 1,000 North Korean sappers, reportedly, had been sent "
    "by early December, a lawmaker told Yonhap. The figure could not be verified.</p>"
    "<p>Seoul's spy agency said about 1,000 North Korean sappers, reportedly, had been sent "
    "by early December, a lawmaker told Yonhap. The figure could not be verified.</p>"
    "<p>Read more: 5,000 troops killed in Kursk</p></article></body></html>"
)


async def _every_field(client) -> None:
    """Rows through the API (and one bundle line) that use every field of every record."""
    nis = await builders.source(client, name="NIS", kind="agency", affiliation="KR", notes="spy")
    lawmaker = await builders.source(client, name="A lawmaker", kind="person", affiliation=None)
    yonhap = await builders.source(client, name="Yonhap", kind="outlet")
    outlet = await builders.outlet(
        client, domain="koreaherald.com", country="KR", kind="independent", notes="daily"
    )
    count = await builders.claim(
        client, description="Sappers", behavior="snapshot", tolerance=0.2,
        aliases=["deminers"], tags=["kursk", "demining"], vague_terms={"hundreds": [300, 900]},
        notes="counted",
    )  # fmt: skip
    when = await builders.claim(client, unit="date", value_type="date", behavior="fixed")
    where = await builders.claim(client, unit="place", value_type="text")
    html = await builders.document(
        client, outlet=outlet["slug"], raw_text=HTML, url="https://example.org/kursk",
        title="Sappers in Kursk", author="Kim", published_at="2025-12-09T08:30:00+09:00",
        published_precision="minute", retrieved_at="2025-12-10T00:00:00Z", language="ko",
        notes="HTML capture",
    )  # fmt: skip
    article = builders.own_article()
    plain = await builders.document(
        client, outlet=outlet["slug"], published_precision="day", raw_text=article
    )
    copy = await builders.document(
        client, raw_text=article,
        duplicate_of=plain["key"], duplicate_similarity=0.93, clean_text="hand-cleaned",
    )  # fmt: skip
    # Linked to an original stored after it, and a copy of an original later deleted.
    late = await builders.document(client)
    await client.patch(f"/documents/{copy['key']}", json={"duplicate_of": late["key"]})
    gone = await builders.document(client)
    orphan = await builders.document(client, duplicate_of=gone["key"], duplicate_similarity=0.9)
    assert (await client.delete(f"/documents/{gone['key']}")).status_code == 204
    assert orphan

    chained = await builders.assertion(
        client, claim=count["slug"], document=html["key"], hedge="reportedly",
        value={"text": "about 1,000", "qualifier": "approximately", "low": 800, "high": 1200,
               "low_inclusive": False, "high_inclusive": True},
        as_of={"start": "2025-12-01", "end": "2025-12-10", "precision": "day",
               "text": "by early December"},
        attribution={"source": nis["slug"], "via": [lawmaker["slug"], yonhap["slug"]]},
        quote={"exact": "about 1,000 North Korean sappers"}, notes="chain",
    )  # fmt: skip
    await builders.assertion(
        client, claim=count["slug"], document=plain["key"], stance="undisclosed",
        value={"text": "not disclosed"}, quote=None,
    )  # fmt: skip
    await builders.assertion(
        client, claim=count["slug"], document=plain["key"], stance="denies",
        value={"text": "more than 1,000", "qualifier": "more_than", "low": 1000},
    )  # fmt: skip
    await builders.assertion(
        client, claim=when["slug"], document=plain["key"], quote=None,
        value={"text": "June 2025", "qualifier": "range", "low": "2025-06-01",
               "high": "2025-06-30"},
    )  # fmt: skip
    await builders.assertion(
        client, claim=where["slug"], document=plain["key"], quote=None,
        value={"text": "the capital", "normalized": "Pyongyang"},
    )  # fmt: skip
    retracted = await builders.assertion(client, claim=count["slug"], document=plain["key"])
    response = await client.post(f"/assertions/{retracted['key']}/retract", json={"reason": "x"})
    assert response.status_code == 200
    deleted = await builders.assertion(client, claim=count["slug"], document=plain["key"])
    assert (await client.delete(f"/assertions/{deleted['key']}")).status_code == 204
    deleted_outlet = await builders.outlet(client)
    assert (await client.delete(f"/outlets/{deleted_outlet['slug']}")).status_code == 204
    assert chained


def _superseded(factory) -> None:
    line = {
        "type": "assertion", "key": "old-figure", "claim": "nk-sappers-sent-to-kursk",
        "document": "seed-000", "value": {"text": "1,000 sappers", "qualifier": "exact",
        "low": 1000, "high": 1000}, "quote": {"exact": "1,000 sappers"},
        "status": "superseded", "created_by": "extractor:x/1", "creator_kind": "extractor",
    }  # fmt: skip
    with transaction(factory) as session:
        bundle.import_lines(session, [json.dumps(line)], "test")


async def test_export_then_import_into_an_empty_database_gives_the_same_rows(
    client, seeded, engine
):
    await _every_field(client)
    _superseded(seeded)
    before = snapshot(seeded)
    exported = _export(seeded)

    _empty(engine)
    with transaction(seeded) as session:
        report = bundle.import_lines(session, exported.splitlines(), "test:round-trip")
    assert report.created["assertion"] == len(before["assertion"])

    after = snapshot(seeded)
    for kind in bundle.TYPES:
        assert after[kind].keys() == before[kind].keys(), kind
        for key, row in before[kind].items():
            assert after[kind][key] == row, (kind, key)
    assert _export(seeded) == exported
    # Every field was exercised: a field always empty would compare trivially.
    docs = before["document"].values()
    assert any(d["excluded_spans"] for d in docs)
    assert any(d["plain_text"] for d in docs)
    assert any(d["duplicate_of_id"] for d in docs)
    statuses = {a["status"].value for a in before["assertion"].values()}
    assert statuses == {"active", "retracted", "superseded"}
    assert any(len(a["via"]) == 2 for a in before["assertion"].values())


# --- any assertion record survives import then export -----------------------------------

_SETUP = [
    {"type": "outlet", "slug": "wire", "name": "Wire", "kind": "wire"},
    *({"type": "source", "slug": s, "name": s.upper(), "kind": "agency"} for s in "abc"),
    {"type": "claim", "slug": "count", "title": "A count", "unit": "people"},
    {"type": "document", "key": "doc", "outlet": "wire", "raw_text": "Some 1,000 people."},
]
_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)
_magnitude = st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False)


@st.composite
def assertion_records(draw: st.DrawFn) -> dict[str, Any]:
    low = draw(_magnitude)
    high = draw(st.one_of(st.none(), _magnitude.map(lambda x: low + x)))
    start = draw(st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1))))
    end = draw(st.one_of(st.none(), st.integers(0, 400).map(
        lambda d: (start or date(2000, 1, 1)) + timedelta(days=d))))  # fmt: skip
    sources = draw(st.permutations("abc"))
    chain = sources[: draw(st.integers(0, 3))]
    return {
        "type": "assertion",
        "key": f"a-{draw(st.integers(0, 3))}",  # a key met again is an update
        "claim": "count",
        "document": "doc",
        "value": {
            "text": draw(_text),
            "qualifier": draw(st.sampled_from([q.value for q in Qualifier])),
            "low": low,
            "high": high,
            "low_inclusive": draw(st.booleans()),
            "high_inclusive": draw(st.booleans()),
        },
        "as_of": draw(
            st.one_of(
                st.none(),
                st.builds(
                    lambda p, t: {
                        "start": start and start.isoformat(),
                        "end": end and end.isoformat(),
                        "precision": p,
                        "text": t,
                    },
                    st.sampled_from([None, "day", "month", "year"]),
                    st.one_of(st.none(), _text),
                ),
            )
        ),
        "hedge": draw(st.one_of(st.none(), _text)),
        "attribution": {"source": chain[0] if chain else None, "via": list(chain[1:])},
        "quote": None,
        "created_by": draw(st.sampled_from(["analyst:x", "extractor:e/1", "key:k"])),
        "creator_kind": draw(st.sampled_from(["person", "extractor", "import"])),
        "status": draw(st.sampled_from(["active", "retracted", "superseded"])),
        "notes": draw(st.one_of(st.none(), _text)),
    }


# An as-of that only says how precise it is (found by reading: kept by export since).
_PRECISION_ONLY = {
    "type": "assertion", "key": "a-precision", "claim": "count", "document": "doc",
    "value": {"text": "1,000", "qualifier": "exact", "low": 1000, "high": 1000},
    "as_of": {"start": None, "end": None, "precision": "month", "text": None},
}  # fmt: skip


def test_any_assertion_record_is_exported_as_it_was_imported(db):
    with transaction(db) as session:
        bundle.import_lines(session, [json.dumps(r) for r in _SETUP], "test")

    @settings(max_examples=20, deadline=None, database=None, derandomize=True)
    @given(assertion_records())
    @example(_PRECISION_ONLY)
    def round_trip(record: dict[str, Any]) -> None:
        with transaction(db) as session:
            bundle.import_lines(session, [json.dumps(record)], "test")
        with transaction(db) as session:
            exported = [r for r in bundle.export_records(session) if r.get("key") == record["key"]]
        expected = AssertionRecord.model_validate(record).model_dump(mode="json")
        if expected["as_of"] and not any(expected["as_of"].values()):
            expected["as_of"] = None  # an as-of of nothing is no as-of
        assert len(exported) == 1
        for field in expected:
            assert (field, exported[0][field]) == (field, expected[field])

    round_trip()
