"""Databases with one claim of n assertions, written straight through SQLAlchemy Core:
the scaling benchmark needs claims far larger than a realistic bundle holds."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.db.models import Assertion, Claim, Document, Outlet, Source

OUTLETS = 200
SOURCES = 400
DOCUMENTS_PER_OUTLET = 50


def _rows(table: sa.Table, rows: list[dict[str, Any]], engine: Engine) -> None:
    with engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(sa.insert(table), rows[start : start + 5000])


def ensure_world(engine: Engine, seed: int = 7) -> list[int]:
    """Outlets, sources and documents shared by every synthetic claim; the document ids."""
    with engine.connect() as conn:
        existing = list(conn.scalars(sa.select(Document.id).where(Document.key.like("syn-%"))))
    if existing:
        return existing
    rng = random.Random(seed)
    now = datetime(2025, 1, 1, tzinfo=UTC)
    _rows(Outlet.__table__, [  # type: ignore[arg-type]
        {"slug": f"syn-outlet-{i}", "name": f"Outlet {i}", "kind": "wire", "created_at": now,
         "updated_at": now, "version": 1} for i in range(OUTLETS)], engine)  # fmt: skip
    _rows(Source.__table__, [  # type: ignore[arg-type]
        {"slug": f"syn-source-{i}", "name": f"Source {i}", "kind": "person", "created_at": now,
         "updated_at": now, "version": 1} for i in range(SOURCES)], engine)  # fmt: skip
    with engine.connect() as conn:
        outlets = list(conn.scalars(sa.select(Outlet.id).where(Outlet.slug.like("syn-%"))))
    docs = []
    for i in range(OUTLETS * DOCUMENTS_PER_OUTLET):
        published = now + timedelta(days=rng.randrange(0, 365))
        docs.append(
            {"key": f"syn-doc-{i}", "outlet_id": outlets[i % len(outlets)], "raw_text": "x",
             "sha256": f"{i:064d}", "published_at": published, "content_type": "text/plain",
             "created_at": now, "updated_at": now, "version": 1}
        )  # fmt: skip
    _rows(Document.__table__, docs, engine)  # type: ignore[arg-type]
    with engine.connect() as conn:
        return list(conn.scalars(sa.select(Document.id).where(Document.key.like("syn-%"))))


def add_claim(
    engine: Engine, n: int, *, behavior: str = "fixed", seed: int = 7, conflicting: float = 0.05
) -> int:
    """A quantity claim with ``n`` assertions around 10,000 (``conflicting`` of them far off)."""
    rng = random.Random(seed + n)
    documents = ensure_world(engine, seed)
    with engine.connect() as conn:
        sources = list(conn.scalars(sa.select(Source.id).where(Source.slug.like("syn-%"))))
    now = datetime(2025, 1, 1, tzinfo=UTC)
    slug = f"syn-claim-{behavior}-{n}-{rng.randrange(10**9)}"
    with engine.begin() as conn:
        claim_id = conn.execute(
            sa.insert(Claim.__table__).returning(Claim.__table__.c.id),  # type: ignore[arg-type]
            {"slug": slug, "title": f"Synthetic {n}", "unit": "people", "value_type": "quantity",
             "behavior": behavior, "tolerance": 0.1, "aliases": [], "vague_terms": {},
             "created_at": now, "updated_at": now, "version": 1},
        ).scalar_one()  # fmt: skip
    rows = []
    for i in range(n):
        value = (
            rng.gauss(10_000, 300) if rng.random() >= conflicting else rng.uniform(20_000, 40_000)
        )
        approx = rng.random() < 0.5
        low, high = (value * 0.9, value * 1.1) if approx else (value, value)
        day = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 365))
        rows.append(
            {"key": f"{slug}-{i}", "claim_id": claim_id, "document_id": rng.choice(documents),
             "source_id": rng.choice(sources) if rng.random() < 0.7 else None,
             "stance": "asserts", "status": "active", "value_text": f"{value:,.0f}",
             "qualifier": "approximately" if approx else "exact", "low": low, "high": high,
             "low_inclusive": True, "high_inclusive": True, "as_of_start": day, "as_of_end": day,
             "created_by": "bench", "creator_kind": "import", "created_at": now,
             "updated_at": now, "version": 1}
        )  # fmt: skip
    _rows(Assertion.__table__, rows, engine)  # type: ignore[arg-type]
    return int(claim_id)
