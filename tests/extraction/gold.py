"""The hand-annotated gold set the figure extractor is measured against.

One TOML file per document in ``tests/extraction/gold/``; ``load_gold`` reads them and
locates every annotation in its document. An annotation names its place by a snippet
(``context``) that occurs exactly once in the document, and the figure (``wording``) or
number (``number``) that occurs exactly once inside that snippet, so that offsets never
have to be counted by hand and a wrong snippet fails loudly instead of pointing elsewhere.

File format::

    document = "seeds/documents/000_3a7cbd9a7209a1fc.txt"  # from the repo root
    published = 2026-01-06       # optional: the reference date for time cues
    language = "en"              # en | de | es | ru

    [[figure]]                   # a figure of the article
    wording = "some 42,400"      # as written, with its qualifier words
    context = "cleared some 42,400 hectares"
    low = 38160                  # omit for an infinite end
    high = 46640
    unit = "hectares"
    source = "TASS"              # optional: who the sentence attributes it to
    hedge = "reportedly"         # optional
    as_of = [2025-12-01, 2025-12-10]  # optional: the days it refers to

    [[not_figure]]               # a number nothing may be extracted from
    context = "82 different names"
    number = "82"
    reason = "comments"

Offsets are code points into the document read as UTF-8 with no newline translation.
Pure stdlib: the gold set must not depend on the code it measures.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "GOLD_DIR",
    "REPO_ROOT",
    "GoldDocument",
    "GoldFigure",
    "NotFigure",
    "load_gold",
]

GOLD_DIR: Path = Path(__file__).resolve().parent / "gold"
REPO_ROOT: Path = Path(__file__).resolve().parents[2]

_LANGUAGES = frozenset({"en", "de", "es", "ru"})
_REASONS = frozenset(
    {
        "comments",
        "read_more",
        "legal_disclaimer",
        "capture_header",
        "error_banner",
        "duplicate_paragraph",
        "page_metadata",
        "share_tags",
        "not_a_figure",
    }
)
_DOCUMENT_KEYS = frozenset({"document", "published", "language", "figure", "not_figure"})
_FIGURE_KEYS = frozenset({"wording", "context", "low", "high", "unit", "source", "hedge", "as_of"})
_NOT_FIGURE_KEYS = frozenset({"context", "number", "reason"})


@dataclass(frozen=True, slots=True)
class GoldFigure:
    """A figure of the article: its wording, where it stands, and what it means."""

    wording: str
    start: int  # code-point offsets of `wording` in the document text, end exclusive
    end: int
    low: float | None  # None: no lower bound
    high: float | None  # None: no upper bound
    unit: str
    source: str | None
    hedge: str | None
    as_of: tuple[date, date] | None


@dataclass(frozen=True, slots=True)
class NotFigure:
    """A number in the document that is not a figure of the article, and why."""

    number: str
    start: int
    end: int
    reason: str


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """One annotated document: its text exactly as stored, and its annotations."""

    name: str  # the gold file's stem
    path: Path
    text: str
    published: date | None
    language: str
    figures: tuple[GoldFigure, ...]
    not_figures: tuple[NotFigure, ...]


def load_gold(names: Iterable[str] | None = None) -> list[GoldDocument]:
    """The gold documents named (every gold file when ``names`` is None), sorted by name.

    Raises ValueError, naming the file and the entry, when a file is malformed: a context
    that is missing from the document or occurs more than once, a wording or number that
    is not exactly once in its context, an unknown key, language or reason.
    """
    if names is None:
        paths = sorted(GOLD_DIR.glob("*.toml"))
    else:
        paths = []
        for name in sorted(set(names)):
            path = GOLD_DIR / f"{name}.toml"
            if not path.is_file():
                raise ValueError(f"no gold file named {name!r} in {GOLD_DIR}")
            paths.append(path)
    return sorted((_load_file(path) for path in paths), key=lambda doc: doc.name)


def _load_file(toml_path: Path) -> GoldDocument:
    where = toml_path.name
    try:
        with toml_path.open("rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{where}: not valid TOML: {exc}") from exc
    _check_keys(data, _DOCUMENT_KEYS, where)

    document = _required_str(data, "document", where)
    path = REPO_ROOT / document
    if not path.is_file():
        raise ValueError(f"{where}: document {document!r} does not exist ({path})")
    with path.open(encoding="utf-8", newline="") as f:
        text = f.read()

    language = _required_str(data, "language", where)
    if language not in _LANGUAGES:
        raise ValueError(f"{where}: language {language!r} is not one of {sorted(_LANGUAGES)}")

    published = data.get("published")
    if published is not None and not _is_date(published):
        raise ValueError(f"{where}: published must be a TOML date, not {published!r}")

    figures = tuple(
        _figure(entry, text, f"{where}: figure #{i + 1}")
        for i, entry in enumerate(_tables(data, "figure", where))
    )
    not_figures = tuple(
        _not_figure(entry, text, f"{where}: not_figure #{i + 1}")
        for i, entry in enumerate(_tables(data, "not_figure", where))
    )
    return GoldDocument(
        name=toml_path.stem,
        path=path,
        text=text,
        published=published,
        language=language,
        figures=figures,
        not_figures=not_figures,
    )


def _figure(entry: Mapping[str, Any], text: str, where: str) -> GoldFigure:
    _check_keys(entry, _FIGURE_KEYS, where)
    wording = _required_str(entry, "wording", where)
    where = f"{where} ({wording!r})"
    start, end = _locate(text, _required_str(entry, "context", where), wording, where)
    low, high = _bound(entry, "low", where), _bound(entry, "high", where)
    if low is not None and high is not None and low > high:
        raise ValueError(f"{where}: low {low} is above high {high}")
    return GoldFigure(
        wording=wording,
        start=start,
        end=end,
        low=low,
        high=high,
        unit=_required_str(entry, "unit", where),
        source=_optional_str(entry, "source", where),
        hedge=_optional_str(entry, "hedge", where),
        as_of=_as_of(entry, where),
    )


def _not_figure(entry: Mapping[str, Any], text: str, where: str) -> NotFigure:
    _check_keys(entry, _NOT_FIGURE_KEYS, where)
    number = _required_str(entry, "number", where)
    where = f"{where} ({number!r})"
    start, end = _locate(text, _required_str(entry, "context", where), number, where)
    reason = _required_str(entry, "reason", where)
    if reason not in _REASONS:
        raise ValueError(f"{where}: reason {reason!r} is not one of {sorted(_REASONS)}")
    return NotFigure(number=number, start=start, end=end, reason=reason)


def _locate(text: str, context: str, needle: str, where: str) -> tuple[int, int]:
    """Offsets of ``needle`` in ``text``: found once in ``context``, found once in text."""
    at = _find_once(text, context)
    if at is None:
        count = _count(text, context)
        problem = "does not occur" if count == 0 else f"occurs {count} times"
        raise ValueError(f"{where}: context {context!r} {problem} in the document")
    inside = _find_once(context, needle)
    if inside is None:
        count = _count(context, needle)
        times = "does not occur" if count == 0 else f"occurs {count} times"
        raise ValueError(f"{where}: {needle!r} {times} in its context {context!r}")
    return at + inside, at + inside + len(needle)


def _find_once(haystack: str, needle: str) -> int | None:
    first = haystack.find(needle)
    if not needle or first < 0 or haystack.find(needle, first + 1) >= 0:
        return None
    return first


def _count(haystack: str, needle: str) -> int:
    """Occurrences of ``needle``, overlapping ones included ("aa" is twice in "aaa")."""
    if not needle:
        return 0
    count, at = 0, haystack.find(needle)
    while at >= 0:
        count += 1
        at = haystack.find(needle, at + 1)
    return count


def _tables(data: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValueError(f"{where}: {key} must be an array of tables ([[{key}]])")
    return value


def _check_keys(table: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(allowed)}")


def _required_str(table: Mapping[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{where}: {key} must be a non-empty string, not {value!r}")
    return value


def _optional_str(table: Mapping[str, Any], key: str, where: str) -> str | None:
    return _required_str(table, key, where) if key in table else None


def _bound(table: Mapping[str, Any], key: str, where: str) -> float | None:
    if key not in table:
        return None
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(
            f"{where}: {key} must be a finite number (omit it for an infinite end), not {value!r}"
        )
    return float(value)


def _as_of(table: Mapping[str, Any], where: str) -> tuple[date, date] | None:
    if "as_of" not in table:
        return None
    value = table["as_of"]
    if not (isinstance(value, list) and len(value) == 2 and all(_is_date(d) for d in value)):
        raise ValueError(f"{where}: as_of must be [start, end], two TOML dates, not {value!r}")
    start, end = value
    if start > end:
        raise ValueError(f"{where}: as_of starts {start} after it ends {end}")
    return start, end


def _is_date(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)
