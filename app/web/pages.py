"""What each web page shows, gathered through the services the API uses.

Thin glue: rows and assessments in, plain dataclasses out, for the templates to lay out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.db import queries
from app.db.lookup import find
from app.db.models import Assertion, Claim, Document
from app.domain.vocabulary import Stance, ValueType
from app.schemas.assessment import AssessmentOut, ConflictOut, Span, TimelineEntry
from app.schemas.views import AssertionOut, ClaimOut, DocumentDetail
from app.services import assessment, present
from app.web import charts
from app.web.passages import Excerpt, Piece, in_context, pieces

CONFLICT_LIMIT = 1000


def _number(x: float) -> str:
    return charts.format_number(x)


def span_text(span: Span) -> str:
    """An interval as a reader would say it: 1,000; 2,000–9,999; ≥ 6,000; 2025-06-17."""
    if span.text is not None:
        return span.text
    low, high = span.low, span.high

    def say(x: float | date) -> str:
        return x.isoformat() if isinstance(x, date) else _number(x)

    if low is None and high is None:
        return "unbounded"
    if low is not None and high is not None:
        return say(low) if low == high else f"{say(low)} – {say(high)}"
    if low is not None:
        return f"{'≥' if span.low_inclusive else '>'} {say(low)}"
    assert high is not None
    return f"{'≤' if span.high_inclusive else '<'} {say(high)}"


@dataclass(frozen=True, slots=True)
class ClaimRow:
    claim: ClaimOut
    assertions: int
    conflicts: int
    consensus: str | None


def claim_rows(
    session: Session, q: str | None, tag: str | None, limit: int, cursor: str | None
) -> tuple[list[ClaimRow], str | None]:
    f = queries.ClaimFilter(q=q, tag=tag)
    rows, next_cursor = queries.list_claims(session, f, limit, cursor)
    out = []
    for row in rows:
        result = assessment.assess_claim(session, row.id, conflict_limit=0)
        out.append(
            ClaimRow(
                claim=present.claim_view(row),
                assertions=len(result.timeline),
                conflicts=result.conflicts_total,
                consensus=None if result.consensus is None else span_text(result.consensus),
            )
        )
    return out, next_cursor


@dataclass(frozen=True, slots=True)
class AssertionItem:
    view: AssertionOut
    excerpt: Excerpt | None
    colour: str | None
    conflict: bool
    in_consensus: bool | None


@dataclass(frozen=True, slots=True)
class ClaimPage:
    claim: ClaimOut
    assessment: AssessmentOut
    chart: str | None
    legend: list[tuple[str, str]]
    assertions: list[AssertionItem]
    unplotted: list[int]


def _day(x: float | date | None) -> float | None:
    if x is None:
        return None
    if isinstance(x, date):
        return float(x.toordinal())
    return float(x)


def _when(entry: TimelineEntry) -> tuple[int, int] | None:
    start = entry.as_of_start or entry.as_of_end
    end = entry.as_of_end or entry.as_of_start
    if start is None or end is None:
        if entry.published_at is None:
            return None
        start = end = entry.published_at.date()
    return (start.toordinal(), end.toordinal())


def timeline_bars(result: AssessmentOut) -> tuple[list[charts.Bar], list[int]]:
    """Bars of the figures that have a value interval and a time; ids of those without."""
    in_conflict = {i for c in result.conflicts for i in (c.a.assertion, c.b.assertion)}
    bars, unplotted = [], []
    for entry in result.timeline:
        low, high = _day(entry.low), _day(entry.high)
        when = _when(entry)
        has_value = entry.text is None and (low is not None or high is not None)
        if entry.stance is not Stance.ASSERTS or not has_value or when is None:
            unplotted.append(entry.assertion)
            continue
        status = {True: "in the consensus", False: "dissents", None: "not compared"}
        label = (
            f"{entry.outlet.name}: {entry.wording!r} read as {span_text(entry)}, as of "
            f"{date.fromordinal(when[0])} to {date.fromordinal(when[1])}; "
            f"{status[entry.in_consensus]}"
            + ("; in conflict" if entry.assertion in in_conflict else "")
        )
        bars.append(
            charts.Bar(
                assertion=entry.assertion,
                series=entry.outlet.name,
                start=when[0],
                end=when[1],
                low=-math.inf if low is None else low,
                high=math.inf if high is None else high,
                label=label,
                conflict=entry.assertion in in_conflict,
                in_consensus=entry.in_consensus,
            )
        )
    return bars, unplotted


def consensus_bands(result: AssessmentOut) -> list[charts.Band]:
    bands = []
    for w in result.windows:
        if w.text is not None:
            continue
        low, high = _day(w.low), _day(w.high)
        bands.append(
            charts.Band(
                low=-math.inf if low is None else low,
                high=math.inf if high is None else high,
                label=f"consensus {span_text(w)}: {w.explanation}",
                start=None if w.window is None else w.window.start.toordinal(),
                end=None if w.window is None else w.window.end.toordinal(),
            )
        )
    return bands


def claim_page(session: Session, ref: str) -> ClaimPage:
    row = find(session, Claim, ref, options=queries.CLAIM_VIEW)
    rows = queries.assertions_of_claim(session, row.id)
    result = assessment.assess_claim(session, row.id, conflict_limit=CONFLICT_LIMIT)
    bars, unplotted = timeline_bars(result)
    svg = None
    if bars:
        chart = charts.layout(
            bars, consensus_bands(result), dates_on_y=result.claim.value_type is ValueType.DATE
        )
        svg = charts.render_svg(
            chart,
            title=f"Timeline of {row.title}",
            description=(
                f"{len(bars)} assertion(s) as bars: as-of window across, value "
                f"({row.unit}) up; one colour per outlet; conflicts outlined in red; the "
                "consensus shaded."
            ),
        )
    colours = charts.colours_for([b.series for b in bars])
    in_conflict = {i for c in result.conflicts for i in (c.a.assertion, c.b.assertion)}
    consensus = {e.assertion: e.in_consensus for e in result.timeline}
    items = [
        AssertionItem(
            view=present.assertion_view(a),
            excerpt=_excerpt(a.document.text, a.quote_start, a.quote_end),
            colour=colours.get(a.document.outlet.name),
            conflict=a.id in in_conflict,
            in_consensus=consensus.get(a.id),
        )
        for a in rows
    ]
    return ClaimPage(
        claim=present.claim_view(row),
        assessment=result,
        chart=svg,
        legend=list(colours.items()),
        assertions=items,
        unplotted=unplotted,
    )


def _excerpt(text: str, start: int | None, end: int | None) -> Excerpt | None:
    if start is None or end is None:
        return None
    return in_context(text, start, end)


def conflict_rows(
    session: Session,
    claim_id: int | None,
    min_severity: float,
    limit: int,
    cursor: str | None,
) -> tuple[list[ConflictOut], str | None]:
    return assessment.conflicts(
        session,
        claim_id=claim_id,
        outlet_id=None,
        source_id=None,
        min_severity=min_severity,
        limit=limit,
        cursor=cursor,
    )


@dataclass(frozen=True, slots=True)
class DocumentPage:
    document: DocumentDetail
    pieces: list[Piece]
    reasons: list[str]


def document_page(session: Session, ref: str) -> DocumentPage:
    row = find(session, Document, ref, options=queries.DOCUMENT_VIEW)
    rows = queries.assertions_of_document(session, row.id)
    detail = present.document_detail(row, rows)
    excluded = [(s.start, s.end, s.reason) for s in detail.excluded_spans]
    marks = _marks(rows)
    return DocumentPage(
        document=detail,
        pieces=pieces(row.text, excluded, marks),
        reasons=sorted({reason for _, _, reason in excluded}),
    )


def _marks(rows: Sequence[Assertion]) -> list[tuple[int, int, int]]:
    """Each anchored quote as (start, end, assertion id)."""
    return [
        (a.quote_start, a.quote_end, a.id)
        for a in rows
        if a.quote_start is not None and a.quote_end is not None
    ]
