"""Reads at scale: load-test the assessment, assertion and conflict endpoints of a live
server against a constant endpoint of the same app, time one claim's assessment at
growing sizes, and a write followed by a read on a 10,000-assertion claim.

    python -m bench.reads --scale 1.0          # the full run (a million assertions)
    python -m bench.reads --scale 0.01         # a quick one

Needs `wrk` (Debian: `apt-get install wrk`). Every throughput is printed as a ratio to
`GET /ping` measured in the same run, with the absolute numbers beside it.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from app.db.engine import make_engine, make_session_factory
from app.db.models import Assertion, Claim, Document
from bench.synthetic import add_claim

ROOT = Path(__file__).resolve().parent.parent
SCALING_SIZES = (1_000, 10_000, 100_000)


def _env(url: str) -> dict[str, str]:
    return os.environ | {"DATABASE_URL": url, "LOG_LEVEL": "warning"}


def _cli(url: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=_env(url), capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return done.stdout


def build_database(workdir: Path, scale: float, seed: int) -> str:
    """The generated bundle imported into SQLite, plus one synthetic claim per scaling
    size; reused when the file exists."""
    database = workdir / f"reads-{scale}-{seed}.sqlite"
    url = f"sqlite:///{database}"
    if database.exists():
        _cli(url, "migrate")  # built by an earlier version: bring it up to date
        return url
    bundle = workdir / f"bundle-{scale}-{seed}.ndjson"
    if not bundle.exists():
        print(f"generating {bundle} ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "bench.generate", "--scale", str(scale), "--seed", str(seed),
             "--out", str(bundle)], check=True, cwd=ROOT,
        )  # fmt: skip
    partial = database.with_suffix(".partial")
    partial_url = f"sqlite:///{partial}"
    partial.unlink(missing_ok=True)
    _cli(partial_url, "migrate")
    started = time.perf_counter()
    _cli(partial_url, "import", "--no-assess", str(bundle))
    print(f"imported the bundle in {time.perf_counter() - started:.0f} s", flush=True)
    engine = make_engine(partial_url)
    for n in SCALING_SIZES:
        add_claim(engine, n, seed=seed)
    engine.dispose()
    partial.rename(database)
    return url


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(url: str) -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=_env(url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/ping", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not come up within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # still busy with requests wrk gave up on
            server.kill()
            server.wait()


_LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def _seconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def load(
    base: str, paths: list[str], *, seconds: int, connections: int, workdir: Path
) -> dict[str, Any]:
    """``wrk`` cycling through ``paths``: requests/s, p50, p99 and failed responses."""
    script = workdir / f"paths-{os.getpid()}-{random.randrange(10**9)}.lua"
    script.write_text(_LUA % ", ".join(json.dumps(p) for p in paths))
    try:
        out = subprocess.run(
            ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s",
             "--latency", "-s", str(script), base],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        script.unlink(missing_ok=True)
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.MULTILINE))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)$", out, re.MULTILINE)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    done = re.search(r"(\d+) requests in", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        # No distribution when no request finished within the run.
        "p50": _seconds(latency["50"]) if "50" in latency else None,
        "p99": _seconds(latency["99"]) if "99" in latency else None,
        "requests": int(done.group(1)) if done else 0,
        "failed": int(failed.group(1)) if failed else 0,
        "socket_errors": errors.group(1) if errors else None,
    }


def _save(results: dict[str, Any], path: Path | None) -> None:
    """Every figure so far, so that an interrupted run keeps what it measured."""
    if path is not None:
        path.write_text(json.dumps(results, indent=2))


def _load(
    base: str, paths: list[str], args: argparse.Namespace, connections: int | None = None
) -> dict[str, Any]:
    result = load(
        base,
        paths,
        seconds=args.seconds,
        connections=connections or args.connections,
        workdir=args.workdir,
    )
    _drain(base)
    return result


def _drain(base: str, *, within: float = 0.05, patience: float = 180) -> None:
    """Wait until the server answers ``/ping`` quickly again: requests wrk gave up on
    when its time ran out would otherwise slow the next measurement."""
    deadline = time.monotonic() + patience
    with httpx.Client(base_url=base, timeout=patience) as client:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            client.get("/ping")
            if time.perf_counter() - started < within:
                return
            time.sleep(0.5)


def pick_claims(url: str, seed: int) -> dict[str, list[int]]:
    """Claims with 2..100 live assertions (a sample), and the synthetic scaling claims."""
    engine = make_engine(url)
    with engine.connect() as conn:
        sizes = conn.execute(
            sa.select(Assertion.claim_id, sa.func.count())
            .where(Assertion.deleted_at.is_(None))
            .group_by(Assertion.claim_id)
        ).all()
        synthetic = dict(
            conn.execute(
                sa.select(Claim.title, Claim.id).where(Claim.slug.like("syn-claim-%"))
            ).all()
        )
    engine.dispose()
    rng = random.Random(seed)
    small = sorted(c for c, n in sizes if 2 <= n <= 100)
    picked = rng.sample(small, min(300, len(small)))
    return {
        "small": picked,
        **{f"synthetic-{n}": [synthetic[f"Synthetic {n}"]] for n in SCALING_SIZES},
        "largest-generated": [max((c for c, n in sizes if not _is_synthetic(c, synthetic)),
                                  key=dict(sizes).__getitem__)],
    }  # fmt: skip


def _is_synthetic(claim_id: int, synthetic: dict[str, int]) -> bool:
    return claim_id in synthetic.values()


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_domain(url: str, claim_id: int, repeat: int) -> dict[str, float]:
    """The domain assessment alone (facts already loaded), and the loading of the facts."""
    from app.db.evidence_rows import live_assertion_rows
    from app.domain.assessment import assess
    from app.services.evidence import evidence

    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        claim = session.get(Claim, claim_id)
        assert claim is not None
        load_times, assess_times = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            ev = evidence(session, claim, live_assertion_rows(session, [claim_id]))
            loaded = time.perf_counter()
            assess(ev.facts, claim.behavior, claim.value_type)
            load_times.append(loaded - started)
            assess_times.append(time.perf_counter() - loaded)
    engine.dispose()
    return {"load": min(load_times), "assess": min(assess_times), "n": len(ev.facts)}


def assess_all(url: str) -> dict[str, float]:
    """``provenance assess``: every claim left stale (by the import, or by assessment code
    that changed since the last run), timed."""
    started = time.perf_counter()
    out = _cli(url, "assess")
    seconds = time.perf_counter() - started
    done = re.search(r"assessed (\d+) claim", out)
    return {"claims": int(done.group(1)) if done else 0, "seconds": seconds}


def mark_stale(url: str, claim_id: int) -> None:
    """A no-op write the triggers see: the claim's stored assessment is stale."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.update(Claim).where(Claim.id == claim_id).values(title=Claim.title))
    engine.dispose()


