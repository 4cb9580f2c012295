"""The one bundle reader and writer (docs/bundle-format.md).

Import upserts each record by its natural key, so importing a bundle twice changes
nothing the second time. The caller owns the transaction: all lines or none.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import sqlalchemy as sa
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from app.db import queries
from app.db.models import Assertion, Claim, Document, Outlet, Source, Tracked
from app.domain.errors import BundleError, ProvenanceError
from app.schemas.common import NUL_FREE
from app.schemas.records import (
    AssertionRecord,
    BundleRecord,
    DocumentRecord,
)
from app.services import assertions, catalog, claims, documents, records, rows

_RECORD = TypeAdapter[Any](BundleRecord)
TYPES = ("outlet", "source", "claim", "document", "assertion")
_BYTES_PER_RECORD = 600  # about an assertion's line: a bundle's size over this, its records


@dataclass
class ImportReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    @property
    def lines(self) -> int:
        return sum((self.created + self.updated + self.unchanged).values())

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            kind: {t: getattr(self, kind)[t] for t in TYPES}
            for kind in ("created", "updated", "unchanged")
        }


def parse_lines(lines: Iterable[str]) -> Iterator[tuple[int, Any]]:
    """Each record with its 1-based line number; comments and blank lines skipped."""
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("//"):
            continue
        # Fast path: pydantic reads the JSON itself (the same records: json.loads and
        # validate_python otherwise). A line with a \u escape (a NUL, a lone surrogate)
        # or any error takes the reference path below, which names the error.
        if "\\u" not in text:
            try:
                record = _RECORD.validate_json(text, context=NUL_FREE)
            except ValidationError:
                pass
            else:
                yield number, record
                continue
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BundleError(f"not JSON: {exc.msg} at column {exc.colno}", line=number) from exc
        try:
            yield number, _RECORD.validate_python(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise BundleError(f"{where}: {first['msg']}", line=number, field=where) from exc


def _read_text_file(base: Path | None, name: str) -> str:
    if base is None:
        raise ProvenanceError("raw_text_file needs a bundle read from a file")
    path = (base / name).resolve()
    if not path.is_relative_to(base.resolve()):
        raise ProvenanceError(f"raw_text_file {name!r} leaves the bundle's folder")
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ProvenanceError(f"cannot read raw_text_file {name!r}: {exc}") from exc


def _existing(session: Session, model: type[Tracked], column: Any, value: str) -> Any:
    options: tuple[ORMOption, ...] = ()
    if model is Claim:
        options = queries.CLAIM_VIEW
    elif model is Assertion:
        options = queries.ASSERTION_VIEW
    stmt = sa.select(model).where(column == value).options(*options)
    return session.scalars(stmt).unique().one_or_none()


def _upsert_document(
    session: Session, record: DocumentRecord, base: Path | None, actor: str
) -> str:
    if record.raw_text_file is not None:
        record.raw_text = _read_text_file(base, record.raw_text_file)
    if not record.raw_text:
        raise ProvenanceError("a document needs raw_text or raw_text_file")
    fields = documents.document_fields(session, record)
    row = _existing(session, Document, Document.key, record.key)
    if row is None:
        documents.store_new(session, fields, actor)
        return "created"
    if row.sha256 != fields["sha256"]:
        raise ProvenanceError(
            f"document {record.key!r} is stored with other raw text (sha256 {row.sha256}); "
            "a capture is evidence and is not replaced: give the new capture a new key"
        )
    return "updated" if rows.update(session, row, fields, actor) else "unchanged"


def _upsert_assertion(session: Session, record: AssertionRecord, actor: str) -> str:
    row = _existing(session, Assertion, Assertion.key, record.key)
    if row is None:
        assertions.create_assertion(
            session, record, actor, created_by=record.created_by,
            creator_kind=record.creator_kind, status=record.status,
        )  # fmt: skip
        return "created"
    changed = assertions.apply_assertion(
        session, row, record, actor, created_by=record.created_by,
        creator_kind=record.creator_kind, status=record.status,
    )  # fmt: skip
    return "updated" if changed else "unchanged"


# Records named by a slug: the model and the service that creates one.
_BY_SLUG: dict[str, tuple[Any, Callable[[Session, Any, str], Tracked]]] = {
    "outlet": (Outlet, catalog.create_outlet),
    "source": (Source, catalog.create_source),
    "claim": (Claim, claims.create_claim),
}


def _upsert(session: Session, record: Any, base: Path | None, actor: str) -> str:
    """Create or update the row ``record`` names; returns created, updated or unchanged."""
    if isinstance(record, DocumentRecord):
        return _upsert_document(session, record, base, actor)
    if isinstance(record, AssertionRecord):
        return _upsert_assertion(session, record, actor)
    model, create = _BY_SLUG[record.type]
    row = _existing(session, model, model.slug, record.slug)
    if row is None:
        create(session, record, actor)
        return "created"
    changes = record.model_dump(exclude={"type"})
    if isinstance(row, Claim):
        changed = claims.apply_claim(session, row, changes, actor)
    else:
        changed = rows.update(session, row, changes, actor)
    return "updated" if changed else "unchanged"


def import_lines(
    session: Session,
    lines: Iterable[str],
    actor: str,
    *,
    base: Path | None = None,
    progress: Callable[[int], None] | None = None,
    expected: int = 0,
) -> ImportReport:
    """Upsert every record of a bundle; raises ``BundleError`` naming the first bad line.

    New records are stored in batches (``app.services.ingest``); a batch holding a stored
    record, or a bad one, goes through ``_upsert`` record by record. ``expected``: about
    how many records come (a large import into a small SQLite database builds some
    indexes once at the end)."""
    from app.services import ingest  # ingest uses this module's per-record upsert

    report = ImportReport()
    ingest.import_records(
        session, parse_lines(lines), actor, report, base=base, progress=progress,
        expected=expected,
    )  # fmt: skip
    return report


def import_file(
    session: Session, path: Path, actor: str, *, progress: Callable[[int], None] | None = None
) -> ImportReport:
    expected = path.stat().st_size // _BYTES_PER_RECORD
    with path.open(encoding="utf-8") as handle:
        return import_lines(
            session, handle, actor, base=path.parent, progress=progress, expected=expected
        )


def _live(model: type[Tracked], *options: Any) -> sa.Select[Any]:
    return (
        sa.select(model)
        .where(model.deleted_at.is_(None))
        .options(*options)
        .order_by(model.id)
        .execution_options(yield_per=500)
    )


def export_records(session: Session) -> Iterator[dict[str, Any]]:
    """Every live record, in the order an import needs them, as JSON-ready dicts."""
    dump = {"mode": "json", "exclude_none": False}
    for outlet in session.scalars(_live(Outlet)):
        yield records.outlet_record(outlet).model_dump(**dump)  # type: ignore[arg-type]
    for source in session.scalars(_live(Source)):
        yield records.source_record(source).model_dump(**dump)  # type: ignore[arg-type]
    for claim in session.scalars(_live(Claim, *queries.CLAIM_VIEW)):
        yield records.claim_record(claim).model_dump(**dump)  # type: ignore[arg-type]
    # A live copy of a deleted original keeps its link in the database, but the bundle
    # holds live records only: naming the original would make the import fail.
    live_documents = sa.select(Document.id, Document.key).where(Document.deleted_at.is_(None))
    keys: dict[int, str] = {r.id: r.key for r in session.execute(live_documents)}
    # A copy stands after its original, even when it was stored first and linked later:
    # the few copies met before their original wait for it.
    written: set[str] = set()
    waiting: dict[str, list[dict[str, Any]]] = {}
    for document in session.scalars(_live(Document, *queries.DOCUMENT_VIEW)):
        original = keys.get(document.duplicate_of_id) if document.duplicate_of_id else None
        record = records.document_record(document, document.outlet.slug, original)
        line = record.model_dump(mode="json", exclude={"raw_text_file"})
        if original is None:
            line["duplicate_similarity"] = None  # of no original in the bundle
        elif original not in written:
            waiting.setdefault(original, []).append(line)
            continue
        ready = [line]
        while ready:
            line = ready.pop()
            yield line
            written.add(line["key"])
            ready += waiting.pop(line["key"], [])
    for lines in waiting.values():  # a cycle of copies: cannot be ordered, written as is
        yield from lines
    for assertion in session.scalars(_live(Assertion, *queries.ASSERTION_VIEW)):
        yield records.assertion_record(assertion).model_dump(mode="json")


def export(session: Session, out: TextIO) -> Counter[str]:
    counts: Counter[str] = Counter()
    for record in export_records(session):
        line = {"type": record.pop("type"), **record}
        out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        counts[line["type"]] += 1
    return counts
