"""Which stored claim a candidate most likely reports.

A claim is described by its title, aliases and unit. A candidate matches it by its unit
noun (the strongest sign: "sappers" for a claim about sappers) and by how much of one
of the claim's phrases its sentence contains ("hectares cleared", "lost their lives").
Words are compared case-folded, with plurals cut to the singular.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from app.domain.extract.candidates import Candidate
from app.domain.lexicon import load

THRESHOLD = 0.5  # below this a candidate proposes a new claim
UNIT_WEIGHT = 0.55


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(load("words")["stopwords"])


@dataclass(frozen=True, slots=True)
class ClaimProfile:
    slug: str
    title: str
    unit: str
    aliases: tuple[str, ...] = ()


def words(text: str) -> list[str]:
    """Content words, case-folded and singular.

    >>> words("The North Korean sappers' devices")
    ['north', 'korean', 'sapper', 'device']
    """
    found = []
    for token in re.findall(r"[^\W_]+", text.casefold()):
        if token in _stopwords():
            continue
        if len(token) > 4 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
            token = token[:-1]
        found.append(token)
    return found


def claim_score(candidate_unit: str | None, sentence: str, profile: ClaimProfile) -> float:
    """How well a figure (its unit and sentence) fits a claim, from 0 to 1.

    >>> sappers = ClaimProfile("sappers", "North Korean sappers sent to Kursk", "people")
    >>> round(claim_score("sappers", "They sent 1,000 sappers to Kursk.", sappers), 2)
    0.82
    """
    unit_words = words(candidate_unit or "")
    vocabulary = set(words(" ".join((profile.title, profile.unit, *profile.aliases))))
    if unit_words and unit_words[-1] in vocabulary:
        unit = 1.0
    elif any(w in vocabulary for w in unit_words):
        unit = 0.5
    else:
        unit = 0.0
    context = set(words(sentence))
    phrases = [set(words(p)) for p in (profile.title, *profile.aliases)]
    shared = max((len(p & context) / len(p) for p in phrases if p), default=0.0)
    return UNIT_WEIGHT * unit + (1 - UNIT_WEIGHT) * shared


def suggest_claim(
    candidate: Candidate, text: str, profiles: Sequence[ClaimProfile]
) -> tuple[str, float] | None:
    """The best-fitting claim's slug and score, if any reaches THRESHOLD (ties go to
    the first slug in alphabetical order)."""
    sentence = text[candidate.sentence[0] : candidate.sentence[1]]
    scored = [(claim_score(candidate.unit, sentence, p), p.slug) for p in profiles]
    best = max(scored, key=lambda s: (s[0], [-ord(c) for c in s[1]]), default=None)
    if best is None or best[0] < THRESHOLD:
        return None
    return best[1], best[0]
