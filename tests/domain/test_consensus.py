"""Consensus and conflicts: rules by example, and the sweep against brute force."""

from __future__ import annotations

import math
from datetime import date, timedelta
from fractions import Fraction
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.assessment import assess, find_conflicts
from app.domain.compare import Facts, Rule, as_of_window, compare, normalise_text
from app.domain.consensus import agreement_groups, consensus, voice_weights
from app.domain.intervals import Interval
from app.domain.vocabulary import Behavior, Qualifier, Stance, ValueType


def fact(i, low, high=None, *, voice=None, outlet=None, stance=Stance.ASSERTS, window=None, **kw):
    high = low if high is None else high
    return Facts(
        id=i,
        outlet_id=outlet if outlet is not None else i,
        outlet=f"outlet {outlet if outlet is not None else i}",
        document_id=i,
        voice=voice or f"outlet:{i}",
        stance=stance,
        wording=str(low),
        qualifier=kw.pop("qualifier", Qualifier.EXACT),
        interval=None if low is None else Interval(low, high, **kw),
        window=window,
    )


# --- rules by example -------------------------------------------------------------------


def test_consensus_is_the_intersection_of_the_best_supported_intervals():
    result = consensus([fact(1, 900, 1100), fact(2, 1000), fact(3, 5000)])
    assert result is not None
    assert result.interval == Interval(1000, 1000)
    assert result.supporting == (1, 2)
    assert result.dissenting == (3,)
    assert result.best == 1000


def test_echoes_share_one_vote():
    echoes = [fact(i, 5000, voice="source:tass") for i in (1, 2, 3)]
    independent = [fact(4, 1000), fact(5, 1000)]
    result = consensus([*echoes, *independent])
    assert result is not None
    assert result.supporting == (4, 5)
    assert result.support == 2
    assert voice_weights(echoes)[1] == Fraction(1, 3)


def test_unbounded_consensus_takes_its_finite_end_as_best():
    result = consensus([fact(1, 1.5e6, math.inf, low_open=True)])
    assert result is not None
    assert result.best == 1.5e6


def test_undisclosed_and_denials_stay_out_of_consensus():
    hidden = fact(1, None, stance=Stance.UNDISCLOSED)
    denial = fact(2, None, stance=Stance.DENIES)
    assert consensus([hidden, denial]) is None
    assert consensus([hidden, denial, fact(3, 10)]).supporting == (3,)


def test_text_values_agree_by_normalised_form():
    a = Facts(
        1,
        1,
        "A",
        1,
        "outlet:1",
        Stance.ASSERTS,
        "in Pyongyang",
        text=normalise_text("in Pyongyang"),
    )
    b = Facts(
        2, 2, "B", 2, "outlet:2", Stance.ASSERTS, "Pyongyang.", text=normalise_text("Pyongyang.")
    )
    c = Facts(
        3,
        3,
        "C",
        3,
        "outlet:3",
        Stance.ASSERTS,
        "Sudzha",
        text=normalise_text("the town of Sudzha"),
    )
    result = consensus([a, b, c])
    assert result.text == "pyongyang"
    assert result.supporting == (1, 2)
    conflicts = find_conflicts([a, b, c], Behavior.FIXED, ValueType.TEXT)
    assert {(x.a, x.b) for x in conflicts} == {(1, 3), (2, 3)}
    assert all(x.rule is Rule.DIFFERENT_TEXT for x in conflicts)


def test_cumulative_decrease_conflicts_and_increase_does_not():
    march = (date(2025, 3, 1), date(2025, 3, 31))
    june = (date(2025, 6, 1), date(2025, 6, 30))
    shrink = compare(
        fact(1, 5000, window=march),
        fact(2, 3000, window=june),
        Behavior.CUMULATIVE,
        ValueType.QUANTITY,
    )
    assert shrink is not None
    assert shrink.rule is Rule.SHRINKING_TOTAL
    grow = compare(
        fact(1, 3000, window=march),
        fact(2, 5000, window=june),
        Behavior.CUMULATIVE,
        ValueType.QUANTITY,
    )
    assert grow is None


def test_snapshot_compares_only_overlapping_windows():
    march = (date(2025, 3, 1), date(2025, 3, 31))
    june = (date(2025, 6, 1), date(2025, 6, 30))
    apart = compare(
        fact(1, 1, window=march), fact(2, 9, window=june), Behavior.SNAPSHOT, ValueType.QUANTITY
    )
    assert apart is None
    same = compare(
        fact(1, 1, window=march), fact(2, 9, window=march), Behavior.SNAPSHOT, ValueType.QUANTITY
    )
    assert same is not None


def test_vague_wording_is_named_in_the_reason():
    vague = fact(1, 2000, 9999, qualifier=Qualifier.VAGUE)
    around = fact(2, 12600, 15400, qualifier=Qualifier.APPROXIMATELY)
    conflict = compare(vague, around, Behavior.FIXED, ValueType.QUANTITY)
    assert conflict is not None
    assert "vague wording, read as 2,000 to 9,999" in conflict.reason
    assert conflict.severity == (12600 - 9999) / 12600


