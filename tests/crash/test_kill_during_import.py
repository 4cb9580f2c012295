"""SIGKILL in the middle of `provenance import` and of `provenance seed`, with the server
killed at the same moment, on SQLite and on PostgreSQL: the database comes back intact,
holding all of the bundle or none of it, and the same command then runs to completion.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import threading
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from app.config import REPO_ROOT
from app.db.engine import make_engine, make_session_factory, transaction
from app.services import bundle
from tests.crash.bundles import count_records, write_bundle
from tests.crash.checks import (
    empty_tables,
    integrity_problems,
    record_counts,
    table_counts,
    wait_until_alone,
    write_under_way,
)
from tests.crash.processes import HeldBundle, Server, finish, start, start_with_server

SEEDS = REPO_ROOT / "seeds"
WRITER = "provenance-crash-test"  # the PostgreSQL session name of the command killed
# Documents in the large bundle (each with two assertions): enough for the import to take
# some seconds on each backend (it stores new records in batches, some thousands a second,
# and shows its progress after each batch of ``app.services.ingest.BATCH`` lines).
DOCUMENTS = {"sqlite": 3000, "postgresql": 2500}
TIMEOUT = 60  # any single wait


def environment(url: str) -> dict[str, str]:
    return os.environ | {"DATABASE_URL": url, "SEEDS_DIR": str(SEEDS)}


def named(url: str) -> str:
    """``url`` with the PostgreSQL session named, so that its writes can be seen."""
    if make_url(url).get_backend_name() != "postgresql":
        return url
    return (
        make_url(url)
        .update_query_dict({"application_name": WRITER})
        .render_as_string(hide_password=False)
    )


def seed_in_process(url: str) -> None:
    engine = make_engine(url)
    try:
        with transaction(make_session_factory(engine)) as session:
            bundle.import_file(session, SEEDS / "bundle.ndjson", "test:crash")
    finally:
        engine.dispose()


def held_seeds(folder: Path) -> HeldBundle:
    """A copy of seeds/ whose bundle `provenance seed` waits on until released."""
    shutil.copytree(SEEDS / "documents", folder / "documents")
    return HeldBundle(folder / "bundle.ndjson", (SEEDS / "bundle.ndjson").read_bytes())


class Reader(threading.Thread):
    """Lists the outlets through the server, over and over, until stopped: what each
    read saw (the number of outlets) or how it failed."""

    def __init__(self, base_url: str) -> None:
        super().__init__(daemon=True)
        self.base_url = base_url
        self.seen: list[int | str] = []
        self._stopped = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=5) as client:
            while not self._stopped.is_set():
                try:
                    answer = client.get("/outlets", params={"limit": 500})
                    ok = answer.status_code == 200
                    self.seen.append(len(answer.json()["items"]) if ok else answer.text[:200])
                except httpx.HTTPError as exc:
                    self.seen.append(repr(exc))
                time.sleep(0.05)

    def wait_for_a_read(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.seen:
            assert time.monotonic() < deadline, f"no read answered within {timeout} s"
            time.sleep(0.02)

    def stop(self) -> list[int | str]:
        """Stop; what the reads saw until now."""
        seen = list(self.seen)
        self._stopped.set()
        self.join(timeout=10)
        return seen


def test_import_killed_halfway_with_the_server_stores_nothing_and_then_completes(
    own_database_url: str, tmp_path: Path
) -> None:
    url = own_database_url
    backend = make_url(url).get_backend_name()
    seed_in_process(url)
    before = table_counts(url)
    big = tmp_path / "big.ndjson"
    in_bundle = write_bundle(big, DOCUMENTS[backend])
    lines = sum(in_bundle.values())
    env = environment(url)

    with ExitStack() as cleanup:
        held = HeldBundle(tmp_path / "held.ndjson", big.read_bytes())
        cleanup.callback(held.close)
        server, importer = start_with_server(
            ["import", str(held.path)], held, env, environment(named(url)), tmp_path
        )
        cleanup.callback(server.stop)
        cleanup.callback(importer.close)
        reader = Reader(server.base_url)
        reader.start()
        cleanup.callback(reader.stop)
        reader.wait_for_a_read(TIMEOUT)
        shown = importer.wait_for_line(lines // 2, timeout=TIMEOUT)
        assert shown < lines, f"the import ended before half of it was seen:\n{importer.output}"
        writing = write_under_way(url, WRITER)
        importer.kill()
        server.kill()
        seen = reader.stop()
    assert writing, "no write transaction was open at the moment of the kill"
    # Reads during the import saw the outlets of before it, never some of the bundle's.
    assert {s for s in seen if isinstance(s, int)} == {before["outlets"]}, seen

    wait_until_alone(url)
    assert integrity_problems(url) == []
    assert table_counts(url) == before, f"killed at line {shown}/{lines}: part of it was stored"

    with ExitStack() as cleanup:  # restarted, and the same import run to its end
        server = Server(env, tmp_path)
        cleanup.callback(server.stop)
        completing = start("import", str(big), "--json", env=env, cwd=tmp_path)
        health = server.wait_until_healthy(TIMEOUT)
        assert (health["status"], health["database"]) == ("ok", backend)
        report = json.loads(finish(completing, timeout=2 * TIMEOUT))
        assert report["created"] == dict(in_bundle)
        outlets = httpx.get(f"{server.base_url}/outlets", params={"limit": 500}, timeout=5)
        assert len(outlets.json()["items"]) == before["outlets"] + in_bundle["outlet"]
    assert record_counts(table_counts(url)) == record_counts(before) + in_bundle
    assert integrity_problems(url) == []
    reads = sum(isinstance(s, int) for s in seen)
    print(
        f"\n{backend}: import of {lines} records killed at line {shown} with the server "
        f"({reads} reads served during the import): nothing stored, database intact"
    )


def test_seed_killed_at_random_moments_with_the_server_leaves_all_of_it_or_none(
    own_database_url: str, tmp_path: Path
) -> None:
    url = own_database_url
    backend = make_url(url).get_backend_name()
    empty = table_counts(url)
    in_seed = count_records(SEEDS / "bundle.ndjson")
    lines = len((SEEDS / "bundle.ndjson").read_text(encoding="utf-8").splitlines())
    env = environment(url)
    chosen = random.randrange(2**32)
    rng = random.Random(chosen)
    # The progress bar is redrawn ten times a second, so a kill lands at the first redraw
    # past a random line, then a random moment later: before the commit or after it.
    kill_points = sorted(rng.randint(1, lines - 1) for _ in range(3))
    outcomes: list[tuple[int, str, bool, dict[str, int]]] = []

    for attempt, point in enumerate(kill_points):
        with ExitStack() as cleanup:
            held = held_seeds(tmp_path / f"seeds-{attempt}")
            cleanup.callback(held.close)
            seed_env = environment(named(url)) | {"SEEDS_DIR": str(held.path.parent)}
            server, seed = start_with_server(["seed"], held, env, seed_env, tmp_path)
            cleanup.callback(server.stop)
            cleanup.callback(seed.close)
            shown = seed.wait_for_line(point, timeout=TIMEOUT)
            time.sleep(rng.uniform(0, 0.3))
            writing = write_under_way(url, WRITER)
            seed.kill()
            server.kill()
        wait_until_alone(url)
        where = f"kill at line {shown}/{lines} (aimed at {point}; random seed {chosen})"
        assert integrity_problems(url) == [], where
        counts = table_counts(url)
        stored = record_counts(counts)
        if stored == in_seed:
            outcomes.append((shown, "all", writing, counts))
            empty_tables(url)  # so that the next kill again interrupts a seed that creates
        else:
            assert counts == empty, f"{where}: a part of the seed was stored: {stored}"
            outcomes.append((shown, "none", writing, counts))

    with ExitStack() as cleanup:
        server = Server(env, tmp_path)
        cleanup.callback(server.stop)
        seeding = start("seed", "--json", env=env, cwd=tmp_path)
        assert server.wait_until_healthy(TIMEOUT)["status"] == "ok"
        report = json.loads(finish(seeding, timeout=TIMEOUT))
    assert report["created"] == dict(in_seed)
    full = table_counts(url)
    assert record_counts(full) == Counter(in_seed)
    assert integrity_problems(url) == []
    for _, outcome, _, counts in outcomes:
        if outcome == "all":
            assert counts == full  # every table, revisions and fingerprints included
    summary = ", ".join(
        f"line {shown} ({'writing' if writing else 'not writing'}): {outcome}"
        for shown, outcome, writing, _ in outcomes
    )
    print(f"\n{backend}: seed of {lines} lines killed at {summary}; then seeded in full")
