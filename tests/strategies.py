"""Hypothesis strategies shared by the tests."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from symdae.checking.claim import Interval


def from_interval(interval: Interval) -> st.SearchStrategy[float]:
    """Floats in ``interval``: log-uniform in magnitude when ``log``, random sign when ``signed``."""
    if interval.log:
        magnitude = st.floats(math.log(interval.low), math.log(interval.high)).map(math.exp)
    else:
        magnitude = st.floats(interval.low, interval.high, allow_nan=False, allow_infinity=False)
    if interval.signed:
        return st.tuples(magnitude, st.booleans()).map(lambda p: -p[0] if p[1] else p[0])
    return magnitude
