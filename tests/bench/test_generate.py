"""The benchmark's generator and the batched import it feeds, on SQLite and PostgreSQL.

A generated bundle (``bench.generate``, scale 0.001: 1,161 records) goes through the
real import; the batched path stores exactly what the per-record path stores; a bad
line names its line and leaves nothing behind.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from app.db.engine import transaction
from app.db.models import Base
from app.domain.errors import BundleError
from app.services import bundle, ingest
from bench.generate import generate, scaled
from tests.conftest import _empty

pytestmark = pytest.mark.anyio

SCALE = 0.001
SEED = 7


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Counter[str]]:
    path = tmp_path_factory.mktemp("bench") / "bundle.ndjson"
    with path.open("w", encoding="utf-8") as out:
        counts = generate(SCALE, SEED, out)
    return path, counts


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@given(scale=st.floats(0.0001, 0.0008), seed=st.integers(0, 2**32))
@settings(max_examples=8, deadline=None)
def test_the_generator_is_deterministic_counts_as_scaled_and_quotes_stand_where_stated(
    scale: float, seed: int
) -> None:
    first, second = io.StringIO(), io.StringIO()
    counts = generate(scale, seed, first)
    generate(scale, seed, second)
    assert first.getvalue() == second.getvalue()
    assert dict(counts) == scaled(scale)
    texts: dict[str, str] = {}
    for line in first.getvalue().splitlines():
        record = json.loads(line)
        if record["type"] == "document":
            texts[record["key"]] = record["raw_text"]
        elif record["type"] == "assertion":
            quote = record["quote"]
            text = texts[record["document"]]  # its document stands earlier
            assert text[quote["start"] : quote["end"]] == quote["exact"]
            assert record["value"]["text"] in quote["exact"]
    assert Counter(json.loads(line)["type"] for line in first.getvalue().splitlines()) == counts


@given(seed=st.integers(0, 2**32))
@settings(max_examples=5, deadline=None)
def test_claim_sizes_are_skewed(seed: int) -> None:
    # At 2,000 assertions over 200 claims (below that the head claims are capped at a
    # tenth of all assertions and a handful of claims says nothing about skew).
    out = io.StringIO()
    generate(0.002, seed, out)
    by_claim = Counter(
        record["claim"]
        for record in map(json.loads, out.getvalue().splitlines())
        if record["type"] == "assertion"
    )
    sizes = sorted(by_claim.values(), reverse=True)
    assert sizes[0] >= 5 * sizes[len(sizes) // 2]  # the head claim dwarfs the median


def _import(db: sessionmaker[Session], path: Path) -> bundle.ImportReport:
    with transaction(db) as session:
        return bundle.import_file(session, path, "test:bench")


def _count(db: sessionmaker[Session], table: str) -> int:
    with db() as session:
        return int(session.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


async def test_a_generated_bundle_imports_in_full_and_its_claims_assess(
    db: sessionmaker[Session], client: httpx.AsyncClient, generated: tuple[Path, Counter[str]]
) -> None:
    path, counts = generated
    report = _import(db, path)
    assert report.created == counts
    tables = {"outlet": "outlets", "source": "sources", "claim": "claims",
              "document": "documents", "assertion": "assertions"}  # fmt: skip
    for kind, table in tables.items():
        assert _count(db, table) == counts[kind]
    assert _count(db, "revisions") == sum(counts.values())

    records = _records(path)
    per_claim = Counter(r["claim"] for r in records if r["type"] == "assertion")
    conflicted = 0
    for slug, size in [*per_claim.most_common(3), *sorted(per_claim.items())[:5]]:
        listed = await client.get("/assertions", params={"claim": slug, "limit": 500})
        assert listed.status_code == 200, listed.text
        assert len(listed.json()["items"]) == size
        answer = await client.get(f"/claims/{slug}/assessment")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["claim"]["slug"] == slug
        conflicted += body["conflicts_total"] > 0
    assert conflicted >= 1  # the head claims hold some of the ~5% conflicting values
    # A quote stands in its document where the bundle says.
    one = next(r for r in records if r["type"] == "assertion" and r["attribution"]["via"])
    answer = await client.get(f"/assertions/{one['key']}")
    assert answer.status_code == 200, answer.text
    shown = json.dumps(answer.json())
    assert one["quote"]["exact"][:40] in shown


def _head(path: Path, lines: int, out: Path) -> Path:
    kept = path.read_text(encoding="utf-8").splitlines(keepends=True)[:lines]
    out.write_text("".join(kept), encoding="utf-8")
    return out


_SKIP = {"created_at", "updated_at", "at"}


def _contents(db: sessionmaker[Session]) -> dict[str, list[Any]]:
    """Every table's rows (bookkeeping times left out); revisions by what they are about."""
    found: dict[str, list[Any]] = {}
    with db() as session:
        for table in Base.metadata.sorted_tables:
            if table.name == "api_keys":
                continue
            rows = session.execute(sa.select(table).order_by(*table.primary_key.columns))
            found[table.name] = [
                {k: v for k, v in row._mapping.items() if k not in _SKIP} for row in rows
            ]
    # Stale marks: which claims and documents are marked, not how many marks (PostgreSQL's
    # statement triggers leave one per statement, and the two imports batch differently).
    found["stale_claims"] = sorted({r["claim_id"] for r in found["stale_claims"]})
    found["stale_documents"] = sorted({r["document_id"] for r in found["stale_documents"]})
    for revision in found["revisions"]:
        revision.pop("id")
        revision["after"] = {k: v for k, v in revision["after"].items() if k not in _SKIP}
    found["revisions"].sort(key=lambda r: (r["entity_type"], r["entity_id"]))
    return found


