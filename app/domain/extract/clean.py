"""Cleaning a capture: which lines are the article, and which are not, and why.

A captured page carries more than its article: the capture tool's header, error banners,
repeated paragraphs, "Read More" lists of other stories, legal disclaimers, share and tag
lines, page metadata and reader comments. Figures there are not claims of the document
(DESIGN.md "Extraction"), so cleaning marks them as excluded spans, with a reason,
instead of deleting them: offsets into the stored text stay valid and an analyst can see
what was set aside. The markers are data, in app/domain/lexicon/boilerplate.toml.

HTML is first turned into the text a reader sees with trafilatura (``html_to_text``);
what it keeps is then cleaned like any plain-text capture.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from app.domain.extract.html import html_to_text, looks_like_html
from app.domain.extract.lines import Line, split_lines
from app.domain.lexicon import load, normalise, phrase_pattern

__all__ = [
    "CleanedText",
    "ExcludedSpan",
    "ExclusionReason",
    "clean_capture",
    "html_to_text",
    "looks_like_html",
]

MAX_BANNER_CHARS = 200  # a longer line mentioning a missing page is prose, not a banner
MIN_DUPLICATE_WORDS = 5  # shorter repeats (tags, "Read More") are judged by other rules
LIST_ITEM_WORDS = 30  # a line of a "Read more" list is shorter than this


class ExclusionReason(StrEnum):
    CAPTURE_HEADER = "capture_header"
    ERROR_BANNER = "error_banner"
    DUPLICATE_PARAGRAPH = "duplicate_paragraph"
    READ_MORE = "read_more"
    LEGAL_DISCLAIMER = "legal_disclaimer"
    SHARE_TAGS = "share_tags"
    PAGE_METADATA = "page_metadata"
    COMMENTS = "comments"


@dataclass(frozen=True, slots=True)
class ExcludedSpan:
    start: int  # code-point offsets into the cleaned text's source, end exclusive
    end: int
    reason: ExclusionReason


@dataclass(frozen=True, slots=True)
class CleanedText:
    """A capture's text, the spans that are not the article, and what is left."""

    text: str
    excluded: tuple[ExcludedSpan, ...]
    kept: tuple[tuple[int, int], ...]  # the article's lines (offsets into text)

    @property
    def clean(self) -> str:
        """The article alone: its lines, one paragraph each."""
        return "\n\n".join(self.text[start:end] for start, end in self.kept)

    def excludes(self, start: int, end: int) -> ExclusionReason | None:
        """Why ``text[start:end]`` is not the article, or None when it is."""
        for span in self.excluded:
            if start < span.end and span.start < end:
                return span.reason
        return None


@dataclass(frozen=True, slots=True)
class _Rules:
    header: tuple[re.Pattern[str], ...]
    banner: re.Pattern[str]
    disclaimer_start: re.Pattern[str]
    disclaimer: re.Pattern[str]
    comments: tuple[re.Pattern[str], ...]
    lowercase_run: int
    read_more: re.Pattern[str]
    tags_start: re.Pattern[str]
    tags: tuple[re.Pattern[str], ...]
    metadata: tuple[re.Pattern[str], ...]


@cache
def _rules() -> _Rules:
    data = load("boilerplate")

    def compiled(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.IGNORECASE) for p in patterns)

    def starting(phrases: list[str]) -> re.Pattern[str]:
        return re.compile(rf"^(?:{phrase_pattern(phrases)})", re.IGNORECASE)

    return _Rules(
        header=compiled(data["capture_header"]["patterns"]),
        banner=re.compile(phrase_pattern(data["error_banner"]["phrases"]), re.IGNORECASE),
        disclaimer_start=starting(data["legal_disclaimer"]["starts"]),
        disclaimer=re.compile(phrase_pattern(data["legal_disclaimer"]["phrases"]), re.IGNORECASE),
        comments=compiled(data["comments"]["patterns"]),
        lowercase_run=int(data["comments"]["min_lowercase_run"]),
        read_more=re.compile(
            rf"^(?:{phrase_pattern(data['read_more']['markers'])})\s*(?::|$)", re.IGNORECASE
        ),
        tags_start=starting(data["share_tags"]["starts"]),
        tags=compiled(data["share_tags"]["patterns"]),
        metadata=compiled(data["page_metadata"]["patterns"]),
    )


