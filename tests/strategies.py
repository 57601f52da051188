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


# --- the mode domain of issue #3: λ, ε ∈ [0, 1e6], τ ∈ [1e-3, 1e8], |w| ∈ [1e-150, 10], t ∈ [0, 1e12]


def log_uniform(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(math.log(low), math.log(high)).map(math.exp)


lams = st.one_of(st.just(0.0), log_uniform(1e-6, 1e6))
epss = st.one_of(st.just(0.0), log_uniform(1e-6, 1e6))
taus = log_uniform(1e-3, 1e8)
times = st.one_of(st.just(0.0), log_uniform(1e-6, 1e12))
magnitudes = log_uniform(1e-150, 10.0)
weights = st.tuples(magnitudes, st.booleans()).map(lambda p: -p[0] if p[1] else p[0])


@st.composite
def weight_pairs(draw: st.DrawFn) -> tuple[float, float]:
    """Initial (w1, w2): independent, balanced (w1 = ±w2), or nearly balanced."""
    w1 = draw(weights)
    kind = draw(st.sampled_from(["independent", "balanced", "anti", "near"]))
    if kind == "independent":
        return w1, draw(weights)
    if kind == "balanced":
        return w1, w1
    if kind == "anti":
        return w1, -w1
    return w1, w1 * (1 + draw(st.sampled_from([1e-12, -1e-9, 1e-6, 1e-3])))
