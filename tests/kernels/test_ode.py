"""``mode_trajectory`` (noise and weight decay) and ``gd_iterates`` (discrete gradient descent).

Accuracy metric for ``mode_trajectory`` (the one of ``test_dae_trajectory``):
the kernel's ``w`` and a high-precision reference ``w_ref`` agree when

    |w − w_ref| ≤ 1e-10 |w_ref| + 1e-13 (w1² + w2²)(t) + 1e-310,

i.e. 1e-10 relative, or an absolute bound scaled by the weights' squared
norm at ``t`` where ``w = (P − Q)/4`` passes through zero, or float64's
subnormal floor. References: the Bessel-function closed form of claim
``wdf.bessel_solution`` and ``mpmath.odefun`` on the ``(w1, w2)`` ODE
(:mod:`tests.kernels.reference_ode`), and, for ``κ = 0``, ``dae_trajectory``.
"""

from __future__ import annotations

import math
import re
from types import ModuleType

import mpmath
import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from symdae.codegen.ode import load_ode_kernel
from symdae.kernels import dae_trajectory, fixed_point
from symdae.kernels._ode import IntegrationError, _raise_on_failure, gd_iterates, mode_trajectory
from tests.kernels.reference_ode import bessel_w, gd_naive, ode_w
from tests.strategies import (
    epss,
    lams,
    moderate,
    positive_kappas,
    reference_modes,
    taus,
    times,
    weight_pairs,
    weights,
)

REL, ABS, SUBNORMAL = 1e-10, 1e-13, 1e-310


def assert_close(w: float, ref: mpmath.mpf, norm: mpmath.mpf, context: object) -> None:
    error = abs(mpmath.mpf(w) - ref)
    assert error <= REL * abs(ref) + ABS * norm + SUBNORMAL, (context, w, ref, float(error))


@pytest.fixture(scope="module")
def ode_module() -> ModuleType:
    return load_ode_kernel("mode_trajectory")


def integrate(module: ModuleType, t: np.ndarray, lam: float, eps: float, kappa: float, tau: float,
              w1: float, w2: float) -> np.ndarray:
    """The kernel's own row evaluation (closed forms or integrator), any κ including 0."""
    times_ = np.atleast_2d(np.asarray(t, dtype=np.float64))
    out = np.empty_like(times_)
    status = np.zeros(1, dtype=np.int64)
    modes = [np.array([v], dtype=np.float64) for v in (lam, eps, kappa, tau, w1, w2)]
    module.trajectory_rows(times_, *modes, out, status)
    assert status[0] == 0
    return out[0]


# --- gradient descent ------------------------------------------------------------------------

gd_rates = st.one_of(st.just(0.0), st.floats(1e-3, 5.0))


@given(steps=st.integers(0, 300), lam=gd_rates, eps=gd_rates, kappa=gd_rates, tau=st.floats(5.0, 200.0),
       w1=st.floats(-1.5, 1.5), w2=st.floats(-1.5, 1.5))
@example(steps=7, lam=5.0, eps=0.0, kappa=1.0, tau=5.0, w1=1.0, w2=-1.0)  # blows up to 1e73: not compared
def test_gd_matches_a_naive_loop(steps: int, lam: float, eps: float, kappa: float, tau: float,
                                 w1: float, w2: float) -> None:
    """Same iterates as a hand-written Python loop, to a few ulp (the operation order differs)."""
    ref = gd_naive(steps, lam, eps, kappa, tau, w1, w2)
    # Once gradient descent blows up, the cubic growth multiplies any rounding difference by about 3 per
    # step, so "a few ulp" is a claim about the iterates that stay bounded.
    assume(all(abs(value) <= 10.0 for value in ref))
    got = gd_iterates(steps, lam, eps, kappa, tau, w1, w2)
    for value, expected in zip(got, ref, strict=True):
        assert abs(value - expected) <= 1e-13 * (abs(expected) + abs(w1) + abs(w2)) + 1e-300, (value, expected)


