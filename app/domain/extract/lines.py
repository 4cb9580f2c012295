"""The lines of a capture, with offsets: the unit cleaning judges.

A capture keeps a paragraph on one line, or wraps it over several. A line that runs on
(long, with no closing punctuation) into one starting in lower case or with a figure is the
same paragraph
wrapped, and is joined to it, so that a wrapped article is not mistaken for a run of
lower-case comment lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WRAP_WIDTH = 60  # a line at least this long may have been wrapped
_CLOSED = re.compile(r"[.!?…:;\"”»)\]]$")


@dataclass(frozen=True, slots=True)
class Line:
    start: int  # offsets of the stripped line (or joined lines) in the text
    end: int
    text: str


def split_lines(text: str) -> list[Line]:
    """The non-blank lines of ``text``, stripped, wrapped paragraphs joined.

    >>> wrapped = "Two, which runs on and on and on and on and on and on for so long\\nit wraps."
    >>> [line.text for line in split_lines("  One.\\n\\n" + wrapped)] == ["One.", wrapped]
    True
    """
    lines: list[Line] = []
    for m in re.finditer(r"[^\n]+", text):
        raw = m.group()
        stripped = raw.strip()
        if not stripped:
            continue
        start = m.start() + (len(raw) - len(raw.lstrip()))
        line = Line(start, start + len(stripped), stripped)
        previous = lines[-1] if lines else None
        if previous is not None and _wraps(previous, line, text):
            lines[-1] = Line(previous.start, line.end, text[previous.start : line.end])
        else:
            lines.append(line)
    return lines


def _wraps(previous: Line, line: Line, text: str) -> bool:
    last_line = previous.text.rsplit("\n", 1)[-1]
    return (
        "\n\n" not in text[previous.end : line.start]
        and len(last_line) >= WRAP_WIDTH
        and not _CLOSED.search(last_line)
        and (line.text[0].islower() or line.text[0].isdigit())
    )
