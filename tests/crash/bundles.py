"""A large bundle of fresh records (docs/bundle-format.md), written for a crash test."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

OUTLETS = 20
SOURCES = 50
CLAIMS = 20
ASSERTIONS_PER_DOCUMENT = 2


def _records(documents: int) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = [
        {"type": "outlet", "slug": f"crash-outlet-{i}", "name": f"Crash Outlet {i}",
         "kind": "wire", "country": "GB"}
        for i in range(OUTLETS)
    ]  # fmt: skip
    records += [
        {"type": "source", "slug": f"crash-source-{i}", "name": f"Crash Source {i}",
         "kind": "person", "affiliation": "GB"}
        for i in range(SOURCES)
    ]  # fmt: skip
    records += [
        {"type": "claim", "slug": f"crash-claim-{i}", "title": f"People counted at site {i}",
         "unit": "people", "tags": ["crash-test", f"site-{i}"], "aliases": [f"site {i} count"]}
        for i in range(CLAIMS)
    ]  # fmt: skip
    for d in range(documents):
        counted, later = 7 * d + 1, 3 * d + 2
        text = (
            f"Report {d} from site {d % CLAIMS}. Officials said {counted} people were counted "
            f"on the first day, and {later} more arrived later, according to the organisers."
        )
        records.append(
            {"type": "document", "key": f"crash-doc-{d}", "outlet": f"crash-outlet-{d % OUTLETS}",
             "title": f"Report {d}", "published_at": "2025-06-18T09:00:00Z",
             "published_precision": "minute", "language": "en", "raw_text": text}
        )  # fmt: skip
        for a, (number, wording) in enumerate(((counted, "people"), (later, "more"))):
            records.append(
                {"type": "assertion", "key": f"crash-doc-{d}-{a}",
                 "claim": f"crash-claim-{(d + a) % CLAIMS}", "document": f"crash-doc-{d}",
                 "value": {"qualifier": "exact", "low": number, "high": number,
                           "text": f"{number} {wording}"},
                 "as_of": {"start": "2025-06-17", "end": "2025-06-17", "precision": "day"},
                 "attribution": {"source": f"crash-source-{d % SOURCES}",
                                 "via": [f"crash-source-{(d + 1) % SOURCES}"] if a else []},
                 "quote": {"exact": f"{number} {wording}"},
                 "created_by": "test:crash", "creator_kind": "person"}
            )  # fmt: skip
    return records


def write_bundle(path: Path, documents: int) -> Counter[str]:
    """Write a bundle of ``documents`` documents (with their outlets, sources, claims and
    two assertions each) to ``path``; returns how many records of each type it holds."""
    records = _records(documents)
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")
    return Counter(record["type"] for record in records)


def count_records(path: Path) -> Counter[str]:
    """How many records of each type a bundle holds (comments and blank lines skipped)."""
    counts: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if text and not text.startswith("//"):
            counts[json.loads(text)["type"]] += 1
    return counts
