"""The weighted stabbing sweep of the consensus, vectorised with NumPy.

The interval ends are sorted once; each consensus, and each agreement group after it,
is then a cumulative sum over that order with the current voices' weights, O(n) in C
instead of a Python loop per event. Weights are exact integers over a common
denominator, so ties behave exactly as in ``consensus.best_stab`` and the result does
not depend on input order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from app.domain.compare import Facts
from app.domain.intervals import Position


class Coverage:
    """How many votes cover each point of the line, for interval figures sharing votes
    by voice; ``best(active)`` finds the best-covered point among the active ones."""

    def __init__(self, figures: Sequence[Facts]) -> None:
        self.figures = list(figures)
        n = len(self.figures)
        starts = [f.interval.start for f in self.figures]  # type: ignore[union-attr]
        ends = [f.interval.end for f in self.figures]  # type: ignore[union-attr]
        self.low = np.array([s[0] for s in starts], dtype=np.float64)
        self.low_flag = np.array([s[1] for s in starts], dtype=np.int8)
        self.high = np.array([e[0] for e in ends], dtype=np.float64)
        self.high_flag = np.array([e[1] for e in ends], dtype=np.int8)
        voices = sorted({f.voice for f in self.figures})
        code = {v: i for i, v in enumerate(voices)}
        self.voices = voices
        self.voice = np.array([code[f.voice] for f in self.figures], dtype=np.int64)
        value = np.concatenate([self.low, self.high])
        flag = np.concatenate([self.low_flag, self.high_flag])
        kind = np.concatenate([np.zeros(n, np.int8), np.ones(n, np.int8)])  # starts first
        order = np.lexsort((kind, flag, value))
        self.event_value, self.event_flag = value[order], flag[order]
        self.event_kind = kind[order]
        self.event_owner = np.concatenate([np.arange(n), np.arange(n)])[order]
        self.event_sign = np.where(self.event_kind == 0, 1.0, -1.0)
        # Events at one position and of one kind count together: the last index of each run.
        same = (  # equality, not a difference: inf - inf is NaN
            (self.event_value[1:] == self.event_value[:-1])
            & (self.event_flag[1:] == self.event_flag[:-1])
            & (self.event_kind[1:] == self.event_kind[:-1])
        )
        self.run_last = np.append(np.nonzero(~same)[0], 2 * n - 1) if n else np.array([], int)

    def covering(self, position: Position, active: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """The active figures whose interval covers ``position``."""
        value, flag = position
        after_start = (self.low < value) | ((self.low == value) & (self.low_flag <= flag))
        before_end = (self.high > value) | ((self.high == value) & (self.high_flag >= flag))
        covered: npt.NDArray[np.bool_] = active & after_start & before_end
        return covered

    def best(
        self, active: npt.NDArray[np.bool_]
    ) -> tuple[Position, Fraction, npt.NDArray[np.bool_]] | None:
        """The leftmost position covered by the greatest total weight among the active
        figures (each voice's vote shared among its active figures; ties: more figures),
        its weight and the figures covering it."""
        if not active.any():
            return None
        counts = np.bincount(self.voice[active], minlength=len(self.voices))
        # Exact weights: integers over the common denominator, summed as Python integers
        # (an object array), so that ties are ties whatever the order of the input.
        denominator = math.lcm(*{int(k) for k in counts if k})
        per_voice = np.array(
            [denominator // int(k) if k else 0 for k in counts.tolist()], dtype=object
        )
        share = np.where(active, per_voice[self.voice], 0)
        signed = np.where(self.event_kind == 0, share[self.event_owner], -share[self.event_owner])
        weight = np.cumsum(signed)[self.run_last]
        live = active[self.event_owner].astype(np.int64)
        count = np.cumsum(np.where(self.event_kind == 0, live, -live))[self.run_last]
        run_first = np.concatenate([[0], self.run_last[:-1] + 1])
        is_start = (self.event_kind[self.run_last] == 0) & (np.add.reduceat(live, run_first) > 0)
        top = max(weight[is_start])
        heaviest = is_start & (weight == top)
        most = count[heaviest].max()
        run = int(np.nonzero(heaviest & (count == most))[0][0])  # the first: leftmost
        last = self.run_last[run]
        position = (float(self.event_value[last]), int(self.event_flag[last]))
        return position, Fraction(int(top), denominator), self.covering(position, active)
