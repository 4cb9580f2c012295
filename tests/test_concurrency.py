"""Concurrent clients against a live server on loopback: writers that send If-Match and
retry on 412 lose no update, and readers see an import whole or not at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.domain.vocabulary import Role
from tests.live import serving

WRITERS = 8
INCREMENTS = 10  # per writer
BULK = 700  # records of each of outlet, source and claim in the imported bundle
TIMEOUT = httpx.Timeout(15.0)


@pytest.fixture
def live_server(database_url: str, db: sessionmaker[Session]) -> Iterator[str]:
    """`provenance serve` on the test's (emptied) database; stopped before it is emptied."""
    with serving(os.environ | {"DATABASE_URL": database_url}) as base:
        yield base


def _editor(api_keys: dict[Role, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_keys[Role.EDITOR]}"}


def _count(api: httpx.Client, path: str) -> int:
    """How many live rows ``path`` lists, page by page."""
    total, url = 0, f"{path}?limit=500"
    while url:
        page = api.get(url)
        assert page.status_code == 200, page.text
        total += len(page.json()["items"])
        url = page.json()["next"]
    return total


def test_concurrent_writers_with_if_match_lose_no_update(
    live_server: str, database_url: str, api_keys: dict[Role, str]
) -> None:
    # PostgreSQL locks the row while the version is checked, so a stale writer always gets
    # 412. SQLite has no row locks: a writer that loses the race between its check and its
    # UPDATE is caught by the UPDATE's version condition instead, as 409 edit-conflict.
    retry = {412} if database_url.startswith("postgresql") else {412, 409}
    headers = _editor(api_keys)
    with httpx.Client(base_url=live_server, headers=headers, timeout=TIMEOUT) as api:
        body = {"slug": "counter", "name": "Counter", "kind": "other", "notes": "0"}
        assert api.post("/outlets", json=body).status_code == 201
    start = threading.Barrier(WRITERS)
    deadline = time.monotonic() + 90

    def increment(writer: int) -> int:
        """Add one to the counter INCREMENTS times; returns how many refusals it met."""
        refused = 0
        with httpx.Client(base_url=live_server, headers=headers, timeout=TIMEOUT) as api:
            start.wait(timeout=30)
            done = 0
            while done < INCREMENTS:
                assert time.monotonic() < deadline, f"writer {writer} is still at {done}"
                read = api.get("/outlets/counter")
                value = int(read.json()["notes"])
                write = api.patch(
                    "/outlets/counter",
                    json={"notes": str(value + 1)},
                    headers={"If-Match": read.headers["etag"]},
                )
                if write.status_code in retry:
                    refused += 1
                    continue
                assert write.status_code == 200, write.text
                assert write.headers["etag"] != read.headers["etag"]
                done += 1
        return refused

    with ThreadPoolExecutor(WRITERS) as pool:
        refusals = list(pool.map(increment, range(WRITERS)))

    with httpx.Client(base_url=live_server, timeout=TIMEOUT) as api:
        counter = api.get("/outlets/counter").json()
        history = api.get("/outlets/counter/history", params={"limit": 500}).json()["items"]
    assert counter["notes"] == str(WRITERS * INCREMENTS)
    assert counter["version"] == 1 + WRITERS * INCREMENTS
    actions = Counter(r["action"] for r in history)
    assert actions == {"create": 1, "update": WRITERS * INCREMENTS}
    print(f"{WRITERS} writers x {INCREMENTS}: {sum(refusals)} stale writes refused")


def _bulk_bundle(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(BULK):
            lines: list[dict[str, Any]] = [
                {"type": "outlet", "slug": f"bulk-outlet-{i}", "name": f"Outlet {i}",
                 "kind": "independent"},
                {"type": "source", "slug": f"bulk-source-{i}", "name": f"Source {i}",
                 "kind": "person"},
                {"type": "claim", "slug": f"bulk-claim-{i}", "title": f"Claim {i}",
                 "unit": "people", "value_type": "quantity", "behavior": "fixed"},
            ]  # fmt: skip
            out.writelines(json.dumps(line) + "\n" for line in lines)


def test_readers_see_an_import_whole_or_not_at_all(
    live_server: str, database_url: str, api_keys: dict[Role, str], tmp_path: Path
) -> None:
    bundle = tmp_path / "bulk.ndjson"
    _bulk_bundle(bundle)
    with httpx.Client(base_url=live_server, headers=_editor(api_keys), timeout=TIMEOUT) as api:
        for slug in ("before-1", "before-2"):
            api.post("/outlets", json={"slug": slug, "name": slug, "kind": "wire"})
        before = {"/outlets": _count(api, "/outlets"), "/claims": _count(api, "/claims")}
    assert before == {"/outlets": 2, "/claims": 0}

    seen: dict[str, Counter[int]] = {path: Counter() for path in before}
    importing = threading.Event()
    importing.set()

    def poll(path: str) -> None:
        with httpx.Client(base_url=live_server, timeout=TIMEOUT) as api:
            while importing.is_set():
                seen[path][_count(api, path)] += 1
                time.sleep(0.02)  # leave the importer some of the CPU

    env = os.environ | {"DATABASE_URL": database_url}
    with ThreadPoolExecutor(len(before)) as pool:
        readers = [pool.submit(poll, path) for path in before]
        try:
            started = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-m", "app.cli", "import", str(bundle), "--json"],
                env=env, capture_output=True, text=True, timeout=180,
            )  # fmt: skip
            took = time.monotonic() - started
            time.sleep(0.3)  # let the readers see the committed state too
        finally:
            importing.clear()
        for reader in readers:
            reader.result(timeout=30)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["created"]["claim"] == BULK
    for path, counts in seen.items():
        assert set(counts) <= {before[path], before[path] + BULK}, (path, counts)
        assert counts[before[path] + BULK] > 0, (path, counts)
    during = sum(seen["/claims"].values())
    print(f"import of {3 * BULK} records took {took:.1f} s; readers saw {dict(seen)}")
    assert seen["/claims"][0] > 0, f"no reader polled while the import ran ({during} polls)"
