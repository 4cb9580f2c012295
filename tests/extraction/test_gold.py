"""The gold set is consistent: every file loads, annotations are where they say they are,
do not overlap, and their intervals are what the value parser reads from their wording,
except where an entry says the parser disagrees (those are parser bugs, listed on purpose).
"""

from __future__ import annotations

import itertools
import math
import re
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from app.domain.values import ValueNotFound, find_values, parse_value
from tests.extraction import gold
from tests.extraction.gold import GOLD_DIR, REPO_ROOT, GoldDocument, GoldFigure, load_gold

NAMES = sorted(path.stem for path in GOLD_DIR.glob("*.toml"))
ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
DISAGREES = "# parser disagrees"

# Documents whose article states no figure at all; they only measure that nothing is
# extracted from them. seed-001 is an error page around an article whose casualty count
# was "not disclosed".
NO_FIGURES = frozenset({"seed-001"})


@cache
def _document(name: str) -> GoldDocument:
    (document,) = load_gold([name])
    return document


def _disagreeing(name: str) -> frozenset[int]:
    """Indices of the [[figure]] entries whose block carries a "# parser disagrees" comment."""
    found: set[int] = set()
    figure = -1
    inside = False
    for line in (GOLD_DIR / f"{name}.toml").read_text(encoding="utf-8").splitlines():
        header = re.fullmatch(r"\s*(\[\[?)\s*([\w.]+)\s*\]\]?\s*(#.*)?", line)
        if header:
            inside = header.groups()[:2] == ("[[", "figure")
            if inside:
                figure += 1
        elif inside and DISAGREES in line:
            found.add(figure)
    return frozenset(found)


def _bounds(figure: GoldFigure) -> tuple[float, float]:
    return (
        -math.inf if figure.low is None else figure.low,
        math.inf if figure.high is None else figure.high,
    )


def _close(a: float, b: float) -> bool:
    return a == b or math.isclose(a, b, rel_tol=1e-9)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def test_there_are_gold_files() -> None:
    assert NAMES, f"no gold files in {GOLD_DIR}"


def test_all_gold_files_load_sorted() -> None:
    documents = load_gold()
    assert [d.name for d in documents] == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_annotations_point_at_their_text(name: str) -> None:
    document = _document(name)
    assert document.path.is_file()
    assert document.path.resolve().is_relative_to(REPO_ROOT)
    for figure in document.figures:
        assert document.text[figure.start : figure.end] == figure.wording
    for item in document.not_figures:
        assert document.text[item.start : item.end] == item.number


@pytest.mark.parametrize("name", NAMES)
def test_each_document_has_figures(name: str) -> None:
    document = _document(name)
    if name in NO_FIGURES:
        assert not document.figures, f"{name} is listed as having no figures but has some"
        assert document.not_figures, f"{name} has no annotations at all"
    else:
        assert len(document.figures) >= 1, f"{name} has no figures"


@pytest.mark.parametrize("name", NAMES)
def test_no_figure_overlaps_a_not_figure(name: str) -> None:
    document = _document(name)
    for figure in document.figures:
        for item in document.not_figures:
            assert not _overlap((figure.start, figure.end), (item.start, item.end)), (
                f"{name}: figure {figure.wording!r} at {figure.start} overlaps "
                f"not_figure {item.number!r} at {item.start}"
            )


@pytest.mark.parametrize("name", NAMES)
def test_spans_do_not_overlap_each_other(name: str) -> None:
    document = _document(name)
    for kind, spans in (
        ("figure", sorted((f.start, f.end, f.wording) for f in document.figures)),
        ("not_figure", sorted((n.start, n.end, n.number) for n in document.not_figures)),
    ):
        for (_, end, first), (start, _, second) in itertools.pairwise(spans):
            assert end <= start, f"{name}: {kind} {first!r} overlaps {second!r}"


@pytest.mark.parametrize("name", NAMES)
def test_parser_reads_the_annotated_interval(name: str) -> None:
    document = _document(name)
    disagreeing = _disagreeing(name)
    for i, figure in enumerate(document.figures):
        if i in disagreeing:
            continue
        parsed = parse_value(figure.wording)
        where = f"{name}: figure #{i + 1} {figure.wording!r}"
        assert parsed.wording == figure.wording, f"{where}: parser took {parsed.wording!r}"
        low, high = _bounds(figure)
        reads = _close(parsed.interval.low, low) and _close(parsed.interval.high, high)
        assert reads, (
            f"{where}: parser reads {parsed.interval}, annotated [{figure.low}, {figure.high}]"
        )


@pytest.mark.parametrize("name", NAMES)
def test_parser_disagreements_are_real(name: str) -> None:
    """A "# parser disagrees" comment on an entry the parser reads right is stale."""
    document = _document(name)
    for i in _disagreeing(name):
        assert i < len(document.figures), f"{name}: a disagreement comment outside any figure"
        figure = document.figures[i]
        try:
            parsed = parse_value(figure.wording)
        except ValueNotFound:
            continue
        reading = (parsed.interval.low, parsed.interval.high)
        assert reading != _bounds(figure) or parsed.wording != figure.wording, (
            f"{name}: figure #{i + 1} {figure.wording!r} is marked as a parser disagreement, "
            f"but the parser reads it as annotated; remove the comment"
        )


