"""A claim's assertions as plain rows with the columns its assessment reads: one Core
SELECT over assertions, documents, outlets and sources, no ORM identity map or
relationship loading (ten times cheaper on a claim of 10,000 assertions)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.db.models import Assertion, Document, Outlet, Source
from app.domain.vocabulary import AssertionStatus, OutletKind, Qualifier, SourceKind, Stance


class _Pauses:
    lock = threading.Lock()
    depth = 0
    resume = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off meanwhile (reference counting still frees): turning
    a large claim's rows into objects otherwise sets off collection after collection, each
    walking every object alive (a 100,000-assertion claim loaded ~2x slower). Nests and
    may overlap across threads: the collector is on again when the last pause ends."""
    with _Pauses.lock:
        if _Pauses.depth == 0:
            _Pauses.resume = gc.isenabled()
            gc.disable()
        _Pauses.depth += 1
    try:
        yield
    finally:
        with _Pauses.lock:
            _Pauses.depth -= 1
            if _Pauses.depth == 0 and _Pauses.resume:
                gc.enable()


@dataclass(frozen=True, slots=True)
class OutletBrief:
    id: int
    slug: str
    name: str
    kind: OutletKind


@dataclass(frozen=True, slots=True)
class SourceBrief:
    id: int
    slug: str
    name: str
    kind: SourceKind


@dataclass(frozen=True, slots=True)
class DocumentBrief:
    id: int
    outlet_id: int
    outlet: OutletBrief
    published_at: datetime | None
    duplicate_of_id: int | None


class AssertionBrief(NamedTuple):
    """The attributes of ``Assertion`` that the assessment and its views read.

    A named tuple rather than a frozen dataclass: as immutable, and built from a row
    several times faster (a claim of 10,000 assertions builds 10,000 of them)."""

    id: int
    key: str
    claim_id: int
    document_id: int
    document: DocumentBrief
    source_id: int | None
    source: SourceBrief | None
    stance: Stance
    status: AssertionStatus
    value_text: str
    value_normalized: str | None
    qualifier: Qualifier | None
    low: float | None
    high: float | None
    low_inclusive: bool
    high_inclusive: bool
    date_low: date | None
    date_high: date | None
    as_of_start: date | None
    as_of_end: date | None
    quote_exact: str | None


# live_assertion_rows() builds AssertionBrief positionally, all fields at once.
assert len(AssertionBrief._fields) == 21, "AssertionBrief changed: update live_assertion_rows()"


def _raw(column: InstrumentedAttribute[Any], name: str) -> sa.Label[Any]:
    """``column`` as the driver gives it: converted below once per distinct value, not
    by SQLAlchemy once per row (enums and SQLite's dates as text cost most)."""
    return sa.type_coerce(column, sa.String()).label(name)


_COLUMNS = (
    Assertion.id, Assertion.key, Assertion.claim_id, Assertion.document_id,
    Assertion.source_id, _raw(Assertion.stance, "stance"), _raw(Assertion.status, "status"),
    Assertion.value_text, Assertion.value_normalized, _raw(Assertion.qualifier, "qualifier"),
    Assertion.low, Assertion.high, Assertion.low_inclusive, Assertion.high_inclusive,
    _raw(Assertion.date_low, "date_low"), _raw(Assertion.date_high, "date_high"),
    _raw(Assertion.as_of_start, "as_of_start"), _raw(Assertion.as_of_end, "as_of_end"),
    Assertion.quote_exact, Document.outlet_id, _raw(Document.published_at, "published_at"),
    Document.duplicate_of_id,
)  # fmt: skip


# Built once: building a 22-column SELECT costs more than running it on a small claim.
# Outlets and sources are few: read apart, by id, rather than joined to every row.
def _live(column: Any, param: str, *order: Any) -> sa.Select[Any]:
    """The live assertions whose ``column`` is in the list bound as ``param``."""
    return (
        sa.select(*_COLUMNS)
        .join(Document, Document.id == Assertion.document_id)
        .where(column.in_(sa.bindparam(param, expanding=True)), Assertion.deleted_at.is_(None))
        .order_by(*order)
    )


