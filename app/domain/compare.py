"""Agreement and conflict between two assertions of one claim (DESIGN.md "Time",
"Agreement, conflict, consensus").

Two comparable assertions agree when their intervals intersect and conflict when they
are disjoint; a claim's behavior decides which pairs are comparable at all, and every
conflict carries a severity in (0, 1] and a reason a person can read.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from app.domain.intervals import Interval
from app.domain.vocabulary import Behavior, Qualifier, Stance, ValueType


class Facts(NamedTuple):
    """What the assessment knows of one assertion: value, time, voice and place.

    A named tuple rather than a frozen dataclass: as immutable, and built twice as fast
    (a claim of 100,000 assertions builds 100,000 of them on every assessment)."""

    id: int
    outlet_id: int
    outlet: str  # the outlet's name, for reasons
    document_id: int
    voice: str  # independence key: the attribution root, or the outlet for its own voice
    stance: Stance
    wording: str  # the value as worded in the document
    qualifier: Qualifier | None = None
    interval: Interval | None = None  # quantities; dates as ordinal days
    text: str | None = None  # text values, normalised
    window: tuple[date, date] | None = None  # what time the value refers to; None: unknown

    @property
    def is_figure(self) -> bool:
        """Takes part in comparison and consensus: an asserted value."""
        return self.stance is Stance.ASSERTS and (
            self.interval is not None or self.text is not None
        )


class Rule(StrEnum):
    DISJOINT = "disjoint_values"  # same time (or time irrelevant), intervals do not meet
    SHRINKING_TOTAL = "shrinking_total"  # cumulative: an earlier total above a later one
    DIFFERENT_TEXT = "different_text"
    DENIAL = "denial"  # one denies what the other asserts


@dataclass(frozen=True, slots=True)
class Conflict:
    a: int
    b: int
    severity: float
    rule: Rule
    reason: str


def normalise_text(text: str) -> str:
    """Text values compare by this form: NFKC, case-folded, punctuation and leading
    articles/prepositions dropped, spaces collapsed.

    >>> normalise_text("  In the  Capital. ")
    'capital'
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(c if c.isalnum() or c.isspace() else " " for c in folded)
    words = kept.split()
    while words and words[0] in _LEADING_WORDS:
        words = words[1:]
    return " ".join(words)


_LEADING_WORDS = frozenset({"in", "the", "at", "a", "an", "of", "town", "city"})


def windows_overlap(a: Facts, b: Facts) -> bool:
    """Unknown time overlaps everything: it cannot rule a comparison out."""
    if a.window is None or b.window is None:
        return True
    return a.window[0] <= b.window[1] and b.window[0] <= a.window[1]


def as_of_window(
    start: date | None, end: date | None, published: date | None
) -> tuple[date, date] | None:
    """The time a value refers to: its as-of window, which without an end ends at the
    publication date; without any as-of, the publication date itself.

    >>> as_of_window(None, None, date(2026, 1, 6))
    (datetime.date(2026, 1, 6), datetime.date(2026, 1, 6))
    """
    end = end or published or start
    start = start or end
    if start is None or end is None:
        return None
    return (start, end) if start <= end else (end, start)


def agrees(a: Facts, b: Facts, behavior: Behavior) -> bool:
    """Two comparable asserted figures whose values meet (intervals intersect, texts match)."""
    if not (a.is_figure and b.is_figure and comparable(a, b, behavior)):
        return False
    if a.text is not None or b.text is not None:
        return a.text == b.text
    assert a.interval is not None
    assert b.interval is not None
    if behavior is Behavior.CUMULATIVE and not windows_overlap(a, b):
        return False  # totals at different times: a change, neither agreement nor conflict
    return a.interval.intersects(b.interval)


def comparable(a: Facts, b: Facts, behavior: Behavior) -> bool:
    """Fixed claims compare always; snapshot claims only at overlapping times;
    cumulative claims always (at different times only a shrinking total conflicts)."""
    if behavior is Behavior.SNAPSHOT:
        return windows_overlap(a, b)
    return True


def format_value(x: float, value_type: ValueType) -> str:
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if value_type is ValueType.DATE:
        return date.fromordinal(int(x)).isoformat()
    return f"{x:,.0f}" if x == int(x) else f"{x:,.2f}"


def describe(f: Facts, value_type: ValueType) -> str:
    """How one value reads in a reason: its wording, qualifier and interval."""
    if f.interval is None:
        return f"{f.outlet}'s {f.wording!r}"
    iv = f.interval
    if iv.low == iv.high:
        span = format_value(iv.low, value_type)
    elif math.isinf(iv.high):
        span = f"{'more than' if iv.low_open else 'at least'} {format_value(iv.low, value_type)}"
    else:
        span = f"{format_value(iv.low, value_type)} to {format_value(iv.high, value_type)}"
    if f.qualifier is Qualifier.VAGUE:
        how = f"vague wording, read as {span}"
    elif f.qualifier in (None, Qualifier.EXACT):
        how = span
    else:
        how = f"{f.qualifier.value.replace('_', ' ')}: {span}"
    return f"{f.outlet}'s {f.wording!r} ({how})"


