"""What `make serve` does, end to end: migrate, seed and serve on loopback."""

from __future__ import annotations

import httpx
import pytest

from tests.live import seeded_server


@pytest.fixture
def live_server(tmp_path):
    with seeded_server(tmp_path / "serve.db") as base:
        yield base


def test_served_api_answers_with_the_seed_and_the_docs_page(live_server):
    with httpx.Client(base_url=live_server, timeout=5) as client:
        health = client.get("/health").json()
        assert health == {"status": "ok", "version": health["version"], "database": "sqlite"}
        assert len(client.get("/documents").json()["items"]) == 5
        assert client.get("/claims/nk-sappers-sent-to-kursk").json()["assertions"]
        docs = client.get("/docs")
        assert docs.status_code == 200
        assert "swagger" in docs.text.lower()
        spec = client.get("/openapi.json").json()
        assert {"/claims", "/assertions", "/documents", "/outlets", "/sources"} <= set(
            spec["paths"]
        )
