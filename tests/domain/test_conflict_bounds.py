"""Claims where many values disagree: the assessment keeps the most severe conflicts
instead of every pair, and counts the candidates without listing them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import assessment
from app.domain import consensus as consensus_module
from app.domain import coverage as coverage_module
from app.domain.assessment import claim_conflicts, count_candidate_pairs, find_conflicts
from app.domain.compare import Facts
from app.domain.consensus import agreement_groups
from app.domain.intervals import Interval
from app.domain.vocabulary import Behavior, Stance, ValueType


def _facts(values: list[tuple[int, int]]) -> list[Facts]:
    return [
        Facts(i, i % 7, f"outlet {i % 7}", i, f"outlet:{i % 5}", Stance.ASSERTS, f"{low:,}",
              interval=Interval(low, low + width))
        for i, (low, width) in enumerate(values, start=1)
    ]  # fmt: skip


values = st.lists(
    st.tuples(st.integers(1, 10_000), st.sampled_from([0, 0, 10, 500])), min_size=2, max_size=60
)


@given(values)
@settings(max_examples=150, deadline=None)
def test_candidate_pairs_are_counted_as_listed(values):
    facts = _facts(values)
    # For a fixed claim every pair of disjoint values conflicts: candidates == conflicts.
    assert count_candidate_pairs(facts) == len(
        find_conflicts(facts, Behavior.FIXED, ValueType.QUANTITY)
    )


@given(values, st.integers(1, 20))
@settings(max_examples=150, deadline=None)
def test_a_bounded_list_keeps_the_most_severe_conflicts(values, kept):
    facts = _facts(values)
    every = find_conflicts(facts, Behavior.FIXED, ValueType.QUANTITY)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assessment, "EXACT_PAIRS", 0)
        patch.setattr(assessment, "KEPT_CONFLICTS", kept)
        bounded = claim_conflicts(facts, Behavior.FIXED, ValueType.QUANTITY)
    assert bounded.total == len(every)
    assert len(bounded.found) == min(kept, len(every))
    assert set(bounded.found) <= set(every)
    assert [c.severity for c in bounded.found] == sorted(
        (c.severity for c in bounded.found), reverse=True
    )
    if bounded.found and len(every) > len(bounded.found):
        # Positive values: nothing left out is more severe than the least severe kept.
        assert min(c.severity for c in bounded.found) >= every[len(bounded.found)].severity


def test_few_candidates_are_all_compared():
    facts = _facts([(100, 0), (200, 0), (300, 0)])
    result = claim_conflicts(facts, Behavior.FIXED, ValueType.QUANTITY)
    assert result.complete
    assert result.total == len(result.found) == 3


@given(values, st.integers(1, 40), st.booleans())
@settings(max_examples=200, deadline=None)
def test_the_vectorised_sweep_finds_what_the_plain_one_does(values, voices, all_exact):
    """Float sums ranked, near-ties re-weighed exactly (or, past NEAR_TOP_LIMIT, every
    weight exact): the same groups, ties included, as the plain exact sweep. Voices of
    unequal sizes make weights like 1/3 + 1/7 that floats cannot hold exactly."""
    facts = [
        Facts(f.id, f.outlet_id, f.outlet, f.document_id, f"source:{(f.id * f.id) % voices}",
              f.stance, f.wording, interval=f.interval)
        for f in _facts(values)
    ]  # fmt: skip
    plain = agreement_groups(facts)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(consensus_module, "VECTORISED_FROM", 0)
        if all_exact:
            patch.setattr(coverage_module, "NEAR_TOP_LIMIT", -1)
        vectorised = agreement_groups(facts)
    assert vectorised == plain
