"""``mode_trajectory`` (noise and weight decay) and ``gd_iterates`` (discrete gradient descent).

The accuracy contract of ``mode_trajectory`` (docstring, ``docs/kernels.md``): the kernel's ``w`` and
the 50-digit reference ``w_ref`` (:func:`tests.kernels.reference_ode.mode_reference`) agree when

    |w − w_ref| ≤ 1e-11 |w_ref| + 1e-13 |t dw/dt| + 2^-1070,

relative accuracy, plus the problem's own conditioning with respect to ``t`` (where ``w`` crosses
zero, or grows or decays exponentially for a long time), plus float64's subnormal spacing. That of
``gd_iterates``: each weight within ``1e-14 max(|w1|, |w2|) + 2^-1070`` of 50-digit iteration.

This file holds the quick checks on moderate arguments and the regressions; the whole float64
range is in ``test_ode_range.py``.
"""

from __future__ import annotations

import math
import re
import time

import mpmath
import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from symdae.codegen import ode
from symdae.kernels import fixed_point
from symdae.kernels._ode import (
    GD_RELATIVE,
    RELATIVE,
    SUBNORMAL,
    TIME_CONDITIONING,
    IntegrationError,
    _raise_on_failure,
    gd_iterates,
    mode_trajectory,
)
from symdae.strategies import rates, taus, weight_pairs, weights
from tests.kernels import ORDER, mode_call
from tests.kernels.reference_ode import bessel_w, gd_reference, mode_reference, ode_w, time_sensitivity
from tests.naive import mode_gd as naive_gd
from tests.strategies import moderate, reference_modes


def assert_mode_close(w: float, args: tuple[float, ...], ref: mpmath.mpf | None = None) -> None:
    """The contract: relative, else with the time-conditioning term (computed only when needed)."""
    if ref is None:
        ref, _ = mode_reference(*args)
    error = abs(mpmath.mpf(w) - ref)
    if error <= RELATIVE * abs(ref) + SUBNORMAL:
        return
    conditioning = time_sensitivity(*args)
    assert error <= RELATIVE * abs(ref) + TIME_CONDITIONING * conditioning + SUBNORMAL, (
        args, w, mpmath.nstr(ref, 20), float(error / abs(ref)) if ref else float(error), float(conditioning))


def assert_gd_close(got: tuple[float, float], ref: tuple[mpmath.mpf, mpmath.mpf], context: object) -> None:
    scale = max(abs(ref[0]), abs(ref[1]))
    for value, expected in zip(got, ref, strict=True):
        assert abs(mpmath.mpf(value) - expected) <= GD_RELATIVE * scale + SUBNORMAL, (context, got, ref)


# --- gradient descent ------------------------------------------------------------------------

gd_rates = st.one_of(st.just(0.0), st.floats(1e-3, 5.0))


@given(steps=st.integers(0, 300), lam=gd_rates, eps=gd_rates, kappa=gd_rates, tau=st.floats(5.0, 200.0),
       w1=st.floats(-1.5, 1.5), w2=st.floats(-1.5, 1.5))
@example(steps=7, lam=5.0, eps=0.0, kappa=1.0, tau=5.0, w1=1.0, w2=-1.0)
@settings(max_examples=40)
def test_gd_matches_50_digit_iteration(steps: int, lam: float, eps: float, kappa: float, tau: float,
                                       w1: float, w2: float) -> None:
    """Double-double iteration: within 1e-14 of the larger weight of the exact iterates, while they stay bounded
    (beyond that gradient descent diverges, multiplying any difference by ~3 per step: not an accuracy claim)."""
    a, b, over = gd_reference(steps, lam, eps, kappa, tau, w1, w2)
    assume(over is None and max(abs(a), abs(b)) <= 10)
    got = gd_iterates(steps, lam=lam, eps=eps, kappa=kappa, tau=tau, w1_0=w1, w2_0=w2)
    assert_gd_close(got, (a, b), (steps, lam, eps, kappa, tau, w1, w2))


def test_gd_is_more_accurate_than_the_float64_loop() -> None:
    """A slow rate (τ = 1e5) for 2e4 steps: float64 rounding accumulates in the plain loop, not here."""
    args = (20_000, 1.0, 0.5, 0.1, 1e5, 0.3, 0.4)
    a, b, _ = gd_reference(*args)
    got = mode_call(gd_iterates, args)
    naive = naive_gd(args[0], **dict(zip(ORDER, args[1:], strict=True)))
    kernel_error = max(abs(mpmath.mpf(got[0]) - a), abs(mpmath.mpf(got[1]) - b))
    naive_error = max(abs(mpmath.mpf(naive[0]) - a), abs(mpmath.mpf(naive[1]) - b))
    assert kernel_error <= 1e-16 * max(abs(a), abs(b)) < naive_error


