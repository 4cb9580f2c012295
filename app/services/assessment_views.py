"""Domain assessment results in the API's terms: dates back from day numbers, ids with
names, and a sentence for every consensus.

A large claim's assessment has one timeline entry per assertion, so the answer is first
built as plain data (dicts and lists in the fields' order) and then either validated
into ``AssessmentOut`` in one call (``assessment_view``) or written straight to JSON
bytes (``assessment_json``), the same bytes FastAPI writes for the validated model:
building ten thousand pydantic models one by one cost more than the assessment itself.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable, Iterable
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter
from typing_extensions import TypedDict

from app.db.evidence_rows import gc_paused
from app.db.models import Claim
from app.domain.assessment import Assessment
from app.domain.compare import Conflict, format_value
from app.domain.consensus import Consensus
from app.domain.intervals import Interval
from app.domain.vocabulary import Stance, ValueType
from app.schemas.assessment import (
    AssessmentOut,
    Bound,
    ClaimBrief,
    ConflictOut,
    Span,
    TimelineEntry,
)
from app.services.evidence import AssertionLike, Evidence

# A model's fields as plain data, in the model's field order.
Data = dict[str, Any]


def claim_brief(claim: Claim) -> ClaimBrief:
    return ClaimBrief.model_validate(claim, from_attributes=True)


def _claim_data(claim: Claim) -> Data:
    return {
        "id": claim.id,
        "slug": claim.slug,
        "title": claim.title,
        "unit": claim.unit,
        "value_type": claim.value_type,
        "behavior": claim.behavior,
    }


def _ref_data(ref: Any) -> Data:
    """An ``OutletRef`` or ``SourceRef`` as plain data."""
    return {"id": ref.id, "slug": ref.slug, "name": ref.name, "kind": ref.kind}


def _bound(x: float, value_type: ValueType) -> Bound:
    if math.isinf(x):
        return None
    return date.fromordinal(int(x)) if value_type is ValueType.DATE else x


def _span_data(interval: Interval | None, text: str | None, value_type: ValueType) -> Data:
    if interval is None:
        return {
            "low": None,
            "high": None,
            "low_inclusive": True,
            "high_inclusive": True,
            "text": text,
        }
    return {
        "low": _bound(interval.low, value_type),
        "high": _bound(interval.high, value_type),
        "low_inclusive": not interval.low_open,
        "high_inclusive": not interval.high_open,
        "text": text,
    }


def span(interval: Interval | None, text: str | None, value_type: ValueType) -> Span:
    return Span.model_validate(_span_data(interval, text, value_type))


def _window(window: tuple[date, date] | None) -> Data | None:
    return None if window is None else {"start": window[0], "end": window[1]}


# The names of the voices behind some assertions (a consensus, an agreement group).
VoicesOf = Callable[[tuple[int, ...]], list[str]]


def voices_of(ev: Evidence) -> VoicesOf:
    names = ev.voice_names
    voice_of = {f.id: f.voice for f in ev.facts}

    def voices(ids: tuple[int, ...]) -> list[str]:
        return sorted({names.get(v, v) for v in {voice_of[i] for i in ids}})

    return voices


def _consensus_data(
    ev: Evidence, voices_of: VoicesOf, c: Consensus, window: tuple[date, date] | None
) -> Data:
    value_type = ev.claim.value_type
    value = (
        repr(c.text)
        if c.text is not None
        else format_value(c.best, value_type)
        if c.best is not None
        else "?"
    )
    voices = voices_of(c.supporting)
    explanation = (
        f"{len(c.supporting)} assertion(s) from {c.outlets} outlet(s) and "
        f"{c.independent_sources} independent source(s) ({'; '.join(voices)}) agree on "
        f"{value}{'' if c.interval is None else f' within {c.interval}'}; "
        f"{len(c.dissenting)} dissent."
    )
    return {
        **_span_data(c.interval, c.text, value_type),
        "window": _window(window),
        "best": None if c.best is None else _bound(c.best, value_type),
        "supporting": list(c.supporting),
        "dissenting": list(c.dissenting),
        "outlets": c.outlets,
        "independent_sources": c.independent_sources,
        "support": float(c.support),
        "explanation": explanation,
    }


def _side_data(row: AssertionLike) -> Data:
    return {
        "assertion": row.id,
        "key": row.key,
        "outlet": _ref_data(row.document.outlet),
        "document": row.document_id,
        "source": _ref_data(row.source) if row.source else None,
        "value": row.value_text,
        "quote": row.quote_exact,
    }


def _conflict_data(ev: Evidence, claim: Data, conflict: Conflict) -> Data:
    return {
        "claim": claim,
        "a": _side_data(ev.rows[conflict.a]),
        "b": _side_data(ev.rows[conflict.b]),
        "severity": round(conflict.severity, 4),
        "rule": conflict.rule.value,
        "reason": conflict.reason,
    }


def conflict_view(ev: Evidence, conflict: Conflict) -> ConflictOut:
    return ConflictOut.model_validate(_conflict_data(ev, _claim_data(ev.claim), conflict))


def _timeline_data(ev: Evidence, supporting: set[int]) -> list[Data]:
    """One entry per assessed assertion; what entries share (a document's outlet and
    publication time, a day) is worked out once."""
    value_type = ev.claim.value_type
    dates = value_type is ValueType.DATE
    names = ev.voice_names
    rows = ev.rows
    outlets: dict[int, Data] = {}
    documents: dict[int, tuple[Data, datetime | None]] = {}
    days: dict[float, Bound] = {}
    infinite = (math.inf, -math.inf)
    asserts = Stance.ASSERTS
    entries: list[Data] = []
    append = entries.append
    low: Bound
    high: Bound
    for f in ev.facts:
        (
            id_,
            outlet_id,
            _,
            document_id,
            voice,
            stance,
            wording,
            qualifier,
            interval,
            text,
            window,
        ) = f
        known = documents.get(document_id)
        if known is None:
            document = rows[id_].document
            outlet = outlets.get(outlet_id)
            if outlet is None:
                outlet = outlets[outlet_id] = _ref_data(document.outlet)
            known = documents[document_id] = (outlet, document.published_at)
        if interval is None:
            low = high = None
            low_inclusive = high_inclusive = True
        else:  # _bound, inline
            low, high = interval.low, interval.high
            if dates:
                low = days[low] if low in days else days.setdefault(low, _bound(low, value_type))
                high = (
                    days[high] if high in days else days.setdefault(high, _bound(high, value_type))
                )
            else:
                if low in infinite:
                    low = None
                if high in infinite:
                    high = None
            low_inclusive = not interval.low_open
            high_inclusive = not interval.high_open
        append(
            {
                "low": low,
                "high": high,
                "low_inclusive": low_inclusive,
                "high_inclusive": high_inclusive,
                "text": text,
                "assertion": id_,
                "outlet": known[0],
                "stance": stance,
                "qualifier": qualifier,
                "wording": wording,
                "as_of_start": window[0] if window else None,
                "as_of_end": window[1] if window else None,
                "published_at": known[1],
                "voice": names.get(voice, voice),
                # Facts.is_figure, inline
                "in_consensus": (id_ in supporting)
                if stance is asserts and (interval is not None or text is not None)
                else None,
            }
        )
    return entries


def consensus_ids(result: Assessment) -> set[int]:
    """The assertions in the consensus of some window: ``in_consensus`` of the timeline."""
    return {i for w in result.windows if w.consensus for i in w.consensus.supporting}


def assessment_data(
    ev: Evidence,
    result: Assessment,
    *,
    conflict_limit: int,
    timeline: bool = True,
    voices: VoicesOf | None = None,
) -> Data:
    """The ``AssessmentOut`` of ``result`` as plain data: dicts and lists in the fields'
    order, dates, datetimes and enum members as they are (the timeline empty when not
    ``timeline``; ``voices``: ``voices_of(ev)``, or one that remembers)."""
    value_type = ev.claim.value_type
    voices = voices or voices_of(ev)
    windows = [
        _consensus_data(ev, voices, w.consensus, w.window) for w in result.windows if w.consensus
    ]
    groups = [
        {
            **_span_data(g.interval, g.text, value_type),
            "window": _window(w.window),
            "assertions": list(g.supporting),
            "outlets": g.outlets,
            "independent_sources": g.independent_sources,
            "voices": voices(g.supporting),
        }
        for w in result.windows
        for g in w.groups
    ]
    claim = _claim_data(ev.claim)
    return {
        "claim": claim,
        # The consensus of the latest window that has one: the last of ``windows``.
        "consensus": windows[-1] if windows else None,
        "windows": windows,
        "agreement_groups": groups,
        "conflicts": [_conflict_data(ev, claim, c) for c in result.conflicts[:conflict_limit]],
        "conflicts_total": result.conflicts_total,
        "conflicts_complete": result.conflicts_complete,
        "undisclosed": list(result.undisclosed),
        "denials": list(result.denials),
        "excluded": sorted(ev.excluded),
        "timeline": _timeline_data(ev, consensus_ids(result)) if timeline else [],
    }


@gc_paused()
def assessment_view(ev: Evidence, result: Assessment, *, conflict_limit: int) -> AssessmentOut:
    return AssessmentOut.model_validate(assessment_data(ev, result, conflict_limit=conflict_limit))


def _plain(annotation: Any) -> Any:
    """``annotation`` with every pydantic model in it replaced by its ``_plain_model``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _plain_model(annotation)
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return str  # its members are strings of their values: serialised without a lookup
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is list:
        return list[_plain(args[0])]  # type: ignore[misc]
    if origin in (Union, types.UnionType):
        return Union[tuple(_plain(a) for a in args)]  # noqa: UP007
    return annotation