def time_requests(
    base: str, path: str, repeat: int, *, before: Callable[[], None] | None = None
) -> list[float]:
    times = []
    with httpx.Client(base_url=base, timeout=120) as client:
        for _ in range(repeat):
            if before is not None:
                before()
            started = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - started)
            response.raise_for_status()
    return times


def writes(base: str, url: str, claim_id: int, key: str, repeat: int) -> dict[str, list[float]]:
    """Add one assertion to the claim, then read its assessment: each timed.

    Through the standard library's ``http.client`` on one kept-alive connection: it reads
    a body of known length in one call, where httpx parses it in 64 KB pieces in Python
    (~20 ms more for the 4 MB of a 10,000-assertion claim's assessment, a cost of the
    client, not of the service). Each answer is checked after its time is taken."""
    engine = make_engine(url)
    with engine.connect() as conn:
        document = conn.scalar(sa.select(Document.id).order_by(Document.id).limit(1))
    engine.dispose()
    write_times, read_times = [], []
    headers = {"X-API-Key": key, "Content-Type": "application/json"}
    address = httpx.URL(base)
    client = http.client.HTTPConnection(address.host, address.port, timeout=120)

    def call(method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, bytes]:
        client.request(method, path, None if body is None else json.dumps(body), headers)
        response = client.getresponse()
        return response.status, response.read()

    try:
        for i in range(repeat):
            value = 10_000 + i
            body = {
                "claim": claim_id, "document": document,
                "value": {"text": f"{value:,}", "qualifier": "exact", "low": value, "high": value},
            }  # fmt: skip
            started = time.perf_counter()
            status, created = call("POST", "/assertions", body)
            written = time.perf_counter()
            read_status, read = call("GET", f"/claims/{claim_id}/assessment")
            answered = time.perf_counter()
            assert status == 201, created
            assert read_status == 200, read[:500]
            timeline = {e["assertion"] for e in json.loads(read)["timeline"]}
            assert json.loads(created)["id"] in timeline
            write_times.append(written - started)
            read_times.append(answered - written)
        # Once more, then the conflicts list at once: it assesses the stale claim first.
        body["value"] = {"text": "1", "qualifier": "exact", "low": 1, "high": 1}
        status, created = call("POST", "/assertions", body)
        assert status == 201, created
        started = time.perf_counter()
        status, page = call("GET", "/conflicts")
        after = time.perf_counter() - started
        assert status == 200, page[:500]
    finally:
        client.close()
    return {"write": write_times, "read": read_times, "conflicts_after_write": [after]}


