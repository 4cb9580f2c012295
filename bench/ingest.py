"""The ingest benchmark: `provenance import` of a generated bundle against bare inserts.

    python -m bench.ingest --scale 0.1          # a quick run (115,250 records)
    python -m bench.ingest                      # the full run: scale 1, 1,152,500 records

In one run, on the same bundle (``bench.generate``):

- SQLite: the import into a fresh, migrated database file, and the baseline
  ``sqlite-utils insert BASE records BUNDLE --nl --alter``: the same rows into one bare
  table (no keys, no checks, no indexes);
- PostgreSQL (a throwaway database on the server of ``--postgres``, migrated with Alembic
  as the app does): the import, and the baseline: psycopg's ``COPY`` of the same rows
  (type, natural key, the record as jsonb) into a bare table. Then its floor: the rows the
  import stored, copied back with ``COPY`` into a fresh migrated database (``child_floor``),
  the server's own share of any import of this schema, as a ratio to the baseline too.

Every figure is the wall time of a child process, measured the same way for the import
and its baseline. The import runs in its own child (as ``provenance import`` does: one
transaction) and reports its peak memory (its own and its worker's resident memory
together). It prints each rate as a ratio to its baseline, with the absolute numbers.
Targets: >= 50% of the baseline on SQLite, >= 30% on PostgreSQL, peak memory < 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

POSTGRES = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TARGETS = {"sqlite": 0.50, "postgresql": 0.30}
MEMORY_MB = 500
NATURAL = {
    "outlet": "slug",
    "source": "slug",
    "claim": "slug",
    "document": "key",
    "assertion": "key",
}


@dataclass
class Timed:
    seconds: float
    rows: int
    peak_mb: float | None = None

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


def _child(*args: str) -> tuple[float, dict[str, Any]]:
    """Run ``python -m bench.ingest`` with ``args`` in a child; its wall time and report."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.ingest", *args],
        capture_output=True, text=True, check=False, cwd=Path(__file__).parent.parent,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:1])} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, json.loads(done.stdout.strip().splitlines()[-1])


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _rss_kib(pid: int | str) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # it ended
        return 0
    return next((int(line.split()[1]) for line in status.splitlines()
                 if line.startswith("VmRSS:")), 0)  # fmt: skip


def _cmdline(pid: int | str) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # it ended
        return b""


def _children(pid: int) -> list[str]:
    """The children of ``pid`` that run a program of their own. A child between its fork
    and its exec still has its parent's command line and memory (with vfork, the very same
    pages): counted, it would add the parent's memory twice (once seen: 575 MB for 445)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with suppress(OSError):
            found.extend(task.read_text().split())
    own = _cmdline(pid)
    return [child for child in found if _cmdline(child) != own]


class TreePeak(threading.Thread):
    """The largest resident memory of this process and its children together (the
    import's worker for documents' texts), sampled every 50 ms: their own max RSS cannot
    be added, as a child's counts its parent's memory at the fork."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kib = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.stopped.wait(0.05):
            total = _rss_kib(me) + sum(_rss_kib(child) for child in _children(me))
            self.peak_kib = max(self.peak_kib, total)

    def stop(self) -> float:
        self.stopped.set()
        self.join()
        return max(self.peak_kib / 1024, _peak_mb())


# ---- children ----------------------------------------------------------------------


def child_import(url: str, bundle_path: str) -> None:
    """Import ``bundle_path`` into ``url`` in one transaction, as `provenance import` does."""
    from app.db.engine import make_engine, make_session_factory, transaction
    from app.services import bundle

    engine = make_engine(url)
    memory = TreePeak()
    memory.start()
    try:
        with transaction(make_session_factory(engine)) as session:
            report = bundle.import_file(session, Path(bundle_path), "bench:ingest")
    finally:
        engine.dispose()
    print(json.dumps({"rows": report.lines, "created": report.as_dict()["created"],
                      "peak_mb": memory.stop()}))  # fmt: skip