@cache
def _plain_model(model: type[BaseModel]) -> Any:
    """A TypedDict with ``model``'s fields, in its order and of its types: the model's
    serialisation, for plain data."""
    make: Any = TypedDict
    return make(
        f"{model.__name__}Data",
        {name: _plain(field.annotation) for name, field in model.model_fields.items()},
    )


@cache
def _adapter(model: type[BaseModel]) -> TypeAdapter[Any]:
    return TypeAdapter(_plain_model(model))


def conflict_json(ev: Evidence, conflict: Conflict) -> bytes:
    """``conflict_view(ev, conflict).model_dump_json()``, without building the models."""
    return _adapter(ConflictOut).dump_json(_conflict_data(ev, _claim_data(ev.claim), conflict))


def conflicts_json(ev: Evidence, conflicts: Iterable[Conflict]) -> list[bytes]:
    """``conflict_json`` of each of ``conflicts``; the sides an assertion takes in several
    conflicts are worked out once."""
    dump = _adapter(ConflictOut).dump_json
    claim = _claim_data(ev.claim)
    sides: dict[int, Data] = {}

    def side(assertion: int) -> Data:
        found = sides.get(assertion)
        if found is None:
            found = sides[assertion] = _side_data(ev.rows[assertion])
        return found

    return [
        dump(
            {
                "claim": claim,
                "a": side(c.a),
                "b": side(c.b),
                "severity": round(c.severity, 4),
                "rule": c.rule.value,
                "reason": c.reason,
            }
        )
        for c in conflicts
    ]


