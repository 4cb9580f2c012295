"""The vocabularies the domain reads text with, kept as data (STYLE.md "Habits").

One TOML file per idea, each with a table per language (``en``, ``de``, ``es``, ``ru``)
so that a word is added by editing a file, never a branch of code:

- ``qualifiers.toml``: words around a figure ("more than", "etwa", "от X до Y")
- ``numbers.toml``: number words and scale words ("twelve", "1,5 Millionen", "2 тыс.")
- ``vague.toml``: vague quantities and their intervals ("thousands" = [2,000, 9,999])
- ``calendar.toml``: month and weekday names, parts of a period, relative time cues
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed contents of ``lexicon/<name>.toml``, read once; callers must not mutate it.

    >>> load("vague")["en"]["terms"]["thousands"]
    [2000, 9999]
    """
    raw = resources.files(__name__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(raw)


def normalise(phrase: str) -> str:
    """The form a phrase is looked up by: lower case, every run of spaces one space.

    >>> normalise("More  than")
    'more than'
    """
    # lower(), not casefold(): patterns are built from this form and must still match
    # "ß" as written (casefold would turn it into "ss").
    return " ".join(phrase.lower().split())


def merge_tables(tables: Iterable[dict[str, Any]], *, what: str) -> dict[str, Any]:
    """One table from several (one per language), keys normalised; a key that means two
    different things in two languages is a data error, since text is read without
    knowing its language.

    >>> merge_tables([{"zwei": 2}, {"Dos": 2}], what="number words")
    {'zwei': 2, 'dos': 2}
    """
    merged: dict[str, Any] = {}
    for table in tables:
        for key, value in table.items():
            word = normalise(key)
            if word in merged and merged[word] != value:
                raise ValueError(f"lexicon: {what} {word!r} is both {merged[word]} and {value}")
            merged[word] = value
    return merged


def phrase_pattern(phrases: Iterable[str]) -> str:
    """A regular-expression alternation of ``phrases``: escaped, longest first (so that
    "no more than" wins over "more than"), any run of spaces between words.

    >>> phrase_pattern(["more than", "no more than"])
    'no\\\\s+more\\\\s+than|more\\\\s+than'
    """
    unique = sorted({normalise(p) for p in phrases}, key=lambda p: (-len(p), p))
    if not unique:
        return "(?!)"  # matches nothing, where an empty alternation would match everywhere
    return "|".join(r"\s+".join(re.escape(word) for word in p.split(" ")) for p in unique)
