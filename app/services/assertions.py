"""Assertions: one document asserting one value for one claim, with its evidence."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from app.db import queries
from app.db.lookup import find
from app.db.models import Assertion, AssertionIntermediary, Claim, Document, Source
from app.domain.errors import InvalidInput
from app.domain.quotes import anchor_quote
from app.domain.timewin import parse_date, parse_time_cue
from app.domain.values import Lexicon, ValueNotFound, parse_value
from app.domain.vocabulary import (
    AssertionStatus,
    CreatorKind,
    Precision,
    Qualifier,
    Stance,
    ValueType,
)
from app.schemas.common import AsOf, Value
from app.schemas.records import AssertionIn, AssertionPatch
from app.services import records, revisions, rows
from app.services.documents import new_key
from app.services.rows import Expected


def value_columns(value: Value, stance: Stance, value_type: ValueType) -> dict[str, Any]:
    """The interval columns for ``value`` on a claim of ``value_type``."""
    bounds = [b for b in (value.low, value.high) if b is not None]
    if stance is Stance.UNDISCLOSED and (value.qualifier is not None or bounds):
        raise InvalidInput(
            "an undisclosed value has no qualifier and no interval: give only value.text",
            field="value",
        )
    if value.normalized is not None and value_type is not ValueType.TEXT:
        raise InvalidInput("normalized is only for text claims", field="value.normalized")
    if value_type is ValueType.TEXT and bounds:
        raise InvalidInput(
            "a text claim's value has no low or high: give value.text", field="value"
        )
    if value_type is ValueType.QUANTITY and any(isinstance(b, date) for b in bounds):
        raise InvalidInput(
            "this claim counts a quantity: low and high are numbers", field="value.low"
        )
    if value_type is ValueType.DATE and any(not isinstance(b, date) for b in bounds):
        raise InvalidInput(
            "this claim's value is a date: low and high are YYYY-MM-DD", field="value.low"
        )
    if value.qualifier is not None and value_type is not ValueType.TEXT and not bounds:
        raise InvalidInput(
            f"a {value.qualifier} value needs an interval: give value.low or value.high",
            field="value.low",
        )
    dated = value_type is ValueType.DATE
    return {
        "value_text": value.text,
        "value_normalized": value.normalized,
        "qualifier": value.qualifier,
        "low": None if dated else value.low,
        "high": None if dated else value.high,
        "date_low": value.low if dated else None,
        "date_high": value.high if dated else None,
        "low_inclusive": value.low_inclusive,
        "high_inclusive": value.high_inclusive,
    }


@lru_cache(maxsize=256)
def _lexicon(vague_terms: tuple[tuple[str, tuple[float, float]], ...]) -> Lexicon:
    return Lexicon.default().with_vague(dict(vague_terms)) if vague_terms else Lexicon.default()


def claim_lexicon(claim: Claim) -> Lexicon:
    """The default lexicon with the claim's own reading of vague wording."""
    return _lexicon(tuple(sorted((t, (lo, hi)) for t, (lo, hi) in claim.vague_terms.items())))


def read_value(value: Value, stance: Stance, claim: Claim, reference: date | None) -> Value:
    """Fill a value given only as wording: the interval and qualifier it stands for.

    Quantities are read with the claim's tolerance and lexicon ("some 42,400" ->
    approximately 38,160-46,640), dates as the days they cover ("June 2024" -> the
    month). An asserted figure that cannot be read is an error; a denial may have none.
    """
    given = value.qualifier is not None or value.low is not None or value.high is not None
    if given or stance is Stance.UNDISCLOSED or claim.value_type is ValueType.TEXT:
        return value
    if claim.value_type is ValueType.QUANTITY:
        try:
            parsed = parse_value(
                value.text, tolerance=claim.tolerance, lexicon=claim_lexicon(claim)
            )
        except ValueNotFound:
            if stance is Stance.DENIES:
                return value
            raise InvalidInput(
                f"no figure can be read in {value.text!r}: give value.qualifier with value.low "
                "and/or value.high",
                field="value.text",
            ) from None
        return value.model_copy(
            update={"qualifier": parsed.qualifier, **_columns_of(parsed.interval)}
        )
    window = parse_date(value.text, reference=reference)
    if window is None:
        if stance is Stance.DENIES:
            return value
        raise InvalidInput(
            f"no date can be read in {value.text!r}: give value.low and value.high as dates",
            field="value.text",
        )
    qualifier = Qualifier.EXACT if window.precision is Precision.DAY else Qualifier.RANGE
    return value.model_copy(
        update={"qualifier": qualifier, "low": window.start, "high": window.end}
    )


def _columns_of(parsed_interval: Any) -> dict[str, Any]:
    iv = parsed_interval
    return {
        "low": None if iv.low == float("-inf") else iv.low,
        "high": None if iv.high == float("inf") else iv.high,
        "low_inclusive": not iv.low_open,
        "high_inclusive": not iv.high_open,
    }


def reread_values(
    session: Session,
    claim: Claim,
    old_tolerance: float,
    old_terms: dict[str, list[float]],
    actor: str,
) -> int:
    """After a claim's tolerance or vague lexicon changed, read again the values that were
    read from their wording with the old settings (values given by hand are kept).
    Returns how many assertions moved."""
    if claim.value_type is not ValueType.QUANTITY:
        return 0
    old_lexicon = _lexicon(tuple(sorted((t, (lo, hi)) for t, (lo, hi) in old_terms.items())))
    moved = 0
    for row in queries.assertions_of_claim(session, claim.id):
        if row.qualifier not in (Qualifier.APPROXIMATELY, Qualifier.VAGUE):
            continue
        try:
            then = parse_value(row.value_text, tolerance=old_tolerance, lexicon=old_lexicon)
        except ValueNotFound:
            continue
        stored = {
            "low": row.low, "high": row.high,
            "low_inclusive": row.low_inclusive, "high_inclusive": row.high_inclusive,
        }  # fmt: skip
        if then.qualifier is not row.qualifier or _columns_of(then.interval) != stored:
            continue  # not the reading of its wording: set by hand
        now = parse_value(row.value_text, tolerance=claim.tolerance, lexicon=claim_lexicon(claim))
        moved += rows.update(session, row, _columns_of(now.interval), actor)
    return moved


