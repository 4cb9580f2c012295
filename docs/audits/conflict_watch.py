"""Conflict watch: which figures contradict each other badly enough to look at today?

Lists every conflicting pair of assertions at or above a severity (the gap between the
two values relative to the nearer one, 0..1), grouped by claim, with both outlets, their
wording and their quotes, so an analyst can read the evidence without opening the API.
With --fail it exits with code 1 when there is any, for a scheduled job or CI.

    python docs/audits/conflict_watch.py --url http://127.0.0.1:8000 --min-severity 0.2
"""

from __future__ import annotations

import argparse
import os
from itertools import groupby

from app.client import Client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default=os.environ.get("PROVENANCE_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--api-key", default=os.environ.get("PROVENANCE_API_KEY"))
    parser.add_argument("--min-severity", type=float, default=0.2)
    parser.add_argument("--fail", action="store_true", help="exit 1 when a conflict is found")
    args = parser.parse_args(argv)

    with Client(args.url, api_key=args.api_key) as api:
        conflicts = sorted(
            api.iter_conflicts(min_severity=args.min_severity), key=lambda c: c.claim.slug
        )
    for slug, group in groupby(conflicts, key=lambda c: c.claim.slug):
        pairs = sorted(group, key=lambda c: -c.severity)
        print(f"{pairs[0].claim.title} ({slug}): {len(pairs)} conflict(s)")
        for c in pairs:
            print(f"  severity {c.severity:.2f}: {c.reason}")
            for side in (c.a, c.b):
                quote = f' "{side.quote}"' if side.quote else ""
                print(f"    {side.outlet.name}: {side.value}{quote}")
    print(f"{len(conflicts)} conflict(s) of severity >= {args.min_severity}")
    return 1 if args.fail and conflicts else 0


if __name__ == "__main__":
    raise SystemExit(main())
