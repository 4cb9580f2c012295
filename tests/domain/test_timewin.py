"""As-of windows: whole units, absolute dates and relative time cues (DESIGN.md "Time")."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.intervals import Interval
from app.domain.timewin import DateWindow, parse_date, parse_time_cue, window_of
from app.domain.vocabulary import Precision

# A Tuesday, early in the year, so "last year" and "in March" both reach back a year.
REFERENCE = date(2026, 1, 6)
MID_YEAR = date(2024, 6, 19)  # a Wednesday


def cue(text: str, reference: date) -> DateWindow:
    window = parse_time_cue(text, reference)
    assert window is not None, f"no cue read in {text!r}"
    return window


def days(window: DateWindow | None) -> tuple[date, date, Precision] | None:
    return None if window is None else (window.start, window.end, window.precision)


# --- Whole units --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("precision", "start", "end"),
    [
        (Precision.YEAR, date(2024, 1, 1), date(2024, 12, 31)),
        (Precision.QUARTER, date(2024, 4, 1), date(2024, 6, 30)),
        (Precision.MONTH, date(2024, 6, 1), date(2024, 6, 30)),
        (Precision.WEEK, date(2024, 6, 17), date(2024, 6, 23)),
        (Precision.DAY, date(2024, 6, 19), date(2024, 6, 19)),
    ],
)
def test_window_of_covers_the_whole_unit(precision: Precision, start: date, end: date) -> None:
    assert days(window_of(MID_YEAR, precision)) == (start, end, precision)


def test_week_is_the_iso_week_monday_to_sunday() -> None:
    window = window_of(date(2024, 12, 31), Precision.WEEK)
    assert (window.start.isoweekday(), window.end.isoweekday()) == (1, 7)
    assert (window.start, window.end) == (date(2024, 12, 30), date(2025, 1, 5))


def test_february_of_a_leap_year_ends_on_the_29th() -> None:
    assert window_of(date(2024, 2, 10), Precision.MONTH).end == date(2024, 2, 29)


def test_windows_overlap_when_they_share_a_day() -> None:
    june = window_of(MID_YEAR, Precision.MONTH)
    assert june.overlaps(DateWindow(date(2024, 6, 30), date(2024, 7, 3), Precision.DAY))
    assert not june.overlaps(window_of(date(2024, 7, 1), Precision.MONTH))


def test_window_as_interval_uses_ordinal_days() -> None:
    window = window_of(MID_YEAR, Precision.MONTH)
    assert window.interval == Interval(date(2024, 6, 1).toordinal(), date(2024, 6, 30).toordinal())


def test_reversed_window_is_refused() -> None:
    with pytest.raises(ValueError, match="empty date window"):
        DateWindow(date(2024, 6, 2), date(2024, 6, 1), Precision.DAY)


# --- Absolute dates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "June 19, 2024",
        "19 June 2024",
        "2024-06-19",
        "19. Juni 2024",
        "19 de junio de 2024",
        "19 июня 2024",
        "19 июня 2024 года",
    ],
)
def test_full_dates_in_four_languages_are_one_day(text: str) -> None:
    window = parse_date(text)
    assert days(window) == (MID_YEAR, MID_YEAR, Precision.DAY)
    assert window is not None
    assert window.text == text


def test_month_and_year_is_the_whole_month() -> None:
    assert days(parse_date("June 2024")) == (date(2024, 6, 1), date(2024, 6, 30), Precision.MONTH)


def test_bare_year_is_the_whole_year() -> None:
    assert days(parse_date("2024")) == (date(2024, 1, 1), date(2024, 12, 31), Precision.YEAR)


def test_date_without_year_is_the_latest_on_or_before_the_reference() -> None:
    assert days(parse_date("Dec. 5", reference=REFERENCE)) == (
        date(2025, 12, 5),
        date(2025, 12, 5),
        Precision.DAY,
    )
    assert days(parse_date("January 6", reference=REFERENCE)) == (
        REFERENCE,
        REFERENCE,
        Precision.DAY,
    )


def test_date_without_year_or_reference_is_not_read() -> None:
    assert parse_date("December 5") is None


def test_impossible_date_is_not_read() -> None:
    assert parse_date("2024-02-30") is None


def test_text_without_a_date_gives_none() -> None:
    assert parse_date("troops near the border") is None


# --- Relative time cues -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("in 2024", date(2024, 1, 1), date(2024, 12, 31), Precision.YEAR),
        ("last year", date(2025, 1, 1), date(2025, 12, 31), Precision.YEAR),
        ("this year", date(2026, 1, 1), date(2026, 12, 31), Precision.YEAR),
        ("late last year", date(2025, 9, 1), date(2025, 12, 31), Precision.YEAR),
        ("early last year", date(2025, 1, 1), date(2025, 4, 30), Precision.YEAR),
        ("by early December", date(2025, 12, 1), date(2025, 12, 10), Precision.MONTH),
        ("by mid-December", date(2025, 12, 11), date(2025, 12, 20), Precision.MONTH),
        ("in late December", date(2025, 12, 21), date(2025, 12, 31), Precision.MONTH),
        ("in early June", date(2025, 6, 1), date(2025, 6, 10), Precision.MONTH),
        ("since October", date(2025, 10, 1), REFERENCE, Precision.MONTH),
        ("earlier this month", date(2026, 1, 1), REFERENCE, Precision.MONTH),
        ("last month", date(2025, 12, 1), date(2025, 12, 31), Precision.MONTH),
        ("in March", date(2025, 3, 1), date(2025, 3, 31), Precision.MONTH),
        ("on June 17", date(2025, 6, 17), date(2025, 6, 17), Precision.DAY),
        ("June 4", date(2025, 6, 4), date(2025, 6, 4), Precision.DAY),
        ("in three months", date(2026, 4, 1), date(2026, 4, 30), Precision.MONTH),
        ("in 3 months", date(2026, 4, 1), date(2026, 4, 30), Precision.MONTH),
        ("next month", date(2026, 2, 1), date(2026, 2, 28), Precision.MONTH),
        ("early next month", date(2026, 2, 1), date(2026, 2, 10), Precision.MONTH),
        ("on Monday", date(2026, 1, 5), date(2026, 1, 5), Precision.DAY),
        ("on Sunday", date(2026, 1, 4), date(2026, 1, 4), Precision.DAY),
        ("yesterday", date(2026, 1, 5), date(2026, 1, 5), Precision.DAY),
        ("today", REFERENCE, REFERENCE, Precision.DAY),
        ("last week", date(2025, 12, 29), date(2026, 1, 4), Precision.WEEK),
        ("three months ago", date(2025, 10, 1), date(2025, 10, 31), Precision.MONTH),
        ("since 2022", date(2022, 1, 1), REFERENCE, Precision.YEAR),
        ("in late 2023", date(2023, 9, 1), date(2023, 12, 31), Precision.YEAR),
    ],
)
def test_english_cues_against_a_january_reference(
    text: str, start: date, end: date, precision: Precision
) -> None:
    window = cue(f"Troops were there {text}, officials said.", REFERENCE)
    assert (window.start, window.end, window.precision, window.text) == (
        start,
        end,
        precision,
        text,
    )


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Ende letzten Jahres", date(2025, 9, 1), date(2025, 12, 31)),
        ("a finales del año pasado", date(2025, 9, 1), date(2025, 12, 31)),
        ("в конце прошлого года", date(2025, 9, 1), date(2025, 12, 31)),
        ("Anfang Dezember", date(2025, 12, 1), date(2025, 12, 10)),
        ("a principios de diciembre", date(2025, 12, 1), date(2025, 12, 10)),
        ("в начале декабря", date(2025, 12, 1), date(2025, 12, 10)),
        ("seit Oktober", date(2025, 10, 1), REFERENCE),
        ("desde octubre", date(2025, 10, 1), REFERENCE),
        ("с октября", date(2025, 10, 1), REFERENCE),
        ("im März", date(2025, 3, 1), date(2025, 3, 31)),
        ("en marzo", date(2025, 3, 1), date(2025, 3, 31)),
        ("в марте", date(2025, 3, 1), date(2025, 3, 31)),
        ("am Montag", date(2026, 1, 5), date(2026, 1, 5)),
        ("el lunes", date(2026, 1, 5), date(2026, 1, 5)),
        ("в понедельник", date(2026, 1, 5), date(2026, 1, 5)),
        ("gestern", date(2026, 1, 5), date(2026, 1, 5)),
        ("ayer", date(2026, 1, 5), date(2026, 1, 5)),
        ("вчера", date(2026, 1, 5), date(2026, 1, 5)),
        ("in drei Monaten", date(2026, 4, 1), date(2026, 4, 30)),
        ("dentro de tres meses", date(2026, 4, 1), date(2026, 4, 30)),
        ("через три месяца", date(2026, 4, 1), date(2026, 4, 30)),
        ("в 2024 году", date(2024, 1, 1), date(2024, 12, 31)),
    ],
)
def test_german_spanish_and_russian_cues(text: str, start: date, end: date) -> None:
    window = cue(text, REFERENCE)
    assert (window.start, window.end, window.text) == (start, end, text)


def test_weekday_on_the_reference_day_is_the_week_before() -> None:
    assert cue("on Tuesday", REFERENCE).start == date(2025, 12, 30)


def test_month_of_the_reference_is_this_years() -> None:
    assert cue("in June", MID_YEAR).start == date(2024, 6, 1)


def test_the_first_cue_in_the_text_wins() -> None:
    text = "Troops have held Kursk since October, the ministry said on Monday."
    assert cue(text, REFERENCE).text == "since October"


def test_absolute_date_in_prose_is_a_cue() -> None:
    window = parse_time_cue("The deal was signed on June 19, 2024 in Pyongyang.", REFERENCE)
    assert days(window) == (MID_YEAR, MID_YEAR, Precision.DAY)


@pytest.mark.parametrize(
    "text",
    [
        "2024 soldiers crossed",  # a bare year in prose may be a count
        "they may 5 times",  # "may" in lower case is a verb
        "troops march on",
        "no time here",
    ],
)
def test_words_that_only_look_like_cues_are_not_read(text: str) -> None:
    assert parse_time_cue(text, REFERENCE) is None


def test_since_a_date_after_the_reference_is_not_read() -> None:
    assert parse_time_cue("since 2030", REFERENCE) is None


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("last year", date(1, 1, 15)),
        ("by early December", date(1, 1, 15)),
        ("next year", date(9999, 12, 31)),
        ("in three months", date(9999, 12, 31)),
        ("tomorrow", date(9999, 12, 31)),
    ],
)
def test_a_cue_outside_the_calendar_names_no_time(text: str, reference: date) -> None:
    assert parse_time_cue(text, reference) is None
    assert parse_time_cue(f"{text}, and yesterday", reference) is not None


# --- Properties ---------------------------------------------------------------------------

dates = st.dates(date(1900, 1, 1), date(2199, 12, 31))
precisions = st.sampled_from(
    [Precision.YEAR, Precision.QUARTER, Precision.MONTH, Precision.WEEK, Precision.DAY]
)


@settings(max_examples=200)
@given(dates, precisions)
def test_window_of_holds_the_day_and_is_the_same_from_its_start(
    day: date, precision: Precision
) -> None:
    window = window_of(day, precision)
    assert window.start <= day <= window.end
    assert window_of(window.start, precision) == window
    assert window_of(window.end, precision) == window


CUES = [
    "last year",
    "this year",
    "late last year",
    "early this year",
    "by early December",
    "mid-June",
    "since October",
    "earlier this month",
    "later this month",
    "last month",
    "in March",
    "on June 17",
    "Feb. 29",
    "in three months",
    "next month",
    "early next month",
    "on Monday",
    "yesterday",
    "since 2001",
    "last week",
]


@settings(max_examples=200)
@given(st.sampled_from(CUES), st.dates())  # every date: the calendar's ends included
def test_cue_windows_are_never_reversed(cue: str, reference: date) -> None:
    window = parse_time_cue(cue, reference)
    if window is not None:
        assert window.start <= window.end


@settings(max_examples=100)
@given(st.dates(date(1990, 1, 1), date(2100, 12, 31)))
def test_last_year_and_this_year_lie_in_their_calendar_year(reference: date) -> None:
    last, this = cue("last year", reference), cue("this year", reference)
    assert last.start.year == last.end.year == reference.year - 1
    assert this.start.year == this.end.year == reference.year
    assert (this.start, this.end) == (date(reference.year, 1, 1), date(reference.year, 12, 31))