_LIVE_ROWS = _live(Assertion.claim_id, "claim_ids", Assertion.claim_id, Assertion.id)
_LIVE_BY_ID = _live(Assertion.id, "ids", Assertion.id)
_OUTLETS = sa.select(Outlet.id, Outlet.slug, Outlet.name, Outlet.kind).where(
    Outlet.id.in_(sa.bindparam("ids", expanding=True))
)
_SOURCES = sa.select(Source.id, Source.slug, Source.name, Source.kind).where(
    Source.id.in_(sa.bindparam("ids", expanding=True))
)
_CHUNK = 1000  # ids per IN list

_STANCES = {m.value: m for m in Stance}
_STATUSES = {m.value: m for m in AssertionStatus}
_QUALIFIERS: dict[str | None, Qualifier | None] = {m.value: m for m in Qualifier}
_QUALIFIERS[None] = None


class _Converted(dict[Any, Any]):
    """Raw driver values and what the column's type makes of them, converted once each."""

    def __init__(self, process: Callable[[Any], Any] | None) -> None:
        super().__init__({None: None})
        self.process = process

    def __missing__(self, raw: Any) -> Any:
        value = self[raw] = raw if self.process is None else self.process(raw)
        return value


def _converter(column: InstrumentedAttribute[Any], dialect: Dialect) -> _Converted:
    return _Converted(column.type.dialect_impl(dialect).result_processor(dialect, None))


def _by_id(connection: Connection, stmt: sa.Executable, ids: set[int]) -> dict[int, sa.Row[Any]]:
    ordered = sorted(ids)
    found = {}
    for start in range(0, len(ordered), _CHUNK):
        for r in connection.execute(stmt, {"ids": ordered[start : start + _CHUNK]}):
            found[r.id] = r
    return found


@gc_paused()
def live_assertion_rows(session: Session, claim_ids: Sequence[int]) -> list[AssertionBrief]:
    """The live (not deleted) assertions of ``claim_ids``, by claim then id."""
    connection = session.connection()
    # Through the Connection: plain rows, without the ORM's result machinery.
    return _briefs(connection, connection.execute(_LIVE_ROWS, {"claim_ids": list(claim_ids)}).all())


@gc_paused()
def live_assertion_rows_by_id(session: Session, ids: Sequence[int]) -> list[AssertionBrief]:
    """The live (not deleted) assertions among ``ids``, whatever their claim, by id: the
    few changed rows of a claim whose other rows are already known."""
    connection = session.connection()
    found: list[AssertionBrief] = []
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        found += _briefs(connection, connection.execute(_LIVE_BY_ID, {"ids": chunk}).all())
    return found


def _briefs(connection: Connection, rows: Sequence[Any]) -> list[AssertionBrief]:
    dialect = connection.dialect
    if not rows:
        return []
    outlet_rows = _by_id(connection, _OUTLETS, {r.outlet_id for r in rows})
    source_rows = _by_id(connection, _SOURCES, {r.source_id for r in rows} - {None})
    outlets = {i: OutletBrief(i, r.slug, r.name, r.kind) for i, r in outlet_rows.items()}
    sources = {i: SourceBrief(i, r.slug, r.name, r.kind) for i, r in source_rows.items()}
    sources_get = sources.get
    days = _converter(Assertion.as_of_start, dialect)
    published = _converter(Document.published_at, dialect)
    documents: dict[int, DocumentBrief] = {}
    stances, statuses, qualifiers = _STANCES, _STATUSES, _QUALIFIERS
    found: list[AssertionBrief] = []
    append = found.append
    new = tuple.__new__
    for (
        id_, key, claim_id, document_id, source_id, stance, status, value_text,
        value_normalized, qualifier, low, high, low_inclusive, high_inclusive, date_low,
        date_high, as_of_start, as_of_end, quote_exact, outlet_id, published_at,
        duplicate_of_id,
    ) in rows:  # fmt: skip
        document = documents.get(document_id)
        if document is None:
            document = documents[document_id] = DocumentBrief(
                document_id, outlet_id, outlets[outlet_id], published[published_at],
                duplicate_of_id,
            )  # fmt: skip
        append(
            new(AssertionBrief, (
                id_, key, claim_id, document_id, document, source_id, sources_get(source_id),
                stances[stance], statuses[status], value_text, value_normalized,
                qualifiers[qualifier], low, high, low_inclusive, high_inclusive,
                days[date_low], days[date_high], days[as_of_start], days[as_of_end],
                quote_exact,
            ))
        )  # fmt: skip
    return found