def test_gd_records_each_requested_count_exactly() -> None:
    """A trajectory (unsorted counts, repeats, 0) is bit-identical to asking for each count alone."""
    mode = (0.8, 0.3, 0.05, 7.0, 0.01, -0.2)
    counts = np.array([9.0, 0.0, 4.0, 9.0, 1.0, 25.0])
    got1, got2 = mode_call(gd_iterates, (counts, *mode))
    for count, a, b in zip(counts, got1, got2, strict=True):
        assert (a, b) == mode_call(gd_iterates, (count, *mode))
    assert (got1[1], got2[1]) == (0.01, -0.2)


def test_gd_broadcasts_rows_and_elements_alike() -> None:
    counts = np.array([[3.0, 0.0, 40.0], [17.0, 17.0, 2.0]])
    lam = np.array([[1.0], [0.2]])
    rows = gd_iterates(counts, lam=lam, eps=0.1, kappa=0.02, tau=12.0, w1_0=0.3, w2_0=0.1)
    elements = gd_iterates(counts, lam=np.broadcast_to(lam, counts.shape), eps=0.1, kappa=0.02, tau=12.0,
                           w1_0=np.full(counts.shape, 0.3), w2_0=0.1)
    for row, element in zip(rows, elements, strict=True):
        assert row.shape == counts.shape
        np.testing.assert_array_equal(row, element)
    scalar = gd_iterates(5, lam=1.0, eps=0.0, kappa=0.0, tau=3.0, w1_0=0.1, w2_0=0.2)
    assert all(isinstance(v, np.float64) for v in scalar)


def test_gd_approaches_the_flow_as_the_step_shrinks() -> None:
    """At fixed t/τ, the error of GD against the ODE halves when τ (1/step) doubles: O(1/τ)."""
    lam, eps, kappa, w1, w2, horizon = 1.0, 0.5, 0.3, 0.05, 0.12, 6.0
    errors = []
    for tau in (25.0, 50.0, 100.0, 200.0, 400.0):
        steps = horizon * tau
        a, b = gd_iterates(steps, lam=lam, eps=eps, kappa=kappa, tau=tau, w1_0=w1, w2_0=w2)
        errors.append(abs(a * b - mode_trajectory(steps, lam=lam, eps=eps, kappa=kappa, tau=tau, w1_0=w1, w2_0=w2)))
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    assert np.all((ratios > 1.8) & (ratios < 2.2)), (errors, ratios)


@pytest.mark.parametrize("steps", [-1.0, 2.5, math.nan, math.inf, 2.0**63])
def test_gd_rejects_invalid_step_counts(steps: float) -> None:
    with pytest.raises(ValueError, match=r"^steps must"):
        gd_iterates(steps, lam=1.0, eps=0.0, kappa=0.0, tau=10.0, w1_0=0.1, w2_0=0.1)


def test_gd_divergence_names_the_step_and_the_learning_rate_limit() -> None:
    """1/τ beyond the stability limit: a ValueError at the first step beyond 1.8e308, never inf or NaN."""
    args = (1.0, 0.5, 0.1, 0.4, 1.0, 1.0)  # curvature 2λ + 3ε + κ = 3.6 at w = 1: τ = 0.4 is far too fast
    _, _, over = gd_reference(100, *args)
    assert over is not None
    with pytest.raises(ValueError, match=rf"at step {over} .*diverges.*use tau > 1\.\d"):
        mode_call(gd_iterates, (100, *args))
    a, b = mode_call(gd_iterates, (over - 1, *args))  # the iterate before is finite
    assert np.isfinite(a) and np.isfinite(b)


def test_gd_huge_start_diverges_with_a_message() -> None:
    with pytest.raises(ValueError, match=r"leave float64's range .* at step 1 .*larger tau"):
        gd_iterates(3, lam=1.0, eps=0.5, kappa=0.1, tau=10.0, w1_0=1e200, w2_0=1e200)


