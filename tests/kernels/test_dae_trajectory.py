"""``dae_trajectory``: accuracy, stability and properties over the whole domain.

Accuracy metric (stated once, used throughout): the kernel's ``w`` and a
60-digit reference ``w_ref`` agree when

    |w − w_ref| ≤ 1e-10 |w_ref| + 1e-13 (w1² + w2²)(t) + 1e-310,

i.e. 1e-10 relative, or an absolute bound scaled by the weights' squared norm
where ``w`` passes through zero (``w = (P − Q)/4`` is a difference there),
or float64's subnormal floor.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symdae.kernels import dae_trajectory
from tests.kernels.reference import exact_w, ode_w
from tests.strategies import epss, lams, taus, times, weight_pairs

REL, ABS = 1e-10, 1e-13
SUBNORMAL = 1e-310  # below this, float64 itself has fewer than 13 significant digits


def assert_close(w: float, ref: mpmath.mpf, norm: mpmath.mpf, context: object) -> None:
    error = abs(mpmath.mpf(w) - ref)
    assert error <= REL * abs(ref) + ABS * norm + SUBNORMAL, (context, w, ref, float(error))


@given(t=times, lam=lams, eps=epss, tau=taus, pair=weight_pairs())
@settings(max_examples=300)
def test_matches_60_digit_reference_everywhere(t: float, lam: float, eps: float, tau: float,
                                               pair: tuple[float, float]) -> None:
    w1, w2 = pair
    w = float(dae_trajectory(t, lam, eps, tau, w1, w2))
    ref, norm = exact_w(t, lam, eps, tau, w1, w2)
    assert np.isfinite(w)
    assert_close(w, ref, norm, (t, lam, eps, tau, w1, w2))


@given(
    s=st.floats(0.0, 6.0), lam=st.floats(0.05, 5.0), eps=st.floats(0.0, 5.0), tau=st.floats(0.1, 10.0),
    w1=st.floats(-1.5, 1.5).filter(lambda v: abs(v) > 1e-3), w2=st.floats(-1.5, 1.5),
)
@settings(max_examples=8, deadline=None)
def test_matches_mpmath_integration_of_the_ode(s: float, lam: float, eps: float, tau: float,
                                               w1: float, w2: float) -> None:
    t = s * tau / lam  # at most 6 units of λt/τ: mpmath.odefun stays quick
    w = float(dae_trajectory(t, lam, eps, tau, w1, w2))
    ref = ode_w(t, lam, eps, tau, w1, w2)
    norm = mpmath.sqrt((w2**2 - w1**2) ** 2 + 4 * ref**2)
    assert_close(w, ref, norm, (t, lam, eps, tau, w1, w2))


@pytest.mark.slow
@pytest.mark.parametrize("w1, w2", [(1e-150, 3e-150), (-2e-150, 1e-150), (1e-8, 1e-8 * (1 + 1e-9))])
def test_tiny_weights_against_ode_integration(w1: float, w2: float) -> None:
    lam, eps, tau = 1.0, 0.5, 1.0
    for t in (100.0, 170.0, 175.0, 180.0, 200.0):
        ref = ode_w(t, lam, eps, tau, w1, w2, dps=40)
        w = float(dae_trajectory(t, lam, eps, tau, w1, w2))
        norm = mpmath.sqrt((w2**2 - w1**2) ** 2 + 4 * ref**2)
        assert_close(w, ref, norm, t)


def test_no_nonfinite_results_on_a_large_random_sample() -> None:
    rng = np.random.default_rng(0)
    n = 400_000

    def maybe_zero(x: np.ndarray) -> np.ndarray:
        return np.where(rng.random(n) < 0.05, 0.0, x)

    lam = maybe_zero(10 ** rng.uniform(-6, 6, n))
    eps = maybe_zero(10 ** rng.uniform(-6, 6, n))
    tau = 10 ** rng.uniform(-3, 8, n)
    t = maybe_zero(10 ** rng.uniform(-6, 12, n))
    def signed_weights() -> np.ndarray:
        return rng.choice([-1, 1], n) * 10 ** rng.uniform(-150, 1, n)

    w1 = signed_weights()
    w2 = np.where(rng.random(n) < 0.2, w1 * rng.choice([-1, 1], n), signed_weights())
    w = dae_trajectory(t, lam, eps, tau, w1, w2)
    assert np.isfinite(w).all()


@given(lam=lams, eps=epss, tau=taus, pair=weight_pairs())
def test_starts_at_the_initial_mapping(lam: float, eps: float, tau: float, pair: tuple[float, float]) -> None:
    w1, w2 = pair
    w = float(dae_trajectory(0.0, lam, eps, tau, w1, w2))
    assert abs(w - w1 * w2) <= 1e-14 * abs(w1 * w2) + 1e-15 * (w1**2 + w2**2) + SUBNORMAL


@given(t=times, lam=lams, eps=epss, tau=taus, pair=weight_pairs())
def test_symmetric_in_the_two_weights_and_under_joint_sign_flip(
    t: float, lam: float, eps: float, tau: float, pair: tuple[float, float]
) -> None:
    w1, w2 = pair
    w = dae_trajectory(t, lam, eps, tau, w1, w2)
    assert dae_trajectory(t, lam, eps, tau, w2, w1) == w
    assert dae_trajectory(t, lam, eps, tau, -w1, -w2) == w


@given(lam=st.floats(1e-3, 1e3), eps=st.floats(0.0, 1e3), pair=weight_pairs())
def test_monotone_approach_to_the_fixed_point(lam: float, eps: float, pair: tuple[float, float]) -> None:
    """τẇ = (λ − (λ+ε)w)(w1² + w2²): w moves monotonically towards λ/(λ+ε) and never crosses it."""
    w1, w2 = pair
    tau = 1.0
    t = np.concatenate([[0.0], np.geomspace(1e-4, 2e3, 400)]) / lam
    w = dae_trajectory(t, lam, eps, tau, w1, w2)
    fixed = lam / (lam + eps)
    direction = np.sign(fixed - w1 * w2)
    norm = np.sqrt((w2**2 - w1**2) ** 2 + 4 * w**2)  # (w1² + w2²)(t): c0 is conserved
    slack = REL * np.abs(w) + ABS * norm + SUBNORMAL
    assert (np.diff(w) * direction >= -(slack[1:] + slack[:-1])).all()
    assert ((fixed - w) * direction >= -slack).all()


def test_reaches_the_fixed_point_without_overflow_at_huge_times() -> None:
    lam = np.logspace(-3, 3, 7)
    w = dae_trajectory(1e12, lam, 0.5, 1e-3, 1e-3, 2e-3)
    np.testing.assert_allclose(w, lam / (lam + 0.5), rtol=1e-14)


def test_broadcasting_layouts_agree_with_elementwise_calls() -> None:
    t = np.linspace(0.0, 50.0, 7)
    lam = np.array([0.0, 0.3, 2.0])[:, None]
    w1 = np.array([1e-3, -0.2, 0.5])[:, None]
    rows = dae_trajectory(t, lam, 0.1, 5.0, w1, 0.01)
    full = dae_trajectory(np.broadcast_to(t, (3, 7)) + 0.0 * lam, lam, 0.1, 5.0, w1, 0.01)
    per_element = np.array([[dae_trajectory(tt, ll, 0.1, 5.0, ww, 0.01) for tt in t]
                            for ll, ww in zip(lam[:, 0], w1[:, 0], strict=True)])
    transposed = dae_trajectory(t[:, None], lam.T, 0.1, 5.0, w1.T, 0.01)
    assert rows.shape == (3, 7)
    np.testing.assert_array_equal(rows, per_element)
    np.testing.assert_array_equal(full, per_element)
    np.testing.assert_array_equal(transposed.T, per_element)
    assert isinstance(dae_trajectory(1.0, 1.0, 0.0, 1.0, 0.1, 0.1), np.floating)
    assert dae_trajectory(np.empty((0, 3)), 1.0, 0.0, 1.0, 0.1, 0.1).shape == (0, 3)


def test_out_argument_is_filled_and_checked() -> None:
    out = np.empty((2, 3))
    result = dae_trajectory(np.arange(3.0), np.array([[1.0], [2.0]]), 0.0, 1.0, 0.1, 0.2, out=out)
    assert result is out
    with pytest.raises(ValueError, match="out must have the broadcast shape"):
        dae_trajectory(np.arange(3.0), 1.0, 0.0, 1.0, 0.1, 0.2, out=np.empty(4))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"t": -1.0}, "t must be >= 0"),
        ({"lam": -0.5}, "lam must be >= 0"),
        ({"eps": -1e-9}, "eps must be >= 0"),
        ({"tau": 0.0}, "tau must be > 0"),
        ({"w1_0": np.nan}, "w1_0 must be finite"),
        ({"w2_0": np.inf}, "w2_0 must be finite"),
        ({"t": [1.0, np.nan]}, r"t must be finite .* at index \(1,\)"),
        ({"lam": "abc"}, "lam must be real numbers"),
        ({"lam": 1j}, "lam must be real numbers"),
        ({"t": np.ones(3), "lam": np.ones(4)}, "do not broadcast"),
    ],
)
def test_invalid_input_raises_value_error_naming_the_argument(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"t": 1.0, "lam": 1.0, "eps": 0.5, "tau": 2.0, "w1_0": 0.1, "w2_0": 0.2}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        dae_trajectory(**args)  # type: ignore[arg-type]


def test_generated_kernel_equals_mpmath_evaluation_of_its_sympy_expression() -> None:
    """The compiled code computes exactly the SymPy expression it was generated from."""
    from symdae.derivations import stable_forms as sf
    from symdae.symbols import eps, t, tau, w1, w2

    expr = sf.KERNEL_OUTPUT
    for name, value in reversed((*sf.KERNEL_ROW, *sf.KERNEL_ELEMENT)):
        expr = expr.subs(name, value)
    reference = sp.lambdify((t, sf.lam_k, eps, tau, w1, w2), expr, modules="mpmath")
    rng = np.random.default_rng(1)
    cases = [(3.0, 0.0, 0.5, 2.0, 0.2, 0.2), (3.0, 0.0, 0.0, 2.0, 0.2, -0.1), (0.0, 1.0, 1.0, 1.0, 0.1, 0.3),
             (5.0, 2.0, 0.0, 1.0, 0.3, -0.3), (1e6, 1.0, 0.0, 1.0, 1e-3, 2e-3)]
    cases += [tuple(float(v) for v in row) for row in np.column_stack([
        10 ** rng.uniform(-2, 3, 40), 10 ** rng.uniform(-3, 3, 40), 10 ** rng.uniform(-3, 3, 40),
        10 ** rng.uniform(-2, 3, 40), rng.uniform(-2, 2, 40), rng.uniform(-2, 2, 40)])]
    for case in cases:
        with mpmath.workdps(40):
            ref = reference(*(mpmath.mpf(v) for v in case))
        w = float(dae_trajectory(*case))
        assert w == pytest.approx(float(ref), rel=1e-12, abs=1e-15 * (case[4] ** 2 + case[5] ** 2)), case
