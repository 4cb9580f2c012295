"""A claim's live assertions as the facts the assessment domain reasons about."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.db import queries
from app.db.evidence_rows import AssertionBrief, gc_paused
from app.db.models import Assertion, Claim
from app.domain.compare import Facts, as_of_window, normalise_text
from app.domain.intervals import Interval
from app.domain.vocabulary import AssertionStatus, Stance, ValueType

# An assertion as the ORM loads it (with ASSERTION_VIEW) or as a plain row.
AssertionLike = Assertion | AssertionBrief


@dataclass(frozen=True)
class Evidence:
    """A claim's live assertions, split into the assessed facts and the excluded rows."""

    claim: Claim
    rows: dict[int, AssertionLike]
    facts: list[Facts]
    excluded: list[int]
    voice_names: dict[str, str]


def _interval(row: AssertionLike, value_type: ValueType) -> Interval | None:
    """The stored value as an interval; dates become ordinal day numbers."""
    low: float | None
    high: float | None
    if value_type is ValueType.DATE:
        low = row.date_low.toordinal() if row.date_low else None
        high = row.date_high.toordinal() if row.date_high else None
    elif value_type is ValueType.QUANTITY:
        low, high = row.low, row.high
    else:
        return None
    if low is None and high is None:
        return None
    return Interval(
        -math.inf if low is None else float(low),
        math.inf if high is None else float(high),
        low_open=low is not None and not row.low_inclusive,
        high_open=high is not None and not row.high_inclusive,
    )


# evidence() builds Facts positionally, all fields at once.
assert len(Facts._fields) == 11, "Facts changed: update evidence()"


class _Intervals:
    """``_interval`` of rows, one ``Interval`` per distinct stored value (they repeat)."""

    def __init__(self, value_type: ValueType) -> None:
        self.value_type = value_type
        self.quantity = value_type is ValueType.QUANTITY
        self.known: dict[tuple[Any, ...], Interval | None] = {}

    def of(self, row: AssertionLike) -> Interval | None:
        if not self.quantity:
            key: tuple[Any, ...] = (
                row.date_low, row.date_high, row.low_inclusive, row.high_inclusive
            )  # fmt: skip
            found = self.known.get(key, _UNKNOWN)
            if found is _UNKNOWN:
                found = self.known[key] = _interval(row, self.value_type)
            return found  # type: ignore[return-value]
        low, high = row.low, row.high
        if low == 0 or high == 0:  # 0.0 and -0.0 are equal keys, not equal values
            return _interval(row, self.value_type)
        key = (low, high, row.low_inclusive, row.high_inclusive)
        found = self.known.get(key, _UNKNOWN)
        if found is _UNKNOWN:  # _interval of a quantity, inline
            found = self.known[key] = (
                None
                if low is None and high is None
                else Interval(
                    -math.inf if low is None else float(low),
                    math.inf if high is None else float(high),
                    low is not None and not key[2],
                    high is not None and not key[3],
                )
            )
        return found  # type: ignore[return-value]


_UNKNOWN = object()


def own_voice_name(outlet_name: str) -> str:
    """The voice of an outlet's own reporting."""
    return f"{outlet_name} (own voice)"


def syndicated_voice_name(outlet_id: int) -> str:
    """The voice of an outlet's reporting as another outlet carries it."""
    return f"outlet {outlet_id} (syndicated original)"


def voice_name_of(ev: Evidence, fact: Facts) -> tuple[str, bool]:
    """The name ``fact`` gives its voice in ``ev.voice_names``, and whether it is the
    voice's own name (a source's, an outlet's own voice), which wins over a syndicated
    one: ``evidence`` names each voice by its rows this way."""
    row = ev.rows[fact.id]
    if row.source is not None:
        return row.source.name, True
    if fact.voice == f"outlet:{fact.outlet_id}":
        return own_voice_name(row.document.outlet.name), True
    return syndicated_voice_name(int(fact.voice.removeprefix("outlet:"))), False


@gc_paused()
def evidence(session: Session, claim: Claim, rows: Sequence[AssertionLike]) -> Evidence:
    """``rows`` (the claim's live assertions, loaded with ASSERTION_VIEW or as
    ``evidence_rows``) as facts.

    One pass over the rows; what several rows share (a document's outlet, voice and
    publication day; a source's voice) is worked out once.
    """
    copies = {r.document_id for r in rows if r.document.duplicate_of_id is not None}
    heads = queries.duplicate_heads(session, copies) if copies else {}
    value_type = claim.value_type
    texts = value_type is ValueType.TEXT
    facts: list[Facts] = []
    excluded: list[int] = []
    names: dict[str, str] = {}
    # document id -> outlet id and name, voice, publication day, voice's name, own voice
    documents: dict[int, tuple[int, str, str, date | None, str, bool]] = {}
    source_voices: dict[int, str] = {}
    active, asserts, undisclosed = AssertionStatus.ACTIVE, Stance.ASSERTS, Stance.UNDISCLOSED
    append = facts.append
    new = tuple.__new__
    interval = _Intervals(value_type).of
    for row in rows:
        if row.status is not active:
            excluded.append(row.id)
            continue
        document_id = row.document_id
        known = documents.get(document_id)
        if known is None:
            document = row.document
            outlet_id = heads.get(document_id, document.outlet_id)
            own = outlet_id == document.outlet_id
            published = document.published_at.date() if document.published_at else None
            known = documents[document_id] = (
                document.outlet_id,
                document.outlet.name,
                f"outlet:{outlet_id}",
                published,
                own_voice_name(document.outlet.name) if own else syndicated_voice_name(outlet_id),
                own,
            )
        source = row.source
        if source is not None:
            voice = source_voices.get(source.id)
            if voice is None:
                voice = source_voices[source.id] = f"source:{source.id}"
            names[voice] = source.name
        else:
            voice = known[2]
            if known[5] or voice not in names:
                names[voice] = known[4]
        stance = row.stance
        text = None
        if texts and stance is asserts:
            text = normalise_text(row.value_normalized or row.value_text)
        append(
            new(  # Facts(...), every field given: without the named tuple's __new__
                Facts,
                (
                    row.id,
                    known[0],
                    known[1],
                    document_id,
                    voice,
                    stance,
                    row.value_text,
                    row.qualifier,
                    None if stance is undisclosed else interval(row),
                    text,
                    as_of_window(row.as_of_start, row.as_of_end, known[3]),
                ),
            )
        )
    return Evidence(claim, {r.id: r for r in rows}, facts, excluded, names)