@pytest.mark.parametrize("scale", [5e-324, 1e-320, 1e-310, 1e-160])
def test_gd_subnormal_weights_keep_relative_accuracy(scale: float) -> None:
    """Tiny weights iterate in a scaled frame: the same relative iterates as at scale 1 (where the cubic
    term is the same fraction)... at these scales the cubic term is nil, so compare with 50 digits."""
    args = (60, 1.0, 0.5, 0.1, 4.0, 3 * scale, -scale)
    a, b, _ = gd_reference(*args)
    got = mode_call(gd_iterates, args)
    for value, expected in zip(got, (a, b), strict=True):
        assert abs(mpmath.mpf(value) - expected) <= 1e-15 * abs(expected) + 2.0**-1074, (value, expected)


def test_gd_tiny_weight_beside_a_large_one_keeps_its_own_precision() -> None:
    """λ = κ = 0: w2 ← w2(1 − (ε/τ)w1²) = −2 w2 per step while w1 ≈ 1: a weight 1e-300 of the other
    grows to 1e-288 keeping its own relative precision (not just 1e-14 of the larger weight)."""
    args = (40, 0.0, 3.0, 0.0, 1.0, 1.0, 1e-300)
    a, b, _ = gd_reference(*args)
    got = mode_call(gd_iterates, args)
    for value, expected in zip(got, (a, b), strict=True):
        assert abs(mpmath.mpf(value) - expected) <= 1e-15 * abs(expected), (value, expected)


def test_gd_skips_ahead_once_the_state_stops_changing() -> None:
    """Converging to an exact fixed point of the iteration: 2**62 steps return at once, equal to fewer steps."""
    args = (1.0, 0.5, 0.1, 4.0, 0.3, 0.2)
    start = time.perf_counter()
    far = mode_call(gd_iterates, (2.0**62, *args))
    assert time.perf_counter() - start < 5.0
    assert far == mode_call(gd_iterates, (100_000, *args))
    target = math.sqrt((1.0 - 0.1) / 1.5)  # w1 = w2 = √((λ − κ)/(λ + ε))
    assert abs(far[0] - target) <= 1e-15 and abs(far[1] - target) <= 1e-15


# --- mode_trajectory: references -------------------------------------------------------------


@given(mode=reference_modes())
@settings(max_examples=6)
def test_matches_the_bessel_closed_form(mode: tuple[float, ...]) -> None:
    """The Bessel-function closed form (claim wdf.bessel_solution) checks the chart reference to its own
    precision (20 digits of w1² + w2²: it subtracts P − Q); the kernel meets the contract against the latter."""
    ref, _ = mode_reference(*mode)
    closed, norm = bessel_w(*mode)
    assert abs(ref - closed) <= 1e-18 * norm
    w = float(mode_call(mode_trajectory, mode))
    assert np.isfinite(w)
    assert_mode_close(w, mode, ref)


@pytest.mark.parametrize("mode", [
    (1.7, 2.0, 1.5, 0.5, 1.0, 0.3, -0.1),
    (4.0, 1.0, 0.0, 2.0, 3.0, 0.5, 1.2),
    (20.0, 1.0, 0.5, 0.3, 10.0, 1.3, -1.1),
])
def test_the_three_references_agree(mode: tuple[float, ...]) -> None:
    """mpmath.odefun on (w1, w2), the Bessel closed form and the chart integrator: mutually independent."""
    ref, _ = mode_reference(*mode)
    assert abs(ref - ode_w(*mode)) <= 1e-17 * abs(ref)
    assert abs(ref - bessel_w(*mode)[0]) <= 1e-17 * abs(ref)
    assert_mode_close(float(mode_call(mode_trajectory, mode)), mode, ref)


@given(lam=moderate, eps=st.one_of(st.just(0.0), moderate), kappa=moderate, tau=taus(), w=weights(),
       anti=st.booleans(), u=st.floats(0.0, 50.0))
@settings(max_examples=30)
def test_balanced_closed_forms_match_the_integrator(lam: float, eps: float, kappa: float, tau: float,
                                                    w: float, anti: bool, u: float) -> None:
    """Closed form on w1 = ±w2 against the integrator started 1e-13 (relative) off the line.

    Off w1 = −w2, P = (w1 + w2)² ~ 1e-26 w² grows as e^{2(λ − κ)t/τ}: keep that below e^{10}.
    """
    sign = -1.0 if anti else 1.0
    horizon = 50.0 / (lam + kappa) if not anti or kappa >= lam else min(50.0 / (lam + kappa), 5.0 / (lam - kappa))
    t = u / 50.0 * horizon * tau
    closed = float(mode_trajectory(t, lam=lam, eps=eps, kappa=kappa, tau=tau, w1_0=w, w2_0=sign * w))
    near = float(mode_trajectory(t, lam=lam, eps=eps, kappa=kappa, tau=tau, w1_0=w, w2_0=sign * w * (1 + 1e-13)))
    assert abs(closed - near) <= 1e-12 * abs(closed) + 1e-13 * w * w + SUBNORMAL, (closed, near)


