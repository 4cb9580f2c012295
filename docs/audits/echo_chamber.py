"""Echo chambers: which claims look well supported only because outlets repeat one voice?

For every claim, compares how many outlets stand behind its consensus with how many
independent sources they really are (assertions whose attribution ends at the same
source, or syndicated copies, count once). Claims with more outlets than voices are
listed, most echoed first, with who the voices are.

    python docs/audits/echo_chamber.py --url http://127.0.0.1:8000 --tag kursk
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
    parser.add_argument("--tag", help="only the claims with this tag")
    args = parser.parse_args(argv)

    echoed = []
    with Client(args.url, api_key=args.api_key) as api:
        for claim in api.claims.iterate(tag=args.tag):
            assessment = api.claims.assessment(claim.id, conflict_limit=0)
            consensus = assessment.consensus
            if consensus is None or consensus.outlets <= consensus.independent_sources:
                continue
            # The voices of the agreement group the consensus stands on.
            voices = next(
                (
                    g.voices
                    for g in assessment.agreement_groups
                    if set(consensus.supporting) <= set(g.assertions)
                ),
                [],
            )
            echoed.append((claim.slug, consensus.outlets, consensus.independent_sources, voices))
    echoed.sort(key=lambda row: row[2] / row[1])
    for slug, outlets, sources, voices in echoed:
        print(f"{slug}: {outlets} outlets, {sources} independent source(s): {', '.join(voices)}")
    print(f"{len(echoed)} claim(s) echo fewer voices than outlets")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
