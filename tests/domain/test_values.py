"""Values: wording becomes a qualifier and an interval (DESIGN.md "Values are intervals")."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.errors import InvalidInput
from app.domain.intervals import Interval
from app.domain.values import (
    Lexicon,
    ParsedValue,
    ValueNotFound,
    describe,
    find_values,
    interval_for,
    parse_value,
    read_numeral,
)
from app.domain.vocabulary import Qualifier


def reads(text: str, tolerance: float = 0.1) -> tuple[Qualifier, Interval]:
    parsed = parse_value(text, tolerance=tolerance)
    return parsed.qualifier, parsed.interval


def exact(x: float) -> tuple[Qualifier, Interval]:
    return Qualifier.EXACT, Interval.point(x)


# --- The examples -----------------------------------------------------------------


def test_some_hectares_is_approximately_ten_percent_either_side() -> None:
    parsed = parse_value("some 42,400 hectares")
    assert parsed.qualifier is Qualifier.APPROXIMATELY
    assert parsed.interval == Interval(38160, 46640)
    assert (parsed.figure, parsed.wording, parsed.start, parsed.end) == (
        42400,
        "some 42,400",
        0,
        11,
    )


def test_over_one_and_a_half_million_is_more_than_with_an_open_low_end() -> None:
    assert reads("over 1.5 million explosive devices") == (
        Qualifier.MORE_THAN,
        Interval(1_500_000, math.inf, low_open=True),
    )


def test_thousands_of_troops_is_vague_from_the_lexicon() -> None:
    parsed = parse_value("thousands of troops")
    assert (parsed.qualifier, parsed.interval) == (Qualifier.VAGUE, Interval(2000, 9999))
    assert parsed.vague_term == "thousands"


def test_around_fourteen_thousand_soldiers_is_approximately() -> None:
    assert reads("around 14,000 soldiers") == (Qualifier.APPROXIMATELY, Interval(12600, 15400))


def test_two_brigades_is_exactly_two() -> None:
    parsed = parse_value("two brigades")
    assert (parsed.qualifier, parsed.interval, parsed.wording) == (*exact(2), "two")


def test_between_two_figures_is_a_closed_range() -> None:
    assert reads("between 10,000 and 12,000") == (Qualifier.RANGE, Interval(10000, 12000))


# --- Qualifiers (DESIGN table) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "qualifier", "interval"),
    [
        ("1,000", Qualifier.EXACT, Interval(1000, 1000)),
        ("about 1,000", Qualifier.APPROXIMATELY, Interval(900, 1100)),
        ("at least 1,000", Qualifier.AT_LEAST, Interval(1000, math.inf)),
        ("more than 1,000", Qualifier.MORE_THAN, Interval(1000, math.inf, low_open=True)),
        ("up to 1,000", Qualifier.AT_MOST, Interval(0, 1000)),
        ("less than 1,000", Qualifier.LESS_THAN, Interval(0, 1000, high_open=True)),
        ("1,000 to 2,000", Qualifier.RANGE, Interval(1000, 2000)),
    ],
)
def test_each_qualifier_gives_the_interval_of_the_design_table(
    text: str, qualifier: Qualifier, interval: Interval
) -> None:
    assert reads(text) == (qualifier, interval)


@pytest.mark.parametrize(
    "word",
    ["around", "about", "some", "roughly", "approximately", "nearly", "almost", "an estimated"],
)
def test_english_approximate_words_widen_by_the_tolerance(word: str) -> None:
    assert reads(f"{word} 200 tanks") == (Qualifier.APPROXIMATELY, Interval(180, 220))


@pytest.mark.parametrize(
    ("word", "qualifier"),
    [
        ("more than", Qualifier.MORE_THAN),
        ("over", Qualifier.MORE_THAN),
        ("in excess of", Qualifier.MORE_THAN),
        ("upwards of", Qualifier.MORE_THAN),
        ("at least", Qualifier.AT_LEAST),
        ("up to", Qualifier.AT_MOST),
        ("at most", Qualifier.AT_MOST),
        ("no more than", Qualifier.AT_MOST),
        ("less than", Qualifier.LESS_THAN),
        ("under", Qualifier.LESS_THAN),
        ("fewer than", Qualifier.LESS_THAN),
    ],
)
def test_english_bound_words_pick_their_qualifier(word: str, qualifier: Qualifier) -> None:
    assert parse_value(f"{word} 500 drones").qualifier is qualifier


def test_no_more_than_is_at_most_not_more_than() -> None:
    parsed = parse_value("no more than 30 officers")
    assert (parsed.qualifier, parsed.wording) == (Qualifier.AT_MOST, "no more than 30")


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("etwa 200", Qualifier.APPROXIMATELY),
        ("rund 200", Qualifier.APPROXIMATELY),
        ("ungefähr 200", Qualifier.APPROXIMATELY),
        ("ca. 200", Qualifier.APPROXIMATELY),
        ("knapp 200", Qualifier.APPROXIMATELY),
        ("mehr als 200", Qualifier.MORE_THAN),
        ("über 200", Qualifier.MORE_THAN),
        ("mindestens 200", Qualifier.AT_LEAST),
        ("bis zu 200", Qualifier.AT_MOST),
        ("höchstens 200", Qualifier.AT_MOST),
        ("weniger als 200", Qualifier.LESS_THAN),
    ],
)
def test_german_qualifiers(text: str, qualifier: Qualifier) -> None:
    assert parse_value(text).qualifier is qualifier


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("alrededor de 200", Qualifier.APPROXIMATELY),
        ("unos 200", Qualifier.APPROXIMATELY),
        ("aproximadamente 200", Qualifier.APPROXIMATELY),
        ("cerca de 200", Qualifier.APPROXIMATELY),
        ("casi 200", Qualifier.APPROXIMATELY),
        ("más de 200", Qualifier.MORE_THAN),
        ("al menos 200", Qualifier.AT_LEAST),
        ("hasta 200", Qualifier.AT_MOST),
        ("menos de 200", Qualifier.LESS_THAN),
    ],
)
def test_spanish_qualifiers(text: str, qualifier: Qualifier) -> None:
    assert parse_value(text).qualifier is qualifier


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("около 200", Qualifier.APPROXIMATELY),
        ("примерно 200", Qualifier.APPROXIMATELY),
        ("почти 200", Qualifier.APPROXIMATELY),
        ("более 200", Qualifier.MORE_THAN),
        ("свыше 200", Qualifier.MORE_THAN),
        ("не менее 200", Qualifier.AT_LEAST),
        ("до 200", Qualifier.AT_MOST),
        ("не более 200", Qualifier.AT_MOST),
        ("менее 200", Qualifier.LESS_THAN),
    ],
)
def test_russian_qualifiers_longest_phrase_first(text: str, qualifier: Qualifier) -> None:
    assert parse_value(text).qualifier is qualifier


def test_qualifier_words_ignore_case() -> None:
    assert parse_value("MORE THAN 5").qualifier is Qualifier.MORE_THAN
    assert parse_value("Über 5").qualifier is Qualifier.MORE_THAN


def test_or_more_after_a_figure_is_at_least() -> None:
    parsed = parse_value("1,000 or more")
    assert (parsed.qualifier, parsed.wording) == (Qualifier.AT_LEAST, "1,000 or more")


def test_tolerance_is_per_call() -> None:
    assert reads("about 1,000", tolerance=0.25) == (Qualifier.APPROXIMATELY, Interval(750, 1250))


@pytest.mark.parametrize("tolerance", [-0.1, 1.0, math.nan])
def test_tolerance_outside_zero_to_one_names_the_tolerance_field(tolerance: float) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        parse_value("about 5", tolerance=tolerance)
    assert excinfo.value.field == "value.tolerance"


def test_less_than_zero_is_zero_rather_than_an_empty_interval() -> None:
    assert reads("fewer than 0") == (Qualifier.LESS_THAN, Interval(0, 0))


def test_interval_for_refuses_qualifiers_that_carry_their_own_bounds() -> None:
    assert interval_for(Qualifier.AT_LEAST, 7) == Interval(7, math.inf)
    with pytest.raises(InvalidInput):
        interval_for(Qualifier.RANGE, 7)


# --- Ranges -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wording"),
    [
        ("between 10 and 20 tanks", "between 10 and 20"),
        ("10 to 20 tanks", "10 to 20"),
        ("from 10 to 20 tanks", "from 10 to 20"),
        ("10-20 tanks", "10-20"),
        ("10–20 tanks", "10–20"),
        ("10 bis 20 Panzer", "10 bis 20"),
        ("zwischen 10 und 20 Panzer", "zwischen 10 und 20"),
        ("entre 10 y 20 tanques", "entre 10 y 20"),
        ("de 10 a 20 tanques", "de 10 a 20"),
        ("от 10 до 20 танков", "от 10 до 20"),
    ],
)
def test_range_wordings_in_four_languages(text: str, wording: str) -> None:
    parsed = parse_value(text)
    assert (parsed.qualifier, parsed.interval, parsed.wording) == (
        Qualifier.RANGE,
        Interval(10, 20),
        wording,
    )


def test_digit_range_with_thousands_separators() -> None:
    assert reads("1,000-2,000 troops") == (Qualifier.RANGE, Interval(1000, 2000))


def test_hyphenated_adjective_is_not_a_range() -> None:
    parsed = parse_value("a 5,000-strong division")
    assert (parsed.qualifier, parsed.interval, parsed.wording) == (*exact(5000), "5,000")


def test_and_without_between_joins_nothing() -> None:
    assert [v.wording for v in find_values("5 and 7")] == ["5", "7"]


def test_range_shares_the_scale_word_of_its_second_figure() -> None:
    assert reads("1 to 2 million") == (Qualifier.RANGE, Interval(1_000_000, 2_000_000))


def test_range_keeps_a_first_figure_larger_than_the_second_as_written() -> None:
    assert reads("between 900 and 1.2 million") == (Qualifier.RANGE, Interval(900, 1_200_000))


def test_iso_date_is_not_a_range() -> None:
    assert [v.qualifier for v in find_values("2024-06-19")] == [Qualifier.EXACT] * 3


# --- Vague wording ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "term", "interval"),
    [
        ("dozens of drones", "dozens", Interval(24, 99)),
        ("hundreds of drones", "hundreds", Interval(200, 999)),
        ("several hundred drones", "several hundred", Interval(300, 999)),
        ("a few hundred drones", "a few hundred", Interval(200, 500)),
        ("thousands of drones", "thousands", Interval(2000, 9999)),
        ("several thousand drones", "several thousand", Interval(3000, 9999)),
        ("tens of thousands of drones", "tens of thousands", Interval(20000, 99999)),
        ("hundreds of thousands of drones", "hundreds of thousands", Interval(200000, 999999)),
        ("millions of drones", "millions", Interval(2_000_000, 9_999_999)),
        ("Tausende Drohnen", "tausende", Interval(2000, 9999)),
        ("miles de drones", "miles", Interval(2000, 9999)),
        ("десятки тысяч дронов", "десятки тысяч", Interval(20000, 99999)),
    ],
)
def test_vague_terms_take_the_lexicon_interval_longest_phrase_first(
    text: str, term: str, interval: Interval
) -> None:
    parsed = parse_value(text)
    assert (parsed.qualifier, parsed.vague_term, parsed.interval) == (
        Qualifier.VAGUE,
        term,
        interval,
    )


def test_spanish_miles_needs_de_so_english_miles_is_no_figure() -> None:
    assert [v.wording for v in find_values("5 miles from the border")] == ["5"]


def test_per_claim_vague_override_leaves_the_default_alone() -> None:
    lexicon = Lexicon.default().with_vague({"Hundreds": (100, 999), "a slew": (10, 50)})
    assert parse_value("hundreds", lexicon=lexicon).interval == Interval(100, 999)
    assert parse_value("a slew of drones", lexicon=lexicon).interval == Interval(10, 50)
    assert parse_value("hundreds").interval == Interval(200, 999)


def test_vague_override_that_is_not_an_interval_names_the_vague_field() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        Lexicon.default().with_vague({"hundreds": (999, 100)})
    assert excinfo.value.field == "value.vague"


# --- Numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("42,400", 42400),
        ("1,000,000", 1_000_000),
        ("1.5", 1.5),
        ("1,5", 1.5),
        ("1,234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("10 000", 10000),
        ("10\u00a0000", 10000),
        ("10\u202f000", 10000),
        ("0,500", 0.5),
    ],
)
def test_separators_follow_the_disambiguation_rule(text: str, value: float) -> None:
    assert parse_value(text).figure == value


def test_german_thousands_dot_is_not_a_decimal() -> None:
    assert parse_value("11.000 Soldaten").figure == 11000
    assert parse_value("2.700 Fahrzeuge").figure == 2700


def test_read_numeral_keeps_decimals_exact() -> None:
    assert str(read_numeral("1.234.567,89")) == "1234567.89"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.5 million", 1_500_000),
        ("1,5 Millionen", 1_500_000),
        ("2,5 Mio.", 2_500_000),
        ("1.2 billion", 1_200_000_000),
        ("3 mil", 3000),
        ("1,5 millones", 1_500_000),
        ("1,5 млн", 1_500_000),
        ("2 тыс.", 2000),
        ("15 тысяч", 15000),
        ("1,5 миллиона", 1_500_000),
        ("two hundred thousand", 200_000),
        ("eine Million", 1_000_000),
        ("un millón", 1_000_000),
    ],
)
def test_scale_words_multiply_the_number_before_them(text: str, value: float) -> None:
    parsed = parse_value(f"{text} soldiers")
    assert (parsed.interval, parsed.wording) == (Interval.point(value), text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a dozen", 12),
        ("twelve", 12),
        ("twenty-five", 25),
        ("zwei", 2),
        ("dos", 2),
        ("treinta y cinco", 35),
        ("два", 2),
        ("двадцать пять", 25),
    ],
)
def test_number_words_in_four_languages(text: str, value: float) -> None:
    assert reads(f"{text} brigades") == exact(value)


def test_more_than_a_dozen_is_more_than_twelve() -> None:
    assert reads("more than a dozen") == (Qualifier.MORE_THAN, Interval(12, math.inf, True))


def test_no_figure_raises_value_not_found_on_the_text_field() -> None:
    with pytest.raises(ValueNotFound) as excinfo:
        parse_value("troops were seen near the border")
    assert isinstance(excinfo.value, InvalidInput)
    assert excinfo.value.field == "value.text"


# --- Finding every figure -----------------------------------------------------------------


def test_find_values_returns_every_figure_in_order_with_offsets() -> None:
    text = "Some 2.700 vehicles and between 5 and 7 jets arrived in 2024; thousands fled."
    found = find_values(text)
    assert [v.wording for v in found] == ["Some 2.700", "between 5 and 7", "2024", "thousands"]
    assert all(text[v.start : v.end] == v.wording for v in found)


def test_a_qualifier_is_not_taken_from_before_the_previous_figure() -> None:
    found = find_values("over 5 and 7")
    assert [(v.qualifier, v.wording) for v in found] == [
        (Qualifier.MORE_THAN, "over 5"),
        (Qualifier.EXACT, "7"),
    ]


def test_describe_says_how_each_wording_was_read() -> None:
    assert describe(parse_value("thousands")) == "vague wording 'thousands' read as 2,000–9,999"
    assert describe(parse_value("some 42,400")) == (
        "'some 42,400' read as approximately 42,400: 38,160–46,640"
    )
    assert describe(parse_value("over 1.5 million")) == (
        "'over 1.5 million' read as more than 1,500,000"
    )
    assert describe(parse_value("1,5")) == "'1,5' read as exactly 1.5"


# --- Properties ---------------------------------------------------------------------------


def grouped(n: int, separator: str) -> str:
    return f"{n:,}".replace(",", separator)


@settings(max_examples=200)
@given(
    st.integers(0, 10**9),
    st.sampled_from([",", ".", " ", "\u00a0", "\u202f"]),
)
def test_grouped_integers_parse_back_in_every_convention(n: int, separator: str) -> None:
    text = grouped(n, separator)
    parsed = parse_value(text)
    assert (parsed.figure, parsed.wording) == (n, text)


@settings(max_examples=200)
@given(st.integers(1, 10**9), st.floats(0, 0.5, exclude_max=True))
def test_about_x_contains_x_and_is_two_t_x_wide(x: int, t: float) -> None:
    interval = parse_value(f"about {x:,}", tolerance=t).interval
    assert interval.contains(Interval.point(x))
    assert interval.high - interval.low == pytest.approx(2 * t * x, rel=1e-9, abs=1e-6)


@settings(max_examples=200)
@given(
    st.integers(0, 10**7),
    st.integers(0, 10**7),
    st.sampled_from(["between {} and {}", "{} to {}", "{}-{}", "{}–{}", "{} bis {}"]),
)
def test_a_range_is_ordered_and_holds_both_figures(x: int, y: int, template: str) -> None:
    parsed = parse_value(template.format(f"{x:,}", f"{y:,}"))
    assert parsed.qualifier is Qualifier.RANGE
    assert parsed.interval.low <= parsed.interval.high
    assert parsed.interval.contains(Interval.point(x))
    assert parsed.interval.contains(Interval.point(y))


PHRASES = [
    "some 42,400",
    "over 1.5 million",
    "thousands",
    "between 10,000 and 12,000",
    "two",
    "1,000-2,000",
    "etwa 11.000",
    "около 1,5 тыс.",
    "a dozen",
    "10\u202f000",
    "более 2 000",
]
FILLER = ["troops", "were", "seen", "—", "the", "ministry", "said", ";", "hectares", "de"]


@settings(max_examples=200)
@given(st.lists(st.sampled_from(PHRASES) | st.sampled_from(FILLER), max_size=12))
def test_found_offsets_always_cut_out_the_wording(words: list[str]) -> None:
    text = " ".join(words)
    found = find_values(text)
    assert all(text[v.start : v.end] == v.wording for v in found)
    assert all(a.end <= b.start for a, b in pairwise(found))
    assert all(isinstance(v, ParsedValue) for v in found)