def test_gd_records_each_requested_count_exactly() -> None:
    """A trajectory (unsorted counts, repeats, 0) is bit-identical to iterating the generated step."""
    step = load_ode_kernel("gd_iterates").gd_step.py_func
    mode = (0.8, 0.3, 0.05, 7.0)
    counts = np.array([9.0, 0.0, 4.0, 9.0, 1.0, 25.0])
    got1, got2 = gd_iterates(counts, *mode, 0.01, -0.2)
    for count, a, b in zip(counts.astype(int), got1, got2, strict=True):
        w1, w2 = 0.01, -0.2
        for _ in range(count):
            w1, w2 = step(w1, w2, *mode)
        assert (a, b) == (w1, w2)


def test_gd_broadcasts_rows_and_elements_alike() -> None:
    counts = np.array([[3.0, 0.0, 40.0], [17.0, 17.0, 2.0]])
    lam = np.array([[1.0], [0.2]])
    rows = gd_iterates(counts, lam, 0.1, 0.02, 12.0, 0.3, 0.1)
    elements = gd_iterates(counts, np.broadcast_to(lam, counts.shape), 0.1, 0.02, 12.0,
                           np.full(counts.shape, 0.3), 0.1)
    for row, element in zip(rows, elements, strict=True):
        assert row.shape == counts.shape
        np.testing.assert_array_equal(row, element)
    scalar = gd_iterates(5, 1.0, 0.0, 0.0, 3.0, 0.1, 0.2)
    assert all(isinstance(v, np.float64) for v in scalar)


@pytest.mark.parametrize("kappa", [0.0, 0.3])
def test_gd_approaches_the_flow_as_the_step_shrinks(kappa: float) -> None:
    """At fixed t/τ, the error of GD against the ODE halves when τ (1/step) doubles: O(1/τ)."""
    lam, eps, w1, w2, horizon = 1.0, 0.5, 0.05, 0.12, 6.0
    errors = []
    for tau in (25.0, 50.0, 100.0, 200.0, 400.0):
        steps = horizon * tau
        a, b = gd_iterates(steps, lam, eps, kappa, tau, w1, w2)
        errors.append(abs(a * b - mode_trajectory(steps, lam, eps, kappa, tau, w1, w2)))
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    assert np.all((ratios > 1.8) & (ratios < 2.2)), (errors, ratios)


@pytest.mark.parametrize("steps", [-1.0, 2.5, math.nan, math.inf])
def test_gd_rejects_invalid_step_counts(steps: float) -> None:
    with pytest.raises(ValueError, match=r"^steps must"):
        gd_iterates(steps, 1.0, 0.0, 0.0, 10.0, 0.1, 0.1)


# --- mode_trajectory: references -------------------------------------------------------------


@given(mode=reference_modes())
@settings(max_examples=40)
def test_matches_the_bessel_closed_form(mode: tuple[float, ...]) -> None:
    t, lam, eps, kappa, tau, w1, w2 = mode
    w = float(mode_trajectory(*mode))
    ref, norm = bessel_w(t, lam, eps, kappa, tau, w1, w2)
    assert np.isfinite(w)
    assert_close(w, ref, norm, mode)


@pytest.mark.parametrize("mode", [
    (1.7, 2.0, 1.5, 0.5, 1.0, 0.3, -0.1),
    (4.0, 1.0, 0.0, 2.0, 3.0, 0.5, 1.2),
    (3.0, 0.7, 0.2, 0.7, 1.0, 0.2, 0.4),
    (20.0, 1.0, 0.5, 0.3, 10.0, 1.3, -1.1),
    (0.5, 3.0, 0.1, 0.05, 0.2, -0.01, 0.02),
])
def test_matches_mpmath_integration_and_the_bessel_reference(mode: tuple[float, ...]) -> None:
    """Both references (independent of each other) and the kernel agree."""
    ref = ode_w(*mode)
    closed, norm = bessel_w(*mode)
    assert abs(ref - closed) <= 1e-25 * norm
    assert_close(float(mode_trajectory(*mode)), ref, norm, mode)


