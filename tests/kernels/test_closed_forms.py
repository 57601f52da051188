"""Closed-form kernels against independent evaluations.

``time_to_fraction`` and ``crossing_time`` are checked against the paper's
printed Eq. (5) at 60 digits (bisection on the exact trajectory) and against
the printed crossing-time formula; the small closed forms against direct
NumPy evaluation of the paper's (corrected) formulas.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from symdae.kernels import (
    crossing_time,
    dae_trajectory,
    equivalent_weight_decay,
    fixed_point,
    optimal_learning_rate,
    time_to_fraction,
)
from tests.kernels.reference import exact_w

modes = st.tuples(
    st.floats(1e-2, 1e2),  # lam
    st.floats(0.0, 1e2),  # eps
    st.floats(0.1, 100.0),  # tau
    st.floats(1e-8, 1.0),  # |w1|
    st.floats(1e-8, 1.0),  # |w2|
)


def _first_time(target: float, lam: float, eps: float, tau: float, w1: float, w2: float) -> float:
    """First t with w(t) ≥ target, by bisection on the 60-digit reference (w is monotone)."""
    lo, hi = 0.0, tau / lam
    for _ in range(64):
        if exact_w(hi, lam, eps, tau, w1, w2)[0] >= target:
            break
        hi *= 2
    else:
        raise AssertionError(f"the exact trajectory stays below {target} up to t = {hi}")
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if exact_w(mid, lam, eps, tau, w1, w2)[0] < target else (lo, mid)
    return hi


@given(mode=modes, fraction=st.floats(0.05, 0.95), negative=st.booleans())
@example(mode=(0.99, 1.0, 97.5, 0.438, 0.438), fraction=0.064, negative=True)  # w1 = −w2: never reached
@settings(max_examples=15, deadline=None)
def test_time_to_fraction_matches_bisection_on_the_exact_trajectory(
    mode: tuple[float, ...], fraction: float, negative: bool
) -> None:
    lam, eps, tau, a, b = mode
    w1, w2 = (-a if negative else a), b
    target = fraction * lam / (lam + eps)
    t = float(time_to_fraction(fraction, lam, eps, tau, w1, w2))
    if w1 * w2 >= target:
        assert t == 0.0
        return
    if w1 == -w2:  # balanced and negative: the mapping decays to the saddle and never turns positive
        assert math.isinf(t)
        assert exact_w(1e6 * tau / lam, lam, eps, tau, w1, w2)[0] < 0
        return
    assert t == pytest.approx(_first_time(target, lam, eps, tau, w1, w2), rel=1e-9)


@given(mode=modes)
@settings(max_examples=30)
def test_crossing_time_matches_the_printed_formula(mode: tuple[float, ...]) -> None:
    lam, eps, tau, a, b = mode
    w1, w2 = -a, b
    with mpmath.workdps(60):
        c0 = abs(mpmath.mpf(b) ** 2 - mpmath.mpf(a) ** 2)
        if c0 == 0:  # w1 = −w2: the mapping decays to the saddle and never turns positive
            assert math.isinf(crossing_time(lam, eps, tau, w1, w2))
            return
        beta = c0 * (1 + mpmath.mpf(eps) / lam)
        zeta = mpmath.sqrt(beta**2 + 4)
        delta0 = mpmath.tanh(mpmath.asinh(2 * mpmath.mpf(w1) * w2 / c0) / 2)
        printed = tau / (zeta * lam) * mpmath.log(
            (zeta + beta) * (zeta - beta - 2 * delta0) / ((zeta - beta) * (zeta + beta + 2 * delta0)))
    t = float(crossing_time(lam, eps, tau, w1, w2))  # w0 < 0 and w1 ≠ −w2: the mode crosses zero
    assert t == pytest.approx(float(printed), rel=1e-10)
    assert abs(float(dae_trajectory(t, lam, eps, tau, w1, w2))) <= 1e-12 * (a * a + b * b)


def test_time_to_fraction_edge_cases() -> None:
    assert time_to_fraction(1.0, 1.0, 0.5, 1.0, 1e-3, 1e-3) == math.inf
    assert time_to_fraction(0.5, 1.0, 0.5, 1.0, 1.0, 1.0) == 0.0
    assert time_to_fraction(0.5, 1.0, 0.5, 1.0, 1e-3, -1e-3) == math.inf  # w1 = -w2 decays
    assert time_to_fraction(0.0, 0.0, 0.0, 1.0, 0.0, 0.0) == 0.0
    t = time_to_fraction(0.5, 1e3, 0.5, 10.0, 1e-150, 2e-150)
    assert dae_trajectory(t, 1e3, 0.5, 10.0, 1e-150, 2e-150) == pytest.approx(0.5 * 1e3 / 1000.5, rel=1e-10)
    assert np.isfinite(time_to_fraction(np.linspace(0, 0.99, 50), 1e-3, 1e3, 1e-3, 1e-150, 3e-150)).all()


def test_small_closed_forms_against_the_corrected_formulas() -> None:
    rng = np.random.default_rng(3)
    lam, eps, kappa, n = (10 ** rng.uniform(-3, 3, 100) for _ in range(4))
    np.testing.assert_allclose(fixed_point(lam, eps, kappa), np.where(lam > kappa, (lam - kappa) / (lam + eps), 0.0),
                               rtol=1e-15)
    np.testing.assert_allclose(optimal_learning_rate(lam, eps, kappa, n), n / (2 * lam + 3 * eps + kappa), rtol=1e-15)
    np.testing.assert_allclose(equivalent_weight_decay(lam, eps, n), lam * eps / (n * (lam + eps)), rtol=1e-15)
    gamma = equivalent_weight_decay(lam, eps, n)
    # λ − κ cancels when ε ≫ λ (κ → λ): compare to the conditioning of that difference
    error = np.abs(fixed_point(lam, 0.0, n * gamma) - fixed_point(lam, eps)) / fixed_point(lam, eps)
    assert (error <= 4e-16 * (1 + eps / lam)).all()
    ratio = optimal_learning_rate(lam, eps=eps) / optimal_learning_rate(lam, kappa=n * gamma)
    np.testing.assert_allclose(ratio, (2 * lam + n * gamma) / (2 * lam + 3 * eps), rtol=1e-14)
    assert equivalent_weight_decay(0.0, 0.0) == 0.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: fixed_point(0.0, 0.0, 0.0), "undefined where lam = eps = kappa = 0"),
        (lambda: optimal_learning_rate(0.0), "undefined where lam = eps = kappa = 0"),
        (lambda: optimal_learning_rate(1.0, n_samples=0.0), "n_samples must be > 0"),
        (lambda: fixed_point(1.0, -1.0), "eps must be >= 0"),
        (lambda: time_to_fraction(-0.1, 1.0, 0.0, 1.0, 0.1, 0.1), "fraction must be >= 0"),
        (lambda: crossing_time(1.0, 0.0, 0.0, 0.1, 0.1), "tau must be > 0"),
        (lambda: equivalent_weight_decay(np.nan, 1.0), "lam must be finite"),
    ],
)
def test_invalid_input(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]
