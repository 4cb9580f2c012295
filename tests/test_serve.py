"""What `make serve` does, end to end: migrate, seed and serve on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], env=env, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip


@pytest.fixture
def live_server(tmp_path):
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
    _cli("migrate", env=env)
    _cli("seed", env=env)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail("the server did not come up within 30 s")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


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