@given(t=times, lam=lams, eps=epss, tau=taus, pair=weight_pairs())
@settings(max_examples=200)
def test_integrator_without_weight_decay_matches_dae_trajectory(
        ode_module: ModuleType, t: float, lam: float, eps: float, tau: float, pair: tuple[float, float]) -> None:
    """At κ = 0 the kernel's own path (integrator, or closed forms on w1 = ±w2) is Eq. (5)."""
    w1, w2 = pair
    (w,) = integrate(ode_module, np.array([t]), lam, eps, 0.0, tau, w1, w2)
    ref = float(dae_trajectory(t, lam, eps, tau, w1, w2))
    norm = math.hypot(abs(w2 - w1) * abs(w2 + w1), 2 * ref)
    assert abs(w - ref) <= 2 * (REL * abs(ref) + ABS * norm) + SUBNORMAL, (t, lam, eps, tau, w1, w2, w, ref)


def test_trajectory_through_many_times_matches_dae_trajectory(ode_module: ModuleType) -> None:
    t = np.concatenate([[0.0], np.logspace(-6, 12, 80)])
    for mode in [(1.0, 0.5, 3.0, 1e-150, 3e-150), (2e3, 1e-3, 0.01, -2e-40, 7.0), (0.0, 5.0, 1.0, 0.3, -2.0)]:
        w = integrate(ode_module, t, mode[0], mode[1], 0.0, *mode[2:])
        ref = dae_trajectory(t, *mode)
        c0 = abs(mode[4] - mode[3]) * abs(mode[4] + mode[3])
        assert np.all(np.abs(w - ref) <= 2 * (REL * np.abs(ref) + ABS * np.hypot(c0, 2 * ref)) + SUBNORMAL)


@given(lam=moderate, eps=st.one_of(st.just(0.0), moderate), kappa=moderate, tau=taus, w=weights,
       anti=st.booleans(), u=st.floats(0.0, 50.0))
def test_balanced_closed_forms_match_the_integrator(lam: float, eps: float, kappa: float, tau: float,
                                                    w: float, anti: bool, u: float) -> None:
    """Closed form on w1 = ±w2 against the integrator started 1e-13 (relative) off the line.

    Off w1 = −w2, P = (w1 + w2)² ~ 1e-26 w² grows as e^{2(λ − κ)t/τ}: keep that below e^{10}.
    """
    sign = -1.0 if anti else 1.0
    horizon = 50.0 / (lam + kappa) if not anti or kappa >= lam else min(50.0 / (lam + kappa), 5.0 / (lam - kappa))
    t = u / 50.0 * horizon * tau
    closed = float(mode_trajectory(t, lam, eps, kappa, tau, w, sign * w))
    near = float(mode_trajectory(t, lam, eps, kappa, tau, w, sign * w * (1 + 1e-13)))
    assert abs(closed - near) <= 1e-12 * abs(closed) + 1e-13 * w * w + SUBNORMAL, (closed, near)


def test_equals_dae_trajectory_without_weight_decay() -> None:
    t = np.array([[0.0, 1.0, 1e3, 1e12]])
    lam = np.array([[0.0], [1.0], [1e5]])
    args = (t, lam, 0.3, 0.0, 2.0, np.array([[1e-150], [0.5], [-3.0]]), 0.2)
    np.testing.assert_array_equal(mode_trajectory(*args), dae_trajectory(*args[:3], *args[4:]))


# --- mode_trajectory: behaviour over the domain ------------------------------------------------


