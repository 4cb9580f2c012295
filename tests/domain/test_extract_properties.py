"""Properties of cleaning and candidate finding on generated captures."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.extract.candidates import find_candidates
from app.domain.extract.clean import ExclusionReason, clean_capture

NOUNS = ["sappers", "hectares", "soldiers", "mines", "brigades", "villages"]
VERBS = ["sent", "cleared", "counted", "reported", "destroyed"]
SUBJECTS = ["The ministry", "Officials", "Moscow", "The agency", "Kim Jong Un"]

figures = st.integers(min_value=3, max_value=999_999).map(lambda n: f"{n:,}")
sentences = st.builds(
    lambda subject, verb, figure, noun: f"{subject} {verb} {figure} {noun} in Kursk.",
    st.sampled_from(SUBJECTS),
    st.sampled_from(VERBS),
    figures,
    st.sampled_from(NOUNS),
)
paragraphs = st.lists(sentences, min_size=1, max_size=3).map(" ".join)
articles = st.lists(paragraphs, min_size=1, max_size=5, unique=True)
comments = st.lists(
    st.builds(
        lambda n, noun: f"lol {n} {noun} is nothing, they lie", figures, st.sampled_from(NOUNS)
    ),
    min_size=3,
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(articles, comments, st.sampled_from(["\n", "\n\n"]))
def test_comments_after_an_article_are_set_aside_and_yield_nothing(article, noise, gap):
    text = gap.join(article + noise)
    cleaned = clean_capture(text)
    comment_start = text.index(noise[0])
    assert [s.reason for s in cleaned.excluded if s.end > comment_start] == [
        ExclusionReason.COMMENTS
    ]
    candidates = find_candidates(text, cleaned=cleaned)
    assert all(c.quote.end <= comment_start for c in candidates)
    # every figure of the article is found, once
    assert len(candidates) == sum(p.count(" in Kursk.") for p in article)


@settings(max_examples=60, deadline=None)
@given(articles, st.integers(min_value=0, max_value=4))
def test_a_repeated_paragraph_counts_once(article, which):
    repeated = article[which % len(article)]
    text = "\n".join([*article, repeated])
    once = find_candidates("\n".join(article))
    twice = find_candidates(text)
    assert [c.key for c in twice] == [c.key for c in once]
    assert clean_capture(text).excluded[-1].reason is ExclusionReason.DUPLICATE_PARAGRAPH


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400))
def test_any_text_cleans_into_ordered_spans_and_exact_quotes(text):
    cleaned = clean_capture(text)
    edges = [(s.start, s.end) for s in cleaned.excluded]
    assert edges == sorted(edges)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(edges))
    assert all(0 <= s <= e <= len(text) for s, e in [*edges, *cleaned.kept])
    for candidate in find_candidates(text, cleaned=cleaned):
        assert text[candidate.quote.start : candidate.quote.end] == candidate.quote.exact