def test_equals_dae_trajectory_without_weight_decay() -> None:
    """κ = 0 rows are delegated to dae_trajectory, unchanged."""
    from symdae.kernels import dae_trajectory

    t = np.array([[0.0, 1.0, 1e3, 1e12]])
    lam = np.array([[0.0], [1.0], [1e5]])
    args = (t, lam, 0.3, 0.0, 2.0, np.array([[1e-150], [0.5], [-3.0]]), 0.2)
    without_kappa = (*args[:3], *args[4:])
    expected = mode_call(dae_trajectory, without_kappa, kappa=False)
    np.testing.assert_array_equal(mode_call(mode_trajectory, args), expected)


# --- mode_trajectory: behaviour ---------------------------------------------------------------


@pytest.mark.jit  # 6,480 modes each: about 450 s in plain Python
@pytest.mark.parametrize("kappa", [1e-6, 0.3, 1.0, 7.0, 1e6])
def test_finite_on_the_edges_of_the_old_domain(kappa: float) -> None:
    values = {"t": [0.0, 1e-6, 1.0, 1e6, 1e12], "lam": [0.0, 1e-6, 1.0, 1e6], "eps": [0.0, 1.0, 1e6],
              "tau": [1e-3, 1.0, 1e8], "w": [1e-150, -1e-150, 0.3, -10.0, 10.0, 0.0]}
    grid = np.meshgrid(values["t"], values["lam"], values["eps"], values["tau"], values["w"], values["w"],
                       indexing="ij")
    t, lam, eps, tau, w1, w2 = (g.reshape(-1) for g in grid)
    w = mode_trajectory(t, lam=lam, eps=eps, kappa=kappa, tau=tau, w1_0=w1, w2_0=w2)
    assert np.all(np.isfinite(w))
    start = t == 0
    np.testing.assert_array_equal(w[start], w1[start] * w2[start])


@given(lam=moderate, eps=st.one_of(st.just(0.0), moderate), kappa=rates(zero=False), tau=taus(),
       pair=weight_pairs())
@settings(max_examples=30)
def test_settles_at_the_fixed_point(lam: float, eps: float, kappa: float, tau: float,
                                    pair: tuple[float, float]) -> None:
    """t = 1e12 τ (far past every time scale here): (λ − κ)/(λ + ε) if λ > κ, else 0; w1 = −w2 goes to 0.

    λ = κ is excluded: there the decay is algebraic, w ~ 2τ/((λ + ε)t).
    """
    assume(abs(lam - kappa) > 1e-6 * (lam + kappa))
    w1, w2 = pair
    w = float(mode_trajectory(1e12 * tau, lam=lam, eps=eps, kappa=kappa, tau=tau, w1_0=w1, w2_0=w2))
    target = 0.0 if w1 == -w2 else float(fixed_point(lam=lam, eps=eps, kappa=kappa))
    assert abs(w - target) <= 1e-12 * max(target, 1e-300) + 1e-300, (w, target)


@given(data=st.data(), lam=moderate, eps=st.one_of(st.just(0.0), moderate), kappa=rates(zero=False),
       tau=st.floats(0.1, 100.0), pair=weight_pairs())
@settings(max_examples=25)
def test_a_time_does_not_depend_on_the_other_requested_times(data: st.DataObject, lam: float, eps: float,
                                                               kappa: float, tau: float,
                                                               pair: tuple[float, float]) -> None:
    """Each output comes from its own sub-integration from the last step before it: bit-identical alone,
    within any other set of times, in any order, in one call or in chunks."""
    grid = np.sort(data.draw(st.lists(st.floats(0.0, 200.0 * tau), min_size=2, max_size=30)))
    pick = data.draw(st.integers(0, len(grid) - 1))
    together = mode_call(mode_trajectory, (grid, lam, eps, kappa, tau, *pair))
    alone = mode_call(mode_trajectory, (grid[pick], lam, eps, kappa, tau, *pair))
    shuffled = mode_call(mode_trajectory, (grid[::-1], lam, eps, kappa, tau, *pair))
    assert together[pick] == alone
    np.testing.assert_array_equal(shuffled[::-1], together)


