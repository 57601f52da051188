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
    equivalent_kappa,
    fixed_point,
    optimal_tau,
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
    t = float(time_to_fraction(fraction, lam=lam, eps=eps, tau=tau, w1_0=w1, w2_0=w2))
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
            assert math.isinf(crossing_time(lam=lam, eps=eps, tau=tau, w1_0=w1, w2_0=w2))
            return
        beta = c0 * (1 + mpmath.mpf(eps) / lam)
        zeta = mpmath.sqrt(beta**2 + 4)
        delta0 = mpmath.tanh(mpmath.asinh(2 * mpmath.mpf(w1) * w2 / c0) / 2)
        printed = tau / (zeta * lam) * mpmath.log(
            (zeta + beta) * (zeta - beta - 2 * delta0) / ((zeta - beta) * (zeta + beta + 2 * delta0)))
    t = float(crossing_time(lam=lam, eps=eps, tau=tau, w1_0=w1, w2_0=w2))  # w0 < 0 and w1 ≠ −w2: the mode crosses zero
    assert t == pytest.approx(float(printed), rel=1e-10)
    assert abs(float(dae_trajectory(t, lam=lam, eps=eps, tau=tau, w1_0=w1, w2_0=w2))) <= 1e-12 * (a * a + b * b)


def test_time_to_fraction_edge_cases() -> None:
    assert time_to_fraction(1.0, lam=1.0, eps=0.5, tau=1.0, w1_0=1e-3, w2_0=1e-3) == math.inf
    assert time_to_fraction(0.5, lam=1.0, eps=0.5, tau=1.0, w1_0=1.0, w2_0=1.0) == 0.0
    assert time_to_fraction(0.5, lam=1.0, eps=0.5, tau=1.0, w1_0=1e-3, w2_0=-1e-3) == math.inf  # w1 = -w2 decays
    assert time_to_fraction(0.0, lam=0.0, eps=0.0, tau=1.0, w1_0=0.0, w2_0=0.0) == 0.0
    t = time_to_fraction(0.5, lam=1e3, eps=0.5, tau=10.0, w1_0=1e-150, w2_0=2e-150)
    assert dae_trajectory(t, lam=1e3, eps=0.5, tau=10.0, w1_0=1e-150,
                          w2_0=2e-150) == pytest.approx(0.5 * 1e3 / 1000.5, rel=1e-10)
    assert np.isfinite(time_to_fraction(np.linspace(0, 0.99, 50), lam=1e-3, eps=1e3, tau=1e-3, w1_0=1e-150,
                                        w2_0=3e-150)).all()


def test_small_closed_forms_against_the_corrected_formulas() -> None:
    rng = np.random.default_rng(3)
    lam, eps, kappa = (10 ** rng.uniform(-3, 3, 100) for _ in range(3))
    np.testing.assert_allclose(fixed_point(lam=lam, eps=eps, kappa=kappa),
                               np.where(lam > kappa, (lam - kappa) / (lam + eps), 0.0), rtol=1e-15)
    np.testing.assert_allclose(optimal_tau(lam=lam, eps=eps, kappa=kappa), 2 * lam + 3 * eps + kappa, rtol=1e-15)
    np.testing.assert_allclose(equivalent_kappa(lam=lam, eps=eps), lam * eps / (lam + eps), rtol=4e-16)
    kappa_eq = equivalent_kappa(lam=lam, eps=eps)
    # λ − κ cancels when ε ≫ λ (κ → λ): compare to the conditioning of that difference
    dae = fixed_point(lam=lam, eps=eps)
    error = np.abs(fixed_point(lam=lam, kappa=kappa_eq) - dae) / dae
    assert (error <= 4e-16 * (1 + eps / lam)).all()
    ratio = optimal_tau(lam=lam, kappa=kappa_eq) / optimal_tau(lam=lam, eps=eps)  # α_ε/α_γ of Eq. (8), corrected
    np.testing.assert_allclose(ratio, (2 * lam + kappa_eq) / (2 * lam + 3 * eps), rtol=1e-14)
    assert equivalent_kappa(lam=0.0, eps=0.0) == 0.0


