"""As-of windows: the days a figure refers to (DESIGN.md "Time: what a figure refers to").

A window is a closed range of days with the precision of the unit its wording names:
"June 2024" is 2024-06-01..2024-06-30 at MONTH precision. Parts of a period narrow the
window but keep the unit's precision ("early December" is Dec 1-10, MONTH), and so does
"since" ("since October" runs from Oct 1 to the reference date, MONTH).

Relative wording is read against a reference date, usually the publication date. Month
and weekday names, the parts of a period and the relative cues are data, in
app/domain/lexicon/calendar.toml.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from app.domain.intervals import Interval
from app.domain.lexicon import load, merge_tables, normalise, phrase_pattern
from app.domain.vocabulary import Precision

_UNIT_PRECISION = {
    "day": Precision.DAY,
    "week": Precision.WEEK,
    "month": Precision.MONTH,
    "year": Precision.YEAR,
}


@dataclass(frozen=True, slots=True)
class DateWindow:
    """The days ``start..end`` (both included) that a figure refers to.

    >>> DateWindow(date(2024, 6, 1), date(2024, 6, 30), Precision.MONTH).overlaps(
    ...     DateWindow(date(2024, 6, 30), date(2024, 7, 2), Precision.DAY))
    True
    """

    start: date
    end: date
    precision: Precision
    text: str | None = None  # the wording it was read from, when it was read from text

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"empty date window: {self.start} is after {self.end}")

    def overlaps(self, other: DateWindow) -> bool:
        """Whether the two windows share at least one day.

        >>> window_of(date(2024, 6, 19), Precision.MONTH).overlaps(
        ...     window_of(date(2024, 7, 1), Precision.MONTH))
        False
        """
        return self.start <= other.end and other.start <= self.end

    @property
    def interval(self) -> Interval:
        """The window as an interval of ordinal day numbers (DESIGN: dates are intervals).

        >>> window_of(date(2024, 1, 1), Precision.DAY).interval.low
        738886
        """
        return Interval(self.start.toordinal(), self.end.toordinal())


def window_of(day: date, precision: Precision) -> DateWindow:
    """The whole unit of ``precision`` that holds ``day``: its year, quarter, month, ISO
    week (Monday to Sunday) or the day itself; finer precisions than a day keep the day.

    >>> june = window_of(date(2024, 6, 19), Precision.MONTH)
    >>> june.start, june.end
    (datetime.date(2024, 6, 1), datetime.date(2024, 6, 30))
    """
    match precision:
        case Precision.YEAR:
            return DateWindow(date(day.year, 1, 1), date(day.year, 12, 31), precision)
        case Precision.QUARTER:
            first = 3 * ((day.month - 1) // 3) + 1
            return DateWindow(date(day.year, first, 1), _month_end(day.year, first + 2), precision)
        case Precision.MONTH:
            return DateWindow(day.replace(day=1), _month_end(day.year, day.month), precision)
        case Precision.WEEK:
            monday = day - timedelta(days=day.weekday())
            return DateWindow(monday, monday + timedelta(days=6), precision)
    return DateWindow(day, day, precision)


def parse_date(text: str, *, reference: date | None = None) -> DateWindow | None:
    """The first absolute date in ``text`` as a window of its precision: "2024-06-19",
    "June 19, 2024", "19 June 2024", "19. Juni 2024", "19 de junio de 2024",
    "19 июня 2024", "June 2024", "2024". Without a year ("Dec. 5") the year is the one
    that makes it the latest such date on or before ``reference``; with no reference,
    such a date is skipped. ``None`` when there is no date.

    >>> parse_date("Dec. 5", reference=date(2026, 1, 6)).start
    datetime.date(2025, 12, 5)
    """
    return _first(text, reference, _calendar().date_rules)


def parse_time_cue(text: str, reference: date) -> DateWindow | None:
    """The first time cue in ``text``, read against ``reference`` (the publication date):
    absolute dates, "in 2024", "late last year", "by early December", "since October",
    "earlier this month", "in March", "on June 17", "in three months", "on Monday",
    "yesterday" and their German, Spanish and Russian equivalents. ``None`` when none.

    >>> parse_time_cue("by early December", date(2026, 1, 6)).end
    datetime.date(2025, 12, 10)
    """
    return _first(text, reference, _calendar().cue_rules)


@dataclass(frozen=True, slots=True)
class TimeCue:
    """A time cue found in text: where it stands and the days it names."""

    start: int
    end: int
    window: DateWindow


def find_time_cues(text: str, reference: date) -> list[TimeCue]:
    """Every time cue in ``text`` (see ``parse_time_cue``), in order and not overlapping:
    where two overlap, the one that starts first, or the longer of two that start together.

    >>> [c.window.text for c in find_time_cues("In 2024 and by early December", date(2026, 1, 6))]
    ['In 2024', 'by early December']
    """
    found: list[tuple[int, int, _Span]] = []
    for rule in _calendar().cue_rules:
        for m in rule.pattern.finditer(text):
            span = _resolve(rule, m, reference)
            if span is not None:
                found.append((m.start(), m.end(), span))
    cues: list[TimeCue] = []
    for start, end, (first, last, precision) in sorted(found, key=lambda f: (f[0], -f[1])):
        if cues and start < cues[-1].end:
            continue
        cues.append(TimeCue(start, end, DateWindow(first, last, precision, text[start:end])))
    return cues


# --- Reading ------------------------------------------------------------------------------

_Span = tuple[date, date, Precision]
_Resolver = Callable[["_Calendar", re.Match[str], date | None], _Span | None]


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]
    resolve: _Resolver


@dataclass(frozen=True, slots=True)
class _Part:
    days: tuple[int, int]  # narrows a month
    months: tuple[int, int]  # narrows a year


@dataclass(frozen=True, slots=True)
class _Relative:
    unit: str
    offset: int
    clip: str | None  # "to_reference", "from_reference" or None


@dataclass(frozen=True, slots=True)
class _Calendar:
    """calendar.toml, with lookups by normalised phrase and the compiled rules."""

    months: dict[str, int]
    capitalised_only: frozenset[str]
    weekdays: dict[str, int]
    parts: dict[str, _Part]
    relative: dict[str, _Relative]
    units: dict[str, str]
    numbers: dict[str, int]
    date_rules: tuple[_Rule, ...]
    cue_rules: tuple[_Rule, ...]


def _first(text: str, reference: date | None, rules: tuple[_Rule, ...]) -> DateWindow | None:
    """The earliest match any rule resolves (the longest when two start together)."""
    best: tuple[int, int, _Span] | None = None
    for rule in rules:
        for m in rule.pattern.finditer(text):
            span = _resolve(rule, m, reference)
            if span is None:
                continue
            if best is None or (m.start(), -m.end()) < (best[0], -best[1]):
                best = (m.start(), m.end(), span)
            break
    if best is None:
        return None
    start, end, (first, last, precision) = best
    return DateWindow(first, last, precision, text[start:end])


def _resolve(rule: _Rule, m: re.Match[str], reference: date | None) -> _Span | None:
    """The days ``m`` names, or None when they fall outside the calendar: "last year" in
    a text of year 1, "next year" in one of 9999 (Python's dates run from 1 to 9999)."""
    try:
        return rule.resolve(_calendar(), m, reference)
    except (ValueError, OverflowError):
        return None


@cache
def _calendar() -> _Calendar:
    data = load("calendar")
    cues: dict[str, Any] = data["cues"]
    numbers = load("numbers")
    months = merge_tables(data["months"].values(), what="month")
    weekdays = merge_tables(data["weekdays"].values(), what="weekday")
    parts = {
        normalise(word): _Part(tuple(p["days"]), tuple(p["months"]))
        for p in data["parts"].values()
        for word in p["words"]
    }
    relative = {
        normalise(word): _Relative(r["unit"], r["offset"], r.get("clip"))
        for r in data["relative"]
        for word in r["words"]
    }
    units = {normalise(word): unit for unit, words in data["units"].items() for word in words}
    counted = merge_tables((t["words"] for t in numbers.values()), what="number word")
    counted.update({normalise(a): 1 for t in numbers.values() for a in t["articles"]})

    # Not part of a longer numeral ("2,024") nor of an ISO date's start ("2024-02-30").
    year = r"(?<![\w.,])(?P<year>1[89]\d\d|2[01]\d\d)(?!\d|[.,/-]\d)"
    day = (
        r"(?<![\w.,])(?P<day>0?[1-9]|[12]\d|3[01])(?!\d)"
        rf"(?:{phrase_pattern(cues['ordinal_suffixes'])})?"
    )
    of = rf"(?:(?:{phrase_pattern(cues['date_joiners'])})\s+)?"  # "5th of June", "19 de junio"
    month = rf"(?<!\w)(?P<month>{phrase_pattern(months)})(?!\w)\.?"
    part = rf"(?:(?P<part>{phrase_pattern(parts)})(?:\s+|-))"
    year_word = rf"(?:\s*(?P<year_word>{phrase_pattern(cues['year_words'])})(?!\w))?"
    lead = (
        rf"(?:(?<!\w)(?:(?P<since>{phrase_pattern(cues['since'])})|(?P<prep>{phrase_pattern(cues['prepositions'])}))"
        r"\s+)?"
    )
    count = rf"(?<![\w.,])(?P<count>\d+|(?:{phrase_pattern(counted)})(?!\w))"
    unit = rf"(?P<unit>{phrase_pattern(units)})(?!\w)"

    def dates(lead: str, year_rule: _Resolver) -> tuple[_Rule, ...]:
        return (
            _rule(rf"{lead}(?<!\d)(?P<y>\d{{4}})-(?P<m>\d\d)-(?P<d>\d\d)(?!\d)", _iso),
            _rule(rf"{lead}{month}\s+{day}(?:,?\s+{year}{year_word})?", _day),
            _rule(
                rf"{lead}{day}\s+{of}{month}(?:,?\s+{of}{year}{year_word})?",
                _day,
            ),
            _rule(rf"{lead}{part}?{month}(?:,?\s+{of}{year}{year_word})?", _month),
            _rule(rf"{lead}{part}?{year}{year_word}", year_rule),
        )

    cue_rules = (
        *dates(lead, _year_cue),
        _rule(rf"{lead}{part}?(?<!\w)(?P<rel>{phrase_pattern(relative)})(?!\w)", _relative),
        _rule(
            rf"(?<!\w)(?:(?:{phrase_pattern(cues['weekday_prepositions'])})\s+)?"
            rf"(?<!\w)(?P<weekday>{phrase_pattern(weekdays)})(?!\w)",
            _weekday,
        ),
        _rule(rf"(?<!\w)(?:{phrase_pattern(cues['ahead'])})\s+{count}\s+{unit}", _ahead),
        _rule(rf"(?<!\w)(?P<ago>{phrase_pattern(cues['ago_before'])})\s+{count}\s+{unit}", _ago),
        _rule(rf"{count}\s+{unit}\s+(?P<ago>{phrase_pattern(cues['ago_after'])})(?!\w)", _ago),
    )
    return _Calendar(
        months=months,
        capitalised_only=frozenset(normalise(w) for w in cues["capitalised_only"]),
        weekdays=weekdays,
        parts=parts,
        relative=relative,
        units=units,
        numbers={word: int(value) for word, value in counted.items()},
        date_rules=dates("", _year),
        cue_rules=cue_rules,
    )


def _rule(pattern: str, resolve: _Resolver) -> _Rule:
    return _Rule(re.compile(pattern, re.IGNORECASE), resolve)


# --- Resolvers: a match and the reference date -> the days it covers ----------------------


def _since(m: re.Match[str], span: _Span, reference: date | None) -> _Span | None:
    """Apply "since" (start of the named unit to the reference), and refuse a cue that
    needed a reference without one."""
    if m.groupdict().get("since") is None:
        return span
    if reference is None or span[0] > reference:
        return None
    return (span[0], reference, span[2])


def _iso(cal: _Calendar, m: re.Match[str], reference: date | None) -> _Span | None:
    day = _date(int(m["y"]), int(m["m"]), int(m["d"]))
    return None if day is None else _since(m, (day, day, Precision.DAY), reference)


def _day(cal: _Calendar, m: re.Match[str], reference: date | None) -> _Span | None:
    month = _month_number(cal, m)
    if month is None:
        return None
    day_of_month = int(m["day"])
    if m["year"] is not None:
        day = _date(int(m["year"]), month, day_of_month)
    else:
        day = _latest_date(month, day_of_month, reference) if reference else None
    return None if day is None else _since(m, (day, day, Precision.DAY), reference)


def _month(cal: _Calendar, m: re.Match[str], reference: date | None) -> _Span | None:
    month = _month_number(cal, m)
    anchored = m["year"] or m["part"] or m.groupdict().get("prep") or m.groupdict().get("since")
    if month is None or not anchored:
        return None  # a bare "March" may be a verb; "in March" is a month
    if m["year"] is not None:
        year = int(m["year"])
    elif reference is not None:
        year = reference.year if month <= reference.month else reference.year - 1
    else:
        return None
    first, last = date(year, month, 1), _month_end(year, month)
    if m["part"] is not None:
        low, high = cal.parts[normalise(m["part"])].days
        first, last = first.replace(day=low), last.replace(day=min(high, last.day))
    return _since(m, (first, last, Precision.MONTH), reference)


def _year_cue(cal: _Calendar, m: re.Match[str], reference: date | None) -> _Span | None:
    if not (m["since"] or m["prep"] or m["part"] or m["year_word"]):
        return None  # in prose a bare 2024 may be a count; "in 2024" is a year
    return _year(cal, m, reference)


def _year(cal: _Calendar, m: re.Match[str], reference: date | None) -> _Span | None:
    year = int(m["year"])
    first, last = date(year, 1, 1), date(year, 12, 31)
    if m["part"] is not None:
        low, high = cal.parts[normalise(m["part"])].months
        first, last = date(year, low, 1), _month_end(year, high)
    return _since(m, (first, last, Precision.YEAR), reference)


def _relative(cal: _Calendar, m: re.Match[str], reference: date | None) -> _Span | None:
    assert reference is not None  # cue rules always have one
    rel = cal.relative[normalise(m["rel"])]
    first, last, precision = _shifted(reference, rel.unit, rel.offset)
    if m["part"] is not None and rel.unit in ("month", "year"):
        part = cal.parts[normalise(m["part"])]
        if rel.unit == "month":
            first = first.replace(day=part.days[0])
            last = last.replace(day=min(part.days[1], last.day))
        else:
            first = date(first.year, part.months[0], 1)
            last = _month_end(first.year, part.months[1])
    if rel.clip == "to_reference":
        last = reference
    elif rel.clip == "from_reference":
        first = reference
    if first > last:
        return None
    return _since(m, (first, last, precision), reference)


def _weekday(cal: _Calendar, m: re.Match[str], reference: date | None) -> _Span | None:
    assert reference is not None
    wanted = cal.weekdays[normalise(m["weekday"])]
    back = (reference.isoweekday() - wanted) % 7 or 7  # strictly before the reference
    day = reference - timedelta(days=back)
    return (day, day, Precision.DAY)


def _ahead(cal: _Calendar, m: re.Match[str], reference: date | None) -> _Span | None:
    assert reference is not None
    return _shifted(reference, cal.units[normalise(m["unit"])], _count(cal, m))


def _ago(cal: _Calendar, m: re.Match[str], reference: date | None) -> _Span | None:
    assert reference is not None
    return _shifted(reference, cal.units[normalise(m["unit"])], -_count(cal, m))


# --- Calendar arithmetic ------------------------------------------------------------------


def _shifted(reference: date, unit: str, offset: int) -> _Span:
    """The whole ``unit`` that lies ``offset`` units from the reference's own."""
    if unit == "year":
        day = date(reference.year + offset, 1, 1)
    elif unit == "month":
        index = reference.year * 12 + reference.month - 1 + offset
        day = date(index // 12, index % 12 + 1, 1)
    elif unit == "week":
        day = reference + timedelta(weeks=offset)
    else:
        day = reference + timedelta(days=offset)
    window = window_of(day, _UNIT_PRECISION[unit])
    return (window.start, window.end, window.precision)


def _count(cal: _Calendar, m: re.Match[str]) -> int:
    written = m["count"]
    return int(written) if written.isdigit() else cal.numbers[normalise(written)]


def _month_number(cal: _Calendar, m: re.Match[str]) -> int | None:
    written = m["month"]
    word = normalise(written)
    if word in cal.capitalised_only and not written[0].isupper():
        return None  # "they may", "troops march"
    return cal.months[word]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _latest_date(month: int, day: int, reference: date) -> date | None:
    """The latest ``month``/``day`` on or before the reference (Feb 29 looks back to a
    leap year)."""
    for year in range(reference.year, reference.year - 9, -1):
        found = _date(year, month, day)
        if found is not None and found <= reference:
            return found
    return None
