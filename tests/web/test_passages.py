"""A document's text cut for display: nothing lost, quotes in their sentences."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.web.passages import in_context, pieces

TEXT = (
    "Read more: Kim visits plant. North Korea also dispatched 1,000 sappers to Russia to "
    "assist in demining operations. By early December, they had cleared 42,400 hectares."
)


def test_a_quote_comes_with_its_sentence():
    start = TEXT.index("1,000 sappers")
    excerpt = in_context(TEXT, start, start + len("1,000 sappers"))
    assert excerpt.before == "North Korea also dispatched "
    assert excerpt.quote == "1,000 sappers"
    assert excerpt.after == " to Russia to assist in demining operations."


def test_pieces_mark_quotes_and_exclusions():
    start = TEXT.index("1,000")
    cut = pieces(TEXT, [(0, 28, "read_more")], [(start, start + 13, 7)])
    assert "".join(p.text for p in cut) == TEXT
    assert cut[0].reason == "read_more"
    assert cut[0].opens_excluded
    marked = [p for p in cut if p.marks]
    assert [p.text for p in marked] == ["1,000 sappers"]
    assert marked[0].opens == (7,)


spans = st.tuples(st.integers(-5, 80), st.integers(-5, 80))


@settings(max_examples=100, deadline=None)
@given(
    st.text(max_size=70),
    st.lists(st.tuples(spans, st.sampled_from(["read_more", "comments"])), max_size=4),
    st.lists(st.tuples(spans, st.integers(1, 9)), max_size=4),
)
def test_pieces_join_up_to_the_text(text, excluded, marks):
    excluded_ = [(a, b, r) for (a, b), r in excluded]
    marks_ = [(a, b, i) for (a, b), i in marks]
    cut = pieces(text, excluded_, marks_)
    assert "".join(p.text for p in cut) == text
    for p in cut:
        assert p.text
        assert text[p.start : p.end] == p.text
        inside = [r for a, b, r in excluded_ if max(0, a) <= p.start and p.end <= min(b, len(text))]
        assert (p.reason is not None) == bool(inside)
        for i in p.marks:
            assert any(max(0, a) <= p.start and p.end <= b for a, b, j in marks_ if j == i)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.data())
def test_an_excerpt_holds_the_quote_in_place(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    excerpt = in_context(text, start, end)
    assert excerpt.quote == text[start:end]
    assert excerpt.before + excerpt.quote in text or not excerpt.before.strip()
