"""Timeline charts as SVG, drawn on the server: as-of windows across, value intervals up.

Pure Python (no framework): ``layout`` places bars, bands and ticks in pixel space,
``render_svg`` writes the SVG text, escaping every label. Days are proleptic ordinals
(``date.toordinal()``), so date axes and date-valued claims share one numeric scale;
an unbounded end of an interval is ``±inf`` and is drawn to the edge of the plot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape

# Okabe-Ito, then Tableau: distinguishable with the common colour-vision deficiencies.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
    "#F0E442", "#8c564b", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip
CONFLICT_STROKE = "#c1121f"
MIN_BAR_WIDTH = 6.0
MIN_BAR_HEIGHT = 4.0
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Bar:
    """One assertion: its as-of window (days, both inclusive) and its value interval."""

    assertion: int
    series: str
    start: int
    end: int
    low: float
    high: float
    label: str
    conflict: bool = False
    in_consensus: bool | None = None


@dataclass(frozen=True, slots=True)
class Band:
    """A consensus interval, over its time window (days, inclusive) or over all time."""

    low: float
    high: float
    label: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def holds(self, x: float, y: float, width: float, height: float) -> bool:
        eps = 1e-6
        return (
            self.left - eps <= x
            and x + width <= self.right + eps
            and self.top - eps <= y
            and y + height <= self.bottom + eps
        )


@dataclass(frozen=True, slots=True)
class Placed:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class PlacedBar(Placed):
    bar: Bar
    colour: str
    open_low: bool
    open_high: bool


@dataclass(frozen=True, slots=True)
class PlacedBand(Placed):
    band: Band


@dataclass(frozen=True, slots=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    plot: Box
    bars: list[PlacedBar]
    bands: list[PlacedBand]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    colours: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Scale:
    """Linear map of ``[lo, hi]`` onto pixels ``[a, b]``, clamped to the range."""

    lo: float
    hi: float
    a: float
    b: float

    def __call__(self, value: float) -> float:
        if value == -math.inf:
            return self.a
        if value == math.inf:
            return self.b
        t = (value - self.lo) / (self.hi - self.lo)
        return self.a + (self.b - self.a) * min(1.0, max(0.0, t))


def colours_for(series: Sequence[str]) -> dict[str, str]:
    """One colour per series, in order of first appearance (cycling past the palette)."""
    colours: dict[str, str] = {}
    for name in series:
        if name not in colours:
            colours[name] = PALETTE[len(colours) % len(PALETTE)]
    return colours


def nice_step(span: float, count: int) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about ``count`` intervals."""
    raw = span / max(1, count)
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    for multiple in (1.0, 2.0, 5.0, 10.0):
        if raw <= multiple * power:
            return multiple * power
    return 10.0 * power  # pragma: no cover (the loop always returns)


def number_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    step = nice_step(hi - lo, count)
    first = math.ceil(lo / step - 1e-9)
    ticks: list[float] = []
    k = first
    while k * step <= hi + step * 1e-9 and len(ticks) < 50:
        ticks.append(k * step)
        k += 1
    return ticks


def format_number(x: float) -> str:
    if abs(x) >= 1e6 and x == round(x):
        return f"{x / 1e6:,.6g}M"
    return f"{x:,.0f}" if x == round(x) else f"{x:,.6g}"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def date_ticks(lo: float, hi: float, count: int = 6) -> list[tuple[int, str]]:
    """Ticks on a day-ordinal axis: days, month starts or year starts, about ``count``."""
    lo, hi = max(1.0, lo), min(float(date.max.toordinal()), hi)
    if math.floor(hi) < math.ceil(lo):
        return []
    first, last = date.fromordinal(math.ceil(lo)), date.fromordinal(math.floor(hi))
    span = last.toordinal() - first.toordinal()
    ticks: list[tuple[int, str]] = []
    if span <= 62:
        step = max(1, math.ceil(span / count))
        for k in range(0, span + 1, step):
            day = date.fromordinal(first.toordinal() + k)
            ticks.append((day.toordinal(), day.isoformat()))
    elif span <= 3 * 366:
        months = next(m for m in (1, 2, 3, 6, 12) if span / (30.4 * m) <= count)
        day = _add_months(first, 0 if first.day == 1 else 1)
        while day.month % months != 1 % months and day <= last:
            day = _add_months(day, 1)
        while day <= last:
            ticks.append((day.toordinal(), f"{MONTHS[day.month - 1]} {day.year}"))
            try:
                day = _add_months(day, months)
            except ValueError:  # past year 9999
                break
    else:
        years = max(1, int(nice_step(span / 365.25, count)))
        year = first.year if first == date(first.year, 1, 1) else first.year + 1
        year = year + (-year % years)
        while year <= last.year:
            ticks.append((date(year, 1, 1).toordinal(), str(year)))
            year += years
    return ticks