def test_rows_and_elements_agree() -> None:
    """A row integrates once through its (unsorted) times; elements one by one: identical results."""
    t = np.array([[30.0, 0.0, 5.0, 1e9, 5.0, 0.25]])
    lam = np.array([[1.0], [0.05], [40.0]])
    rows = mode_trajectory(t, lam=lam, eps=0.2, kappa=0.3, tau=2.0, w1_0=-0.1, w2_0=0.03)
    elements = mode_trajectory(t, lam=np.broadcast_to(lam, (3, 6)), eps=0.2, kappa=0.3, tau=2.0,
                               w1_0=np.full((3, 6), -0.1), w2_0=0.03)
    np.testing.assert_array_equal(rows, elements)
    out = np.empty((3, 6))
    assert mode_trajectory(t, lam=lam, eps=0.2, kappa=0.3, tau=2.0, w1_0=-0.1, w2_0=0.03, out=out) is out


@pytest.mark.parametrize("name", ["t", "lam", "eps", "kappa", "tau", "w1_0", "w2_0"])
@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, 0.0])
def test_invalid_arguments_name_the_argument(name: str, bad: float) -> None:
    args = {"t": 1.0, "lam": 1.0, "eps": 0.1, "kappa": 0.1, "tau": 2.0, "w1_0": 0.1, "w2_0": 0.2}
    args[name] = bad
    valid = (bad == 0.0 and name != "tau") or (bad == -1.0 and name in ("w1_0", "w2_0"))
    if valid:
        assert np.isfinite(mode_trajectory(**args))
        return
    with pytest.raises(ValueError, match=rf"^{name} must"):
        mode_trajectory(**args)
    gd_args = {("steps" if k == "t" else k): v for k, v in args.items()}
    with pytest.raises(ValueError, match=rf"^{'steps' if name == 't' else name} must"):
        gd_iterates(**gd_args)


def test_integration_failure_names_the_mode_and_what_to_do() -> None:
    modes = [np.array([v]) for v in (1.0, 0.5, 0.2, 3.0, 0.1, -0.4)]
    state = np.zeros((1, len(ode.STATE_FLOATS)))
    istate = np.zeros((1, len(ode.STATE_INTS)), dtype=np.int64)
    with pytest.raises(IntegrationError, match=re.escape("lam=1.0, eps=0.5, kappa=0.2") + ".*please report"):
        _raise_on_failure(ode.STATUS_STEP_UNDERFLOW, np.array([0]), np.array([[7.0]]), modes, state, istate)


def test_overflow_is_a_value_error_naming_the_range() -> None:
    """|w1_0 w2_0| > 1.8e308 at t = 0 is not representable; a little later the mode has relaxed."""
    with pytest.raises(ValueError, match=r"10\^400\.0 at t=0\.0 .*beyond float64's range"):
        mode_trajectory(0.0, lam=1.0, eps=0.5, kappa=0.1, tau=10.0, w1_0=1e200, w2_0=1e200)
    assert_mode_close(float(mode_trajectory(1e-3, lam=1.0, eps=0.5, kappa=0.1, tau=10.0, w1_0=1e200, w2_0=1e200)),
                      (1e-3, 1.0, 0.5, 0.1, 10.0, 1e200, 1e200))


@pytest.mark.parametrize("w1, w2", [(1e-150, 3e-150), (-2e-150, 1e-150), (1e-8, 1e-8 * (1 + 1e-9))])
def test_tiny_weights_through_the_sigmoid(w1: float, w2: float) -> None:
    """Weights near 1e-150 grow for ~430 time units before the sigmoid (Bessel reference)."""
    lam, eps, kappa, tau = 1.0, 0.5, 0.2, 1.0
    t = np.array([0.0, 20.0, 425.0, 430.0, 435.0, 450.0, 1e4])
    w = mode_trajectory(t, lam=lam, eps=eps, kappa=kappa, tau=tau, w1_0=w1, w2_0=w2)
    for time_, value in zip(t, w, strict=True):
        args = (float(time_), lam, eps, kappa, tau, w1, w2)
        ref, _ = bessel_w(*args) if time_ > 0 else (mpmath.mpf(w1) * w2, None)
        assert_mode_close(float(value), args, ref)


# --- the faults of issue #12, as regressions ----------------------------------------------------