def _ms(x: float | None) -> str:
    return "-" if x is None else f"{x * 1000:,.1f} ms"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "provenance-bench"
    )
    parser.add_argument("--seconds", type=int, default=10, help="Load per endpoint")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--json", type=Path, help="Also write every figure here")
    parser.add_argument("--report", type=Path, help="Print the figures of a --json file and stop")
    args = parser.parse_args(argv)
    if args.report:
        report(json.loads(args.report.read_text()), args.connections, args.seconds)
        return
    if shutil.which("wrk") is None:
        raise SystemExit(
            "bench.reads needs wrk: apt-get install wrk (Debian/Ubuntu), brew install wrk"
        )
    args.workdir.mkdir(parents=True, exist_ok=True)
    url = build_database(args.workdir, args.scale, args.seed)
    claims = pick_claims(url, args.seed)
    key = _cli(url, "keys", "create", f"bench-{os.getpid()}").strip().splitlines()[-1]
    results: dict[str, Any] = {
        "scale": args.scale,
        "seed": args.seed,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        "load": {},
    }
    print(
        f"machine: {os.cpu_count()} CPUs, {results['date']}; scale {args.scale}, seed {args.seed}"
    )

    scaling: dict[int, dict[str, float]] = {}
    for n in SCALING_SIZES:
        print(f"timing the assessment of {n:,} assertions ...", flush=True)
        scaling[n] = time_domain(url, claims[f"synthetic-{n}"][0], repeat=3 if n < 100_000 else 1)

    results["scaling"] = scaling
    print("assessing every claim (provenance assess) ...", flush=True)
    results["assess_all"] = assess_all(url)
    _save(results, args.json)
    big = claims["synthetic-10000"][0]
    small = claims["small"]
    with serving(url) as base:
        time_requests(base, "/ping", 20)  # warm up
        for n in SCALING_SIZES:
            claim = claims[f"synthetic-{n}"][0]
            path = f"/claims/{claim}/assessment"
            # Computed: the claim marked stale before each read; then stored reads.
            runs = time_requests(
                base, path, 3 if n < 100_000 else 1, before=partial(mark_stale, url, claim)
            )
            scaling[n]["endpoint"] = min(runs)
            scaling[n]["stored"] = min(time_requests(base, path, 5))
        targets = {
            "baseline GET /ping": ["/ping"],
            "assessment, claims of <= 100 assertions": [f"/claims/{c}/assessment" for c in small],
            "assessment, 10,000-assertion claim": [f"/claims/{big}/assessment"],
            f"assessment, largest generated claim ({claims['largest-generated'][0]})": [
                f"/claims/{claims['largest-generated'][0]}/assessment"
            ],
            "GET /assertions?claim= (small claims)": [f"/assertions?claim={c}" for c in small],
            # The machine is shared: the baseline again, and the ratios to the mean of both.
            "baseline GET /ping, again": ["/ping"],
        }
        for name, paths in targets.items():
            print(f"loading: {name} ...", flush=True)
            # One connection on one huge claim: its latency, not a queue of them.
            single = len(paths) == 1 and "assessment" in paths[0]
            results["load"][name] = _load(base, paths, args, 1 if single else None)
            _save(results, args.json)
        print("writing ...", flush=True)
        results["writes"] = writes(base, url, big, key, repeat=30)
        _save(results, args.json)
        _drain(base)
        # Last: requests still queued when wrk stops would slow whatever came next.
        print("loading: GET /conflicts ...", flush=True)
        results["load"]["GET /conflicts (first page)"] = _load(base, ["/conflicts"], args, 1)

    _save(results, args.json)
    report(results, args.connections, args.seconds)