def child_copy(url: str, bundle_path: str) -> None:
    """The PostgreSQL baseline: COPY every record into a bare table."""
    import psycopg
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    rows = 0
    with psycopg.connect(plain) as conn:
        conn.execute("CREATE TABLE records (type text, key text, record jsonb)")
        sql = "COPY records (type, key, record) FROM STDIN"
        with (
            conn.cursor() as cur,
            cur.copy(sql) as copy,
            open(bundle_path, encoding="utf-8") as lines,
        ):
            for line in lines:
                record = json.loads(line)
                kind = record["type"]
                copy.write_row((kind, record[NATURAL[kind]], line.rstrip("\n")))
                rows += 1
    print(json.dumps({"rows": rows, "peak_mb": _peak_mb()}))


def child_floor(imported_url: str, url: str) -> None:
    """PostgreSQL's floor: the rows an import stored, copied as they are into a fresh
    migrated database (its keys, checks, foreign keys, triggers and indexes in place),
    table by table, parents first: the server's own share of any import of this bundle,
    with no parsing, checking or preparing at all. Stale marks are left to the triggers."""
    import psycopg
    from sqlalchemy.engine import make_url

    from app.db.models import Base

    def plain(u: str) -> str:
        return make_url(u).set(drivername="postgresql").render_as_string(hide_password=False)

    skip = {"stale_claims", "stale_documents"}  # written by the triggers of the copy
    rows = 0
    with psycopg.connect(plain(imported_url)) as source, psycopg.connect(plain(url)) as target:
        for table in Base.metadata.sorted_tables:
            if table.name in skip:
                continue
            names = ", ".join(f'"{c.name}"' for c in table.columns)
            out_sql = f'COPY (SELECT {names} FROM "{table.name}") TO STDOUT (FORMAT BINARY)'
            in_sql = f'COPY "{table.name}" ({names}) FROM STDIN (FORMAT BINARY)'
            with source.cursor() as out_cursor, target.cursor() as in_cursor:
                with out_cursor.copy(out_sql) as out, in_cursor.copy(in_sql) as into:
                    for data in out:
                        into.write(data)
                rows += in_cursor.rowcount
    print(json.dumps({"rows": rows, "peak_mb": _peak_mb()}))


# ---- databases ---------------------------------------------------------------------


def _admin(base: str) -> Any:
    import sqlalchemy as sa

    return sa.create_engine(base, isolation_level="AUTOCOMMIT")


def _new_postgres(base: str, prefix: str) -> str:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = _admin(base)
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def _drop_postgres(base: str, url: str) -> None:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    engine = _admin(base)
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


def _migrated(url: str) -> str:
    from app.db import migrate

    migrate.upgrade(url, "head")
    return url


# ---- the run -----------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    from bench.generate import generate

    work = Path(tempfile.mkdtemp(prefix="bench-ingest-", dir=args.workdir))
    results: dict[str, Any] = {"scale": args.scale, "seed": args.seed}
    try:
        bundle = args.bundle or work / "bundle.ndjson"
        if args.bundle is None:
            start = time.perf_counter()
            with bundle.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
                counts = generate(args.scale, args.seed, out)
            results["generated"] = dict(counts)
            results["generate_seconds"] = round(time.perf_counter() - start, 1)
        rows = sum(1 for _ in bundle.open("rb"))
        results["rows"] = rows
        results["bundle_mb"] = round(bundle.stat().st_size / 2**20, 1)
        _say(f"bundle: {rows:,} records, {results['bundle_mb']} MB")

        if "sqlite" in args.backends:
            url = _migrated(f"sqlite:///{work / 'import.db'}")
            seconds, report = _child("_import", url, str(bundle))
            imported = Timed(seconds, report["rows"], report["peak_mb"])
            _say(f"sqlite import: {imported.rate:,.0f} rows/s")
            tool = shutil.which("sqlite-utils") or str(Path(sys.executable).parent / "sqlite-utils")
            start = time.perf_counter()
            subprocess.run(
                [tool, "insert", str(work / "base.db"), "records", str(bundle), "--nl", "--alter"],
                check=True, capture_output=True,
            )  # fmt: skip
            base = Timed(time.perf_counter() - start, rows)
            _say(f"sqlite-utils insert: {base.rate:,.0f} rows/s")
            results["sqlite"] = _figures(imported, base, "sqlite")
            if args.keep:
                results["sqlite"]["database"] = url

        if "postgresql" in args.backends:
            url = _migrated(_new_postgres(args.postgres, "bench_ingest"))
            copy_url = _new_postgres(args.postgres, "bench_copy")
            floor_url = _migrated(_new_postgres(args.postgres, "bench_floor"))
            try:
                seconds, report = _child("_import", url, str(bundle))
                imported = Timed(seconds, report["rows"], report["peak_mb"])
                _say(f"postgresql import: {imported.rate:,.0f} rows/s")
                seconds, copied = _child("_copy", copy_url, str(bundle))
                base = Timed(seconds, copied["rows"])
                _say(f"postgresql COPY: {base.rate:,.0f} rows/s")
                seconds, floor_report = _child("_floor", url, floor_url)
                floor = Timed(seconds, rows)  # the bundle's records, as the import's rate
                _say(f"postgresql floor (the stored rows copied back): {floor.rate:,.0f} rows/s")
            finally:
                _drop_postgres(args.postgres, copy_url)
                _drop_postgres(args.postgres, floor_url)
                if not args.keep:
                    _drop_postgres(args.postgres, url)
            results["postgresql"] = _figures(imported, base, "postgresql")
            results["postgresql"].update(
                floor_seconds=round(floor.seconds, 2),
                floor_rows_per_s=round(floor.rate),
                floor_table_rows=floor_report["rows"],
                floor_ratio=round(floor.rate / base.rate, 3),
            )
            if args.keep:
                results["postgresql"]["database"] = url
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            results["workdir"] = str(work)
    return results


