"""A claim's live assertions as the facts the assessment domain reasons about."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.db import queries
from app.db.evidence_rows import AssertionBrief
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


def _facts(row: AssertionLike, value_type: ValueType, voice: str) -> Facts:
    published = row.document.published_at.date() if row.document.published_at else None
    text = None
    if value_type is ValueType.TEXT and row.stance is Stance.ASSERTS:
        text = normalise_text(row.value_normalized or row.value_text)
    return Facts(
        id=row.id,
        outlet_id=row.document.outlet_id,
        outlet=row.document.outlet.name,
        document_id=row.document_id,
        voice=voice,
        stance=row.stance,
        wording=row.value_text,
        qualifier=row.qualifier,
        interval=None if row.stance is Stance.UNDISCLOSED else _interval(row, value_type),
        text=text,
        window=as_of_window(row.as_of_start, row.as_of_end, published),
    )


def evidence(session: Session, claim: Claim, rows: Sequence[AssertionLike]) -> Evidence:
    """``rows`` (the claim's live assertions, loaded with ASSERTION_VIEW or as
    ``evidence_rows``) as facts."""
    copies = {r.document_id for r in rows if r.document.duplicate_of_id is not None}
    heads = queries.duplicate_heads(session, copies) if copies else {}
    facts, excluded, names = [], [], {}
    for row in rows:
        if row.status is not AssertionStatus.ACTIVE:
            excluded.append(row.id)
            continue
        if row.source is not None:
            voice, names[voice] = f"source:{row.source.id}", row.source.name
        else:
            outlet_id = heads.get(row.document_id, row.document.outlet_id)
            voice = f"outlet:{outlet_id}"
            if outlet_id == row.document.outlet_id:
                names[voice] = f"{row.document.outlet.name} (own voice)"
            else:
                names.setdefault(voice, f"outlet {outlet_id} (syndicated original)")
        facts.append(_facts(row, claim.value_type, voice))
    return Evidence(claim, {r.id: r for r in rows}, facts, excluded, names)