def report(results: dict[str, Any], connections: int, seconds: int) -> None:
    """The figures as Markdown, ready for RESULTS.md."""
    pings = [r["rps"] for name, r in results["load"].items() if name.startswith("baseline")]
    baseline = statistics.mean(pings)
    print(f"\n## Load (wrk, 1 thread, {connections} connections, {seconds} s each)\n")
    print(f"Baseline: the mean of the two `/ping` runs, {baseline:,.0f} req/s.\n")
    print("| endpoint | req/s | ratio to /ping | p50 | p99 | requests | failed |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results["load"].items():
        cells = [name, f"{r['rps']:,.0f}", f"{r['rps'] / baseline:.0%}", _ms(r["p50"]),
                 _ms(r["p99"]), f"{r['requests']:,}", str(r["failed"])]  # fmt: skip
        print(f"| {' | '.join(cells)} |")
    scaling = results["scaling"]
    print("\n## Scaling of one claim's assessment (fastest of the runs)\n")
    print("| assertions | load facts | domain assess | endpoint, computed | endpoint, stored |")
    print("|---:|---:|---:|---:|---:|")
    for n, t in scaling.items():
        cells = [f"{int(n):,}", _ms(t["load"]), _ms(t["assess"]), _ms(t["endpoint"]),
                 _ms(t.get("stored"))]  # fmt: skip
        print(f"| {' | '.join(cells)} |")
    for smaller, larger in itertools.pairwise(scaling):
        a, b = scaling[smaller], scaling[larger]
        ratios = {k: b[k] / a[k] for k in ("assess", "load", "endpoint")}
        print(
            f"- {int(smaller):,} -> {int(larger):,}: domain x{ratios['assess']:.1f}, "
            f"loading x{ratios['load']:.1f}, endpoint x{ratios['endpoint']:.1f}"
        )
    if "assess_all" in results:
        a = results["assess_all"]
        print(
            f"\n`provenance assess` after the import: {a['claims']:,} stale claims in "
            f"{a['seconds']:,.1f} s"
        )
    w = results["writes"]
    print(f"\n## Writes on the 10,000-assertion claim ({len(w['write'])} times)\n")
    for name, label in (("write", "POST /assertions"), ("read", "then GET its assessment")):
        p50, p99 = statistics.median(w[name]), _percentile(w[name], 0.99)
        print(f"- {label}: p50 {_ms(p50)}, p99 {_ms(p99)}")
    if "conflicts_after_write" in w:
        print(
            f"- one more write, then `GET /conflicts` at once (it assesses that claim "
            f"first): {_ms(w['conflicts_after_write'][0])}"
        )


if __name__ == "__main__":
    main()
