"""Precision and recall of the extractor against the hand-annotated gold set.

    python -m tests.extraction.evaluate [NAME ...]

A candidate is right when its figure's wording overlaps a gold figure's; each gold
figure is found at most once. Besides precision and recall it reports how many found
figures have the annotated interval and unit, and every candidate taken from a span the
gold set marks as not a figure (comments, sidebars, dates ...): the target is none.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from app.domain.extract.candidates import Candidate, find_candidates
from app.domain.extract.clean import clean_capture
from app.domain.extract.match import words
from tests.extraction.gold import GoldDocument, GoldFigure, load_gold


@dataclass
class Score:
    name: str
    gold: int = 0
    found: int = 0
    right: int = 0
    same_value: int = 0
    same_unit: int = 0
    forbidden: list[str] = field(default_factory=list)  # candidates from not-figure spans
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.gold if self.gold else 1.0

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.found += other.found
        self.right += other.right
        self.same_value += other.same_value
        self.same_unit += other.same_unit
        self.forbidden += other.forbidden
        self.missed += other.missed
        self.spurious += other.spurious


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _same_value(candidate: Candidate, figure: GoldFigure) -> bool:
    low, high = candidate.value.interval.low, candidate.value.interval.high
    want_low = -math.inf if figure.low is None else figure.low
    want_high = math.inf if figure.high is None else figure.high
    return math.isclose(low, want_low) and math.isclose(high, want_high)


_SYMBOLS = {"$": "US dollars", "€": "euros", "£": "pounds", "%": "percent"}


def _same_unit(candidate: Candidate, figure: GoldFigure) -> bool:
    """The same head noun (the last word), or the name of the gold unit's symbol."""
    wanted = _SYMBOLS.get(figure.unit, figure.unit)
    return bool(candidate.unit) and words(wanted)[-1:] == words(candidate.unit or "")[-1:]


def score_document(document: GoldDocument) -> Score:
    cleaned = clean_capture(document.text)
    candidates = find_candidates(
        document.text, reference=document.published, cleaned=cleaned, language=document.language
    )
    score = Score(document.name, gold=len(document.figures), found=len(candidates))
    unmatched = list(document.figures)
    for candidate in candidates:
        span = (candidate.value.start, candidate.value.end)
        shown = f"{document.name}: {candidate.value.wording!r} ({candidate.unit})"
        figure = next((f for f in unmatched if _overlaps(span, (f.start, f.end))), None)
        if figure is None:
            banned = next(
                (n for n in document.not_figures if _overlaps(span, (n.start, n.end))), None
            )
            if banned is not None:
                score.forbidden.append(f"{shown} from {banned.reason}")
            else:
                score.spurious.append(shown)
            continue
        unmatched.remove(figure)
        score.right += 1
        score.same_value += _same_value(candidate, figure)
        score.same_unit += _same_unit(candidate, figure)
    score.missed = [f"{document.name}: {f.wording!r} ({f.unit})" for f in unmatched]
    return score


def evaluate(documents: Iterable[GoldDocument]) -> tuple[list[Score], Score, Score]:
    """Scores per document, and the totals of the seed documents and of the others."""
    scores = [score_document(d) for d in documents]
    seeds, others = Score("seed documents"), Score("own articles")
    for s in scores:
        (seeds if s.name.startswith("seed-") else others).add(s)
    return scores, seeds, others


def _row(s: Score) -> str:
    return (
        f"{s.name:18} {s.gold:5} {s.found:6} {s.right:6} {s.precision:10.3f} {s.recall:7.3f}"
        f" {s.same_value:6}/{s.right:<3} {s.same_unit:5}/{s.right:<3} {len(s.forbidden):9}"
    )


def main(argv: Sequence[str]) -> int:
    scores, seeds, others = evaluate(load_gold(argv or None))
    print(f"{'document':18} {'gold':>5} {'found':>6} {'right':>6} {'precision':>10} "
          f"{'recall':>7} {'value':>10} {'unit':>9} {'forbidden':>9}")  # fmt: skip
    for s in [*scores, seeds, others]:
        print(_row(s))
    for title, lines in (
        ("missed", seeds.missed + others.missed),
        ("spurious", seeds.spurious + others.spurious),
        ("from spans that are not figures", seeds.forbidden + others.forbidden),
    ):
        if lines:
            print(f"\n{title}:")
            print("\n".join(f"  {line}" for line in lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
