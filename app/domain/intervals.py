"""Intervals on the real line with open or closed, finite or infinite ends.

Every value in the tracker becomes one (DESIGN.md "Values are intervals"): quantities
directly, dates as ordinal day numbers, so two values agree exactly when their
intervals intersect.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# A bound's position on a line where each real x has three places: just below (x, -1),
# at (x, 0) and just above (x, +1). A closed low bound at x starts at (x, 0), an open one
# at (x, +1); a closed high bound at x ends at (x, 0), an open one at (x, -1). Two
# intervals intersect exactly when neither ends before the other starts.
Position = tuple[float, int]


@dataclass(frozen=True, slots=True)
class Interval:
    """``[low, high]``, each end closed unless marked open; ``±inf`` for no bound.

    >>> Interval(1000, 1000).intersects(Interval(900, 1100))
    True
    """

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    def __post_init__(self) -> None:
        # The common cases first, without building positions (a large claim builds
        # tens of thousands): NaN compares false, so it falls through to the checks.
        low, high = self.low, self.high
        if low < high or (
            low == high and (math.isinf(low) or not (self.low_open or self.high_open))
        ):
            return
        if math.isnan(low) or math.isnan(high):
            raise ValueError("an interval bound is NaN")
        if self.start > self.end:
            raise ValueError(f"empty interval: {self}")

    @classmethod
    def point(cls, x: float) -> Interval:
        return cls(x, x)

    @property
    def start(self) -> Position:
        if math.isinf(self.low):
            return (self.low, 0)
        return (self.low, 1 if self.low_open else 0)

    @property
    def end(self) -> Position:
        if math.isinf(self.high):
            return (self.high, 0)
        return (self.high, -1 if self.high_open else 0)

    @property
    def bounded(self) -> bool:
        return not (math.isinf(self.low) or math.isinf(self.high))

    def intersects(self, other: Interval) -> bool:
        return max(self.start, other.start) <= min(self.end, other.end)

    def contains(self, other: Interval) -> bool:
        return self.start <= other.start and other.end <= self.end

    def gap(self, other: Interval) -> float:
        """Distance between two disjoint intervals (0 when they intersect)."""
        if self.intersects(other):
            return 0.0
        lower, upper = (self, other) if self.end < other.start else (other, self)
        return upper.low - lower.high

    def __str__(self) -> str:
        left = "(" if self.low_open or math.isinf(self.low) else "["
        right = ")" if self.high_open or math.isinf(self.high) else "]"
        return f"{left}{_fmt(self.low)}, {_fmt(self.high)}{right}"


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "-inf" if x < 0 else "+inf"
    return f"{x:,.0f}" if x == int(x) else f"{x:,g}"
