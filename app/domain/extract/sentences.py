"""Sentences of an article line, with offsets: the unit a candidate is read from.

A sentence ends at ".", "!", "?" or "…" (and any closing quotes) followed by space and
a capital, a digit or an opening quote, unless the word before the stop is an
abbreviation ("Gen.", "Jan.", "U.S."), an initial ("J. Smith") or a German-style
ordinal ("am 12. Dezember", "die 3. Brigade").
"""

from __future__ import annotations

import re
from functools import cache

from app.domain.lexicon import load, merge_tables, phrase_pattern

_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+(?=[\"'“‘«(\[]?[A-ZÀ-ÖØ-ÞА-ЯЁ0-9])")
_LAST_WORD = re.compile(r"(\S+)$")


@cache
def _words(name: str) -> frozenset[str]:
    """A word list of lexicon/words.toml: abbreviations, ordinal_leads."""
    return frozenset(load("words")[name])


@cache
def _month_after() -> re.Pattern[str]:
    months = merge_tables(load("calendar")["months"].values(), what="month")
    return re.compile(rf"(?:{phrase_pattern(months)})(?!\w)", re.IGNORECASE)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as ``(start, end)`` offsets into ``text``,
    without surrounding spaces.

    >>> text = "Gen. Smith said 5 died. Another 3 were hurt! Fine"
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['Gen. Smith said 5 died.', 'Another 3 were hurt!', 'Fine']
    """
    stop = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    at = start
    for m in _BOUNDARY.finditer(text, start, stop):
        if _abbreviation(text[at : m.start() + 1]) or _ordinal(text, at, m):
            continue
        spans.append(_stripped(text, at, m.end()))
        at = m.end()
    if text[at:stop].strip():
        spans.append(_stripped(text, at, stop))
    return [s for s in spans if s[0] < s[1]]


def _abbreviation(before: str) -> bool:
    """Whether the stop ending ``before`` closes an abbreviation or an initial."""
    found = _LAST_WORD.search(before)
    if found is None:
        return False
    word = found.group(1).lstrip("(\"'“‘«").rstrip(".")
    if len(word) == 1 and word.isalpha() and word.isupper():
        return True  # an initial: "J. Smith"
    return word.lower() in _words("abbreviations")


def _ordinal(text: str, at: int, boundary: re.Match[str]) -> bool:
    """Whether the stop follows a day or ordinal number, not the end of a sentence."""
    words = text[at : boundary.start()].split()
    if not words or not re.fullmatch(r"\d{1,2}", words[-1]):
        return False
    lead = words[-2].casefold() if len(words) > 1 else ""
    return lead in _words("ordinal_leads") or _month_after().match(text, boundary.end()) is not None


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    chunk = text[start:end]
    return start + (len(chunk) - len(chunk.lstrip())), end - (len(chunk) - len(chunk.rstrip()))
