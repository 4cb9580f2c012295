"""HTML captures: the text a reader sees, by trafilatura (a maintained main-text
extractor), never by hand-written tag stripping."""

from __future__ import annotations

import re

import trafilatura

_HTML = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>]|<\?xml)|<(?:body|article|p|div)[\s>]", re.I)


def looks_like_html(text: str) -> bool:
    """Whether a capture is HTML rather than plain text.

    >>> looks_like_html("<html><body><p>Hi</p></body></html>"), looks_like_html("1 < 2 > 0")
    (True, False)
    """
    return bool(_HTML.search(text[:2000]))


def html_to_text(html: str) -> str:
    """The article text of an HTML page, one paragraph per line; reader comments that
    trafilatura recognises follow under a "Comments" line, so cleaning sets them aside
    visibly instead of losing them. A page too small for main-text extraction falls back
    to all of its visible text. (Menu lines it keeps are set aside by cleaning.)

    >>> html_to_text("<html><body><nav>Home | World</nav><article><p>Kim sent 1,000 "
    ...              "sappers.</p></article><footer>(c) 2026 Example</footer></body></html>")
    'Home | World\\nKim sent 1,000 sappers.'
    """
    document = trafilatura.bare_extraction(
        html, include_comments=True, include_tables=True, favor_recall=True, deduplicate=False
    )
    body = getattr(document, "text", None) if document is not None else None
    if not body:
        return trafilatura.html2txt(html).strip()
    comments = getattr(document, "comments", None)
    return f"{body}\n\nComments\n{comments}" if comments else str(body)
