"""Properties of the audit rules, on models built as the client returns them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from hypothesis import given
from hypothesis import strategies as st

from app.audit.rules import Finding, severe_conflicts, stale_claims
from app.domain.vocabulary import AssertionStatus
from app.schemas.assessment import ClaimBrief, ConflictOut, ConflictSide
from app.schemas.views import AssertionOut, ClaimOut, ClaimRef, DocumentRef, OutletRef

CLAIMS = [ClaimOut.model_construct(id=i, slug=f"claim-{i}") for i in range(1, 5)]
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def assertions(draw: st.DrawFn) -> AssertionOut:
    published = draw(st.none() | days)
    return AssertionOut.model_construct(
        claim=ClaimRef.model_construct(id=draw(st.integers(1, len(CLAIMS)))),
        document=DocumentRef.model_construct(
            published_at=datetime.combine(published, time(), UTC) if published else None
        ),
        status=draw(st.sampled_from(AssertionStatus)),
        deleted_at=None,
        created_at=datetime.combine(draw(days), time(), UTC),
    )


def flagged(found: list[Finding]) -> set[str]:
    return {f.subject for f in found}


@given(st.lists(assertions(), max_size=12), days, days)
def test_a_later_stale_date_flags_at_least_the_same_claims(
    rows: list[AssertionOut], one: date, other: date
) -> None:
    early, late = sorted((one, other))
    assert flagged(stale_claims(CLAIMS, rows, early)) <= flagged(stale_claims(CLAIMS, rows, late))


@given(st.lists(assertions(), max_size=12), days, st.integers(1, len(CLAIMS)))
def test_a_new_active_assertion_makes_its_claim_fresh(
    rows: list[AssertionOut], since: date, claim_id: int
) -> None:
    fresh = AssertionOut.model_construct(
        claim=ClaimRef.model_construct(id=claim_id),
        document=DocumentRef.model_construct(published_at=datetime.combine(since, time(), UTC)),
        status=AssertionStatus.ACTIVE,
        deleted_at=None,
        created_at=datetime.combine(since, time(), UTC),
    )
    before = flagged(stale_claims(CLAIMS, rows, since))
    after = flagged(stale_claims(CLAIMS, [*rows, fresh], since))
    assert after == before - {f"claim claim-{claim_id}"}


def conflict(severity: float, n: int) -> ConflictOut:
    outlet = OutletRef.model_construct(name="Wire")
    side = ConflictSide.model_construct(key=f"a{n}", outlet=outlet, value="1")
    return ConflictOut.model_construct(
        claim=ClaimBrief.model_construct(slug="c"), a=side,
        b=ConflictSide.model_construct(key=f"b{n}", outlet=outlet, value="2"),
        severity=severity, reason="apart",
    )  # fmt: skip


@given(st.lists(st.floats(0, 1), max_size=15), st.floats(0, 1), st.floats(0, 1))
def test_conflicts_at_a_higher_minimum_are_a_subset_most_severe_first(
    severities: list[float], one: float, other: float
) -> None:
    rows = [conflict(s, n) for n, s in enumerate(severities)]
    low, high = sorted((one, other))
    strict, loose = severe_conflicts(rows, high), severe_conflicts(rows, low)
    assert flagged(strict) <= flagged(loose)
    assert all((f.severity or 0) >= high for f in strict)
    assert [f.severity for f in loose] == sorted((f.severity for f in loose), reverse=True)
    assert len(loose) == sum(s >= low for s in severities)
