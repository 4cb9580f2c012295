"""The fast path of bundle import: records stored in batches, with the per-record contract.

Lines are parsed and validated one at a time (an error names its line) and gathered into
batches. A batch of new records is stored in two phases:

1. prepare, reading only: natural keys and references are resolved with one query per
   type and batch, values and as-of windows read, quotes anchored in their documents'
   text, documents cleaned and fingerprinted (in a large import, by a worker process
   while the batches before them are written: ``document_text.TextsAhead``),
   near-duplicates looked up for the whole batch at once;
2. write: ids drawn first (a copy may name its original of the same batch), then one
   executemany INSERT per table on SQLite, one COPY on PostgreSQL, for the rows, their
   revisions, tags, intermediaries and LSH buckets.

A batch that holds a record already stored (an update, or an unchanged re-import), or
whose preparation finds anything wrong, is run instead record by record through the
per-record upsert (``app.services.bundle``), which raises the error the per-record import
always raised, naming the same line. Nothing is written before a batch is fully prepared,
so that fallback starts from a clean state. The caller owns the transaction: all or none.
"""

from __future__ import annotations

import gc
import json
import operator
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import orjson
import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from app.db.evidence_rows import gc_paused
from app.db.models import (
    Assertion,
    AssertionIntermediary,
    Claim,
    ClaimTag,
    Document,
    DocumentBand,
    Outlet,
    Revision,
    Source,
    Tracked,
)
from app.db.types import UTCDateTime, utcnow
from app.domain.errors import BundleError, ProvenanceError
from app.domain.quotes import anchor_quote
from app.domain.similarity import Fingerprint, best_original
from app.domain.vocabulary import RevisionAction, ValueType
from app.schemas.records import AssertionRecord, ClaimRecord, DocumentRecord
from app.services import assertions as assertion_service
from app.services.document_text import TextsAhead

if TYPE_CHECKING:
    from app.services.bundle import ImportReport

BATCH = 500  # lines per batch: big enough to amortise a query, small enough for progress
_LOOKAHEAD = 2 * BATCH  # lines read ahead of the batch being stored (their texts computed)
WORKER_AFTER = 200  # documents an import reads before it starts a worker for their texts
_COLLECT_EVERY = 50  # batches between two collections of the young objects (see below)
_CHUNK = 900  # values per IN (...) list: under SQLite's oldest limit of 999 parameters
_TYPES = ("outlet", "source", "claim", "document", "assertion")
_MODELS: dict[str, type[Tracked]] = {
    "outlet": Outlet,
    "source": Source,
    "claim": Claim,
    "document": Document,
    "assertion": Assertion,
}
_REFERS = {  # the columns a row's references (_Ref) stand in, and the type they refer to
    "outlet_id": "outlet", "source_id": "source", "claim_id": "claim",
    "document_id": "document", "duplicate_of_id": "document",
}  # fmt: skip
_NATURAL = {
    "outlet": "slug",
    "source": "slug",
    "claim": "slug",
    "document": "key",
    "assertion": "key",
}
_CANDIDATES = 50  # as queries.near_duplicate_candidates
_SQLITE_CACHE_KIB = 128 * 1024  # SQLite's page cache during an import
DEFER_INDEXES_FROM = 50_000  # records expected before an import builds some indexes last
_DEFERRED = ("assertions", "revisions", "stale_claims")  # a row or more per record
_MARKS = "assertions_stale_insert"  # SQLite's trigger: a stale mark per new assertion


_JSON_NULL = {("revisions", "before"), ("revisions", "after")}
_JSON_NULL_TEXT = json.dumps(None)  # JSON null, as the JSON column types write a None
_DATABASE_ERRORS: tuple[type[Exception], ...] = (sa.exc.DBAPIError, psycopg.Error)


class _Fallback(Exception):
    """The batch cannot take the fast path; the per-record path decides."""


@dataclass(slots=True)
class _Ref:
    """A row a record refers to: its id (None: made in this batch, at ``pending``)."""

    id: int | None
    deleted: bool
    pending: int = -1


@dataclass(slots=True)
class _ClaimInfo:
    """What reading a value needs of a claim (``read_value`` takes it for a ``Claim``)."""

    id: int | None
    value_type: ValueType
    tolerance: float
    vague_terms: dict[str, list[float]]
    deleted: bool
    pending: int = -1


@dataclass(slots=True)
class _DocText:
    id: int | None
    text: str
    published: date | None
    deleted: bool
    pending: int = -1


