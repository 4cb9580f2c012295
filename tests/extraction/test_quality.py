"""The extractor against the gold set: the targets of the extraction issue, and the
evidence every candidate must carry."""

from __future__ import annotations

import pytest

from app.domain.extract.candidates import find_candidates
from app.domain.extract.clean import clean_capture
from tests.extraction.evaluate import evaluate, score_document
from tests.extraction.gold import GoldDocument, load_gold

DOCUMENTS = load_gold()


def test_seed_documents_meet_the_precision_and_recall_targets():
    _, seeds, _ = evaluate(d for d in DOCUMENTS if d.name.startswith("seed-"))
    assert seeds.gold >= 10
    assert seeds.precision >= 0.9, seeds.spurious + seeds.forbidden
    assert seeds.recall >= 0.9, seeds.missed


def test_other_styles_and_languages_meet_the_same_targets():
    _, _, others = evaluate(d for d in DOCUMENTS if not d.name.startswith("seed-"))
    assert others.gold >= 50
    assert others.precision >= 0.9, others.spurious + others.forbidden
    assert others.recall >= 0.9, others.missed
    assert others.same_value >= 0.9 * others.right


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.name)
def test_nothing_is_taken_from_comments_sidebars_or_other_non_figures(
    document: GoldDocument,
) -> None:
    assert score_document(document).forbidden == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.name)
def test_every_candidate_quotes_the_article_exactly(document: GoldDocument) -> None:
    cleaned = clean_capture(document.text)
    candidates = find_candidates(document.text, reference=document.published, cleaned=cleaned)
    for candidate in candidates:
        quote = candidate.quote
        assert document.text[quote.start : quote.end] == quote.exact
        assert quote.start <= candidate.value.start < candidate.value.end <= quote.end
        assert document.text[candidate.value.start : candidate.value.end] == candidate.value.wording
        assert cleaned.excludes(quote.start, quote.end) is None
    again = find_candidates(document.text, reference=document.published)
    assert [c.key for c in again] == [c.key for c in candidates]
