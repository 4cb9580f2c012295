"""The timeline chart's geometry: scales, ticks, and bars that never leave the plot."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import date
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from app.web.charts import (
    MIN_BAR_WIDTH,
    Band,
    Bar,
    colours_for,
    date_ticks,
    layout,
    nice_step,
    number_ticks,
    render_svg,
)

DAY = date(2025, 6, 17).toordinal()
SVG = "{http://www.w3.org/2000/svg}"


def bar(i: int, start: int, end: int, low: float, high: float, **kw) -> Bar:
    return Bar(i, kw.pop("series", f"outlet {i}"), start, end, low, high, f"bar {i}", **kw)


def test_higher_values_stand_higher_and_later_windows_further_right():
    chart = layout([bar(1, DAY, DAY, 1000, 1000), bar(2, DAY + 200, DAY + 230, 2000, 9999)])
    one, two = chart.bars
    assert two.y < one.y  # SVG y grows downwards
    assert two.x > one.x + one.width
    assert two.width > one.width  # a month-long window is wider than a day
    assert one.width >= MIN_BAR_WIDTH  # a one-day window stays visible
    assert chart.y_ticks[0].label == "0"  # quantities start at zero


def test_open_ended_intervals_run_to_the_edge():
    chart = layout([bar(1, DAY, DAY, 6000, math.inf), bar(2, DAY, DAY, 100, 200)])
    open_bar = chart.bars[0]
    assert open_bar.open_high
    assert open_bar.y == chart.plot.top


def test_bars_of_one_window_stand_side_by_side():
    chart = layout([bar(i, DAY, DAY, 1000, 1000) for i in range(3)])
    xs = sorted((b.x, b.x + b.width) for b in chart.bars)
    assert all(a[1] <= b[0] + 1e-9 for a, b in pairwise(xs))


def test_date_values_get_date_ticks():
    days = [date(2024, 6, 19).toordinal(), date(2024, 12, 4).toordinal()]
    chart = layout([bar(1, DAY, DAY, days[0], days[0]), bar(2, DAY, DAY, days[1], days[1])],
                   dates_on_y=True)  # fmt: skip
    assert any("2024" in t.label for t in chart.y_ticks)


def test_ticks():
    assert nice_step(10_000, 5) == 2000
    assert number_ticks(0, 10_000) == [0, 2000, 4000, 6000, 8000, 10_000]
    assert number_ticks(0, 10_500) == [0, 5000, 10_000]
    assert [label for _, label in date_ticks(date(2024, 1, 1).toordinal(),
            date(2024, 12, 31).toordinal())][:2] == ["Jan 2024", "Apr 2024"]  # fmt: skip
    decades = date_ticks(date(1990, 1, 1).toordinal(), date(2030, 1, 1).toordinal())
    assert decades[0][1] == "1990"
    assert date_ticks(-5, 0.5) == []  # nothing before year 1


def test_colours_are_one_per_outlet_in_order():
    assert list(colours_for(["TASS", "Sputnik", "TASS"])) == ["TASS", "Sputnik"]
    assert len(set(colours_for(["TASS", "Sputnik"]).values())) == 2


def test_svg_is_accessible_and_escapes_labels():
    hostile = '<script>alert("x")</script> & co'
    chart = layout([bar(1, DAY, DAY, 5, 5, series=hostile, conflict=True)],
                   [Band(4, 6, hostile)])  # fmt: skip
    svg = render_svg(chart, title=hostile, description=hostile)
    assert "<script>" not in svg
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == hostile
    assert root.find(f"{SVG}desc").text == hostile
    rects = root.findall(f".//{SVG}rect[@data-assertion]")
    assert [r.get("aria-label") for r in rects] == ["bar 1"]
    assert "conflict" in rects[0].get("class")


finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)
bound = st.one_of(finite, st.just(math.inf), st.just(-math.inf))
days = st.integers(min_value=1, max_value=date.max.toordinal() - 1)


@st.composite
def bars(draw):
    start = draw(days)
    end = draw(st.integers(min_value=start, max_value=min(start + 4000, date.max.toordinal() - 1)))
    low, high = sorted([draw(bound), draw(bound)])
    series = draw(st.sampled_from(["TASS", "Sputnik", "Yonhap", "KCNA"]))
    return Bar(draw(st.integers(1, 10**6)), series, start, end, low, high, "x",
               conflict=draw(st.booleans()))  # fmt: skip


@st.composite
def bands(draw):
    low, high = sorted([draw(bound), draw(bound)])
    start = draw(st.none() | days)
    end = None if start is None else draw(st.integers(start, date.max.toordinal() - 1))
    return Band(low, high, "consensus", start, end)


@settings(max_examples=100, deadline=None)
@given(st.lists(bars(), max_size=30), st.lists(bands(), max_size=3), st.booleans())
def test_every_shape_lies_inside_the_plot(drawn_bars, drawn_bands, dates_on_y):
    chart = layout(drawn_bars, drawn_bands, dates_on_y=dates_on_y)
    assert len(chart.bars) == len(drawn_bars)
    for shape in [*chart.bars, *chart.bands]:
        assert shape.width > 0
        assert shape.height > 0
        assert chart.plot.holds(shape.x, shape.y, shape.width, shape.height), shape
    for tick in chart.x_ticks:
        assert chart.plot.left - 1e-6 <= tick.at <= chart.plot.right + 1e-6
    for tick in chart.y_ticks:
        assert chart.plot.top - 1e-6 <= tick.at <= chart.plot.bottom + 1e-6
    ET.fromstring(render_svg(chart, title="t", description="d"))  # well-formed