def read_as_of(as_of: AsOf | None, reference: date | None) -> AsOf | None:
    """Fill an as-of window given only as wording ("by early December") from the
    publication date; wording that names no time is kept as text."""
    if as_of is None or as_of.text is None or as_of.start is not None or as_of.end is not None:
        return as_of
    window = parse_time_cue(as_of.text, reference or datetime.now(UTC).date())
    if window is None:
        return as_of
    return as_of.model_copy(
        update={"start": window.start, "end": window.end, "precision": window.precision}
    )


def assertion_fields(session: Session, body: AssertionIn) -> tuple[dict[str, Any], list[int]]:
    """Column values and the intermediaries' source ids for ``body``, every rule checked."""
    claim = find(session, Claim, body.claim, field="claim")
    document = find(session, Document, body.document, field="document")
    published = document.published_at.date() if document.published_at else None
    value = read_value(body.value, body.stance, claim, published)
    as_of = read_as_of(body.as_of, published)
    fields = value_columns(value, body.stance, claim.value_type)
    fields.update(
        claim_id=claim.id,
        document_id=document.id,
        stance=body.stance,
        hedge=body.hedge,
        notes=body.notes,
        as_of_start=as_of.start if as_of else None,
        as_of_end=as_of.end if as_of else None,
        as_of_precision=as_of.precision if as_of else None,
        as_of_text=as_of.text if as_of else None,
    )
    quote = body.quote
    if quote is None:
        fields.update(
            quote_exact=None, quote_start=None, quote_end=None, quote_prefix=None, quote_suffix=None
        )
    else:
        anchor = anchor_quote(
            document.text,
            quote.exact,
            start=quote.start,
            end=quote.end,
            prefix=quote.prefix,
            suffix=quote.suffix,
        )
        fields.update(
            quote_exact=anchor.exact,
            quote_start=anchor.start,
            quote_end=anchor.end,
            quote_prefix=anchor.prefix,
            quote_suffix=anchor.suffix,
        )
    source = body.attribution.source
    fields["source_id"] = (
        None if source is None else find(session, Source, source, field="attribution.source").id
    )
    via = [find(session, Source, ref, field="attribution.via").id for ref in body.attribution.via]
    return fields, via


def _sync_via(assertion: Assertion, via: list[int]) -> None:
    links = {link.position: link for link in assertion.intermediaries}
    kept = []
    for position, source_id in enumerate(via):
        link = links.get(position) or AssertionIntermediary(position=position)
        link.source_id = source_id
        kept.append(link)
    assertion.intermediaries = kept


def create_assertion(
    session: Session,
    body: AssertionIn,
    actor: str,
    *,
    created_by: str | None = None,
    creator_kind: CreatorKind = CreatorKind.PERSON,
    status: AssertionStatus = AssertionStatus.ACTIVE,
) -> Assertion:
    fields, via = assertion_fields(session, body)
    assertion = Assertion(
        key=body.key or new_key("as"),
        created_by=created_by or actor,
        creator_kind=creator_kind,
        status=status,
        **fields,
    )
    _sync_via(assertion, via)
    return rows.create(session, assertion, actor)


def apply_assertion(
    session: Session, assertion: Assertion, body: AssertionIn, actor: str, **extra: Any
) -> bool:
    """Make ``assertion`` say what ``body`` says; False when it already did."""
    before = revisions.snapshot(assertion)
    fields, via = assertion_fields(session, body)
    _sync_via(assertion, via)
    return rows.update(session, assertion, {**fields, **extra}, actor, before=before)


def update_assertion(
    session: Session,
    ref: int | str,
    patch: AssertionPatch,
    actor: str,
    *,
    expected: Expected = None,
) -> Assertion:
    assertion = find(session, Assertion, ref, options=queries.ASSERTION_VIEW)
    rows.check_version(session, assertion, expected)
    current = records.assertion_input(assertion).model_dump(exclude_unset=False)
    # Nested objects (value, as_of, attribution, quote) are replaced whole, so a new quote
    # without offsets is located afresh in the text.
    current.update(patch.model_dump(exclude_unset=True))
    apply_assertion(session, assertion, AssertionIn.model_validate(current), actor)
    return assertion


def retract_assertion(
    session: Session, ref: int | str, reason: str, actor: str, *, expected: Expected = None
) -> Assertion:
    assertion = find(session, Assertion, ref, options=queries.ASSERTION_VIEW)
    rows.check_version(session, assertion, expected)
    if assertion.status is AssertionStatus.RETRACTED:
        raise InvalidInput(f"assertion {assertion.id} is already retracted", field="status")
    note = (
        f"Retracted: {reason}" if not assertion.notes else f"{assertion.notes}\nRetracted: {reason}"
    )
    rows.update(session, assertion, {"status": AssertionStatus.RETRACTED, "notes": note}, actor)
    return assertion


def delete_assertion(
    session: Session, ref: int | str, actor: str, *, expected: Expected = None
) -> Assertion:
    assertion = find(session, Assertion, ref, options=queries.ASSERTION_VIEW)
    rows.check_version(session, assertion, expected)
    rows.soft_delete(session, assertion, actor)
    return assertion
