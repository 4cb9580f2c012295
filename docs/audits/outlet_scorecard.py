"""Outlet scorecard: how often does each outlet's reporting agree with everyone else's?

For every outlet, sums its record over all claims: its assertions, how many of them agree
or conflict with other outlets' comparable figures, how many stand in the consensus or
dissent from it, and its agreement rate. Prints a Markdown table, least reliable first,
ready to paste into a report.

    python docs/audits/outlet_scorecard.py --url http://127.0.0.1:8000 > scorecard.md
"""

from __future__ import annotations

import argparse
import os

from app.client import Client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default=os.environ.get("PROVENANCE_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--api-key", default=os.environ.get("PROVENANCE_API_KEY"))
    args = parser.parse_args(argv)

    with Client(args.url, api_key=args.api_key) as api:
        records = [api.outlets.record(outlet.id) for outlet in api.outlets.iterate()]
    # Unknown rates (nothing compared) last; then the lowest agreement first.
    records.sort(key=lambda r: (r.agreement_rate is None, r.agreement_rate or 0.0))
    print("| outlet | kind | assertions | agree | conflict | in consensus | dissent | rate |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in records:
        rate = "n/a" if r.agreement_rate is None else f"{r.agreement_rate:.0%}"
        print(
            f"| {r.outlet.name} | {r.outlet.kind} | {r.assertions} | {r.agreements} "
            f"| {r.conflicts} | {r.in_consensus} | {r.dissenting} | {rate} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
