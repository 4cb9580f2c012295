"""Candidate assertions: every figure of an article with the evidence around it.

For each sentence of the article's lines (cleaning has set the rest aside), every figure
the value parser finds becomes a candidate, unless it is not a figure at all: part of a
date or time cue, a bare year, a clock time, an ordinal, a number inside a name
("T-72", "COVID-19"), or "one" as a pronoun and small numbers after a determiner ("the
two nations"). A candidate carries its interval and wording, the unit noun, the
sentence as its quote anchor, the attribution and hedge of the sentence, and the as-of
window of the time cue nearest to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from app.domain.extract.attribution import find_attribution, find_hedge
from app.domain.extract.clean import CleanedText, clean_capture
from app.domain.extract.sentences import split_sentences
from app.domain.extract.units import unit_after, unit_before
from app.domain.lexicon import load, phrase_pattern
from app.domain.quotes import QuoteAnchor, anchor_quote
from app.domain.timewin import DateWindow, TimeCue, find_time_cues
from app.domain.values import Lexicon, ParsedValue, find_values

# Year-less dates ("December 5") are recognised as dates, to be skipped, against this
# stand-in when the document has no publication date; their windows are then not used.
_STAND_IN = date(2000, 1, 1)
_YEAR = re.compile(r"(?:1[89]|2[01])\d\d")
_SMALL = 2  # up to this, a number word after a determiner names, it does not count


@cache
def _determiners() -> frozenset[str]:
    return frozenset(load("words")["determiners"])


@cache
def _labels() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What makes a number a name or a rank (units.toml [labels])."""
    labels = load("units")["labels"]
    before = re.compile(rf"(?<!\w)(?:{phrase_pattern(labels['before'])})\s*\Z", re.IGNORECASE)
    after = re.compile("|".join(labels["ordinal_after"]), re.IGNORECASE)
    return before, after


@dataclass(frozen=True, slots=True)
class Candidate:
    key: str  # "start-end" of the figure's wording in the text: stable across runs
    value: ParsedValue  # offsets in it are into the text
    unit: str | None
    sentence: tuple[int, int]
    quote: QuoteAnchor  # the sentence, anchored in the text
    attribution_cue: str | None
    source_name: str | None
    via: tuple[str, ...]
    hedge: str | None
    as_of: DateWindow | None
    time_text: str | None


def find_candidates(
    text: str,
    *,
    reference: date | None = None,
    cleaned: CleanedText | None = None,
    lexicon: Lexicon | None = None,
    language: str | None = None,
) -> list[Candidate]:
    """The candidate assertions of a capture's ``text``, in order; ``reference`` (the
    publication date) anchors relative time cues, ``language`` (en, de, es, ru; English
    when unknown) says how a unit noun phrase ends.

    >>> [c.value.wording + " " + (c.unit or "") for c in find_candidates(
    ...     "On June 19, 2024, the two nations said some 42,400 hectares were cleared.")]
    ['some 42,400 hectares']
    """
    cleaned = cleaned if cleaned is not None else clean_capture(text)
    found: list[Candidate] = []
    for line_start, line_end in cleaned.kept:
        for start, end in split_sentences(text, line_start, line_end):
            found.extend(_sentence_candidates(text, start, end, reference, lexicon, language))
    return found


def _sentence_candidates(
    text: str,
    start: int,
    end: int,
    reference: date | None,
    lexicon: Lexicon | None,
    language: str | None,
) -> list[Candidate]:
    sentence = text[start:end]
    cues = find_time_cues(sentence, reference or _STAND_IN)
    figures = [
        v
        for v in find_values(sentence, lexicon=lexicon)
        if _is_figure(sentence, v) and not any(_inside(v, c) for c in cues)
    ]
    if not figures:
        return []
    attribution = find_attribution(sentence)
    hedge = find_hedge(sentence)
    quote = anchor_quote(text, sentence, start=start, end=end)
    usable = [c for c in cues if reference is not None or _YEAR.search(c.window.text or "")]
    candidates = []
    for value in figures:
        unit, _ = unit_after(sentence, value.start, value.end, language)
        unit = unit or unit_before(sentence, value.start, language)
        cue = _nearest(value, usable)
        at = _shifted(value, start)
        candidates.append(
            Candidate(
                key=f"{at.start}-{at.end}",
                value=at,
                unit=unit,
                sentence=(start, end),
                quote=quote,
                attribution_cue=attribution.cue,
                source_name=attribution.name,
                via=attribution.via,
                hedge=hedge,
                as_of=cue.window if cue else None,
                time_text=cue.window.text if cue else None,
            )
        )
    return candidates


def _is_figure(sentence: str, value: ParsedValue) -> bool:
    """Whether a number the parser found counts or measures something (see the module
    docstring for what does not)."""
    before, after = sentence[: value.start], sentence[value.end :]
    wording = value.wording
    if re.search(r"[^\W\d_][-–]?$", before) or re.match(r"[^\W\d_]", after):
        return False  # inside a name or an ordinal: "T-72", "G7", "COVID-19", "9th"
    if re.match(r"[:.]\d|\s*(?:a\.m\.|p\.m\.|am\b|pm\b|uhr\b|h\b)", after, re.IGNORECASE):
        return False  # a clock time: "1:31 p.m."
    if re.search(r"\d[:.]$", before):
        return False
    label, ordinal = _labels()
    if label.search(before) or ordinal.match(after):
        return False  # "Article 4", "bulletin No. 47", "die 3. Brigade", "4-я статья"
    numerals = re.findall(r"\d[\d,. ]*", wording)
    years = bool(numerals) and all(_YEAR.fullmatch(n.strip()) for n in numerals)
    if years and not re.match(r"\s+[^\W\d_]+s\b", after):
        return False  # "the 2000 friendship treaty", "from 2024 to 2026"; "2000 troops" counts
    if wording.isalpha():
        last_word = before.split()[-1].casefold() if before.split() else ""
        if wording.casefold() == "one":
            return False  # "one of", "one another": a pronoun, not a count
        if value.figure <= _SMALL and last_word in _determiners():
            return False
    return True


def _inside(value: ParsedValue, cue: TimeCue) -> bool:
    return value.start < cue.end and cue.start < value.end


def _nearest(value: ParsedValue, cues: list[TimeCue]) -> TimeCue | None:
    """The time cue closest to the figure in its sentence."""

    def distance(cue: TimeCue) -> int:
        return cue.start - value.end if cue.start >= value.end else value.start - cue.end

    return min(cues, key=distance, default=None)


def _shifted(value: ParsedValue, offset: int) -> ParsedValue:
    return ParsedValue(
        qualifier=value.qualifier,
        interval=value.interval,
        figure=value.figure,
        wording=value.wording,
        start=value.start + offset,
        end=value.end + offset,
        vague_term=value.vague_term,
    )