def _domain(values: list[float], *, zero: bool) -> tuple[float, float]:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return (0.0, 1.0)
    lo, hi = min(finite), max(finite)
    if zero and lo >= 0:
        lo = 0.0
    if hi - lo < 1e-9 * max(1.0, abs(hi)):
        pad = max(1.0, abs(hi) * 0.1)
        lo, hi = (lo - pad if not (zero and lo == 0) else lo), hi + pad
    else:
        pad = (hi - lo) * 0.05
        hi += pad
        if not (zero and lo == 0):
            lo -= pad
    return (lo, hi)


def _fit(lo: float, hi: float, width: float, a: float, b: float) -> tuple[float, float]:
    """``[lo, hi]`` grown to at least ``width`` about its centre, then moved inside [a, b]."""
    width = min(width, b - a)
    if hi - lo < width:
        centre = (lo + hi) / 2
        lo, hi = centre - width / 2, centre + width / 2
    if lo < a:
        lo, hi = a, min(b, a + (hi - lo))
    if hi > b:
        lo, hi = max(a, b - (hi - lo)), b
    return (lo, hi)


def layout(
    bars: Sequence[Bar],
    bands: Sequence[Band] = (),
    *,
    dates_on_y: bool = False,
    width: int = 880,
    height: int = 360,
) -> Chart:
    """Place bars and bands in a ``width`` x ``height`` chart; every shape stays in the plot."""
    plot = Box(left=84.0, top=16.0, right=width - 16.0, bottom=height - 40.0)
    days = [d for b in bars for d in (b.start, b.end + 1)]
    days += [d for band in bands for d in (band.start, band.end) if d is not None]
    if days:
        first, last = min(days), max(days)
        pad = max(3.0, (last - first) * 0.04)
        x_lo, x_hi = first - pad, last + pad
    else:
        today = date.today().toordinal()
        x_lo, x_hi = today - 15.0, today + 15.0
    x = Scale(x_lo, x_hi, plot.left, plot.right)
    y_values = [v for b in bars for v in (b.low, b.high)]
    y_values += [v for band in bands for v in (band.low, band.high)]
    y_lo, y_hi = _domain(y_values, zero=not dates_on_y)
    y = Scale(y_lo, y_hi, plot.bottom, plot.top)

    colours = colours_for([b.series for b in bars])
    spans = [_fit(x(b.start), x(b.end + 1), MIN_BAR_WIDTH, plot.left, plot.right) for b in bars]
    spans = _dodge(spans, plot)
    placed = []
    for bar, (x0, x1) in zip(bars, spans, strict=True):
        top, bottom = _fit(y(bar.high), y(bar.low), MIN_BAR_HEIGHT, plot.top, plot.bottom)
        placed.append(
            PlacedBar(
                x=x0,
                y=top,
                width=x1 - x0,
                height=bottom - top,
                bar=bar,
                colour=colours[bar.series],
                open_low=math.isinf(bar.low),
                open_high=math.isinf(bar.high),
            )
        )
    placed_bands = []
    for band in bands:
        x0 = plot.left if band.start is None else x(band.start)
        x1 = plot.right if band.end is None else x(band.end + 1)
        x0, x1 = _fit(x0, x1, MIN_BAR_WIDTH, plot.left, plot.right)
        top, bottom = _fit(y(band.high), y(band.low), 2.0, plot.top, plot.bottom)
        placed_bands.append(PlacedBand(x=x0, y=top, width=x1 - x0, height=bottom - top, band=band))

    x_ticks = [Tick(x(d), label) for d, label in date_ticks(x_lo, x_hi)]
    if dates_on_y:
        y_ticks = [Tick(y(d), label) for d, label in date_ticks(y_lo, y_hi, 5)]
    else:
        y_ticks = [Tick(y(v), format_number(v)) for v in number_ticks(y_lo, y_hi)]
    return Chart(width, height, plot, placed, placed_bands, x_ticks, y_ticks, colours)


