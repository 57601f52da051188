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
from symdae.strategies import rates, taus, weight_pairs
from tests.kernels.reference import exact_time, exact_w

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
    np.testing.assert_allclose(equivalent_weight_decay(lam, eps, n), lam * eps / (n * (lam + eps)), rtol=4e-16)
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


_FRACTIONS = st.one_of(st.sampled_from([0.0, 0.5, 0.9]), st.floats(0.0, 1.0),
                       st.floats(-12.0, -1.0).map(lambda e: 1.0 - 10.0**e))


@given(fraction=_FRACTIONS, lam=rates(whole_range=True), eps=rates(whole_range=True), tau=taus(whole_range=True),
       pair=weight_pairs(whole_range=True))
@example(fraction=0.5, lam=1.0, eps=0.5, tau=10.0, pair=(1e-170, 2e-170))  # issue #12: was inf (true ≈ 3908)
@example(fraction=0.5, lam=1.53e-298, eps=1.28e79, tau=5.07e37, pair=(6.69e-94, -4.16e-300))  # π_f − π cancelled
@example(fraction=0.0, lam=1.8e-3, eps=6.05, tau=1.73, pair=(-3.73e-8, 4.24))  # crossing from w0 ≈ 0
@settings(max_examples=200)
def test_time_to_fraction_meets_its_contract_over_the_whole_domain(
        fraction: float, lam: float, eps: float, tau: float, pair: tuple[float, float]) -> None:
    """Relative error <= 1e-13 + 1e-15 c, c = max(|w0|, w_f)/(w_f − w0), against Eq. (5) solved for t."""
    w1, w2 = pair
    got = float(time_to_fraction(fraction, lam, eps, tau, w1, w2))
    ref = exact_time(fraction, lam, eps, tau, w1, w2)
    with mpmath.workdps(60):
        if ref == mpmath.inf or ref > mpmath.mpf("1.7976931348623157e308"):
            assert got == math.inf
            return
        if ref == 0:
            assert got == 0.0
            return
        k = mpmath.mpf(lam) + eps
        w_f, w0 = mpmath.mpf(fraction) * lam / k, mpmath.mpf(w1) * w2
        sensitivity = max(abs(w0), w_f) / (w_f - w0)
        bound = (1e-13 + 1e-15 * sensitivity) * max(ref, mpmath.mpf(2.2250738585072014e-308))
        assert abs(got - ref) <= bound, (got, float(ref), float(abs(got - ref) / ref))


def test_closed_forms_over_the_whole_domain() -> None:
    """No intermediate overflow: λ + ε, 2λ + 3ε + κ and λε near 1.8e308 (the rates are rescaled exactly)."""
    assert fixed_point(1e308, 1e308) == 0.5
    assert fixed_point(1.7e308, 1.7e308, 0.85e308) == 0.25
    assert fixed_point(5e-324, 5e-324) == 0.5  # subnormal rates: exact
    assert optimal_learning_rate(1e308, 1e308, 1e308, 6.0) == pytest.approx(1e-308, rel=1e-15)
    assert equivalent_weight_decay(1.7e308, 1.7e308) == 0.85e308
    assert equivalent_weight_decay(1e308, 1e-300) == pytest.approx(1e-300, rel=1e-15)
    assert equivalent_weight_decay(1e-300, 1e308, 1e-10) == pytest.approx(1e-290, rel=1e-15)
    with pytest.raises(ValueError, match=r"optimal_learning_rate: N/\(2λ \+ 3ε \+ κ\) exceeds float64's range"):
        optimal_learning_rate(1e-300, n_samples=1e10)
    with pytest.raises(ValueError, match=r"equivalent_weight_decay: .* exceeds float64's range"):
        equivalent_weight_decay(1e308, 1e308, 1e-300)
    # τ and 1/|w1_0| near the ends of the range: t× = τ|w1_0|/(λ w2_0)(1 + O(w2_0²)) ≈ 1000
    crossing = crossing_time(1.0, 0.5, 1e300, -1e-300, 1e-3)
    reference = exact_time(0.0, 1.0, 0.5, 1e300, -1e-300, 1e-3)
    assert abs(crossing - reference) <= 1e-13 * reference
