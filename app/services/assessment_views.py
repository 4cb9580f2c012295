"""Domain assessment results in the API's terms: dates back from day numbers, ids with
names, and a sentence for every consensus."""

from __future__ import annotations

import math
from datetime import date

from app.db.models import Claim
from app.domain.assessment import Assessment
from app.domain.compare import Conflict, format_value
from app.domain.consensus import Consensus
from app.domain.intervals import Interval
from app.domain.vocabulary import ValueType
from app.schemas.assessment import (
    AgreementGroupOut,
    AssessmentOut,
    Bound,
    ClaimBrief,
    ConflictOut,
    ConflictSide,
    ConsensusOut,
    Span,
    TimelineEntry,
    Window,
)
from app.schemas.views import OutletRef, SourceRef
from app.services.evidence import AssertionLike, Evidence


def claim_brief(claim: Claim) -> ClaimBrief:
    return ClaimBrief.model_validate(claim, from_attributes=True)


def _bound(x: float, value_type: ValueType) -> Bound:
    if math.isinf(x):
        return None
    return date.fromordinal(int(x)) if value_type is ValueType.DATE else x


def span(interval: Interval | None, text: str | None, value_type: ValueType) -> Span:
    if interval is None:
        return Span(text=text)
    return Span(
        low=_bound(interval.low, value_type),
        high=_bound(interval.high, value_type),
        low_inclusive=not interval.low_open,
        high_inclusive=not interval.high_open,
        text=text,
    )


def _window(window: tuple[date, date] | None) -> Window | None:
    return None if window is None else Window(start=window[0], end=window[1])


def _voices(ev: Evidence, ids: tuple[int, ...]) -> list[str]:
    by_id = {f.id: f for f in ev.facts}
    return sorted({ev.voice_names.get(by_id[i].voice, by_id[i].voice) for i in ids})


def consensus_view(ev: Evidence, c: Consensus, window: tuple[date, date] | None) -> ConsensusOut:
    value_type = ev.claim.value_type
    shown = span(c.interval, c.text, value_type)
    value = (
        repr(c.text)
        if c.text is not None
        else format_value(c.best, value_type)
        if c.best is not None
        else "?"
    )
    voices = _voices(ev, c.supporting)
    explanation = (
        f"{len(c.supporting)} assertion(s) from {c.outlets} outlet(s) and "
        f"{c.independent_sources} independent source(s) ({'; '.join(voices)}) agree on "
        f"{value}{'' if c.interval is None else f' within {c.interval}'}; "
        f"{len(c.dissenting)} dissent."
    )
    return ConsensusOut(
        **shown.model_dump(),
        window=_window(window),
        best=None if c.best is None else _bound(c.best, value_type),
        supporting=list(c.supporting),
        dissenting=list(c.dissenting),
        outlets=c.outlets,
        independent_sources=c.independent_sources,
        support=float(c.support),
        explanation=explanation,
    )


def _side(row: AssertionLike) -> ConflictSide:
    return ConflictSide(
        assertion=row.id,
        key=row.key,
        outlet=OutletRef.model_validate(row.document.outlet),
        document=row.document_id,
        source=SourceRef.model_validate(row.source) if row.source else None,
        value=row.value_text,
        quote=row.quote_exact,
    )


def conflict_view(ev: Evidence, conflict: Conflict) -> ConflictOut:
    return ConflictOut(
        claim=claim_brief(ev.claim),
        a=_side(ev.rows[conflict.a]),
        b=_side(ev.rows[conflict.b]),
        severity=round(conflict.severity, 4),
        rule=conflict.rule.value,
        reason=conflict.reason,
    )


def assessment_view(ev: Evidence, result: Assessment, *, conflict_limit: int) -> AssessmentOut:
    value_type = ev.claim.value_type
    windows = [consensus_view(ev, w.consensus, w.window) for w in result.windows if w.consensus]
    groups = [
        AgreementGroupOut(
            **span(g.interval, g.text, value_type).model_dump(),
            window=_window(w.window),
            assertions=list(g.supporting),
            outlets=g.outlets,
            independent_sources=g.independent_sources,
            voices=_voices(ev, g.supporting),
        )
        for w in result.windows
        for g in w.groups
    ]
    supporting = {i for w in result.windows if w.consensus for i in w.consensus.supporting}
    timeline = [
        TimelineEntry(
            **span(f.interval, f.text, value_type).model_dump(),
            assertion=f.id,
            outlet=OutletRef.model_validate(ev.rows[f.id].document.outlet),
            stance=f.stance,
            qualifier=f.qualifier,
            wording=f.wording,
            as_of_start=f.window[0] if f.window else None,
            as_of_end=f.window[1] if f.window else None,
            published_at=ev.rows[f.id].document.published_at,
            voice=ev.voice_names.get(f.voice, f.voice),
            in_consensus=(f.id in supporting) if f.is_figure else None,
        )
        for f in ev.facts
    ]
    consensus = result.consensus
    latest = next((w.window for w in reversed(result.windows) if w.consensus), None)
    return AssessmentOut(
        claim=claim_brief(ev.claim),
        consensus=None if consensus is None else consensus_view(ev, consensus, latest),
        windows=windows,
        agreement_groups=groups,
        conflicts=[conflict_view(ev, c) for c in result.conflicts[:conflict_limit]],
        conflicts_total=result.conflicts_total,
        conflicts_complete=result.conflicts_complete,
        undisclosed=list(result.undisclosed),
        denials=list(result.denials),
        excluded=sorted(ev.excluded),
        timeline=timeline,
    )
