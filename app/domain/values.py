"""Wording -> interval + qualifier (DESIGN.md "Values are intervals").

A figure is read in three steps, with the words of app/domain/lexicon/*.toml:

1. *atoms*: every number in the text, in digits ("42,400", "1,5 Millionen"), in words
   ("two", "twenty-five", "a dozen") or vague ("thousands"), each with its offsets;
2. two atoms joined by a range joiner ("between 5 and 7", "5-7", "от 5 до 7") are a range;
3. a lone atom takes the qualifier of the phrase right before it ("some", "more than")
   or right after it ("or more"); with neither it is exact.

Arithmetic is decimal, so "some 42,400" is [38,160, 46,640] with no float noise.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from typing import Any

from app.domain.errors import InvalidInput
from app.domain.intervals import Interval
from app.domain.lexicon import load, merge_tables, normalise, phrase_pattern
from app.domain.vocabulary import Qualifier

_SPACES = "[ \u00a0\u202f]"  # what may group digits: space, no-break space, narrow no-break
# Digits grouped in threes by one kind of separator, then maybe a decimal part marked by
# another kind ("1.234,5", "10 000"); or plain digits with maybe a decimal part ("1,5").
_NUMERAL = (
    rf"\d{{1,3}}(?P<sep>[,.]|{_SPACES})\d{{3}}(?!\d)(?:(?P=sep)\d{{3}}(?!\d))*"
    r"(?:(?!(?P=sep))[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?"
)
_REACH = 60  # how far before a figure its qualifier or range opener may start
# "2024-06-19" is a date, not the range 2024-06: a dash range may not touch more digits.
_DATE_PART_AFTER = re.compile(r"[-–—/]\d")
_DATE_PART_BEFORE = re.compile(r"(?<=\d[-–—/])")


class ValueNotFound(InvalidInput):
    """The text holds no figure to read."""

    title = "No value found"

    def __init__(self, text: str) -> None:
        shown = text if len(text) <= 80 else text[:77] + "..."
        super().__init__(f"no figure found in {shown!r}", field="value.text")


@dataclass(frozen=True, slots=True)
class ParsedValue:
    """One figure read from text: how it was qualified, the interval, where it stands."""

    qualifier: Qualifier
    interval: Interval
    figure: float  # the number as written (42400 for "some 42,400"); the low for ranges
    wording: str  # the matched text, e.g. "some 42,400"
    start: int  # code-point offsets of `wording` in the input text, end exclusive
    end: int
    vague_term: str | None = None  # e.g. "thousands" when the lexicon supplied the interval


@dataclass(frozen=True, slots=True)
class RangeRule:
    """Two figures joined into one range: ``openers`` before the first, ``joiners`` between."""

    openers: tuple[str, ...]
    joiners: tuple[str, ...]
    opener_required: bool  # "between 5 and 7" is a range, "5 and 7" is two figures
    digits_only: bool  # "5-7" joins digits only, so "twenty-five" stays one number


@dataclass(frozen=True, slots=True)
class _Atom:
    start: int
    end: int
    number: Decimal  # as written, before any scale word
    scale: Decimal  # product of the scale words after it; 1 when none
    in_digits: bool
    vague_term: str | None = None

    @property
    def value(self) -> Decimal:
        return self.number * self.scale


@dataclass(frozen=True, slots=True)
class _Compiled:
    atom: re.Pattern[str]
    scale: re.Pattern[str]
    before: re.Pattern[str]
    after: re.Pattern[str]
    ranges: tuple[tuple[RangeRule, re.Pattern[str], re.Pattern[str]], ...]


@dataclass(frozen=True, slots=True, eq=False)
class Lexicon:
    """The words figures are read with (app/domain/lexicon/*.toml), compiled once.

    Keys are normalised phrases (``lexicon.normalise``); treat the mappings as read-only.

    >>> Lexicon.default().vague["thousands"]
    (2000.0, 9999.0)
    """

    before: Mapping[str, Qualifier]
    after: Mapping[str, Qualifier]
    ranges: tuple[RangeRule, ...]
    words: Mapping[str, Decimal]
    articles: frozenset[str]
    scales: Mapping[str, Decimal]
    vague: Mapping[str, tuple[float, float]]
    vague_followers: Mapping[str, tuple[str, ...]]
    glued: Mapping[str, Decimal] = field(default_factory=dict)  # "2.7m", "$40B", "1.2k"
    _compiled: _Compiled = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", _compile(self))

    @classmethod
    def default(cls) -> Lexicon:
        """The lexicon of the data files, built once per process.

        >>> Lexicon.default() is Lexicon.default()
        True
        """
        return _default_lexicon()

    @classmethod
    def from_files(cls) -> Lexicon:
        """A lexicon built from qualifiers.toml, numbers.toml and vague.toml.

        >>> Lexicon.from_files().scales["mio."]
        Decimal('1000000')
        """
        qualifiers, numbers, vague = load("qualifiers"), load("numbers"), load("vague")
        return cls(
            before=merge_tables(
                (_by_phrase(t.get("before", {})) for t in qualifiers.values()), what="qualifier"
            ),
            after=merge_tables(
                (_by_phrase(t.get("after", {})) for t in qualifiers.values()), what="qualifier"
            ),
            ranges=tuple(_range_rule(r) for t in qualifiers.values() for r in t.get("ranges", [])),
            words={
                word: Decimal(str(value))
                for word, value in merge_tables(
                    (_number_words(t) for t in numbers.values()), what="number word"
                ).items()
            },
            articles=frozenset(normalise(a) for t in numbers.values() for a in t["articles"]),
            scales={
                word: Decimal(str(value))
                for word, value in merge_tables(
                    (t["scales"] for t in numbers.values()), what="scale word"
                ).items()
            },
            vague={
                term: (float(low), float(high))
                for term, (low, high) in merge_tables(
                    (t["terms"] for t in vague.values()), what="vague term"
                ).items()
            },
            vague_followers={
                term: tuple(followers)
                for term, followers in merge_tables(
                    (t.get("followed_by", {}) for t in vague.values()), what="vague follower"
                ).items()
            },
            glued={
                word: Decimal(str(value))
                for word, value in merge_tables(
                    (t.get("glued", {}) for t in numbers.values()), what="glued scale"
                ).items()
            },
        )

    def with_vague(self, overrides: Mapping[str, tuple[float, float]]) -> Lexicon:
        """A copy whose vague terms are overridden or added (a claim's own reading).

        >>> Lexicon.default().with_vague({"hundreds": (100, 999)}).vague["hundreds"]
        (100.0, 999.0)
        """
        vague = dict(self.vague)
        for term, (low, high) in overrides.items():
            word = normalise(term)
            if not word or math.isnan(high) or not 0 <= low <= high or math.isinf(low):
                raise InvalidInput(
                    f"the vague term {term!r} needs 0 <= low <= high, not [{low}, {high}]",
                    field="value.vague",
                )
            vague[word] = (float(low), float(high))
        return replace(self, vague=vague)


@cache
def _default_lexicon() -> Lexicon:
    return Lexicon.from_files()


def _by_phrase(table: dict[str, list[str]]) -> dict[str, Qualifier]:
    return {phrase: Qualifier(name) for name, phrases in table.items() for phrase in phrases}


def _range_rule(row: dict[str, Any]) -> RangeRule:
    return RangeRule(
        openers=tuple(row["openers"]),
        joiners=tuple(row["joiners"]),
        opener_required=bool(row["opener_required"]),
        digits_only=bool(row.get("digits_only", False)),
    )


def _number_words(language: dict[str, Any]) -> dict[str, int]:
    """The language's number words plus every tens-joiner-unit compound ("twenty-five")."""
    words: dict[str, int] = dict(language["words"])
    compound = language.get("compound")
    if compound:
        for tens in compound["tens"]:
            for joiner in compound["joiners"]:
                for unit in compound["units"]:
                    words[f"{tens}{joiner}{unit}"] = words[tens] + words[unit]
    return words


def _alternation_with_followers(terms: Mapping[str, Any], followers: Mapping[str, Any]) -> str:
    """Vague terms longest first, each term that needs a follower checking for it."""
    parts = []
    for term in sorted(terms, key=lambda t: (-len(t), t)):
        part = phrase_pattern([term]) + r"(?!\w)"
        if term in followers:
            part += rf"(?=\s+(?:{phrase_pattern(followers[term])})(?!\w))"
        parts.append(part)
    return "|".join(parts) or "(?!)"


def _compile(lex: Lexicon) -> _Compiled:
    scales = phrase_pattern(lex.scales)
    glued = phrase_pattern(lex.glued)
    atom = (
        r"(?<!\w)(?<!\d[.,])(?:"
        rf"(?P<vague>{_alternation_with_followers(lex.vague, lex.vague_followers)})"
        rf"|(?:(?P<digits>{_NUMERAL})"
        rf"|(?P<word>{phrase_pattern(lex.words)})(?!\w)"
        rf"|(?P<article>{phrase_pattern(lex.articles)})(?=\s+(?:{scales})(?!\w)))"
        rf"(?P<scales>(?:(?<=\d)(?:{glued})(?!\w))?(?:\s*(?:{scales})(?!\w)){{0,2}}))"
    )
    ranges = tuple(
        (
            rule,
            re.compile(rf"(?<!\w)(?:{phrase_pattern(rule.openers)})\s+\Z", re.IGNORECASE),
            re.compile("|".join(_joiner(j) for j in rule.joiners), re.IGNORECASE),
        )
        for rule in lex.ranges
    )
    return _Compiled(
        atom=re.compile(atom, re.IGNORECASE),
        scale=re.compile(rf"(?:{scales}|{glued})(?!\w)", re.IGNORECASE),
        before=re.compile(
            rf"(?<!\w)(?P<q>{phrase_pattern(lex.before)})(?:\s+|(?<=\.))\Z", re.IGNORECASE
        ),
        after=re.compile(rf"\s+(?P<q>{phrase_pattern(lex.after)})(?!\w)", re.IGNORECASE),
        ranges=ranges,
    )


def _joiner(joiner: str) -> str:
    """A word joiner needs spaces around it ("5 to 7"); a dash may go without ("5-7")."""
    pattern = phrase_pattern([joiner])
    return rf"\s+(?:{pattern})\s+" if joiner[0].isalnum() else rf"\s*(?:{pattern})\s*"


def read_numeral(numeral: str) -> Decimal:
    """The number a numeral writes. Spaces group digits; with both "," and "." the
    rightmost is the decimal mark; one kind repeated groups thousands; one mark once
    groups thousands when exactly three digits follow it and one to three (not "0")
    precede it, and is a decimal mark otherwise.

    >>> read_numeral("2.700"), read_numeral("1,5"), read_numeral("1.234,5")
    (Decimal('2700'), Decimal('1.5'), Decimal('1234.5'))
    """
    spaced = re.search(_SPACES, numeral) is not None
    digits = re.sub(_SPACES, "", numeral)
    marks = [c for c in digits if c in ".,"]
    decimal_mark: str | None = None
    if len(set(marks)) == 2:
        decimal_mark = digits[max(digits.rfind("."), digits.rfind(","))]
    elif len(marks) == 1:
        head, _, tail = digits.partition(marks[0])
        grouping = not spaced and len(tail) == 3 and 1 <= len(head) <= 3 and head != "0"
        decimal_mark = None if grouping else marks[0]
    if decimal_mark is None:
        return Decimal(re.sub("[.,]", "", digits))
    at = digits.rindex(decimal_mark)
    return Decimal(re.sub("[.,]", "", digits[:at]) + "." + re.sub("[.,]", "", digits[at + 1 :]))


def interval_for(qualifier: Qualifier, figure: float, *, tolerance: float = 0.1) -> Interval:
    """The interval one figure stands for under a qualifier (DESIGN table); ranges and
    vague terms carry their own bounds and are refused.

    >>> str(interval_for(Qualifier.MORE_THAN, 1000))
    '(1,000, +inf)'
    """
    return _bounds(qualifier, Decimal(repr(float(figure))), _tolerance(tolerance))


def _tolerance(tolerance: float) -> Decimal:
    if not 0 <= tolerance < 1:  # also refuses NaN
        raise InvalidInput(
            f"the tolerance {tolerance} must be at least 0 and below 1", field="value.tolerance"
        )
    return Decimal(repr(float(tolerance)))


def _bounds(qualifier: Qualifier, x: Decimal, t: Decimal) -> Interval:
    match qualifier:
        case Qualifier.EXACT:
            return Interval.point(float(x))
        case Qualifier.APPROXIMATELY:
            return Interval(float(x * (1 - t)), float(x * (1 + t)))
        case Qualifier.AT_LEAST:
            return Interval(float(x), math.inf)
        case Qualifier.MORE_THAN:
            return Interval(float(x), math.inf, low_open=True)
        case Qualifier.AT_MOST:
            return Interval(0.0, float(x))
        case Qualifier.LESS_THAN:
            # "fewer than 0" would be empty; read it as the only count it can be.
            return Interval(0.0, float(x), high_open=x > 0)
    raise InvalidInput(
        f"a {qualifier} value has its own bounds, not one figure", field="value.qualifier"
    )


def find_values(
    text: str, *, tolerance: float = 0.1, lexicon: Lexicon | None = None
) -> list[ParsedValue]:
    """Every figure in ``text``, in order and non-overlapping, each with its qualifier
    and interval (years included: telling them apart is the extractor's job).

    >>> [v.wording for v in find_values("between 10 and 12 tanks, over 1.5 million mines")]
    ['between 10 and 12', 'over 1.5 million']
    """
    lex = lexicon or Lexicon.default()
    spread = _tolerance(tolerance)
    atoms = _atoms(text, lex)
    found: list[ParsedValue] = []
    floor = 0  # where the last value ended: the next one's words start after it
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        joined = _range(text, atom, atoms[i + 1], floor, lex) if i + 1 < len(atoms) else None
        value = joined or _single(text, atom, floor, lex, spread)
        found.append(value)
        floor = value.end
        i += 2 if joined else 1
    return found


def parse_value(
    text: str, *, tolerance: float = 0.1, lexicon: Lexicon | None = None
) -> ParsedValue:
    """The first figure in ``text`` (see ``find_values``); ``ValueNotFound`` when none.

    >>> str(parse_value("some 42,400 hectares").interval)
    '[38,160, 46,640]'
    """
    found = find_values(text, tolerance=tolerance, lexicon=lexicon)
    if not found:
        raise ValueNotFound(text)
    return found[0]


def _atoms(text: str, lex: Lexicon) -> list[_Atom]:
    compiled = lex._compiled
    atoms: list[_Atom] = []
    for m in compiled.atom.finditer(text):
        if m["vague"] is not None:
            term = normalise(m["vague"])
            atoms.append(_Atom(m.start(), m.end(), Decimal(0), Decimal(1), False, term))
            continue
        if m["digits"] is not None:
            number = read_numeral(m["digits"])
        elif m["word"] is not None:
            number = lex.words[normalise(m["word"])]
        else:
            number = Decimal(1)  # an article: "a dozen", "eine Million"
        scale = Decimal(1)
        for word in compiled.scale.findall(m["scales"]):
            scale *= lex.scales.get(normalise(word)) or lex.glued[normalise(word)]
        atoms.append(_Atom(m.start(), m.end(), number, scale, m["digits"] is not None))
    return atoms


def _range(text: str, a: _Atom, b: _Atom, floor: int, lex: Lexicon) -> ParsedValue | None:
    if a.vague_term is not None or b.vague_term is not None:
        return None
    for rule, opener, joiner in lex._compiled.ranges:
        if rule.digits_only and not (a.in_digits and b.in_digits):
            continue
        if not joiner.fullmatch(text, a.end, b.start):
            continue
        if rule.digits_only and (
            _DATE_PART_AFTER.match(text, b.end) or _DATE_PART_BEFORE.match(text, a.start)
        ):
            continue
        lead = opener.search(text, max(floor, a.start - _REACH), a.start)
        if lead is None and rule.opener_required:
            continue
        start = lead.start() if lead else a.start
        # "1 to 2 million": the first figure shares the second's scale word when it has
        # none of its own and would otherwise be the larger number as written.
        shares = a.scale == 1 and b.scale != 1 and a.number <= b.number
        first = a.number * b.scale if shares else a.value
        low, high = sorted((first, b.value))
        return ParsedValue(
            Qualifier.RANGE,
            Interval(float(low), float(high)),
            float(low),
            text[start : b.end],
            start,
            b.end,
        )
    return None


def _single(text: str, atom: _Atom, floor: int, lex: Lexicon, spread: Decimal) -> ParsedValue:
    if atom.vague_term is not None:
        low, high = lex.vague[atom.vague_term]
        wording = text[atom.start : atom.end]
        return ParsedValue(
            Qualifier.VAGUE,
            Interval(low, high),
            low,
            wording,
            atom.start,
            atom.end,
            atom.vague_term,
        )
    start, end, qualifier = atom.start, atom.end, Qualifier.EXACT
    lead = lex._compiled.before.search(text, max(floor, atom.start - _REACH), atom.start)
    tail = lex._compiled.after.match(text, atom.end)
    if lead is not None:
        start, qualifier = lead.start(), lex.before[normalise(lead["q"])]
    elif tail is not None:
        end, qualifier = tail.end(), lex.after[normalise(tail["q"])]
    return ParsedValue(
        qualifier,
        _bounds(qualifier, atom.value, spread),
        float(atom.value),
        text[start:end],
        start,
        end,
    )


_READINGS = {
    Qualifier.EXACT: "{wording!r} read as exactly {figure}",
    Qualifier.APPROXIMATELY: "{wording!r} read as approximately {figure}: {low}–{high}",
    Qualifier.AT_LEAST: "{wording!r} read as {low} or more",
    Qualifier.MORE_THAN: "{wording!r} read as more than {low}",
    Qualifier.AT_MOST: "{wording!r} read as at most {high}: {low}–{high}",
    Qualifier.LESS_THAN: "{wording!r} read as less than {high}: {low} up to but not {high}",
    Qualifier.RANGE: "{wording!r} read as the range {low}–{high}",
    Qualifier.VAGUE: "vague wording {vague_term!r} read as {low}–{high}",
}


def describe(parsed: ParsedValue) -> str:
    """One line a person can read: the wording, the qualifier and the interval it gave.

    >>> describe(parse_value("thousands of troops"))
    "vague wording 'thousands' read as 2,000–9,999"
    """
    return _READINGS[parsed.qualifier].format(
        wording=parsed.wording,
        vague_term=parsed.vague_term,
        figure=_number(parsed.figure),
        low=_number(parsed.interval.low),
        high=_number(parsed.interval.high),
    )


def _number(x: float) -> str:
    if math.isinf(x):
        return "no limit"
    return f"{x:,.0f}" if x == int(x) else f"{x:,.3f}".rstrip("0")