@dataclass
class _Prepared:
    """A batch ready to write: rows per type, with references to rows made in the batch."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    tags: list[list[str]] = field(default_factory=list)  # per new claim
    via: list[list[_Ref]] = field(default_factory=list)  # per new assertion
    bands: list[Fingerprint | None] = field(default_factory=list)  # per new document


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for at in range(0, len(values), _CHUNK):
        yield values[at : at + _CHUNK]


def _columns(model: type[Tracked]) -> list[str]:
    return [attr.key for attr in sa.inspect(model).column_attrs]


class Loader:
    """Stores batches of bundle records in one session; keeps what it resolved."""

    def __init__(
        self, session: Session, actor: str, base: Path | None, ahead: TextsAhead | None = None
    ) -> None:
        self.session = session
        self.ahead = ahead or TextsAhead(None)  # documents' texts, maybe computed ahead
        self.actor = actor
        self.base = base
        self.refs: dict[str, dict[int | str, _Ref]] = {"outlet": {}, "source": {}, "document": {}}
        self.claims: dict[int | str, _ClaimInfo] = {}
        self.columns = {label: _columns(model) for label, model in _MODELS.items()}
        # Per batch: the line each new record stands on, and the texts quotes are read in.
        self.born: dict[tuple[str, int | str], int] = {}
        self.texts: dict[int | str, _DocText] = {}
        self.ids: dict[str, list[int]] = {}  # per batch write: the new rows' ids
        self.postgres = session.get_bind().dialect.name == "postgresql"

    def _among(self, column: Any, values: Sequence[Any]) -> sa.ColumnElement[bool]:
        """``column IN (values)``; on PostgreSQL ``column = ANY(array)``: one parameter,
        not one per value, which the server parses and plans several times faster."""
        if self.postgres:
            array = sa.bindparam(None, list(values), type_=postgresql.ARRAY(column.type))
            return cast(sa.ColumnElement[bool], column == sa.any_(array))
        return cast(sa.ColumnElement[bool], column.in_(values))

    # ---- the batch ------------------------------------------------------------------

    def store(self, batch: list[tuple[int, Any]], report: ImportReport) -> None:
        """Store ``batch`` (line number, record), fast when it can be, else record by record."""
        try:
            prepared = self._prepare(batch)
        except (_Fallback, ProvenanceError, LookupError):  # LookupError: an unknown ref
            self._forget()
            self._one_by_one(batch, report)
            return
        first, last = batch[0][0], batch[-1][0]
        try:
            created = self._write(prepared)
        except _DATABASE_ERRORS as exc:
            reason = getattr(exc, "orig", None) or exc
            raise BundleError(
                f"the database refused a record of lines {first}-{last}: {reason}", line=first
            ) from exc
        report.created.update(created)

    def _one_by_one(self, batch: list[tuple[int, Any]], report: ImportReport) -> None:
        from app.services.bundle import _upsert as upsert  # bundle imports this module

        for number, record in batch:
            try:
                outcome = upsert(self.session, record, self.base, self.actor)
            except BundleError:
                raise
            except ProvenanceError as exc:
                raise BundleError(exc.detail, line=number, field=exc.field) from exc
            getattr(report, outcome)[record.type] += 1

    def _forget(self) -> None:
        """Drop what was resolved: the per-record path may change or create any row."""
        for refs in self.refs.values():
            refs.clear()
        self.claims.clear()

    # ---- phase 1: prepare -----------------------------------------------------------

    def _prepare(self, batch: list[tuple[int, Any]]) -> _Prepared:
        by_type: dict[str, list[tuple[int, Any]]] = defaultdict(list)
        for number, record in batch:
            by_type[record.type].append((number, record))
        for label, records in by_type.items():
            if self._stored(label, [getattr(r, _NATURAL[label]) for _, r in records]):
                raise _Fallback(f"a {label} of the batch is already stored")
        prepared = _Prepared()
        now = utcnow()
        for label in ("outlet", "source"):
            for number, record in by_type.get(label, ()):
                row = record.model_dump(exclude={"type"})
                self._stamp(row, now)
                self.refs[label][record.slug] = _Ref(None, False, pending=len(prepared.rows[label]))
                self._born(label, record.slug, number)
                prepared.rows[label].append(row)
        for number, record in by_type.get("claim", ()):
            self._prepare_claim(prepared, number, record, now)
        documents = by_type.get("document", [])
        if documents:
            self._prepare_documents(prepared, documents, now)
        assertions = by_type.get("assertion", [])
        if assertions:
            self._prepare_assertions(prepared, assertions, now)
        return prepared

    def _born(self, label: str, key: str, number: int) -> None:
        self.born[(label, key)] = number

    def _stamp(self, row: dict[str, Any], now: Any) -> None:
        row.update(created_at=now, updated_at=now, deleted_at=None, version=1)

    def _stored(self, label: str, keys: list[str]) -> bool:
        model = _MODELS[label]
        return self._any(_table(model), _NATURAL[label], keys)

    def _any(self, table: sa.Table, column: str, values: Sequence[str]) -> bool:
        """Whether a row of ``table`` holds one of ``values`` in ``column`` (unique)."""
        connection = self.session.connection()
        if self.postgres:
            # One index probe per value: without statistics (an import is one transaction)
            # PostgreSQL expects most values to be there, and scans the whole table for the
            # first, every batch, when none is.
            sql = (
                "SELECT t.id FROM unnest(%s::text[]) AS v(value) CROSS JOIN LATERAL "
                f'(SELECT id FROM "{table.name}" WHERE "{column}" = v.value LIMIT 1) AS t '
                "LIMIT 1"
            )
            return connection.exec_driver_sql(sql, (list(values),)).first() is not None
        for chunk in _chunks(values):  # plain SQL: no statement to build and compile
            marks = ", ".join("?" * len(chunk))
            sql = f'SELECT 1 FROM "{table.name}" WHERE "{column}" IN ({marks}) LIMIT 1'
            if connection.exec_driver_sql(sql, tuple(chunk)).first():
                return True
        return False

    def _prepare_claim(
        self, prepared: _Prepared, number: int, record: ClaimRecord, now: Any
    ) -> None:
        row = record.model_dump(exclude={"type", "tags", "vague_terms"})
        row["vague_terms"] = {t: [lo, hi] for t, (lo, hi) in record.vague_terms.items()}
        self._stamp(row, now)
        self.claims[record.slug] = _ClaimInfo(
            None, record.value_type, record.tolerance, row["vague_terms"], False,
            pending=len(prepared.rows["claim"]),
        )  # fmt: skip
        self._born("claim", record.slug, number)
        prepared.rows["claim"].append(row)
        prepared.tags.append(list(dict.fromkeys(record.tags)))

    def _check_born(self, label: str, ref: int | str, number: int) -> None:
        """A reference to a row made later in the same batch is an unknown row, as it
        would be when records are stored one at a time."""
        born = self.born.get((label, ref)) if isinstance(ref, str) else None
        if born is not None and born > number:
            raise _Fallback(f"line {number} refers to a {label} of a later line")

    def _resolve(self, label: str, refs: set[int | str]) -> None:
        """Fill ``self.refs[label]`` for ``refs`` with one query; a missing row falls back."""
        known = self.refs[label]
        wanted = [r for r in refs if r not in known]
        if not wanted:
            return
        model = _MODELS[label]
        natural = getattr(model, _NATURAL[label])
        names = [r for r in wanted if isinstance(r, str)]
        ids = [r for r in wanted if isinstance(r, int)]
        for chunk in _chunks(names):
            stmt = sa.select(model.id, natural, model.deleted_at).where(self._among(natural, chunk))
            for row in self.session.execute(stmt):
                known[row[1]] = _Ref(row.id, row.deleted_at is not None)
        for chunk in _chunks(ids):
            stmt = sa.select(model.id, model.deleted_at).where(self._among(model.id, chunk))
            for row in self.session.execute(stmt):
                known[row.id] = _Ref(row.id, row.deleted_at is not None)
        if any(r not in known for r in wanted):
            raise _Fallback(f"an unknown {label}")

    def _live(self, label: str, ref: int | str, number: int) -> _Ref:
        self._check_born(label, ref, number)
        found = self.refs[label][ref]
        if found.deleted:
            raise _Fallback(f"a deleted {label}")
        return found

    def _prepare_documents(
        self, prepared: _Prepared, documents: list[tuple[int, DocumentRecord]], now: Any
    ) -> None:
        self._resolve("outlet", {r.outlet for _, r in documents})
        originals = {r.duplicate_of for _, r in documents if r.duplicate_of is not None}
        mine = {r.key for _, r in documents}
        self._resolve("document", {o for o in originals if o not in mine})
        urls = [r.url for _, r in documents if r.url is not None]
        if len(set(urls)) != len(urls) or self._taken(urls):
            raise _Fallback("a url is already taken")
        rows = prepared.rows["document"]
        first = len(rows)
        prints: list[Fingerprint | None] = []
        for number, record in documents:
            if record.raw_text_file is not None:
                from app.services.bundle import _read_text_file as read_text_file

                record.raw_text = read_text_file(self.base, record.raw_text_file)
            if not record.raw_text:
                raise _Fallback("a document without text")
            text = self.ahead.take(number, record.raw_text, record.clean_text)
            digest = text.sha256
            if record.sha256 is not None and record.sha256 != digest:
                raise _Fallback("a sha256 that does not match")
            row = record.model_dump(
                exclude={
                    "type", "outlet", "sha256", "raw_text_file", "duplicate_of",
                    "duplicate_similarity", "clean_text",
                }
            )  # fmt: skip
            row.update(text.derived)
            row["outlet_id"] = self._live("outlet", record.outlet, number)
            row["duplicate_of_id"] = None
            row["duplicate_similarity"] = None
            if record.duplicate_of is not None:
                if record.duplicate_of == record.key:
                    raise _Fallback("a document that copies itself")
                self._check_born("document", record.duplicate_of, number)
                # The original's _Ref: made earlier in this batch, its id is drawn on write.
                row["duplicate_of_id"] = self.refs["document"][record.duplicate_of]
                row["duplicate_similarity"] = record.duplicate_similarity
            row["sha256"] = digest
            self._stamp(row, now)
            row["minhash"] = None
            prints.append(text.fingerprint)
            index = len(rows)
            self.refs["document"][record.key] = _Ref(None, False, pending=index)
            self.texts[record.key] = _DocText(
                None,
                row["plain_text"] if row["plain_text"] is not None else record.raw_text,
                record.published_at.date() if record.published_at else None,
                False,
                pending=index,
            )
            self._born("document", record.key, number)
            rows.append(row)
        self._near_duplicates(prepared, rows[first:], prints, first)

    def _taken(self, urls: list[str]) -> bool:
        return self._any(_table(Document), "url", urls)

    def _near_duplicates(
        self,
        prepared: _Prepared,
        rows: list[dict[str, Any]],
        prints: list[Fingerprint | None],
        first: int,
    ) -> None:
        """Link each new document (``prints``: their fingerprints) to the original it
        copies, as ``documents.store_new`` does one at a time: candidates share an LSH
        bucket, are live and fingerprinted, the first 50 by id; stored ones come before
        this batch's."""
        for row, found in zip(rows, prints, strict=True):
            if found is not None:
                row["minhash"] = list(found.signature)
        prepared.bands.extend(prints)
        wanted = [
            (band, bucket)
            for row, found in zip(rows, prints, strict=True)
            if found is not None and row["duplicate_of_id"] is None
            for band, bucket in enumerate(found.bands)
        ]
        stored = self._stored_buckets(wanted)
        # This batch's documents, by bucket, with an id past every stored one. Candidates
        # depend on buckets only, so they are chosen first and their signatures read once.
        offset = 2**62
        mine: dict[tuple[int, int], list[int]] = defaultdict(list)
        choices: dict[int, list[int]] = {}
        for at, (row, found) in enumerate(zip(rows, prints, strict=True)):
            if found is None:
                continue
            if row["duplicate_of_id"] is None:
                ids: set[int] = set()
                for band, bucket in enumerate(found.bands):
                    ids.update(stored.get((band, bucket), ()))
                    ids.update(mine.get((band, bucket), ()))
                choices[at] = sorted(ids)[:_CANDIDATES]
            for band, bucket in enumerate(found.bands):
                mine[(band, bucket)].append(offset + at)
        signatures = self._signatures(
            {d for chosen in choices.values() for d in chosen if d < offset}
        )
        for at, chosen in choices.items():
            row, found = rows[at], prints[at]
            assert found is not None
            if chosen:
                candidates = [
                    (d, signatures[d] if d < offset else rows[d - offset]["minhash"])
                    for d in chosen
                ]
                original = best_original(found, candidates)
                if original is not None:
                    doc, similarity = original
                    row["duplicate_similarity"] = similarity
                    if doc < offset:
                        row["duplicate_of_id"] = doc
                    else:
                        row["duplicate_of_id"] = _Ref(None, False, pending=first + doc - offset)

    def _stored_buckets(self, wanted: list[tuple[int, int]]) -> dict[tuple[int, int], list[int]]:
        """Live, fingerprinted stored documents per (band, bucket) of ``wanted``: the first
        50 by id of each bucket, which hold the first 50 of any union of buckets.

        The bucket rows are found first through the (band, bucket) index, then joined to
        their documents (a materialised CTE: without statistics, which an import in one
        transaction does not have, PostgreSQL would otherwise scan every document and
        probe its bands, once per batch). Plain SQL: the pairs are two arrays on
        PostgreSQL, a VALUES list on SQLite, both far cheaper to send than a tuple IN."""
        found: dict[tuple[int, int], list[int]] = defaultdict(list)
        pairs = sorted(set(wanted))
        connection = self.session.connection()
        for at in range(0, len(pairs), _CHUNK // 2):  # two parameters per pair
            chunk = pairs[at : at + _CHUNK // 2]
            if self.postgres:
                hits = (
                    "SELECT b.document_id, b.band, b.bucket FROM document_bands b "
                    "JOIN unnest(%s::integer[], %s::bigint[]) AS w(band, bucket) "
                    "ON b.band = w.band AND b.bucket = w.bucket"
                )
                params: tuple[Any, ...] = ([p[0] for p in chunk], [p[1] for p in chunk])
            else:
                # A join from the pairs: SQLite scans the whole table for a row-value
                # ``IN (VALUES ...)``, once per chunk, which grows with the documents.
                values = ", ".join(["(?, ?)"] * len(chunk))
                hits = (
                    f"SELECT b.document_id, b.band, b.bucket FROM (VALUES {values}) AS w "
                    "CROSS JOIN document_bands b ON b.band = w.column1 AND b.bucket = w.column2"
                )
                params = tuple(v for p in chunk for v in p)
            sql = (
                f"WITH hits AS MATERIALIZED ({hits}) "
                "SELECT document_id, band, bucket FROM ("
                " SELECT h.document_id, h.band, h.bucket, row_number() OVER"
                "  (PARTITION BY h.band, h.bucket ORDER BY h.document_id) AS rank"
                " FROM hits h JOIN documents d ON d.id = h.document_id"
                " WHERE d.deleted_at IS NULL AND d.minhash IS NOT NULL"
                f") AS ranked WHERE rank <= {_CANDIDATES}"
            )
            for document_id, band, bucket in connection.exec_driver_sql(sql, params):
                found[(band, bucket)].append(document_id)
        return found

    def _signatures(self, ids: set[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for chunk in _chunks(sorted(ids)):
            stmt = sa.select(Document.id, Document.minhash).where(self._among(Document.id, chunk))
            found.update((row.id, list(row.minhash)) for row in self.session.execute(stmt))
        return found

    def _resolve_claims(self, refs: set[int | str]) -> None:
        wanted = [r for r in refs if r not in self.claims]
        if not wanted:
            return
        cols = (Claim.id, Claim.slug, Claim.value_type, Claim.tolerance, Claim.vague_terms,
                Claim.deleted_at)  # fmt: skip
        for chunk in _chunks(wanted):
            names = [r for r in chunk if isinstance(r, str)]
            ids = [r for r in chunk if isinstance(r, int)]
            stmt = sa.select(*cols).where(
                sa.or_(self._among(Claim.slug, names), self._among(Claim.id, ids))
            )
            for row in self.session.execute(stmt):
                info = _ClaimInfo(
                    row.id, row.value_type, row.tolerance, dict(row.vague_terms),
                    row.deleted_at is not None,
                )  # fmt: skip
                self.claims[row.slug] = info
                self.claims[row.id] = info
        if any(r not in self.claims for r in wanted):
            raise _Fallback("an unknown claim")

    def _resolve_texts(self, refs: set[int | str]) -> None:
        wanted = [r for r in refs if r not in self.texts]
        if not wanted:
            return
        cols = (Document.id, Document.key, Document.raw_text, Document.plain_text,
                Document.published_at, Document.deleted_at)  # fmt: skip
        for chunk in _chunks(wanted):
            names = [r for r in chunk if isinstance(r, str)]
            ids = [r for r in chunk if isinstance(r, int)]
            stmt = sa.select(*cols).where(
                sa.or_(self._among(Document.key, names), self._among(Document.id, ids))
            )
            for row in self.session.execute(stmt):
                text = _DocText(
                    row.id,
                    row.plain_text if row.plain_text is not None else row.raw_text,
                    row.published_at.date() if row.published_at else None,
                    row.deleted_at is not None,
                )
                self.texts[row.key] = text
                self.texts[row.id] = text
        if any(r not in self.texts for r in wanted):
            raise _Fallback("an unknown document")

    def _prepare_assertions(
        self, prepared: _Prepared, records: list[tuple[int, AssertionRecord]], now: Any
    ) -> None:
        self._resolve_claims({r.claim for _, r in records})
        self._resolve_texts({r.document for _, r in records})
        sources: set[int | str] = set()
        for _, record in records:
            if record.attribution.source is not None:
                sources.add(record.attribution.source)
            sources.update(record.attribution.via)
        self._resolve("source", sources)
        rows = prepared.rows["assertion"]
        for number, record in records:
            self._check_born("claim", record.claim, number)
            self._check_born("document", record.document, number)
            claim = self.claims[record.claim]
            document = self.texts[record.document]
            if claim.deleted or document.deleted:
                raise _Fallback("a deleted claim or document")
            published = document.published
            value = assertion_service.read_value(
                record.value, record.stance, cast(Claim, claim), published
            )
            as_of = assertion_service.read_as_of(record.as_of, published)
            row = assertion_service.value_columns(value, record.stance, claim.value_type)
            row.update(
                key=record.key,
                claim_id=_Ref(claim.id, False, claim.pending) if claim.id is None else claim.id,
                document_id=(
                    _Ref(None, False, document.pending) if document.id is None else document.id
                ),
                stance=record.stance,
                hedge=record.hedge,
                notes=record.notes,
                as_of_start=as_of.start if as_of else None,
                as_of_end=as_of.end if as_of else None,
                as_of_precision=as_of.precision if as_of else None,
                as_of_text=as_of.text if as_of else None,
                created_by=record.created_by or self.actor,
                creator_kind=record.creator_kind,
                status=record.status,
                superseded_by_id=None,
            )
            quote = record.quote
            if quote is None:
                row.update(
                    quote_exact=None, quote_start=None, quote_end=None, quote_prefix=None,
                    quote_suffix=None,
                )  # fmt: skip
            else:
                anchor = anchor_quote(
                    document.text, quote.exact, start=quote.start, end=quote.end,
                    prefix=quote.prefix, suffix=quote.suffix,
                )  # fmt: skip
                row.update(
                    quote_exact=anchor.exact, quote_start=anchor.start, quote_end=anchor.end,
                    quote_prefix=anchor.prefix, quote_suffix=anchor.suffix,
                )  # fmt: skip
            source = record.attribution.source
            row["source_id"] = None if source is None else self._live("source", source, number)
            prepared.via.append([self._live("source", s, number) for s in record.attribution.via])
            self._stamp(row, now)
            self._born("assertion", record.key, number)
            rows.append(row)

    # ---- phase 2: write -------------------------------------------------------------

    def _write(self, prepared: _Prepared) -> Counter[str]:
        created: Counter[str] = Counter()
        ids: dict[str, list[int]] = {}
        self.ids = ids
        for label in _TYPES:
            rows = prepared.rows.get(label)
            if not rows:
                continue
            table = _table(_MODELS[label])
            made = ids[label] = self._allocate(table, len(rows))
            refers = [name for name in _REFERS if name in rows[0]]
            for row, new_id in zip(rows, made, strict=True):
                row["id"] = new_id
                for name in refers:
                    value = row[name]
                    if isinstance(value, _Ref):  # a copy's original may be of this batch
                        row[name] = self._id_of(value, name, ids)
            self._insert(table, rows)
            if label == "document":
                self._finish_documents(rows, made)
            self._after_insert(label, rows, prepared)
            self._revisions(label, rows, prepared)
            created[label] = len(rows)
        return created

    def _id_of(self, ref: _Ref, column: str, ids: dict[str, list[int]]) -> int:
        if ref.id is not None:
            return ref.id
        return ids[_REFERS[column]][ref.pending]

    def _finish_documents(self, rows: list[dict[str, Any]], made: list[int]) -> None:
        for row, ref in zip(rows, made, strict=True):
            self.refs["document"][row["key"]] = _Ref(ref, False)
            text = self.texts.get(row["key"])
            if text is not None:
                text.id = ref

    def _after_insert(self, label: str, rows: list[dict[str, Any]], prepared: _Prepared) -> None:
        """The rows a new row owns, and the resolved ids later batches use."""
        if label in ("outlet", "source"):
            for row in rows:
                self.refs[label][row["slug"]] = _Ref(row["id"], False)
        elif label == "claim":
            tags = [
                {"claim_id": row["id"], "tag": tag}
                for row, wanted in zip(rows, prepared.tags, strict=True)
                for tag in wanted
            ]
            for row, wanted in zip(rows, prepared.tags, strict=True):
                row["tags"] = sorted(wanted)
                info = self.claims.get(row["slug"])
                if info is not None:
                    info.id = row["id"]
            if tags:
                self._insert(_table(ClaimTag), tags)
        elif label == "document":
            buckets = [
                {"document_id": row["id"], "band": band, "bucket": bucket}
                for row, found in zip(rows, prepared.bands, strict=True)
                if found is not None
                for band, bucket in enumerate(found.bands)
            ]
            if buckets:
                self._insert(_table(DocumentBand), buckets)
        elif label == "assertion":
            links: list[dict[str, Any]] = []
            for row, chain in zip(rows, prepared.via, strict=True):
                row["via"] = [self._source_id(ref) for ref in chain]
                links.extend(
                    {"assertion_id": row["id"], "position": at, "source_id": source}
                    for at, source in enumerate(row["via"])
                )
            if links:
                self._insert(_table(AssertionIntermediary), links)

    def _source_id(self, ref: _Ref) -> int:
        return ref.id if ref.id is not None else self.ids["source"][ref.pending]

    def _revisions(self, label: str, rows: list[dict[str, Any]], prepared: _Prepared) -> None:
        """One CREATE revision per row, its snapshot as ``revisions.snapshot`` takes it,
        dumped to JSON text here once (the column's own conversion is skipped)."""
        columns = self.columns[label]
        pick = operator.itemgetter(*columns)
        extra = "tags" if label == "claim" else "via" if label == "assertion" else None
        # orjson writes a date or a datetime as its isoformat(), as revisions.snapshot
        # does; the times here are all in UTC (utcnow, the Timestamp type), as it makes
        # them. Ten times json.dumps's speed, for a row or more per record.
        dumps = orjson.dumps
        history = []
        for row in rows:
            after = dict(zip(columns, pick(row), strict=True))
            if extra is not None:
                after[extra] = row[extra]
            history.append(
                {
                    "entity_type": label, "entity_id": row["id"],
                    "action": RevisionAction.CREATE.value, "actor": self.actor,
                    "at": row["created_at"], "before": _JSON_NULL_TEXT,
                    "after": dumps(after).decode(),
                }
            )  # fmt: skip
        self._insert(_table(Revision), history, dumped=("before", "after"))

    # ---- the inserts: executemany on SQLite, COPY on PostgreSQL -------------------------

    def _allocate(self, table: sa.Table, count: int) -> list[int]:
        """Ids for ``count`` new rows of ``table``, drawn before they are inserted (so a
        row may refer to another of its batch: a copy to its original)."""
        connection = self.session.connection()
        if self.postgres:
            seq = sa.text(
                "SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"
            )
            return list(connection.execute(seq, {"t": table.name, "n": count}).scalars())
        # The ids SQLite would give: max(id) + 1 onwards (no AUTOINCREMENT), which stay free
        # as this transaction holds the write lock.
        last = connection.execute(sa.select(sa.func.max(table.c.id))).scalar_one() or 0
        return list(range(last + 1, last + count + 1))

    def _insert(
        self, table: sa.Table, rows: list[dict[str, Any]], *, dumped: tuple[str, ...] = ()
    ) -> None:
        """Insert ``rows`` (their keys are the columns) below the ORM and SQLAlchemy's
        per-value processing, converting values as the column types would (but the JSON
        columns of ``dumped``, which hold JSON text already)."""
        names = [c.name for c in table.columns if c.name in rows[0]]
        connection = self.session.connection()
        postgres = self.postgres
        convert = [
            None if name in dumped else _converter(table.c[name].type, postgres) for name in names
        ]
        # Revision(before=None) is stored as JSON null, as the ORM does with a None it is
        # given; other columns left None are SQL NULL (a document without a fingerprint).
        nulls = [(table.name, name) in _JSON_NULL for name in names]
        pick = operator.itemgetter(*names)
        values: list[Any] = [pick(row) for row in rows] if len(names) > 1 else []
        if len(names) == 1:
            values = [(row[names[0]],) for row in rows]
        changing = [
            (at, f, null) for at, (f, null) in enumerate(zip(convert, nulls, strict=True)) if f
        ]
        if changing:  # column by column: a few converted, the rest as they are
            table_columns = list(zip(*values, strict=True))
            for at, f, null in changing:
                column = table_columns[at]
                if f in _PURE:  # a batch's times and dates: few distinct, converted once
                    done = {v: f(v) for v in set(column) if v is not None}
                    table_columns[at] = tuple(map(done.get, column))
                else:
                    table_columns[at] = tuple(f(v) if v is not None or null else v for v in column)
            values = list(zip(*table_columns, strict=True))
        columns = ", ".join(f'"{n}"' for n in names)
        if postgres:
            cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
            with cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
                for value in values:
                    copy.write_row(value)
            return
        marks = ", ".join("?" * len(names))
        connection.exec_driver_sql(
            f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})', values
        )


def _table(model: type[Any]) -> sa.Table:
    return cast(sa.Table, model.__table__)


def _sqlite_time(value: datetime) -> str:
    """A timestamp as UTCDateTime stores it on SQLite: naive UTC, to the microsecond."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(sep=" ", timespec="microseconds")


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def _converter(kind: Any, postgres: bool) -> Callable[[Any], Any] | None:
    """How a Python value of a column of type ``kind`` is passed to the driver."""
    if isinstance(kind, sa.JSON):
        if postgres:
            from psycopg.types.json import Jsonb

            return Jsonb
        return _json_text
    # A vocabulary's StrEnum (app.db.types.vocabulary) is a str to either driver.
    if postgres:
        return None
    if isinstance(kind, UTCDateTime):
        return _sqlite_time
    if isinstance(kind, sa.Date):
        return date.isoformat
    return None


_PURE: set[Callable[[Any], Any]] = {_sqlite_time, date.isoformat}  # once per distinct value


def import_records(
    session: Session,
    records: Iterable[tuple[int, Any]],
    actor: str,
    report: ImportReport,
    *,
    base: Path | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH,
    fast: bool = True,
    worker_after: int | None = WORKER_AFTER,
    expected: int = 0,
) -> None:
    """Store ``records`` (line number, validated record) in batches; fills ``report``.
    ``fast=False`` stores every record through the per-record upsert (the reference).

    Records are read up to ``_LOOKAHEAD`` lines ahead of the batch being stored, and past
    ``worker_after`` documents (None: never) their texts are cleaned and fingerprinted in
    a worker process meanwhile (``TextsAhead``). ``expected``: about how many records
    come (``_indexes_deferred``)."""
    batch: list[tuple[int, Any]] = []
    keys: set[tuple[str, Any]] = set()
    read: deque[tuple[int, Any]] = deque()
    ahead = TextsAhead(worker_after)
    loader = Loader(session, actor, base, ahead)
    flushed = [0]

    def flush() -> None:
        if batch:
            loader.born.clear()
            loader.texts.clear()
            if fast:
                loader.store(batch, report)
            else:
                loader._one_by_one(batch, report)
            if progress is not None:
                progress(batch[-1][0])
            ahead.done(batch[-1][0])
            batch.clear()
            keys.clear()
            flushed[0] += 1
            if flushed[0] % _COLLECT_EVERY == 0:
                gc.collect(1)  # the batches' few cycles (the collector is paused: see below)

    def add(number: int, record: Any) -> None:
        key = (record.type, getattr(record, _NATURAL[record.type]))
        if key in keys:  # the same record twice: the second updates the first
            flush()
        batch.append((number, record))
        keys.add(key)
        if len(batch) >= batch_size:
            flush()

    # The collector paused: its full collections walk every object the import keeps (an
    # entry per outlet, source, claim and document stored), the more often the more there
    # are (a sixth of a 230,000-record import's time). A batch leaves few cycles (a
    # statement's bound parameters: ~40 objects), collected every _COLLECT_EVERY batches:
    # a collection after each walked every record read ahead (4% of the import's time).
    with _page_cache(session), _indexes_deferred(session, expected), gc_paused(), ahead:
        for number, record in records:
            if fast and isinstance(record, DocumentRecord) and record.raw_text:
                ahead.give(number, record.raw_text, record.clean_text)
            read.append((number, record))
            if len(read) > _LOOKAHEAD:
                add(*read.popleft())
        while read:
            add(*read.popleft())
        flush()


@contextmanager
def _indexes_deferred(session: Session, expected: int) -> Iterator[None]:
    """On SQLite, when about ``expected`` records come (at least DEFER_INDEXES_FROM), over
    twice the assertions already stored, the secondary indexes of the tables that grow
    the most are dropped in the import's transaction and made again, from their stored
    SQL, at its end: one sorted build instead of a million scattered inserts (an import
    into an empty database 20% faster at 230,000 records). So is the trigger that marks a
    claim stale for each new assertion: each claim of the new assertions is marked once at
    the end instead. Readers do not see it: the transaction is all or nothing. Not on
    PostgreSQL, where ``DROP INDEX`` would lock the tables' readers out for the whole
    import (and the trigger marks a bulk statement's claims once already)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite" or expected < DEFER_INDEXES_FROM:
        yield
        return
    stored = connection.exec_driver_sql("SELECT max(id) FROM assertions").scalar() or 0
    if 2 * stored >= expected:  # a re-import, say: its per-record path reads by them
        yield
        return
    names = ", ".join(f"'{t}'" for t in _DEFERRED)
    indexes = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({names}) ORDER BY name"
    ).all()
    marks = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (_MARKS,)
    ).scalar_one()
    # The driver begins its transaction at the first write, not at DDL: one that changes
    # nothing comes first, so that the drops are part of the import's transaction.
    connection.exec_driver_sql("DELETE FROM stale_claims WHERE 0")
    for name, _ in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    connection.exec_driver_sql(f'DROP TRIGGER "{_MARKS}"')
    yield
    # On an error the rollback brings the trigger and the indexes back.
    for _, sql in indexes:
        connection.exec_driver_sql(sql)
    # A mark per claim of the new assertions, naming none (as PostgreSQL's trigger leaves
    # for a bulk statement), read in claim order from the index just made: no sort.
    new_claims = "SELECT DISTINCT claim_id FROM assertions WHERE id > ?"
    connection.exec_driver_sql(f"INSERT INTO stale_claims (claim_id) {new_claims}", (stored,))
    connection.exec_driver_sql(marks)


@contextmanager
def _page_cache(session: Session) -> Iterator[None]:
    """On SQLite, a page cache of _SQLITE_CACHE_KIB for the import (the default, 2 MB,
    makes a large transaction spill its pages to the WAL and read them back), set back
    after. PostgreSQL's buffers are the server's."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    pages = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with suppress(*_DATABASE_ERRORS):
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(pages or 0)}")


__all__ = ["BATCH", "Loader", "import_records"]