def test_date_conflicts_read_as_dates():
    june_19 = date(2024, 6, 19).toordinal()
    in_2023 = (date(2023, 1, 1).toordinal(), date(2023, 12, 31).toordinal())
    conflict = compare(
        fact(1, june_19),
        fact(2, *in_2023, qualifier=Qualifier.RANGE),
        Behavior.FIXED,
        ValueType.DATE,
    )
    assert conflict is not None
    assert "2024-06-19" in conflict.reason
    assert "days apart" in conflict.reason


def test_as_of_window_defaults_to_the_publication_date():
    published = date(2026, 1, 6)
    assert as_of_window(None, None, published) == (published, published)
    assert as_of_window(date(2025, 10, 1), None, published) == (date(2025, 10, 1), published)
    assert as_of_window(None, None, None) is None


def test_snapshot_assessment_has_a_consensus_per_window():
    march = (date(2025, 3, 1), date(2025, 3, 31))
    june = (date(2025, 6, 1), date(2025, 6, 30))
    result = assess(
        [fact(1, 10, window=march), fact(2, 20, window=june)], Behavior.SNAPSHOT, ValueType.QUANTITY
    )
    assert [w.window for w in result.windows] == [march, june]
    assert result.consensus is not None
    assert result.consensus.supporting == (2,)


# --- properties -------------------------------------------------------------------------

bounds = st.integers(min_value=0, max_value=30)


@st.composite
def intervals(draw):
    low = draw(st.one_of(bounds, st.just(-math.inf)))
    high = draw(st.one_of(bounds, st.just(math.inf)))
    if low > high:
        low, high = high, low
    low_open = draw(st.booleans()) and not math.isinf(low) and low < high
    high_open = draw(st.booleans()) and not math.isinf(high) and low < high
    return Interval(low, high, low_open=low_open, high_open=high_open)


@st.composite
def fact_lists(draw, max_size=25):
    n = draw(st.integers(min_value=1, max_value=max_size))
    facts = []
    for i in range(1, n + 1):
        interval = draw(intervals())
        voice = draw(st.sampled_from(["source:a", "source:b", f"outlet:{i}"]))
        day = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 60)))
        window = (day, day + timedelta(days=draw(st.integers(0, 20))))
        facts.append(
            Facts(
                i,
                i % 5,
                f"o{i % 5}",
                i,
                voice,
                Stance.ASSERTS,
                "x",
                Qualifier.RANGE,
                interval,
                None,
                window,
            )
        )
    return facts


def brute_force(facts):
    """Try every start position; keep the leftmost with the most weight, then count."""
    weights = voice_weights(facts)
    best = None
    for candidate in sorted({f.interval.start for f in facts}):
        covering = [f for f in facts if f.interval.start <= candidate <= f.interval.end]
        score = (sum(weights[f.id] for f in covering), len(covering))
        if best is None or score > best[0]:
            best = (score, candidate, covering)
    return best


@settings(max_examples=200, deadline=None)
@given(fact_lists())
def test_sweep_matches_brute_force(facts):
    (weight, _count), position, covering = brute_force(facts)
    result = consensus(facts)
    assert result is not None
    assert result.support == weight
    assert result.supporting == tuple(sorted(f.id for f in covering))
    assert result.interval.start == position
    assert all(f.interval.contains(result.interval) for f in covering)


@settings(max_examples=150, deadline=None)
@given(fact_lists(), st.randoms(use_true_random=False))
def test_consensus_does_not_depend_on_input_order(facts, random):
    shuffled = list(facts)
    random.shuffle(shuffled)
    assert consensus(shuffled) == consensus(facts)
    assert find_conflicts(shuffled, Behavior.SNAPSHOT, ValueType.QUANTITY) == find_conflicts(
        facts, Behavior.SNAPSHOT, ValueType.QUANTITY
    )


@settings(max_examples=150, deadline=None)
@given(fact_lists(), st.sampled_from(list(Behavior)))
def test_conflict_search_finds_exactly_the_pairs_that_conflict(facts, behavior):
    expected = {
        frozenset((a.id, b.id))
        for a, b in combinations(facts, 2)
        if compare(a, b, behavior, ValueType.QUANTITY) is not None
    }
    found = find_conflicts(facts, behavior, ValueType.QUANTITY)
    assert {frozenset((c.a, c.b)) for c in found} == expected
    assert len(found) == len(expected)
    assert all(0 < c.severity <= 1 for c in found)


@settings(max_examples=100, deadline=None)
@given(fact_lists())
def test_agreement_groups_partition_the_figures_and_agree_within(facts):
    groups = agreement_groups(facts)
    ids = [i for g in groups for i in g.supporting]
    assert sorted(ids) == sorted(f.id for f in facts)
    by_id = {f.id: f for f in facts}
    for group in groups:
        members = [by_id[i] for i in group.supporting]
        assert all(a.interval.intersects(b.interval) for a, b in combinations(members, 2))