def _figures(imported: Timed, base: Timed, backend: str) -> dict[str, Any]:
    ratio = imported.rate / base.rate
    return {
        "import_seconds": round(imported.seconds, 2),
        "import_rows_per_s": round(imported.rate),
        "baseline_seconds": round(base.seconds, 2),
        "baseline_rows_per_s": round(base.rate),
        "ratio": round(ratio, 3),
        "target_ratio": TARGETS[backend],
        "ratio_ok": ratio >= TARGETS[backend],
        "import_peak_mb": round(imported.peak_mb or 0, 1),
        "memory_ok": (imported.peak_mb or 0) < MEMORY_MB,
    }


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _print(results: dict[str, Any]) -> None:
    baseline = {"sqlite": "sqlite-utils insert", "postgresql": "COPY"}
    print(
        f"\n## Ingest: scale {results['scale']}, seed {results['seed']}, "
        f"{results['rows']:,} records ({results['bundle_mb']} MB), {os.cpu_count()} CPUs, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n"
    )
    print(
        "| backend | import rows/s (s) | baseline | baseline rows/s (s) "
        "| ratio (target) | import peak RSS (target) |"
    )
    print("|---|---|---|---|---|---|")
    for backend in ("sqlite", "postgresql"):
        f = results.get(backend)
        if f is None:
            continue
        ok = "ok" if f["ratio_ok"] else "BELOW"
        mem = "ok" if f["memory_ok"] else "OVER"
        print(
            f"| {backend} | {f['import_rows_per_s']:,} ({f['import_seconds']}) "
            f"| {baseline[backend]} | {f['baseline_rows_per_s']:,} ({f['baseline_seconds']}) "
            f"| {f['ratio']:.2f} (>= {f['target_ratio']:.2f}: {ok}) "
            f"| {f['import_peak_mb']:.0f} MB (< {MEMORY_MB}: {mem}) |"
        )
    f = results.get("postgresql")
    if f is not None:
        print(
            f"\nPostgreSQL floor: the {f['floor_table_rows']:,} rows the import stored, copied "
            f"back into a fresh migrated database, take {f['floor_seconds']} s: "
            f"{f['floor_rows_per_s']:,} records/s, ratio {f['floor_ratio']:.2f} to COPY "
            "(no import of this schema can beat it)."
        )


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_import":
        return child_import(argv[1], argv[2])
    if argv and argv[0] == "_copy":
        return child_copy(argv[1], argv[2])
    if argv and argv[0] == "_floor":
        return child_floor(argv[1], argv[2])
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 1,000,000 assertions")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bundle", type=Path, help="an existing bundle instead of generating")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])  # fmt: skip
    parser.add_argument("--postgres", default=POSTGRES, help="server for throwaway databases")
    parser.add_argument("--workdir", type=Path, default=None, help="where the files go")
    parser.add_argument("--keep", action="store_true", help="keep the databases and files")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    results = run(args)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        _print(results)


if __name__ == "__main__":
    main()
