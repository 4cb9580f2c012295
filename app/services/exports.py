"""Assertions and conflicts as CSV or NDJSON, streamed: rows are read and written in
batches, so an export of a million rows never holds them all in memory.

Each batch is read in its own short session (keyset pages by id, the list endpoints'
own query), so the identity map is dropped between batches and no read transaction
stays open for the whole download.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from app.db import queries
from app.schemas.assessment import ConflictOut
from app.schemas.views import AssertionOut
from app.services import assessment, present

BATCH = 500


class ExportFormat(StrEnum):
    CSV = "csv"
    NDJSON = "ndjson"


MEDIA_TYPES = {ExportFormat.CSV: "text/csv", ExportFormat.NDJSON: "application/x-ndjson"}


def assertions(
    factory: sessionmaker[Session], f: queries.AssertionFilter, *, batch: int = BATCH
) -> Iterator[AssertionOut]:
    """Every assertion the filter selects, oldest first, read ``batch`` rows at a time."""
    cursor: str | None = None
    while True:
        with factory() as session:
            rows, cursor = queries.list_assertions(session, f, batch, cursor)
            views = [present.assertion_view(r) for r in rows]
        yield from views
        if cursor is None:
            return


def conflicts(
    factory: sessionmaker[Session],
    *,
    claim_id: int | None = None,
    outlet_id: int | None = None,
    source_id: int | None = None,
    min_severity: float = 0.0,
    batch: int = BATCH,
) -> Iterator[ConflictOut]:
    """Every conflicting pair, claim by claim (by claim id), most severe first within a
    claim: the stored conflicts, read in batches (stale claims are assessed first)."""
    return assessment.conflicts_by_claim(
        factory, claim_id=claim_id, outlet_id=outlet_id, source_id=source_id,
        min_severity=min_severity, batch=batch,
    )  # fmt: skip


# Spreadsheets run a cell that starts with one of these as a formula; captured text is
# written by strangers, so such a cell is prefixed with an apostrophe (OWASP's advice).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def _chain(a: AssertionOut) -> str:
    return " > ".join(s.slug for s in a.attribution.via)


ASSERTION_COLUMNS: dict[str, Callable[[AssertionOut], object]] = {
    "id": lambda a: a.id,
    "key": lambda a: a.key,
    "claim": lambda a: a.claim.slug,
    "unit": lambda a: a.claim.unit,
    "document": lambda a: a.document.key,
    "document_url": lambda a: a.document.url,
    "published_at": lambda a: a.document.published_at and a.document.published_at.isoformat(),
    "outlet": lambda a: a.document.outlet.slug,
    "stance": lambda a: a.stance.value,
    "status": lambda a: a.status.value,
    "value_text": lambda a: a.value.text,
    "value_normalized": lambda a: a.value.normalized,
    "qualifier": lambda a: a.value.qualifier and a.value.qualifier.value,
    "low": lambda a: _bound(a.value.low),
    "high": lambda a: _bound(a.value.high),
    "low_inclusive": lambda a: a.value.low_inclusive,
    "high_inclusive": lambda a: a.value.high_inclusive,
    "as_of_start": lambda a: a.as_of and a.as_of.start and a.as_of.start.isoformat(),
    "as_of_end": lambda a: a.as_of and a.as_of.end and a.as_of.end.isoformat(),
    "as_of_precision": lambda a: a.as_of and a.as_of.precision and a.as_of.precision.value,
    "as_of_text": lambda a: a.as_of and a.as_of.text,
    "hedge": lambda a: a.hedge,
    "source": lambda a: a.attribution.source and a.attribution.source.slug,
    "via": _chain,
    "quote": lambda a: a.quote and a.quote.exact,
    "quote_start": lambda a: a.quote and a.quote.start,
    "quote_end": lambda a: a.quote and a.quote.end,
    "created_by": lambda a: a.created_by,
    "creator_kind": lambda a: a.creator_kind.value,
    "superseded_by_id": lambda a: a.superseded_by_id,
    "deleted_at": lambda a: a.deleted_at and a.deleted_at.isoformat(),
    "notes": lambda a: a.notes,
}


def _bound(value: object) -> object:
    """A bound as written in a cell: a number, or an ISO date for date claims."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def _side(prefix: str, pick: Callable[[ConflictOut], Any]) -> dict[str, Callable[..., object]]:
    return {
        f"{prefix}_assertion": lambda c: pick(c).assertion,
        f"{prefix}_key": lambda c: pick(c).key,
        f"{prefix}_outlet": lambda c: pick(c).outlet.slug,
        f"{prefix}_document": lambda c: pick(c).document,
        f"{prefix}_source": lambda c: pick(c).source and pick(c).source.slug,
        f"{prefix}_value": lambda c: pick(c).value,
        f"{prefix}_quote": lambda c: pick(c).quote,
    }


CONFLICT_COLUMNS: dict[str, Callable[[ConflictOut], object]] = {
    "claim": lambda c: c.claim.slug,
    "claim_id": lambda c: c.claim.id,
    "unit": lambda c: c.claim.unit,
    "behavior": lambda c: c.claim.behavior.value,
    "severity": lambda c: c.severity,
    "rule": lambda c: c.rule,
    "reason": lambda c: c.reason,
    **_side("a", lambda c: c.a),
    **_side("b", lambda c: c.b),
}


def csv_lines(items: Iterable[Any], columns: dict[str, Callable[[Any], object]]) -> Iterator[str]:
    """A header row, then one row per item, each quoted by the csv module (RFC 4180)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush(row: Sequence[object]) -> str:
        writer.writerow(row)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield flush(list(columns))
    for item in items:
        yield flush([_cell(get(item)) for get in columns.values()])


def ndjson_lines(items: Iterable[BaseModel]) -> Iterator[str]:
    """One JSON object per line, the same shape the JSON endpoints answer with."""
    for item in items:
        yield item.model_dump_json() + "\n"


def chunked(lines: Iterable[str], size: int = 16 * 1024) -> Iterator[bytes]:
    """Lines gathered into chunks of about ``size`` bytes: fewer, larger writes."""
    parts: list[str] = []
    held = 0
    for line in lines:
        parts.append(line)
        held += len(line)
        if held >= size:
            yield "".join(parts).encode("utf-8")
            parts, held = [], 0
    if parts:
        yield "".join(parts).encode("utf-8")


def render(
    items: Iterable[Any], fmt: ExportFormat, columns: dict[str, Callable[[Any], object]]
) -> Iterator[str]:
    return csv_lines(items, columns) if fmt is ExportFormat.CSV else ndjson_lines(items)