def clean_capture(text: str) -> CleanedText:
    """Mark what in a plain-text capture is not the article.

    Each line gets at most one reason, tried in this order: capture header (leading
    lines only), error banner, legal disclaimer, comment section, "Read more" list,
    share/tag line, page metadata; then repeated paragraphs and comment sections.

    >>> cleaned = clean_capture("Sorry!!\\nKim sent 1,000 sappers.\\nComments (2)\\nfake 5")
    >>> [(s.reason.value, cleaned.text[s.start:s.end]) for s in cleaned.excluded]
    [('error_banner', 'Sorry!!'), ('comments', 'Comments (2)\\nfake 5')]
    >>> cleaned.clean
    'Kim sent 1,000 sappers.'
    """
    rules = _rules()
    lines = split_lines(text)
    reasons: list[ExclusionReason | None] = [None] * len(lines)
    _mark_header(lines, reasons, rules)
    for i, line in enumerate(lines):
        if reasons[i] is None:
            reasons[i] = _line_reason(line, rules)
    _mark_disclaimer_bodies(lines, reasons, rules)
    _mark_read_more_lists(lines, reasons, rules)
    _mark_duplicates(lines, reasons)
    _mark_comments(lines, reasons, rules)
    return _result(text, lines, reasons)


def _mark_header(lines: list[Line], reasons: list[ExclusionReason | None], rules: _Rules) -> None:
    for i, line in enumerate(lines):
        if not any(p.search(line.text) for p in rules.header):
            return
        reasons[i] = ExclusionReason.CAPTURE_HEADER


def _line_reason(line: Line, rules: _Rules) -> ExclusionReason | None:
    text = line.text
    if len(text) <= MAX_BANNER_CHARS and rules.banner.search(text):
        return ExclusionReason.ERROR_BANNER
    if rules.disclaimer_start.search(text) or rules.disclaimer.search(text):
        return ExclusionReason.LEGAL_DISCLAIMER
    if any(p.search(text) for p in rules.comments):
        return ExclusionReason.COMMENTS
    if rules.read_more.search(text):
        return ExclusionReason.READ_MORE
    if rules.tags_start.search(text) or any(p.search(text) for p in rules.tags):
        return ExclusionReason.SHARE_TAGS
    if _is_tag_line(text):
        return ExclusionReason.SHARE_TAGS
    if any(p.search(text) for p in rules.metadata) or _is_furniture(text):
        return ExclusionReason.PAGE_METADATA
    return None


_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?…:;\"”»)]\s*$")
_LABELLED_FIGURE = re.compile(r"^\D{3,}?\s*[:–—-]\s*\D{0,12}\d")  # "Sappers deployed: 1,000"


def _is_furniture(text: str) -> bool:
    """Dates, counters, image sizes, a site's name: fewer than three words with letters
    and no sentence (but never a "label: figure" line of a table-like list)."""
    words = 0
    for match in _WORD.finditer(text):  # a paragraph is decided by its first words
        if any(c.isalpha() for c in match.group()):
            words += 1
            if words == 3:
                return False
    return not _SENTENCE_END.search(text) and not _LABELLED_FIGURE.search(text)


def _is_tag_line(text: str) -> bool:
    """Keyword lines ("north korea", "kim jong un, kursk, museum"): short, all lower case,
    no sentence punctuation, no figures."""
    return (
        len(_WORD.findall(text)) <= 12
        and text == text.lower()
        and any(c.isalpha() for c in text)
        and not re.search(r"[.!?\d]", text)
    )


