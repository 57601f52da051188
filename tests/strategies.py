"""Test-only compositions on top of the public strategies of :mod:`symdae.strategies`.

The building blocks (rates, τ, times, weights, weight pairs, modes, spectra, ``log_uniform``,
``from_interval``) are public; what stays here serves particular references of the kernel tests.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from symdae.strategies import from_interval, log_uniform, rates, taus, times, weight_pairs

__all__ = ["any_modes", "from_interval", "moderate", "reference_modes"]

moderate = log_uniform(1e-2, 1e2)
"""Rates for which the mpmath references (Bessel functions, ``odefun``) stay quick."""


@st.composite
def reference_modes(draw: st.DrawFn) -> tuple[float, float, float, float, float, float, float]:
    """``(t, λ, ε, κ, τ, w1, w2)`` with κ > 0, c0 ≠ 0 and moderate rates, for the Bessel reference.

    Times reach ``400/(λ + κ)`` epochs-per-τ (past the sigmoid of weights near 1e-150 when
    λ ≫ κ), but stop while a decaying ``P`` is above ``e^{-150}`` (the reference cancels there).
    The Bessel order ``|λ − κ|/(2κ)`` stays below 100 (mpmath's ``besselk`` fails to converge
    for orders ~500 at arguments ~1e3). The weights are unbalanced or nearly balanced (|w1| ≠ |w2|,
    constructed: no draw is rejected), the latter 1e-12 … 1e-3 apart (relatively): at a gap of
    2e-16 the two references differ by more than the 1e-18 the test allows.
    """
    lam, kappa, tau = draw(moderate), draw(moderate), draw(log_uniform(1e-3, 1e3))
    kappa = max(kappa, lam / 201.0)
    eps = draw(st.one_of(st.just(0.0), moderate))
    w1, w2 = draw(weight_pairs(["nearly balanced", "unbalanced"], gaps=(1e-12, 1e-3)))
    horizon = min(400.0 / (lam + kappa), 75.0 / max(kappa - lam, 1e-300))
    u = draw(st.one_of(st.just(0.0), st.floats(0.0, horizon)))
    return u * tau, lam, eps, kappa, tau, w1, w2


@st.composite
def any_modes(draw: st.DrawFn) -> tuple[float, float, float, float, float, float]:
    """``(t, λ, ε, τ, w1, w2)`` over the whole domain, with ``t`` placed so ``x = Rt/τ`` spans 1e-8 … 1e5.

    Times drawn uniformly in log over float64 would almost all be 0-like or settled; these put
    ``x`` where the mode moves, and sometimes anywhere at all.
    """
    lam, eps = draw(rates(whole_range=True)), draw(rates(whole_range=True))
    tau = draw(taus(whole_range=True))
    w1, w2 = draw(weight_pairs(whole_range=True))
    x = draw(times(low=1e-8, high=1e5))  # x = Rt/τ in {0} ∪ [1e-8, 1e5]
    anywhere, t_anywhere = draw(st.integers(0, 9)) == 0, draw(times(low=1e-300, high=1.7e308))  # drawn always:
    # a choice sequence of fixed structure, which Hypothesis's mutations replay without invalid cases
    with np.errstate(all="ignore"):
        k = np.float64(lam) + np.float64(eps)
        c0 = abs(np.float64(w2) ** 2 - np.float64(w1) ** 2)
        rate = float(np.hypot(2 * np.float64(lam), k * c0))
        t = x * tau / rate if rate > 0 else 0.0
    if not np.isfinite(t) or anywhere:
        t = t_anywhere
    return float(t), lam, eps, tau, w1, w2
