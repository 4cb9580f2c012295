"""A document's text cut into pieces for display: quotes marked, excluded spans greyed.

Pure Python. Offsets are code points into the text quotes are anchored in (a document's
reader text, else its raw text), end exclusive, as the API reports them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

# Where a sentence ends: terminal punctuation followed by space, or a blank line.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+|\n\s*\n")
CONTEXT_LIMIT = 400


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A quote with the rest of its sentence on either side."""

    before: str
    quote: str
    after: str


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text with one set of marks and at most one exclusion reason."""

    start: int
    end: int
    text: str
    reason: str | None
    marks: tuple[int, ...]
    opens: tuple[int, ...]  # marks whose quote starts here: the anchor to link to
    opens_excluded: bool = False  # the first piece of an excluded span: where its label goes


def in_context(text: str, start: int, end: int, *, limit: int = CONTEXT_LIMIT) -> Excerpt:
    """The sentence around ``text[start:end]`` (at most ``limit`` characters each side)."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    end = max(start, end)
    left_floor = max(0, start - limit)
    left = left_floor
    for found in _SENTENCE_END.finditer(text, left_floor, start):
        left = found.end()
    right_cap = min(len(text), end + limit)
    stop = _SENTENCE_END.search(text, end, right_cap)
    if stop is None:
        right = right_cap
    else:  # through the full stop and any closing quote; the space is stripped below
        right = stop.start() if stop.group().startswith("\n") else stop.end()
    right = max(right, end)
    return Excerpt(text[left:start].lstrip(), text[start:end], text[end:right].rstrip())


def pieces(
    text: str,
    excluded: Sequence[tuple[int, int, str]],
    marks: Sequence[tuple[int, int, int]],
) -> list[Piece]:
    """Cut ``text`` at every boundary of an excluded span ``(start, end, reason)`` and of a
    mark ``(start, end, id)``; out-of-range offsets are clipped. The pieces join up to
    ``text``."""
    n = len(text)

    def clip(a: int, b: int) -> tuple[int, int]:
        a, b = max(0, min(a, n)), max(0, min(b, n))
        return (a, max(a, b))

    spans = [(*clip(a, b), reason) for a, b, reason in excluded]
    marked = [(*clip(a, b), ident) for a, b, ident in marks]
    cuts = sorted(
        {0, n}
        | {x for a, b, _ in spans for x in (a, b)}
        | {x for a, b, _ in marked for x in (a, b)}
    )
    out = []
    for a, b in pairwise(cuts):
        if a == b:
            continue
        reason = next((r for s, e, r in spans if s <= a and b <= e), None)
        inside = tuple(i for s, e, i in marked if s <= a and b <= e)
        opens = tuple(i for s, e, i in marked if s == a and e > s)
        starts = reason is not None and any(s == a for s, _, _ in spans)
        out.append(Piece(a, b, text[a:b], reason, inside, opens, starts))
    return out