def test_the_batched_import_stores_what_the_per_record_import_stores(
    db: sessionmaker[Session], generated: tuple[Path, Counter[str]], tmp_path: Path
) -> None:
    # Outlets, sources, claims and the first documents with their assertions.
    size = generated[1]["outlet"] + generated[1]["source"] + generated[1]["claim"] + 80
    small = _head(generated[0], size, tmp_path / "small.ndjson")
    contents = []
    # Batched with documents' texts from the worker, batched without, record by record.
    for fast, worker_after in ((True, 0), (True, None), (False, None)):
        _empty(db.kw["bind"])
        report = bundle.ImportReport()
        with transaction(db) as session, small.open(encoding="utf-8") as lines:
            ingest.import_records(
                session, bundle.parse_lines(lines), "test:bench", report, fast=fast,
                batch_size=97, worker_after=worker_after,
            )  # fmt: skip
        assert sum(report.created.values()) == size
        contents.append(_contents(db))
    with_worker, batched, one_by_one = contents
    assert batched.keys() == one_by_one.keys() == with_worker.keys()
    for table in batched:
        assert batched[table] == one_by_one[table], table
        assert with_worker[table] == one_by_one[table], table
    assert len(batched["document_bands"]) > 0
    assert len(batched["assertion_intermediaries"]) > 0


def test_a_bad_line_in_a_batch_is_named_and_nothing_is_stored(
    db: sessionmaker[Session], generated: tuple[Path, Counter[str]], tmp_path: Path
) -> None:
    lines = generated[0].read_text(encoding="utf-8").splitlines()
    at = max(i for i, line in enumerate(lines[:170]) if '"type":"assertion"' in line)
    record = json.loads(lines[at])
    record["quote"]["start"] += 1  # the offsets no longer hold the exact text
    lines[at] = json.dumps(record)
    bad = tmp_path / "bad.ndjson"
    bad.write_text("\n".join(lines[:180]) + "\n", encoding="utf-8")
    with pytest.raises(BundleError) as caught:
        _import(db, bad)
    assert caught.value.line == at + 1
    assert "quote offsets" in caught.value.detail
    assert _count(db, "outlets") == 0
    assert _count(db, "revisions") == 0


def test_a_record_may_not_refer_to_one_later_in_its_batch(
    db: sessionmaker[Session], generated: tuple[Path, Counter[str]], tmp_path: Path
) -> None:
    lines = generated[0].read_text(encoding="utf-8").splitlines()
    first_doc = next(i for i, line in enumerate(lines) if '"type":"document"' in line)
    # The document's first assertion moved before it: it names a document not yet stored.
    lines[first_doc], lines[first_doc + 1] = lines[first_doc + 1], lines[first_doc]
    swapped = tmp_path / "swapped.ndjson"
    swapped.write_text("\n".join(lines[: first_doc + 20]) + "\n", encoding="utf-8")
    with pytest.raises(BundleError) as caught:
        _import(db, swapped)
    assert caught.value.line == first_doc + 1
    assert "document" in caught.value.detail
    assert _count(db, "documents") == 0