def test_underflowing_squares_of_a_balanced_start() -> None:
    """w1 = w2 = 1e-170: P0 = 4e-340 underflowed to 0 (answer 0.0); the answer is (λ − κ)/(λ + ε) = 0.6."""
    assert abs(mode_trajectory(1e6, lam=1.0, eps=0.5, kappa=0.1, tau=10.0, w1_0=1e-170, w2_0=1e-170) - 0.6) <= 1e-15


def test_unbalanced_start_with_strong_noise_is_relatively_accurate() -> None:
    """ε/λ large, κ small, |w1_0| << |w2_0|: was 1.1e-9 relative off (P − Q cancelled)."""
    args = (577.9, 0.0300, 176.5, 8.85e-4, 1.152, -1.40e-4, -0.907)
    w = float(mode_call(mode_trajectory, args))
    ref, _ = bessel_w(*args)
    assert abs(w - ref) <= 1e-13 * abs(ref)
    grid = np.linspace(0.0, 600.0, 2001)
    assert mode_call(mode_trajectory, (np.append(grid, 577.9), *args[1:]))[-1] == w


@pytest.mark.jit  # 199,999 output times: about 100 s in plain Python
def test_many_output_times_need_no_step_limit() -> None:
    """199999 requested times raised IntegrationError (the step limit counted outputs)."""
    w = mode_trajectory(np.arange(199999.0), lam=1.0, eps=0.5, kappa=0.1, tau=10.0, w1_0=0.01, w2_0=0.02)
    assert np.all(np.isfinite(w)) and abs(w[-1] - 0.6) <= 1e-15


@pytest.mark.parametrize("args", [
    (1e3, 1.0, 0.5, 0.1, 1.0, 1e300, 1e-300),  # w = 1 with w1² + w2² = 1e600: relaxes at rate kN
    (1e-3, 1.0, 0.5, 0.1, 10.0, 5e-324, 1.0),  # the smallest subnormal weight
    (1e6, 1.0, 0.5, 0.1, 10.0, 1e-300, 2e-300),  # P0 ~ 1e-600 escapes the saddle
    (3.6, 0.0, 2.0, 1e-300, 1.0, 1e100, 1.0000000001e100),  # λ = 0: decays as e^(−k√E u) to nothing
    (1.9841497992158095e-178, 9.175421322317717e+148, 2.240325846054335e+252, 1.965296150398744e-147,
     2.146460390476301e-202, 1.830794124301056e+185, -1.1902257208496744e+210),  # a crossing at rate 3e672
])
def test_extreme_modes(args: tuple[float, ...]) -> None:
    assert_mode_close(float(mode_call(mode_trajectory, args)), args)


@pytest.mark.parametrize("call", [
    # tens of ns a step: ~20 minutes in one go
    "gd_iterates(3e10, lam=1.0, eps=0.5, kappa=0.1, tau=1e12, w1_0=0.01, w2_0=0.02)",
    "mode_trajectory(np.full((16384, 1), 1e6), lam=np.linspace(0.5, 2.0, 16384)[:, None], eps=0.5, kappa=0.1,"
    " tau=10.0, w1_0=-0.01 * np.linspace(1.0, 4.0, 16384)[:, None], w2_0=0.02)",
])
def test_ctrl_c_stops_a_long_call_promptly(call: str) -> None:
    """Long calls return to Python between chunks of ~0.1 s: SIGINT raises KeyboardInterrupt at once (it
    was ignored for minutes by gd_iterates(3e10, ...))."""
    from tests.kernels.interrupt import interrupt_call

    gd_iterates(3, lam=1.0, eps=0.5, kappa=0.1, tau=1e12, w1_0=0.01, w2_0=0.02)  # compiled and cached for the child
    mode_trajectory(np.array([1.0, 2.0]), lam=1.0, eps=0.5, kappa=0.1, tau=10.0, w1_0=-0.01, w2_0=0.02)
    line, answered = interrupt_call(
        "import numpy as np\nfrom symdae.kernels import gd_iterates, mode_trajectory\n"
        "gd_iterates(3, lam=1.0, eps=0.5, kappa=0.1, tau=1e12, w1_0=0.01, w2_0=0.02)\n"
        "mode_trajectory(np.array([1.0, 2.0]), lam=1.0, eps=0.5, kappa=0.1, tau=10.0, w1_0=-0.01, w2_0=0.02)",
        call)
    assert line == "interrupted"  # written as soon as KeyboardInterrupt is caught
    assert answered < 1.0, answered