def _gap_severity(lower: Interval, upper: Interval, value_type: ValueType) -> float:
    gap = upper.low - lower.high
    if value_type is ValueType.DATE:
        return min(1.0, max(gap, 1) / 365)
    scale = max(abs(upper.low), abs(lower.high), 1.0)
    return min(1.0, max(gap / scale, 1e-9))


def pair_severity(lower: Facts, upper: Facts, value_type: ValueType) -> float:
    """The severity of two disjoint interval values, ``lower`` entirely below ``upper``."""
    assert lower.interval is not None
    assert upper.interval is not None
    return _gap_severity(lower.interval, upper.interval, value_type)


def _gap_text(gap: float, scale: float, value_type: ValueType) -> str:
    if value_type is ValueType.DATE:
        return f"{gap:,.0f} days apart"
    share = gap / max(scale, 1.0)
    return (
        f"{format_value(gap, value_type)} apart ({share:.0%} of {format_value(scale, value_type)})"
    )


def _when(f: Facts) -> str:
    if f.window is None:
        return "at an unknown time"
    start, end = f.window
    return (
        f"as of {end.isoformat()}"
        if start == end
        else f"as of {start.isoformat()}–{end.isoformat()}"
    )


def _denial(denier: Facts, other: Facts, value_type: ValueType) -> Conflict | None:
    if denier.interval is not None and other.interval is not None:
        if not denier.interval.intersects(other.interval):
            return None
        reason = (
            f"{describe(denier, value_type)} denies the figure that "
            f"{describe(other, value_type)} asserts"
        )
    elif (
        other.interval is not None and other.interval.high <= 0 and value_type is ValueType.QUANTITY
    ):
        return None  # asserting zero agrees with a denial
    else:
        reason = (
            f"{denier.outlet} denies it ({denier.wording!r}) while "
            f"{describe(other, value_type)} asserts it"
        )
    return Conflict(denier.id, other.id, 1.0, Rule.DENIAL, reason)


def compare(a: Facts, b: Facts, behavior: Behavior, value_type: ValueType) -> Conflict | None:
    """The conflict between two assertions of one claim, or None when they agree or are
    not comparable. Undisclosed values are never compared.

    >>> one = Facts(1, 1, "A", 1, "outlet:1", Stance.ASSERTS, "1,000", interval=Interval(1e3, 1e3))
    >>> two = Facts(2, 2, "B", 2, "outlet:2", Stance.ASSERTS, "5,000", interval=Interval(5e3, 5e3))
    >>> compare(one, two, Behavior.FIXED, ValueType.QUANTITY).rule
    <Rule.DISJOINT: 'disjoint_values'>
    """
    if Stance.UNDISCLOSED in (a.stance, b.stance) or not comparable(a, b, behavior):
        return None
    if a.stance is Stance.DENIES and b.stance is Stance.DENIES:
        return None
    if a.stance is Stance.DENIES:
        return _denial(a, b, value_type) if b.is_figure else None
    if b.stance is Stance.DENIES:
        return _denial(b, a, value_type) if a.is_figure else None
    if a.text is not None or b.text is not None:
        if a.text is None or b.text is None or a.text == b.text:
            return None
        reason = f"{a.outlet} says {a.wording!r} and {b.outlet} says {b.wording!r}"
        return Conflict(a.id, b.id, 1.0, Rule.DIFFERENT_TEXT, reason)
    if a.interval is None or b.interval is None or a.interval.intersects(b.interval):
        return None
    lower, upper = (a, b) if a.interval.end < b.interval.start else (b, a)
    assert lower.interval is not None
    assert upper.interval is not None
    if behavior is Behavior.CUMULATIVE and not windows_overlap(a, b):
        assert a.window is not None
        assert b.window is not None
        earlier, later = (a, b) if a.window[1] < b.window[0] else (b, a)
        if earlier is lower:
            return None  # a running total that grew: a change, not a conflict
        gap = earlier.interval.low - later.interval.high  # type: ignore[union-attr]
        reason = (
            f"a running total cannot shrink: {describe(earlier, value_type)} {_when(earlier)} "
            f"is above {describe(later, value_type)} {_when(later)}, "
            f"{_gap_text(gap, upper.interval.low, value_type)}"
        )
        severity = _gap_severity(lower.interval, upper.interval, value_type)
        return Conflict(a.id, b.id, severity, Rule.SHRINKING_TOTAL, reason)
    gap = upper.interval.low - lower.interval.high
    reason = (
        f"{describe(lower, value_type)} and {describe(upper, value_type)} cannot both hold: "
        f"the values are {_gap_text(gap, upper.interval.low, value_type)}"
    )
    severity = _gap_severity(lower.interval, upper.interval, value_type)
    return Conflict(a.id, b.id, severity, Rule.DISJOINT, reason)
