"""The web views in real headless Chromium, served live from the seeded database.

Each page is rendered by the browser and its DOM checked against the API's JSON twin;
screenshots are taken into tmp_path and, with ``UPDATE_SCREENSHOTS=1``, copied to
``docs/screenshots/`` (the ones the README shows).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn

from app.config import REPO_ROOT, Settings
from app.db import migrate
from app.db.engine import transaction
from app.main import create_app
from app.services import bundle
from tests.browser import dom_and_screenshot, find_chromium
from tests.conftest import SEED_BUNDLE
from tests.live import free_port

SHOTS = REPO_ROOT / "docs" / "screenshots"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A live uvicorn on 127.0.0.1 (a free port) over a seeded SQLite file, in a thread of
    this process: the app is already imported, so it is up in a moment."""
    url = f"sqlite:///{tmp_path_factory.mktemp('ui') / 'ui.db'}"
    migrate.upgrade(url)
    app = create_app(Settings(database_url=url, seeds_dir=REPO_ROOT / "seeds"))
    with transaction(app.state.session_factory) as session:
        bundle.import_file(session, SEED_BUNDLE, "test:seed")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not come up within 30 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.engine.dispose()


@pytest.fixture(scope="module")
def chromium():
    return find_chromium()


def _load(chromium: str, url: str, name: str, tmp_path: Path, size: str = "1280,1000") -> str:
    """The page's DOM as Chromium rendered it; its screenshot is checked and kept."""
    path = tmp_path / name
    dom = dom_and_screenshot(chromium, url, path, size=size)
    data = path.read_bytes()
    assert data.startswith(PNG)
    assert len(data) > 20_000, "a blank page compresses to almost nothing"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, SHOTS / name)
    return dom


def _plotted(assessment: dict) -> list[int]:
    """Timeline entries that have a value interval and a time: the ones drawn as bars."""
    return [
        e["assertion"]
        for e in assessment["timeline"]
        if e["stance"] == "asserts"
        and e["text"] is None
        and (e["low"] is not None or e["high"] is not None)
        and (e["as_of_start"] or e["as_of_end"] or e["published_at"])
    ]


def test_claims_list(served, chromium, tmp_path):
    dom = _load(chromium, f"{served}/ui/claims", "claims.png", tmp_path)
    claims = httpx.get(f"{served}/claims", params={"limit": 25}).json()["items"]
    for claim in claims:
        assert claim["title"].replace("'", "&#39;") in dom or claim["title"] in dom
    assert 'class="badge conflict"' in dom  # the seed's troops claim has a conflict
    assert 'href="/claims?limit=25"' in dom  # the JSON twin


def test_claim_page_draws_a_bar_per_assertion(served, chromium, tmp_path):
    slug = "nk-troops-deployed-to-russia"
    dom = _load(chromium, f"{served}/ui/claims/{slug}", "claim.png", tmp_path, "1280,1500")
    assessment = httpx.get(f"{served}/claims/{slug}/assessment").json()
    bars = re.findall(r'<rect class="bar[^"]*" data-assertion="(\d+)"', dom)
    assert sorted(map(int, bars)) == sorted(_plotted(assessment))
    assert len(bars) >= 2
    in_conflict = {c[s]["assertion"] for c in assessment["conflicts"] for s in ("a", "b")}
    conflict_bars = re.findall(r'<rect class="bar conflict[^"]*" data-assertion="(\d+)"', dom)
    assert {int(i) for i in conflict_bars} == in_conflict != set()
    assert dom.count('class="consensus"') >= len(assessment["windows"])
    for conflict in assessment["conflicts"]:
        # the quote, highlighted inside its sentence
        assert f"<mark>{conflict['a']['quote']}</mark>" in dom
    assert '<title id="chart-title">' in dom


def test_conflicts_page_lists_every_conflict(served, chromium, tmp_path):
    dom = _load(chromium, f"{served}/ui/conflicts", "conflicts.png", tmp_path)
    conflicts = httpx.get(f"{served}/conflicts").json()["items"]
    assert conflicts
    assert dom.count('<li class="conflict-entry">') == len(conflicts)
    for c in conflicts:
        assert f"/ui/claims/{c['claim']['slug']}" in dom
        assert c["a"]["outlet"]["name"] in dom
        assert c["b"]["outlet"]["name"] in dom


def test_document_page_marks_quotes_and_greys_exclusions(served, chromium, tmp_path):
    dom = _load(chromium, f"{served}/ui/documents/seed-000", "document.png", tmp_path, "1280,1700")
    document = httpx.get(f"{served}/documents/seed-000").json()
    marks = re.findall(r'<mark data-assertions="[^"]*"><a href="#a-(\d+)">', dom)
    anchored = [a for a in document["assertions"] if a["quote"] and a["quote"]["start"] is not None]
    assert {int(m) for m in marks} == {a["id"] for a in anchored}
    for a in anchored:
        assert f'id="q-{a["id"]}"' in dom
    reasons = {s["reason"] for s in document["excluded_spans"]}
    greyed = set(re.findall(r'<span class="excluded" data-reason="([a-z_]+)"', dom))
    assert greyed == reasons != set()
