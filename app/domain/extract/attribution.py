"""Who a sentence attributes its figures to, and how surely.

Cues are data (app/domain/lexicon/attribution.toml): "X said" and "X reported" name the
speaker before the cue; "according to X" and "citing X" after it. The first cue of a
sentence names the speaker, later ones the outlets it came through ("Shoigu said ...,
according to TASS": Shoigu, via TASS). Names are then resolved against stored sources.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from app.domain.lexicon import load, normalise, phrase_pattern

MAX_NAME_WORDS = 8
MATCH_THRESHOLD = 0.5
_CUT = re.compile(r"[,;:\"“”«»—–!?]|\.(?=\s)|\s-\s")
_ARTICLES = frozenset({"the", "a", "an", "der", "die", "das", "el", "la", "los", "las"})


@dataclass(frozen=True, slots=True)
class Attribution:
    cue: str | None  # as written: "according to", "said"
    name: str | None  # who the first cue names, as written: "Sergei Shoigu"
    via: tuple[str, ...] = ()  # who later cues name: ("TASS",)


@dataclass(frozen=True, slots=True)
class _Cues:
    before: re.Pattern[str]
    after: re.Pattern[str]
    inverted: frozenset[str]  # cues in both lists: a following name needs a capital
    stops: frozenset[str]
    hedges: re.Pattern[str]


@cache
def _cues() -> _Cues:
    data = load("attribution")
    before = [c for t in data.values() for c in t["before_name"]]
    after = [c for t in data.values() for c in t["after_name"]]

    def words(phrases: list[str]) -> re.Pattern[str]:
        return re.compile(rf"(?<!\w)(?:{phrase_pattern(phrases)})(?!\w)", re.IGNORECASE)

    return _Cues(
        before=words(before),
        after=words(after),
        inverted=frozenset(normalise(c) for c in before) & frozenset(normalise(c) for c in after),
        stops=frozenset(normalise(w) for t in data.values() for w in t["name_stops"]),
        hedges=words([h for t in data.values() for h in t["hedges"]]),
    )


def find_attribution(sentence: str) -> Attribution:
    """The attribution cues of a sentence and the names they point at.

    >>> find_attribution("North Korea will send 1,000 sappers, Sergei Shoigu said on "
    ...                  "Tuesday, according to TASS.")
    Attribution(cue='said', name='Sergei Shoigu', via=('TASS',))
    """
    cues = _cues()
    found: list[tuple[int, int, str, str]] = []  # cue start, cue end, cue, name
    for m in cues.after.finditer(sentence):
        name = _name_before(sentence[: m.start()], cues.stops)
        if name:
            found.append((m.start(), m.end(), m.group(), name))
    for m in cues.before.finditer(sentence):
        name = _name_after(sentence[m.end() :], cues.stops)
        capital = name is not None and name[:1].isupper()
        if name and (capital or normalise(m.group()) not in cues.inverted):
            found.append((m.start(), m.end(), m.group(), name))
    chosen: list[tuple[int, int, str, str]] = []
    for cue in sorted(found, key=lambda f: (f[0], -(f[1] - f[0]))):
        if not chosen or cue[0] >= chosen[-1][1]:
            chosen.append(cue)
    if not chosen:
        return Attribution(None, None)
    names = list(dict.fromkeys(c[3] for c in chosen))
    return Attribution(chosen[0][2], names[0], tuple(names[1:]))


def find_hedge(sentence: str) -> str | None:
    """The first hedge of a sentence, as written.

    >>> find_hedge("Estimates suggest that more than 6,000 died.")
    'Estimates suggest'
    """
    m = _cues().hedges.search(sentence)
    return m.group() if m else None


def _name_before(text: str, stops: frozenset[str]) -> str | None:
    """The name a cue follows: the words after the last break, at most MAX_NAME_WORDS,
    none a figure or a stop word ("... that officials said" -> "officials")."""
    clause = _CUT.split(text)[-1]
    words: list[str] = []
    for word in reversed(clause.split()):
        if any(c.isdigit() for c in word) or normalise(word) in stops:
            break
        words.insert(0, word)
        if len(words) == MAX_NAME_WORDS:
            return None  # a whole clause, not a name
    return _tidy(words)


def _name_after(text: str, stops: frozenset[str]) -> str | None:
    """The name after a cue: up to a break, a stop word or a possessive ("Shoigu's")."""
    words: list[str] = []
    for word in _CUT.split(text, maxsplit=1)[0].split():
        bare = re.sub(r"['’]s$", "", word)
        if any(c.isdigit() for c in word) or normalise(word) in stops:
            break
        words.append(bare.rstrip("."))
        if bare != word or len(words) == MAX_NAME_WORDS:
            break
    return _tidy(words)


def _tidy(words: list[str]) -> str | None:
    while words and normalise(words[0]) in _ARTICLES:
        words = words[1:]
    name = " ".join(words).strip(" .")
    return name if any(c.isalpha() for c in name) else None


def resolve_source(name: str, sources: Sequence[tuple[str, Sequence[str]]]) -> str | None:
    """The slug of the stored source ``name`` points at, if one matches well enough:
    the same name, an acronym of it ("KCNA"), or a part of it ("Shoigu").

    >>> resolve_source("Korean Central News Agency (KCNA)",
    ...                [("kcna", ["KCNA"]), ("tass", ["TASS"])])
    'kcna'
    """
    best: tuple[float, str] | None = None
    for slug, names in sources:
        score = max((_name_score(name, known) for known in names), default=0.0)
        if score >= MATCH_THRESHOLD and (best is None or score > best[0]):
            best = (score, slug)
    return best[1] if best else None


def _tokens(name: str) -> list[str]:
    return [t for t in re.findall(r"\w+", name.casefold()) if t not in _ARTICLES]


def _name_score(name: str, known: str) -> float:
    """How surely ``name`` (as written) means the source called ``known``."""
    ours, theirs = _tokens(name), _tokens(known)
    if not ours or not theirs:
        return 0.0
    if ours == theirs:
        return 1.0
    initials = "".join(t[0] for t in theirs)
    if len(theirs) > 1 and initials in ours:
        return 0.9  # "KCNA" for "Korean Central News Agency"
    if len(ours) > 1 and "".join(t[0] for t in ours) in theirs:
        return 0.9
    if set(theirs) <= set(ours):
        return 0.85  # "the state-run TASS news agency" for "TASS"
    if set(ours) <= set(theirs):
        return 0.75  # "Shoigu" for "Sergei Shoigu"
    overlap = len(set(ours) & set(theirs)) / len(set(ours) | set(theirs))
    return overlap
