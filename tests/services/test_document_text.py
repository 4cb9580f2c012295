"""Documents' texts computed ahead of their batch in a worker process (``TextsAhead``):
the same texts as computed in the importer, a failed worker changes nothing but speed,
a caller's script is not run again by the worker, and an import that uses it links a
copy to an original stored by an earlier batch, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from app.config import REPO_ROOT
from app.db.engine import transaction
from app.db.models import Document
from app.services import bundle, ingest
from app.services.document_text import TextsAhead, document_text
from tests.builders import ARTICLE, own_article

HTML = "<html><body><article><p>Kim sent 1,000 sappers to Kursk.</p></article></body></html>"


def _texts(count: int) -> list[tuple[str, str | None]]:
    texts: list[tuple[str, str | None]] = [(own_article(), None) for _ in range(count)]
    texts[1] = (HTML, None)  # an HTML capture: its reader text
    texts[2] = (own_article(), "hand-cleaned text of the article")
    texts[3] = ("too short", None)  # no fingerprint
    return texts


def test_the_worker_computes_what_the_importer_would() -> None:
    texts = _texts(40)
    with TextsAhead(start_after=0) as ahead:
        for key, (raw, clean) in enumerate(texts, start=1):
            ahead.give(key, raw, clean)
        assert ahead.worker is not None  # started, and asked for the texts
        assert ahead.sent
        for key, (raw, clean) in enumerate(texts, start=1):
            assert ahead.take(key, raw, clean) == document_text(raw, clean)
        assert not ahead.sent
    assert ahead.worker is None  # stopped on leaving


def test_a_small_import_starts_no_worker() -> None:
    with TextsAhead(start_after=5) as ahead:
        for key, (raw, clean) in enumerate(_texts(5), start=1):
            ahead.give(key, raw, clean)
        assert ahead.worker is None
        raw, clean = _texts(5)[4]
        assert ahead.take(5, raw, clean) == document_text(raw, clean)


def test_a_killed_worker_leaves_the_texts_to_the_importer() -> None:
    texts = _texts(40)
    with TextsAhead(start_after=0) as ahead:
        for key, (raw, clean) in enumerate(texts[:20], start=1):
            ahead.give(key, raw, clean)
        assert ahead.worker is not None
        ahead.worker.kill()
        ahead.worker.wait()
        for key, (raw, clean) in enumerate(texts[:20], start=1):
            assert ahead.take(key, raw, clean) == document_text(raw, clean)
        assert ahead.worker is None  # given up
        for key, (raw, clean) in enumerate(texts[20:], start=21):
            ahead.give(key, raw, clean)  # not started again
            assert ahead.worker is None
            assert ahead.take(key, raw, clean) == document_text(raw, clean)


def test_untaken_texts_are_forgotten() -> None:
    with TextsAhead(start_after=0) as ahead:
        for key, (raw, clean) in enumerate(_texts(40), start=1):
            ahead.give(key, raw, clean)
        ahead.done(through=16)
        assert min(ahead.sent) == 17


def test_a_script_without_a_main_guard_runs_once(tmp_path: Path) -> None:
    # A fresh interpreter of ``multiprocessing`` would import the script again, and
    # run it; the worker is its own program.
    script = tmp_path / "audit.py"
    script.write_text(
        textwrap.dedent(f"""
            from app.services.document_text import TextsAhead, document_text
            print("script ran", flush=True)
            texts = [({ARTICLE!r} + str(i), None) for i in range(40)]
            with TextsAhead(start_after=0) as ahead:
                for key, (raw, clean) in enumerate(texts):
                    ahead.give(key, raw, clean)
                assert ahead.worker is not None
                for key, (raw, clean) in enumerate(texts):
                    assert ahead.take(key, raw, clean) == document_text(raw, clean)
            print("texts ok", flush=True)
        """),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120,
        cwd=tmp_path, env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["script ran", "texts ok"]


def test_a_copy_in_a_later_batch_links_its_stored_original(
    db: sessionmaker[Session], tmp_path: Path
) -> None:
    # Batches of three lines: the original is stored two batches before its copy, which
    # does not name it; the LSH buckets find it. Texts from the worker.
    original = own_article()
    lines = [{"type": "outlet", "slug": "wire", "name": "Wire"}]
    lines += [
        {"type": "document", "key": f"doc-{i}", "outlet": "wire", "raw_text": own_article()}
        for i in range(6)
    ]
    lines.insert(2, {"type": "document", "key": "original", "outlet": "wire",
                     "raw_text": original})  # fmt: skip
    lines.append({"type": "document", "key": "copy", "outlet": "wire",
                  "raw_text": "Syndicated from the Wire.\n" + original})  # fmt: skip
    report = bundle.ImportReport()
    with transaction(db) as session:
        ingest.import_records(
            session, bundle.parse_lines([json.dumps(line) for line in lines]), "test", report,
            batch_size=3, worker_after=0,
        )  # fmt: skip
    assert report.created["document"] == 8
    with db() as session:
        found = {d.key: d for d in session.scalars(sa.select(Document).order_by(Document.id))}
    assert found["copy"].duplicate_of_id == found["original"].id
    assert found["copy"].duplicate_similarity is not None
    assert found["copy"].duplicate_similarity >= 0.8
    assert all(d.duplicate_of_id is None for key, d in found.items() if key != "copy")
    for line in lines[1:]:
        key, expected = str(line["key"]), document_text(str(line["raw_text"]))
        assert found[key].sha256 == expected.sha256
        assert found[key].clean_text == expected.derived["clean_text"]
        assert expected.fingerprint is not None
        assert list(found[key].minhash or []) == list(expected.fingerprint.signature)


@pytest.fixture(autouse=True)
def _no_stray_workers() -> Iterator[None]:
    """Every worker a test starts has ended when it is done."""
    yield
    assert _my_workers() == set()


def _my_workers() -> set[str]:
    """The texts workers this process started (other test processes run their own)."""
    found = set()
    for process in Path("/proc").glob("[0-9]*"):
        try:
            if b"app.services.document_text" not in (process / "cmdline").read_bytes():
                continue
            status = (process / "status").read_text()
        except OSError:  # it ended
            continue
        if f"\nPPid:\t{os.getpid()}\n" in status:
            found.add(process.name)
    return found
