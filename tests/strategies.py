"""Hypothesis strategies shared by the tests."""

from __future__ import annotations

import math

import numpy as np
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


# --- the mode with weight decay, and gradient descent (tests/kernels/test_ode.py) ---------------

kappas = st.one_of(st.just(0.0), log_uniform(1e-6, 1e6))
positive_kappas = log_uniform(1e-6, 1e6)
moderate = log_uniform(1e-2, 1e2)
"""Rates for which the mpmath references (Bessel functions, ``odefun``) stay quick."""


@st.composite
def reference_modes(draw: st.DrawFn) -> tuple[float, float, float, float, float, float, float]:
    """``(t, λ, ε, κ, τ, w1, w2)`` with κ > 0, c0 ≠ 0 and moderate rates, for the Bessel reference.

    Times reach ``400/(λ + κ)`` epochs-per-τ (past the sigmoid of weights near 1e-150 when
    λ ≫ κ), but stop while a decaying ``P`` is above ``e^{-150}`` (the reference cancels there).
    The Bessel order ``|λ − κ|/(2κ)`` stays below 100 (mpmath's ``besselk`` fails to converge
    for orders ~500 at arguments ~1e3).
    """
    lam, kappa, tau = draw(moderate), draw(moderate), draw(log_uniform(1e-3, 1e3))
    kappa = max(kappa, lam / 201.0)
    eps = draw(st.one_of(st.just(0.0), moderate))
    w1, w2 = draw(weight_pairs().filter(lambda pair: abs(pair[0]) != abs(pair[1])))
    horizon = min(400.0 / (lam + kappa), 75.0 / max(kappa - lam, 1e-300))
    u = draw(st.one_of(st.just(0.0), st.floats(0.0, horizon)))
    return u * tau, lam, eps, kappa, tau, w1, w2


# --- the whole finite float64 domain (issue #12) -------------------------------------------------


def signed_log_uniform(low: float, high: float) -> st.SearchStrategy[float]:
    """±10^U(log10 low, log10 high): magnitudes log-uniform over the range, either sign."""
    return st.tuples(log_uniform(low, high), st.booleans()).map(lambda p: -p[0] if p[1] else p[0])


any_rates = st.one_of(st.just(0.0), log_uniform(1e-300, 1e300), st.sampled_from([5e-324, 1.7e308]))
"""λ, ε or κ anywhere in float64: 0, 1e-300 … 1e300, and the extremes."""
any_taus = st.one_of(log_uniform(1e-300, 1e300), st.sampled_from([5e-324, 1.7e308]))
any_weights = st.one_of(st.just(0.0), signed_log_uniform(5e-324, 1.7e308))


@st.composite
def any_weight_pairs(draw: st.DrawFn) -> tuple[float, float]:
    """(w1, w2) over the whole range: independent, balanced, anti-balanced or nearly so, or wildly unequal."""
    w1 = draw(any_weights)
    kind = draw(st.sampled_from(["independent", "balanced", "anti", "near", "near-anti"]))
    if kind == "independent" or w1 == 0.0:
        return w1, draw(any_weights)
    if kind == "balanced":
        return w1, w1
    if kind == "anti":
        return w1, -w1
    nudge = draw(st.sampled_from([2.0**-52, -(2.0**-40), 1e-12, -1e-6, 1e-3]))
    return w1, (w1 if kind == "near" else -w1) * (1 + nudge)


@st.composite
def any_modes(draw: st.DrawFn) -> tuple[float, float, float, float, float, float]:
    """``(t, λ, ε, τ, w1, w2)`` over the whole domain, with ``t`` placed so ``x = Rt/τ`` spans 1e-8 … 1e5.

    Times drawn uniformly in log over float64 would almost all be 0-like or settled; these put
    ``x`` where the mode moves, and sometimes anywhere at all.
    """
    lam, eps, tau = draw(any_rates), draw(any_rates), draw(any_taus)
    w1, w2 = draw(any_weight_pairs())
    x = draw(st.one_of(st.just(0.0), log_uniform(1e-8, 1e5)))
    with np.errstate(all="ignore"):
        k = np.float64(lam) + np.float64(eps)
        c0 = abs(np.float64(w2) ** 2 - np.float64(w1) ** 2)
        rate = float(np.hypot(2 * np.float64(lam), k * c0))
        t = x * tau / rate if rate > 0 else 0.0
    if not np.isfinite(t) or draw(st.integers(0, 9)) == 0:
        t = draw(st.one_of(st.just(0.0), log_uniform(1e-300, 1.7e308)))
    return float(t), lam, eps, tau, w1, w2