def _mark_disclaimer_bodies(
    lines: list[Line], reasons: list[ExclusionReason | None], rules: _Rules
) -> None:
    """A short disclaimer heading ("Legal Disclaimer:") takes the paragraph after it."""
    for i, line in enumerate(lines[:-1]):
        heading = reasons[i] is ExclusionReason.LEGAL_DISCLAIMER and len(line.text) < 40
        if heading and rules.disclaimer_start.search(line.text) and reasons[i + 1] is None:
            reasons[i + 1] = ExclusionReason.LEGAL_DISCLAIMER


def _mark_read_more_lists(
    lines: list[Line], reasons: list[ExclusionReason | None], rules: _Rules
) -> None:
    """Markers closing every item ("headline / date / summary / Read More", repeated)
    make a list whose item length is the usual distance between markers; a marker
    heading a list ("Read more:") takes the short lines after it."""
    markers = [
        i for i, r in enumerate(reasons) if r is ExclusionReason.READ_MORE and _bare(lines[i])
    ]
    if len(markers) >= 2:
        gaps = Counter(b - a for a, b in itertools.pairwise(markers))
        item = gaps.most_common(1)[0][0]
        first = max(0, markers[0] - item + 1)
        while first < markers[0] and reasons[first] not in (None, ExclusionReason.PAGE_METADATA):
            first += 1
        for i in range(first, markers[-1]):
            reasons[i] = ExclusionReason.READ_MORE
        markers = markers[-1:]
    for marker in markers:
        i = marker + 1
        while i < len(lines) and reasons[i] in (None, ExclusionReason.PAGE_METADATA):
            if len(_WORD.findall(lines[i].text)) >= LIST_ITEM_WORDS:
                break
            reasons[i] = ExclusionReason.READ_MORE
            i += 1


def _bare(line: Line) -> bool:
    """A marker line with nothing after it (not "Read more: <headline>")."""
    return len(_WORD.findall(line.text)) <= 4


def _mark_duplicates(lines: list[Line], reasons: list[ExclusionReason | None]) -> None:
    seen: set[str] = set()
    for i, line in enumerate(lines):
        key = normalise(line.text)
        if len(key.split()) < MIN_DUPLICATE_WORDS:
            continue
        if key in seen and reasons[i] is None:
            reasons[i] = ExclusionReason.DUPLICATE_PARAGRAPH
        seen.add(key)


def _mark_comments(lines: list[Line], reasons: list[ExclusionReason | None], rules: _Rules) -> None:
    """A comment heading opens a section to the end; without one, a trailing run of
    lines starting in lower case is one (lines already set aside neither break nor count,
    except repeated ones: readers repeat themselves)."""
    start = next((i for i, r in enumerate(reasons) if r is ExclusionReason.COMMENTS), None)
    if start is None:
        run: list[int] = []
        for i in range(len(lines) - 1, -1, -1):
            repeated = reasons[i] is ExclusionReason.DUPLICATE_PARAGRAPH
            if reasons[i] is not None and not repeated:
                continue
            if not _starts_lower(lines[i].text):
                break
            run.append(i)
        if len(run) >= rules.lowercase_run:
            start = run[-1]
    if start is None:
        return
    for i in range(start, len(lines)):
        if reasons[i] not in (ExclusionReason.LEGAL_DISCLAIMER, ExclusionReason.READ_MORE):
            reasons[i] = ExclusionReason.COMMENTS


def _starts_lower(text: str) -> bool:
    first = next((c for c in text if c.isalpha()), "")
    return first.islower()


def _result(text: str, lines: list[Line], reasons: list[ExclusionReason | None]) -> CleanedText:
    excluded: list[ExcludedSpan] = []
    for line, reason in zip(lines, reasons, strict=True):
        if reason is None:
            continue
        last = excluded[-1] if excluded else None
        joins = (
            last is not None and last.reason is reason and not text[last.end : line.start].strip()
        )
        if last is not None and joins:
            excluded[-1] = ExcludedSpan(last.start, line.end, reason)
        else:
            excluded.append(ExcludedSpan(line.start, line.end, reason))
    kept = tuple(
        (line.start, line.end)
        for line, reason in zip(lines, reasons, strict=True)
        if reason is None
    )
    return CleanedText(text, tuple(excluded), kept)