def _dodge(spans: list[tuple[float, float]], plot: Box) -> list[tuple[float, float]]:
    """Bars over the same window stand side by side instead of hiding each other."""
    groups: dict[tuple[float, float], list[int]] = {}
    for i, (x0, x1) in enumerate(spans):
        groups.setdefault((round(x0, 3), round(x1, 3)), []).append(i)
    out = list(spans)
    for (x0, x1), members in groups.items():
        if len(members) < 2:
            continue
        n = len(members)
        lo, hi = _fit(x0, x1, n * MIN_BAR_WIDTH, plot.left, plot.right)
        step = (hi - lo) / n
        for k, i in enumerate(members):
            out[i] = (lo + k * step, lo + (k + 1) * step)
    return out


def _attr(text: str) -> str:
    return escape(text, quote=True)


def render_svg(chart: Chart, *, title: str, description: str, link: str = "#a-{id}") -> str:
    """The chart as an accessible SVG element (title, desc, a label on every bar)."""
    p = chart.plot
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'viewBox="0 0 {chart.width} {chart.height}" width="{chart.width}" '
        f'height="{chart.height}" aria-labelledby="chart-title chart-desc">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
        f'<rect class="plot" x="{p.left:.2f}" y="{p.top:.2f}" width="{p.right - p.left:.2f}" '
        f'height="{p.bottom - p.top:.2f}" fill="#fbfbfd" stroke="#ccc"/>',
    ]
    for t in chart.y_ticks:
        out.append(
            f'<line class="grid" x1="{p.left:.2f}" x2="{p.right:.2f}" y1="{t.at:.2f}" '
            f'y2="{t.at:.2f}" stroke="#e4e4ea"/>'
            f'<text class="tick y" x="{p.left - 6:.2f}" y="{t.at + 4:.2f}" text-anchor="end" '
            f'font-size="11">{escape(t.label)}</text>'
        )
    for t in chart.x_ticks:
        out.append(
            f'<line class="grid" x1="{t.at:.2f}" x2="{t.at:.2f}" y1="{p.top:.2f}" '
            f'y2="{p.bottom:.2f}" stroke="#eeeef2"/>'
            f'<text class="tick x" x="{t.at:.2f}" y="{p.bottom + 16:.2f}" text-anchor="middle" '
            f'font-size="11">{escape(t.label)}</text>'
        )
    for pb in chart.bands:
        out.append(
            f'<rect class="consensus" x="{pb.x:.2f}" y="{pb.y:.2f}" width="{pb.width:.2f}" '
            f'height="{pb.height:.2f}" fill="#2a9d8f" fill-opacity="0.18" stroke="#2a9d8f" '
            f'stroke-dasharray="4 3" aria-label="{_attr(pb.band.label)}">'
            f"<title>{escape(pb.band.label)}</title></rect>"
        )
    for b in chart.bars:
        bar = b.bar
        classes = ["bar"] + ["conflict"] * bar.conflict
        classes += ["open-high"] * b.open_high + ["open-low"] * b.open_low
        stroke = (
            f'stroke="{CONFLICT_STROKE}" stroke-width="3"'
            if bar.conflict
            else 'stroke="#333" stroke-width="0.6"'
        )
        href = link.format(id=bar.assertion)
        out.append(
            f'<a href="{_attr(href)}"><rect class="{" ".join(classes)}" '
            f'data-assertion="{bar.assertion}" data-outlet="{_attr(bar.series)}" '
            f'x="{b.x:.2f}" y="{b.y:.2f}" width="{b.width:.2f}" height="{b.height:.2f}" '
            f'fill="{b.colour}" fill-opacity="0.8" {stroke} aria-label="{_attr(bar.label)}">'
            f"<title>{escape(bar.label)}</title></rect></a>"
        )
    out.append(
        f'<text class="axis-label" x="{(p.left + p.right) / 2:.2f}" y="{chart.height - 6}" '
        f'text-anchor="middle" font-size="11" fill="#555">as-of window</text>'
    )
    out.append("</svg>")
    return "\n".join(out)