@pytest.mark.parametrize("kappa", [0.0, 1e-6, 0.3, 1.0, 7.0, 1e6])
def test_finite_on_the_edges_of_the_domain(kappa: float) -> None:
    values = {"t": [0.0, 1e-6, 1.0, 1e6, 1e12], "lam": [0.0, 1e-6, 1.0, 1e6], "eps": [0.0, 1.0, 1e6],
              "tau": [1e-3, 1.0, 1e8], "w": [1e-150, -1e-150, 0.3, -10.0, 10.0, 0.0]}
    grid = np.meshgrid(values["t"], values["lam"], values["eps"], values["tau"], values["w"], values["w"],
                       indexing="ij")
    t, lam, eps, tau, w1, w2 = (g.reshape(-1) for g in grid)
    w = mode_trajectory(t, lam, eps, kappa, tau, w1, w2)
    assert np.all(np.isfinite(w))
    start = t == 0
    assert np.all(np.abs(w[start] - w1[start] * w2[start]) <= 1e-15 * (w1[start] ** 2 + w2[start] ** 2))


@given(lam=moderate, eps=st.one_of(st.just(0.0), moderate), kappa=positive_kappas, tau=taus, pair=weight_pairs())
@settings(max_examples=50)
def test_settles_at_the_fixed_point(lam: float, eps: float, kappa: float, tau: float,
                                    pair: tuple[float, float]) -> None:
    """t = 1e12 τ (far past every time scale here): (λ − κ)/(λ + ε) if λ > κ, else 0; w1 = −w2 goes to 0.

    λ = κ is excluded: there the decay is algebraic, w ~ 2τ/((λ + ε)t).
    """
    assume(abs(lam - kappa) > 1e-6 * (lam + kappa))
    w1, w2 = pair
    w = float(mode_trajectory(1e12 * tau, lam, eps, kappa, tau, w1, w2))
    target = 0.0 if w1 == -w2 else float(fixed_point(lam, eps, kappa))
    assert abs(w - target) <= 1e-12 * max(target, 1e-300) + 1e-300, (w, target)


def test_rows_and_elements_agree() -> None:
    """A row integrates once through its (unsorted) times; elements integrate one by one."""
    t = np.array([[30.0, 0.0, 5.0, 1e9, 5.0, 0.25]])
    lam = np.array([[1.0], [0.05], [40.0]])
    rows = mode_trajectory(t, lam, 0.2, 0.3, 2.0, -0.1, 0.03)
    elements = mode_trajectory(t, np.broadcast_to(lam, (3, 6)), 0.2, 0.3, 2.0, np.full((3, 6), -0.1), 0.03)
    np.testing.assert_allclose(rows, elements, rtol=1e-11, atol=1e-14)
    assert rows[0, 2] == rows[0, 4]
    out = np.empty((3, 6))
    assert mode_trajectory(t, lam, 0.2, 0.3, 2.0, -0.1, 0.03, out=out) is out


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


def test_integration_failure_names_the_mode() -> None:
    modes = [np.array([v]) for v in (1.0, 0.5, 0.2, 3.0, 0.1, -0.4)]
    with pytest.raises(IntegrationError, match=re.escape("lam=1.0, eps=0.5, kappa=0.2")):
        _raise_on_failure(np.array([1]), modes)


@pytest.mark.parametrize("w1, w2", [(1e-150, 3e-150), (-2e-150, 1e-150), (1e-8, 1e-8 * (1 + 1e-9))])
def test_tiny_weights_through_the_sigmoid(w1: float, w2: float) -> None:
    """Weights near 1e-150 grow for ~430 time units before the sigmoid (mpmath.odefun cannot
    follow them: its tolerance is absolute), so the Bessel closed form is the reference here."""
    lam, eps, kappa, tau = 1.0, 0.5, 0.2, 1.0
    t = np.array([0.0, 20.0, 25.0, 100.0, 400.0, 425.0, 430.0, 435.0, 450.0, 500.0, 1e4])
    w = mode_trajectory(t, lam, eps, kappa, tau, w1, w2)
    for time, value in zip(t, w, strict=True):
        ref, norm = bessel_w(time, lam, eps, kappa, tau, w1, w2)
        assert_close(float(value), ref, norm, time)