@gc_paused()
def assessment_json(ev: Evidence, result: Assessment, *, conflict_limit: int) -> bytes:
    """The JSON body of ``assessment_view(...)`` as FastAPI writes it, byte for byte,
    without building the models: serialised in one call with the models' field types
    (a claim of 10,000 assertions: about 5x faster than the models)."""
    data = assessment_data(ev, result, conflict_limit=conflict_limit)
    return _adapter(AssessmentOut).dump_json(data)


def timeline_json(ev: Evidence, in_consensus: set[int]) -> list[bytes]:
    """The JSON of the timeline entry of each of ``ev.facts``, in order (``in_consensus``:
    the ids of ``consensus_ids``, or a superset: only the facts' own ids are looked up)."""
    dump = _adapter(TimelineEntry).dump_json
    return [dump(entry) for entry in _timeline_data(ev, in_consensus)]


_NO_TIMELINE = b'"timeline":[]}'  # the body's last field: see AssessmentOut


@gc_paused()
def assessment_head(ev: Evidence, result: Assessment, voices: VoicesOf) -> bytes:
    """``assessment_json(ev, result, conflict_limit=0)`` up to its timeline's array: the
    body is this, then the JSON array of the timeline entries, then ``}``."""
    data = assessment_data(ev, result, conflict_limit=0, timeline=False, voices=voices)
    body = _adapter(AssessmentOut).dump_json(data)
    if not body.endswith(_NO_TIMELINE):
        raise AssertionError("AssessmentOut no longer ends with its timeline")
    return body[: -len(b"[]}")]
