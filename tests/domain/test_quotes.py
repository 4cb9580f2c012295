"""Quote anchors: offsets and exact text agree, context is 32 characters, ambiguity is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import InvalidInput
from app.domain.quotes import CONTEXT_CHARS, anchor_quote

texts = st.text(min_size=1, max_size=300)


@st.composite
def text_and_span(draw: st.DrawFn) -> tuple[str, int, int]:
    """A text and a non-empty span of it."""
    text = draw(texts)
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    return text, start, end


def occurrences(text: str, exact: str) -> list[int]:
    """Every start of ``exact`` in ``text``, overlapping ones included (the test's oracle)."""
    return [at for at in range(len(text) - len(exact) + 1) if text.startswith(exact, at)]


def field_of(excinfo: pytest.ExceptionInfo[InvalidInput]) -> str | None:
    return excinfo.value.field


# --- Anchoring by offsets ---------------------------------------------------------------


def test_the_docstring_example_anchors_at_offset_ten() -> None:
    anchor = anchor_quote("They sent 1,000 sappers.", "1,000 sappers")
    assert (anchor.start, anchor.end) == (10, 23)
    assert (anchor.prefix, anchor.suffix) == ("They sent ", ".")


@given(text_and_span())
def test_offsets_anchor_the_span_with_32_characters_of_context(
    case: tuple[str, int, int],
) -> None:
    text, start, end = case
    anchor = anchor_quote(text, text[start:end], start=start, end=end)
    assert text[anchor.start : anchor.end] == anchor.exact == text[start:end]
    assert (anchor.start, anchor.end) == (start, end)
    assert anchor.prefix == text[max(0, start - CONTEXT_CHARS) : start]
    assert anchor.suffix == text[end : end + CONTEXT_CHARS]
    assert len(anchor.prefix) == min(start, CONTEXT_CHARS)
    assert len(anchor.suffix) == min(len(text) - end, CONTEXT_CHARS)


@given(text_and_span(), st.text(min_size=1, max_size=3))
def test_offsets_that_hold_other_text_name_the_exact_field(
    case: tuple[str, int, int], extra: str
) -> None:
    text, start, end = case
    exact = text[start:end] + extra  # longer than the span, so never what it holds
    with pytest.raises(InvalidInput) as excinfo:
        anchor_quote(text, exact, start=start, end=end)
    assert field_of(excinfo) == "quote.exact"


@given(text_and_span(), st.integers(1, 50))
def test_offsets_past_the_end_of_the_text_name_the_start_field(
    case: tuple[str, int, int], overshoot: int
) -> None:
    text, start, end = case
    with pytest.raises(InvalidInput) as excinfo:
        anchor_quote(text, text[start:end], start=start, end=len(text) + overshoot)
    assert field_of(excinfo) == "quote.start"


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 2), (0, 99)])
def test_offsets_outside_the_text_or_reversed_name_the_start_field(start: int, end: int) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        anchor_quote("0123456789", "012", start=start, end=end)
    assert field_of(excinfo) == "quote.start"


def test_shifted_offsets_name_the_exact_field() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        anchor_quote("They sent 1,000 sappers.", "1,000 sappers", start=9, end=22)
    assert field_of(excinfo) == "quote.exact"


def test_a_start_without_an_end_is_refused() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        anchor_quote("They sent 1,000 sappers.", "1,000", start=10)
    assert field_of(excinfo) == "quote"


def test_an_empty_quote_is_refused() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        anchor_quote("They sent 1,000 sappers.", "")
    assert field_of(excinfo) == "quote.exact"


def test_context_that_contradicts_the_offsets_is_refused() -> None:
    text = "They sent 1,000 sappers."
    with pytest.raises(InvalidInput) as excinfo:
        anchor_quote(text, "1,000", start=10, end=15, prefix="They took ")
    assert field_of(excinfo) == "quote.prefix"
    with pytest.raises(InvalidInput) as excinfo:
        anchor_quote(text, "1,000", start=10, end=15, suffix=" tanks")
    assert field_of(excinfo) == "quote.suffix"


# --- Anchoring by exact text alone ------------------------------------------------------


@given(text_and_span())
def test_exact_text_alone_anchors_where_it_occurs_once_and_is_refused_otherwise(
    case: tuple[str, int, int],
) -> None:
    text, start, end = case
    exact = text[start:end]
    found = occurrences(text, exact)
    if len(found) == 1:
        anchor = anchor_quote(text, exact)
        assert (anchor.start, anchor.end) == (start, end)
        assert anchor.prefix == text[max(0, start - CONTEXT_CHARS) : start]
        assert anchor.suffix == text[end : end + CONTEXT_CHARS]
    else:
        with pytest.raises(InvalidInput, match=f"occurs {len(found)} times") as excinfo:
            anchor_quote(text, exact)
        assert field_of(excinfo) == "quote.exact"


unmarked = st.text(alphabet="ab ,.", max_size=80)


@given(unmarked, st.text(alphabet="ab", max_size=10), st.text(alphabet="ab", max_size=10), unmarked)
def test_a_quote_that_occurs_once_is_found(
    before: str, quote_head: str, quote_tail: str, after: str
) -> None:
    exact = f"{quote_head}X{quote_tail}"  # "X" appears nowhere else, so neither does exact
    text = before + exact + after
    anchor = anchor_quote(text, exact)
    assert anchor.start == len(before)
    assert text[anchor.start : anchor.end] == exact


@given(st.text(alphabet="ab", min_size=1, max_size=20), unmarked)
def test_a_quote_that_occurs_twice_needs_context_to_say_which(exact: str, between: str) -> None:
    # The two copies are the text's only runs of a/b, so exact occurs exactly twice.
    text = f"[{exact}]{between.replace('a', ',').replace('b', '.')}({exact})"
    first, second = 1, len(text) - 1 - len(exact)
    with pytest.raises(InvalidInput) as excinfo:
        anchor_quote(text, exact)
    assert field_of(excinfo) == "quote.exact"
    with pytest.raises(InvalidInput):
        anchor_quote(text, exact, prefix="", suffix="")  # empty context matches both
    assert anchor_quote(text, exact, prefix="[").start == first
    assert anchor_quote(text, exact, suffix="]").start == first
    assert anchor_quote(text, exact, prefix="(").start == second
    assert anchor_quote(text, exact, suffix=")").start == second
    assert anchor_quote(text, exact, prefix="[", suffix="]").start == first


def test_a_quote_absent_from_the_text_names_the_exact_field() -> None:
    with pytest.raises(InvalidInput, match="does not occur") as excinfo:
        anchor_quote("They sent 1,000 sappers.", "2,000 sappers")
    assert field_of(excinfo) == "quote.exact"


def test_context_that_matches_no_occurrence_is_refused() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        anchor_quote("sent 1,000 and then 1,000 more", "1,000", prefix="took ")
    assert field_of(excinfo) == "quote.exact"
