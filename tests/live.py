"""A live server on loopback for tests that need a real socket (browser, CLI, load)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], env=env, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip


@contextmanager
def seeded_server(database: Path) -> Iterator[str]:
    """`make serve` on an SQLite file: migrate, seed, serve on 127.0.0.1; yields the URL."""
    env = os.environ | {"DATABASE_URL": f"sqlite:///{database}"}
    cli("migrate", env=env)
    cli("seed", env=env)
    with serving(env) as base:
        yield base


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    """`provenance serve` on 127.0.0.1 with ``env`` (its DATABASE_URL); yields the URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
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
