"""Quote anchors: where in a document's text an assertion's quote stands.

The anchor follows the W3C Web Annotation selectors: a TextQuoteSelector (``exact``
with ``prefix``/``suffix`` context) and a TextPositionSelector (``start``/``end``
code-point offsets, end exclusive). Either half can be recovered from the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.errors import InvalidInput

CONTEXT_CHARS = 32


@dataclass(frozen=True, slots=True)
class QuoteAnchor:
    exact: str
    start: int
    end: int
    prefix: str
    suffix: str


def _occurrences(text: str, exact: str) -> list[int]:
    found: list[int] = []
    at = text.find(exact)
    while at != -1:
        found.append(at)
        at = text.find(exact, at + 1)
    return found


def anchor_quote(
    text: str,
    exact: str,
    *,
    start: int | None = None,
    end: int | None = None,
    prefix: str | None = None,
    suffix: str | None = None,
) -> QuoteAnchor:
    """Resolve a quote against ``text`` and fill in whatever was left out.

    With offsets, ``text[start:end]`` must equal ``exact``. Without them, ``exact``
    must occur once in ``text``, or once among the occurrences that ``prefix`` and
    ``suffix`` match. Missing context is taken from the text.

    >>> anchor_quote("They sent 1,000 sappers.", "1,000 sappers").start
    10
    """
    if not exact:
        raise InvalidInput("the quote's exact text is empty", field="quote.exact")
    if (start is None) != (end is None):
        raise InvalidInput("give both quote.start and quote.end, or neither", field="quote")
    if start is not None and end is not None:
        if not 0 <= start <= end <= len(text):
            raise InvalidInput(
                f"quote offsets {start}..{end} fall outside the document text (length {len(text)})",
                field="quote.start",
            )
        if text[start:end] != exact:
            raise InvalidInput(
                f"quote offsets {start}..{end} hold {text[start:end]!r}, not the exact "
                f"text {exact!r}",
                field="quote.exact",
            )
    else:
        candidates = [
            at
            for at in _occurrences(text, exact)
            if (prefix is None or text[:at].endswith(prefix))
            and (suffix is None or text[at + len(exact) :].startswith(suffix))
        ]
        if not candidates:
            raise InvalidInput(
                f"the quote {exact!r} does not occur in the document text", field="quote.exact"
            )
        if len(candidates) > 1:
            raise InvalidInput(
                f"the quote {exact!r} occurs {len(candidates)} times in the document text; "
                "give quote.start and quote.end, or a prefix/suffix that makes it unique",
                field="quote.exact",
            )
        start, end = candidates[0], candidates[0] + len(exact)
    found_prefix = text[max(0, start - CONTEXT_CHARS) : start]
    found_suffix = text[end : end + CONTEXT_CHARS]
    if prefix is not None and not text[:start].endswith(prefix):
        raise InvalidInput(
            "quote.prefix does not match the text before the quote", field="quote.prefix"
        )
    if suffix is not None and not text[end:].startswith(suffix):
        raise InvalidInput(
            "quote.suffix does not match the text after the quote", field="quote.suffix"
        )
    return QuoteAnchor(exact=exact, start=start, end=end, prefix=found_prefix, suffix=found_suffix)
