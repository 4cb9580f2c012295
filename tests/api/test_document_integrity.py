"""Documents say whether their stored text still matches the sha256 taken at capture."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from app.db.engine import transaction

pytestmark = pytest.mark.anyio


async def test_text_altered_after_capture_no_longer_matches_its_sha256(
    client: httpx.AsyncClient, seeded: sessionmaker[Session]
) -> None:
    listed = (await client.get("/documents")).json()["items"]
    assert listed
    assert all(d["text_matches_sha256"] for d in listed)

    with transaction(seeded) as session:
        session.execute(
            sa.text("UPDATE documents SET raw_text = raw_text || '!' WHERE key = 'seed-001'")
        )
    listed = (await client.get("/documents")).json()["items"]
    assert {d["key"] for d in listed if not d["text_matches_sha256"]} == {"seed-001"}
    detail = (await client.get("/documents/seed-001")).json()
    assert detail["text_matches_sha256"] is False
    assert detail["sha256"] == next(d["sha256"] for d in listed if d["key"] == "seed-001")


async def test_a_new_document_matches_its_sha256(client: httpx.AsyncClient) -> None:
    await client.post("/outlets", json={"slug": "wire", "name": "Wire"})
    created = await client.post("/documents", json={"outlet": "wire", "raw_text": "Some 40 left."})
    assert created.status_code == 201
    assert created.json()["text_matches_sha256"] is True
