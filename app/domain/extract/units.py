"""The unit noun a figure counts: "1,000 sappers", "over 1.5 million explosive devices",
"more than 6,000 of these soldiers", "a 5,000-strong division", "$40 million", "12%",
and in a table-like line the label before it ("Sappers deployed: 1,000").

The words are data (app/domain/lexicon/units.toml): words skipped between the figure and
its noun, words that end the noun phrase, per-cent words, currency symbols, and per
language where its noun phrase ends ("Pioniere" in "1.000 nordkoreanische Pioniere
beteiligt", "бригад" in "двух бригад помогут").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from app.domain.lexicon import load, normalise, phrase_pattern

_WORD = re.compile(r"[^\W\d_][\w'’-]*")


@dataclass(frozen=True, slots=True)
class _Words:
    skip: re.Pattern[str]
    stops: frozenset[str]
    strong: re.Pattern[str]
    percent: re.Pattern[str]
    currency: dict[str, str]
    max_words: int
    heads: frozenset[str]
    head_rules: dict[str, str]  # language -> "plural" | "capital" | "first"


@cache
def _words() -> _Words:
    data = load("units")
    languages = [t for k, t in data.items() if isinstance(t, dict) and "stops" in t]
    return _Words(
        skip=re.compile(
            rf"\s*(?:(?:{phrase_pattern(w for t in languages for w in t['skip'])})\s+)+",
            re.IGNORECASE,
        ),
        stops=frozenset(normalise(w) for t in languages for w in t["stops"]),
        strong=re.compile(rf"^(?:{phrase_pattern(w for t in languages for w in t['strong'])})"),
        percent=re.compile(
            rf"^\s*(?:{phrase_pattern(w for t in languages for w in t['percent'])})(?!\w)",
            re.IGNORECASE,
        ),
        currency=dict(data["currency"]),
        max_words=int(data["max_words"]),
        heads=frozenset(normalise(w) for t in languages for w in t["heads"]),
        head_rules={
            k: t["head_rule"] for k, t in data.items() if isinstance(t, dict) and "head_rule" in t
        },
    )


def unit_after(
    text: str, start: int, end: int, language: str | None = None
) -> tuple[str | None, int]:
    """The unit of the figure at ``text[start:end]`` and where its wording ends.

    >>> text = "they cleared some 42,400 hectares and over 1.5 million explosive devices in"
    >>> unit_after(text, 13, 24), unit_after(text, 38, 54)
    (('hectares', 33), ('explosive devices', 72))
    """
    words = _words()
    for symbol in sorted(words.currency, key=len, reverse=True):
        if text[max(0, start - len(symbol) - 1) : start].strip().endswith(symbol):
            return words.currency[symbol], end
    rest = text[end:]
    if (m := words.percent.match(rest)) is not None:
        return "percent", end + m.end()
    if (m := words.strong.match(rest)) is not None:
        rest, end = rest[m.end() :], end + m.end()
    at = end
    if (m := words.skip.match(text, at)) is not None and m.end() > at:
        at = m.end()
    phrase = _noun_phrase(text, at, language)
    return (text[phrase[0] : phrase[1]], phrase[1]) if phrase else (None, end)


_LABEL = re.compile(r"(?:^|\n)\s*(?:[-•*–]\s*)?(?P<label>[^\W\d][^:—–\n]*?)\s*[:—–]\s*\Z")


def unit_before(text: str, start: int, language: str | None = None) -> str | None:
    """The unit named by the label of a table-like line ("Sappers deployed: 1,000").

    >>> unit_before("Key figures\\n- Explosive devices destroyed: over 1.5 million", 42)
    'Explosive devices'
    """
    m = _LABEL.search(text, 0, start)
    if m is None:
        return None
    phrase = _noun_phrase(text, m.start("label"), language, until=m.end("label"))
    return text[phrase[0] : phrase[1]] if phrase else None


def _noun_phrase(
    text: str, at: int, language: str | None, until: int | None = None
) -> tuple[int, int] | None:
    """Where the noun phrase starting at ``at`` ends, by its language's rule."""
    words = _words()
    rule = words.head_rules.get(language or "en", "plural")
    found: list[re.Match[str]] = []
    for m in _WORD.finditer(text, at, len(text) if until is None else until):
        between = text[found[-1].end() if found else at : m.start()]
        if between.strip() or normalise(m.group()) in words.stops:
            break  # punctuation, a figure or a stop word ends the phrase
        found.append(m)
        if len(found) == words.max_words or _ends_phrase(m.group(), rule, words.heads):
            break
    if rule == "capital" and found and not any(f.group()[0].isupper() for f in found):
        found = found[:1]
    return (found[0].start(), found[-1].end()) if found else None


_ADJECTIVE_RU = re.compile(r"(?:ых|их|ого|его|ой|ые|ие|ая|ий|ый|ое)$")


def _ends_phrase(word: str, rule: str, heads: frozenset[str]) -> bool:
    """Whether ``word`` is the head noun: an English or Spanish plural ("sappers",
    "soldados") or listed head ("people"); a German capitalised noun; a Russian word that
    is not an adjective."""
    if rule == "capital":
        return word[0].isupper()
    if rule == "first":
        return _ADJECTIVE_RU.search(word) is None
    plural = len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))
    return plural or normalise(word) in heads