def test_the_training_unit_spellings_of_0_1_still_answer_with_a_warning() -> None:
    """``optimal_learning_rate`` and ``equivalent_weight_decay`` (training units) are deprecated, not gone."""
    import symdae.kernels as kernels

    with pytest.warns(DeprecationWarning, match="optimal_learning_rate is deprecated.*use optimal_tau"):
        rate = kernels.optimal_learning_rate(2.0, 1.0, 0.5, 100.0)
    assert rate == 100.0 / 7.5
    with pytest.warns(DeprecationWarning, match="equivalent_weight_decay is deprecated.*use equivalent_kappa"):
        gamma = kernels.equivalent_weight_decay(1.0, 1.0, 10.0)
    assert gamma == 0.05
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="n_samples must be > 0"):
        kernels.optimal_learning_rate(1.0, n_samples=0.0)
    with pytest.raises(AttributeError, match="no attribute 'optimal_rate'"):
        kernels.optimal_rate  # noqa: B018


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: fixed_point(lam=0.0, eps=0.0, kappa=0.0), "undefined where lam = eps = kappa = 0"),
        (lambda: optimal_tau(lam=0.0), "undefined where lam = eps = kappa = 0"),
        (lambda: optimal_tau(lam=1.0, kappa=-1.0), "kappa must be >= 0"),
        (lambda: fixed_point(lam=1.0, eps=-1.0), "eps must be >= 0"),
        (lambda: time_to_fraction(-0.1, lam=1.0, eps=0.0, tau=1.0, w1_0=0.1, w2_0=0.1), "fraction must be >= 0"),
        (lambda: crossing_time(lam=1.0, eps=0.0, tau=0.0, w1_0=0.1, w2_0=0.1), "tau must be > 0"),
        (lambda: equivalent_kappa(lam=np.nan, eps=1.0), "lam must be finite"),
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
@example(fraction=7.8e-108, lam=5e-324, eps=0.0, tau=5e-324, pair=(0.0, 1.0))  # the reference had rounded to t = 0
@settings(max_examples=200)
def test_time_to_fraction_meets_its_contract_over_the_whole_domain(
        fraction: float, lam: float, eps: float, tau: float, pair: tuple[float, float]) -> None:
    """Relative error <= 1e-13 + 1e-15 c, c = max(|w0|, w_f)/(w_f − w0), against Eq. (5) solved for t."""
    w1, w2 = pair
    got = float(time_to_fraction(fraction, lam=lam, eps=eps, tau=tau, w1_0=w1, w2_0=w2))
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
    assert fixed_point(lam=1e308, eps=1e308) == 0.5
    assert fixed_point(lam=1.7e308, eps=1.7e308, kappa=0.85e308) == 0.25
    assert fixed_point(lam=5e-324, eps=5e-324) == 0.5  # subnormal rates: exact
    assert optimal_tau(lam=1e307, eps=1e307, kappa=1e307) == pytest.approx(6e307, rel=1e-15)
    assert optimal_tau(lam=5e-324) == 1e-323  # subnormal: exact
    assert equivalent_kappa(lam=1.7e308, eps=1.7e308) == 0.85e308
    assert equivalent_kappa(lam=1e308, eps=1e-300) == pytest.approx(1e-300, rel=1e-15)
    assert equivalent_kappa(lam=1e-300, eps=1e308) == pytest.approx(1e-300, rel=1e-15)
    with pytest.raises(ValueError, match=r"optimal_tau: 2λ \+ 3ε \+ κ exceeds float64's range"):
        optimal_tau(lam=1e308, eps=1e308)
    # τ and 1/|w1_0| near the ends of the range: t× = τ|w1_0|/(λ w2_0)(1 + O(w2_0²)) ≈ 1000
    crossing = crossing_time(lam=1.0, eps=0.5, tau=1e300, w1_0=-1e-300, w2_0=1e-3)
    reference = exact_time(0.0, 1.0, 0.5, 1e300, -1e-300, 1e-3)
    assert abs(crossing - reference) <= 1e-13 * reference