@pytest.mark.parametrize("name", NAMES)
def test_every_number_the_parser_sees_is_annotated(name: str) -> None:
    """Completeness: each number the parser finds is a figure or a listed not_figure."""
    document = _document(name)
    spans = [(f.start, f.end) for f in document.figures]
    spans += [(n.start, n.end) for n in document.not_figures]
    missing = [
        (value.start, value.wording)
        for value in find_values(document.text)
        if not any(_overlap((value.start, value.end), span) for span in spans)
    ]
    assert not missing, f"{name}: numbers neither figure nor not_figure: {missing}"


@pytest.mark.parametrize("name", NAMES)
def test_dates_are_plausible(name: str) -> None:
    document = _document(name)
    for figure in document.figures:
        if figure.as_of is not None and document.published is not None:
            assert figure.as_of[1] <= document.published, (
                f"{name}: {figure.wording!r} refers to days after publication"
            )


def test_corpus_has_original_articles_in_every_language() -> None:
    documents = [_document(name) for name in NAMES]
    articles = [d for d in documents if d.path.parent == ARTICLES_DIR]
    assert len(articles) >= 5
    assert {d.language for d in documents} >= {"en", "de", "es", "ru"}
    assert {d.path.name for d in articles} == {p.name for p in ARTICLES_DIR.glob("*.txt")}, (
        "every article needs a gold file"
    )
    for document in articles:
        assert document.published is not None, f"{document.name} has no publication date"
        assert 6 <= len(document.figures) <= 12, f"{document.name}: {len(document.figures)}"
        assert 150 <= len(document.text.split()) <= 400, f"{document.name}: word count"


def test_offsets_are_code_points_of_the_untranslated_text() -> None:
    """noisy-en is stored with CRLF line ends, soobshchenie-ru has a no-break space."""
    noisy = _document("noisy-en")
    assert "\r\n" in noisy.text
    figure = next(f for f in noisy.figures if f.wording == "12")
    raw = noisy.path.read_bytes().decode("utf-8")
    assert raw[figure.start : figure.end] == "12"
    russian = _document("soobshchenie-ru")
    assert any("\u00a0" in f.wording for f in russian.figures)


# ---- the loader's errors


def _write_gold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, entries: str) -> None:
    document = tmp_path / "doc.txt"
    document.write_text(text, encoding="utf-8")
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "case.toml").write_text(
        f'document = "{document.as_posix()}"\nlanguage = "en"\n{entries}', encoding="utf-8"
    )
    monkeypatch.setattr(gold, "GOLD_DIR", gold_dir)


FIGURE = '[[figure]]\nwording = "{wording}"\ncontext = "{context}"\nunit = "x"\n'


@pytest.mark.parametrize(
    ("text", "entries", "message"),
    [
        ("cleared 5 ha", FIGURE.format(wording="5", context="cleared 6"), "does not occur"),
        ("5 ha and 5 ha", FIGURE.format(wording="5", context="5 ha"), "occurs 2 times"),
        ("55 ha", FIGURE.format(wording="5", context="55 ha"), "occurs 2 times in its"),
        ("5 ha", FIGURE.format(wording="7", context="5 ha"), "does not occur in its"),
        ("5 ha", FIGURE.format(wording="5", context="5 ha") + "lo = 5\n", "unknown key"),
        (
            "5 ha",
            '[[not_figure]]\ncontext = "5 ha"\nnumber = "5"\nreason = "footer"\n',
            "reason 'footer'",
        ),
        (
            "5 ha",
            FIGURE.format(wording="5", context="5 ha") + "low = 7\nhigh = 5\n",
            "above high",
        ),
    ],
)
def test_loader_refuses_bad_annotations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, entries: str, message: str
) -> None:
    _write_gold(tmp_path, monkeypatch, text, entries)
    with pytest.raises(ValueError, match=re.escape(message)):
        load_gold(["case"])


def test_loader_locates_and_reads_a_good_annotation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = FIGURE.format(wording="over 5", context="b over 5 ha") + "low = 5\n"
    entries += "as_of = [2025-01-01, 2025-01-31]\n"
    _write_gold(tmp_path, monkeypatch, "a over 5 km\r\nb over 5 ha\n", entries)
    (document,) = load_gold(["case"])
    (figure,) = document.figures
    assert (figure.start, figure.end) == (15, 21)
    assert (figure.low, figure.high, figure.source, figure.hedge) == (5.0, None, None, None)
    assert figure.as_of == (date(2025, 1, 1), date(2025, 1, 31))


def test_loader_refuses_an_unknown_name() -> None:
    with pytest.raises(ValueError, match="no gold file named"):
        load_gold(["no-such-document"])
