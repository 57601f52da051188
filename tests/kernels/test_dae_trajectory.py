"""``dae_trajectory``: accuracy, stability and properties over the whole finite float64 domain.

The accuracy contract (the one the docstring states), against a 60-digit
evaluation of the printed Eq. (5) (``tests.kernels.reference``):

    |w − w_ref| ≤ 1e-13 |w_ref|  (+ 1e-14 |t dw/dt| for starts with w1_0 w2_0 < 0, which cross zero),

with results below float64's normal range within ``1e-13 × 2.2e-308``.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from symdae.kernels import NotRealError, dae_trajectory
from symdae.strategies import modes, signed, times, weight_pairs
from tests.kernels.reference import exact_w, ode_w
from tests.strategies import any_modes

REL = 1e-13
CROSSING = 1e-14
NORMAL = 2.2250738585072014e-308


def contract(w: float, t: float, lam: float, eps: float, tau: float, w1: float, w2: float) -> None:
    """``w`` meets the contract against the reference at ``(t, λ, ε, τ, w1, w2)``."""
    ref, norm = exact_w(t, lam, eps, tau, w1, w2)
    with mpmath.workdps(60):
        bound = REL * max(abs(ref), mpmath.mpf(NORMAL))
        if w1 * w2 < 0:  # the crossing: |t dw/dt| = t |λ − k w| (w1² + w2²)/τ, and w1² + w2² = (P + Q)/2 = norm
            bound += CROSSING * mpmath.mpf(t) * abs(lam - (mpmath.mpf(lam) + eps) * ref) * norm / tau
        error = abs(mpmath.mpf(w) - ref)
    assert error <= bound, ((t, lam, eps, tau, w1, w2), w, float(ref), float(error / bound))


@given(t=times(), mode=modes(), pair=weight_pairs())
@settings(max_examples=200)
def test_meets_the_contract_on_the_working_domain(t: float, mode: dict[str, float],
                                                  pair: tuple[float, float]) -> None:
    lam, eps, tau = mode["lam"], mode["eps"], mode["tau"]
    w1, w2 = pair
    w = float(dae_trajectory(t, **mode, w1_0=w1, w2_0=w2))
    contract(w, t, lam, eps, tau, w1, w2)


@given(mode=any_modes())
@example(mode=(1e6, 1.0, 0.5, 10.0, 1e-170, 2e-170))  # issue #12: was 0.0
@example(mode=(10.0, 1.0, 0.5, 10.0, 1e10, 0.02))  # was −8192
@example(mode=(10.0, 1.0, 0.5, 10.0, 1e155, 1e-155))  # was NaN
@example(mode=(0.0, 1.0, 0.0, 1.0, 1.0, 1e-12))  # was off by 3.3e-5 (w formed as a difference)
@example(mode=(1e9, 1e-2, 1e6, 1.0, 3.0, 0.1))  # the fixed point 1e-8 from an unbalanced start
@example(mode=(0.0, 2.0882719552167556e285, 1.8e-29, 2.4e-161, -1.8e-263, 8.4e-67))  # t = 0, x would be inf·0
@example(mode=(0.797, 0.0, 2255.3, 59.5, 0.0023, 4.797))  # λ = 0: pure decay at x ≈ 700
@settings(max_examples=300)
def test_meets_the_contract_over_the_whole_float64_domain(mode: tuple[float, ...]) -> None:
    t, lam, eps, tau, w1, w2 = mode
    with mpmath.workdps(30):
        unrepresentable = abs(mpmath.mpf(w1) * w2) > mpmath.mpf("1.7e308")
    try:
        w = float(dae_trajectory(t, lam=lam, eps=eps, tau=tau, w1_0=w1, w2_0=w2))
    except ValueError as err:  # only where the answer itself exceeds float64 (near t = 0, w1 w2 overflows)
        assert "exceeds float64's range" in str(err)
        assert unrepresentable, mode
        assert abs(exact_w(t, lam, eps, tau, w1, w2)[0]) > mpmath.mpf("1.7976931348623157e308"), mode
        return
    assert math.isfinite(w)
    contract(w, t, lam, eps, tau, w1, w2)


@given(
    s=st.floats(0.0, 6.0), lam=st.floats(0.05, 5.0), eps=st.floats(0.0, 5.0), tau=st.floats(0.1, 10.0),
    w1=signed(st.floats(1e-3, 1.5, exclude_min=True)), w2=st.floats(-1.5, 1.5),
)
@settings(max_examples=8, deadline=None)
def test_matches_mpmath_integration_of_the_ode(s: float, lam: float, eps: float, tau: float,
                                               w1: float, w2: float) -> None:
    t = s * tau / lam  # at most 6 units of λt/τ: mpmath.odefun stays quick
    w = float(dae_trajectory(t, lam=lam, eps=eps, tau=tau, w1_0=w1, w2_0=w2))
    ref = ode_w(t, lam, eps, tau, w1, w2)  # an ODE integration, independent of Eq. (5)
    assert abs(w - ref) <= 1e-13 * abs(ref) + 1e-14 * (w1 * w1 + w2 * w2), (t, lam, eps, tau, w1, w2)


@pytest.mark.slow
@pytest.mark.parametrize("w1, w2", [(1e-150, 3e-150), (-2e-150, 1e-150), (1e-8, 1e-8 * (1 + 1e-9))])
def test_tiny_weights_against_ode_integration(w1: float, w2: float) -> None:
    lam, eps, tau = 1.0, 0.5, 1.0
    for t in (100.0, 170.0, 175.0, 180.0, 200.0):
        ref = ode_w(t, lam, eps, tau, w1, w2, dps=40)
        w = float(dae_trajectory(t, lam=lam, eps=eps, tau=tau, w1_0=w1, w2_0=w2))
        assert abs(w - ref) <= 1e-12 * abs(ref) + 1e-310, t


def test_answers_every_input_of_the_representable_box() -> None:
    """|w1_0|, |w2_0| ∈ {0} ∪ [1e-300, 1e150], λ, ε, τ, t ∈ {0} ∪ [1e-300, 1e300]: always a finite answer."""
    rng = np.random.default_rng(0)
    n = 200_000

    def maybe_zero(x: np.ndarray) -> np.ndarray:
        return np.where(rng.random(n) < 0.05, 0.0, x)

    def signed_weights() -> np.ndarray:
        return maybe_zero(rng.choice([-1, 1], n) * 10 ** rng.uniform(-300, 150, n))

    lam, eps, t = (maybe_zero(10 ** rng.uniform(-300, 300, n)) for _ in range(3))
    tau = 10 ** rng.uniform(-300, 300, n)
    w1 = signed_weights()
    w2 = np.where(rng.random(n) < 0.2, w1 * rng.choice([-1, 1], n) * (1 + 1e-9 * rng.random(n)), signed_weights())
    w = dae_trajectory(t, lam=lam, eps=eps, tau=tau, w1_0=w1, w2_0=w2)
    assert np.isfinite(w).all()


@given(mode=modes(), pair=weight_pairs())
def test_starts_at_the_initial_mapping(mode: dict[str, float], pair: tuple[float, float]) -> None:
    w1, w2 = pair
    w = float(dae_trajectory(0.0, **mode, w1_0=w1, w2_0=w2))
    assert abs(w - w1 * w2) <= 1e-14 * abs(w1 * w2) + 1e-300 * NORMAL  # relative, even for tiny products


@given(t=times(), mode=modes(), pair=weight_pairs())
def test_symmetric_in_the_two_weights_and_under_joint_sign_flip(
    t: float, mode: dict[str, float], pair: tuple[float, float]
) -> None:
    w1, w2 = pair
    w = dae_trajectory(t, **mode, w1_0=w1, w2_0=w2)
    assert dae_trajectory(t, **mode, w1_0=w2, w2_0=w1) == w
    assert dae_trajectory(t, **mode, w1_0=-w1, w2_0=-w2) == w


@given(lam=st.floats(1e-3, 1e3), eps=st.floats(0.0, 1e3), pair=weight_pairs())
def test_monotone_approach_to_the_fixed_point(lam: float, eps: float, pair: tuple[float, float]) -> None:
    """τẇ = (λ − (λ+ε)w)(w1² + w2²): w moves monotonically towards λ/(λ+ε) and never crosses it."""
    w1, w2 = pair
    tau = 1.0
    t = np.concatenate([[0.0], np.geomspace(1e-4, 2e3, 400)]) / lam
    w = dae_trajectory(t, lam=lam, eps=eps, tau=tau, w1_0=w1, w2_0=w2)
    fixed = lam / (lam + eps)
    direction = np.sign(fixed - w1 * w2)
    norm = np.sqrt((w2**2 - w1**2) ** 2 + 4 * w**2)  # (w1² + w2²)(t): c0 is conserved
    slack = REL * np.abs(w) + 1e-16 * norm * (w1 * w2 < 0) + NORMAL
    assert (np.diff(w) * direction >= -(slack[1:] + slack[:-1])).all()
    assert ((fixed - w) * direction >= -slack).all()


def test_reaches_the_fixed_point_without_overflow_at_huge_times() -> None:
    lam = np.logspace(-3, 3, 7)
    w = dae_trajectory(1e12, lam=lam, eps=0.5, tau=1e-3, w1_0=1e-3, w2_0=2e-3)
    np.testing.assert_allclose(w, lam / (lam + 0.5), rtol=1e-14)


def test_broadcasting_layouts_agree_with_elementwise_calls() -> None:
    t = np.linspace(0.0, 50.0, 7)
    lam = np.array([0.0, 0.3, 2.0])[:, None]
    w1 = np.array([1e-3, -0.2, 0.5])[:, None]
    rows = dae_trajectory(t, lam=lam, eps=0.1, tau=5.0, w1_0=w1, w2_0=0.01)
    full = dae_trajectory(np.broadcast_to(t, (3, 7)) + 0.0 * lam, lam=lam, eps=0.1, tau=5.0, w1_0=w1, w2_0=0.01)
    per_element = np.array([[dae_trajectory(tt, lam=ll, eps=0.1, tau=5.0, w1_0=ww, w2_0=0.01) for tt in t]
                            for ll, ww in zip(lam[:, 0], w1[:, 0], strict=True)])
    transposed = dae_trajectory(t[:, None], lam=lam.T, eps=0.1, tau=5.0, w1_0=w1.T, w2_0=0.01)
    assert rows.shape == (3, 7)
    np.testing.assert_array_equal(rows, per_element)
    np.testing.assert_array_equal(full, per_element)
    np.testing.assert_array_equal(transposed.T, per_element)
    assert isinstance(dae_trajectory(1.0, lam=1.0, eps=0.0, tau=1.0, w1_0=0.1, w2_0=0.1), np.floating)
    assert dae_trajectory(np.empty((0, 3)), lam=1.0, eps=0.0, tau=1.0, w1_0=0.1, w2_0=0.1).shape == (0, 3)


def test_out_argument_is_filled_and_checked() -> None:
    out = np.empty((2, 3))
    result = dae_trajectory(np.arange(3.0), lam=np.array([[1.0], [2.0]]), eps=0.0, tau=1.0, w1_0=0.1, w2_0=0.2, out=out)
    assert result is out
    with pytest.raises(ValueError, match="out must have the broadcast shape"):
        dae_trajectory(np.arange(3.0), lam=1.0, eps=0.0, tau=1.0, w1_0=0.1, w2_0=0.2, out=np.empty(4))


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
        ({"t": True}, "t must be real numbers .* got booleans"),
        ({"tau": np.array([1, 2], dtype="timedelta64[s]")}, "tau must be real numbers .* got timedeltas"),
        ({"t": np.array(["2020-01-01"], dtype="datetime64[D]")}, "t must be real numbers .* got datetimes"),
        ({"w1_0": np.array([0.1, None])}, "w1_0 must be real numbers .* got Python objects"),
        ({"t": 10**400}, r"t must be within float64's range .* 401 digits"),
        ({"lam": [1.0, -(10**309)]}, "lam must be within float64's range"),
        ({"t": np.ones(3), "lam": np.ones(4)}, "do not broadcast"),
    ],
)
def test_invalid_input_raises_value_error_naming_the_argument(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"t": 1.0, "lam": 1.0, "eps": 0.5, "tau": 2.0, "w1_0": 0.1, "w2_0": 0.2}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        dae_trajectory(**args)  # type: ignore[arg-type]


def test_types_that_are_not_real_numbers_raise_type_error() -> None:
    for bad in (True, 1j, np.array(["x"]), np.array([1], dtype="timedelta64[s]")):
        with pytest.raises(TypeError, match="must be real numbers"):
            dae_trajectory(1.0, lam=bad, eps=0.5, tau=2.0, w1_0=0.1, w2_0=0.2)
    assert issubclass(NotRealError, TypeError) and issubclass(NotRealError, ValueError)
    mode = {"lam": 1.0, "eps": 0.5, "tau": 2.0, "w1_0": 0.1, "w2_0": 0.2}
    assert dae_trajectory(10**20, **mode) == dae_trajectory(1e20, **mode)


def test_out_that_overlaps_an_input_is_refused() -> None:
    t = np.arange(6.0)
    with pytest.raises(ValueError, match="out must not share memory with t"):
        dae_trajectory(t, lam=1.0, eps=0.5, tau=2.0, w1_0=0.1, w2_0=0.2, out=t)
    lam = np.ones((2, 3))
    with pytest.raises(ValueError, match="out must not share memory with lam"):
        dae_trajectory(np.arange(3.0), lam=lam, eps=0.5, tau=2.0, w1_0=0.1, w2_0=0.2, out=lam)


def test_unrepresentable_answers_raise_value_error_naming_the_mode() -> None:
    with pytest.raises(ValueError, match=r"w\(t\) at t=0.0 for lam=1.0, .*w1_0=1e\+200.*exceeds float64's range"):
        dae_trajectory(np.array([0.0, 1.0]), lam=1.0, eps=0.5, tau=10.0, w1_0=1e200, w2_0=1e200)
    w = dae_trajectory(1.0, lam=1.0, eps=0.5, tau=10.0, w1_0=1e200, w2_0=1e200)
    assert w == pytest.approx(3.677770377417996, rel=1e-13)


def test_settled_and_underflowing_regions_are_exact() -> None:
    """Past x = 700 the e^{−x} terms are dropped (no subnormal arithmetic); the value is the fixed point."""
    lam = np.logspace(-3, 3, 50)[:, None]
    t = np.array([1e9, 1e12, 1e300, 1.7e308])  # x = Rt/τ >= 2e4: settled
    w = dae_trajectory(t, lam=lam, eps=0.5, tau=100.0, w1_0=1e-3, w2_0=2e-3)
    np.testing.assert_allclose(w, np.broadcast_to(lam / (lam + 0.5), w.shape), rtol=1e-15)


def test_long_calls_are_chunked_and_agree_with_one_call() -> None:
    from symdae.kernels import _arguments

    t = np.linspace(0.0, 100.0, 3001)
    lam = np.linspace(0.1, 3.0, 7)[:, None]
    whole = dae_trajectory(t, lam=lam, eps=0.5, tau=10.0, w1_0=1e-3, w2_0=2e-3)
    chunk, _arguments.CHUNK = _arguments.CHUNK, 1000
    try:
        chunked = dae_trajectory(t, lam=lam, eps=0.5, tau=10.0, w1_0=1e-3, w2_0=2e-3)
        flat = dae_trajectory(t[:2000], lam=np.linspace(0.1, 3.0, 2000), eps=0.5, tau=10.0, w1_0=1e-3, w2_0=2e-3)
    finally:
        _arguments.CHUNK = chunk
    np.testing.assert_array_equal(chunked, whole)
    np.testing.assert_array_equal(flat, dae_trajectory(t[:2000], lam=np.linspace(0.1, 3.0, 2000), eps=0.5, tau=10.0,
                                                       w1_0=1e-3, w2_0=2e-3))


@pytest.mark.slow  # a 20 s call by design; the ODE and GD kernels' Ctrl-C tests stay in the default run
def test_ctrl_c_stops_a_long_call_within_a_second() -> None:
    """A call of ~20 s (extended-range modes) returns to Python between chunks: SIGINT ends it at once."""
    from tests.kernels.interrupt import interrupt_call

    # compiled and cached for the child
    dae_trajectory(np.arange(3.0), lam=1.0, eps=0.5, tau=10.0, w1_0=1e-300, w2_0=2e-300)
    reported, elapsed = interrupt_call(
        "import numpy as np\nfrom symdae.kernels import dae_trajectory\n"
        "dae_trajectory(np.arange(3.0), lam=1.0, eps=0.5, tau=10.0, w1_0=1e-300, w2_0=2e-300)",
        "dae_trajectory(np.linspace(0.0, 1e4, 20_000_000), lam=1.0, eps=0.5, tau=10.0, w1_0=1e-300, w2_0=2e-300)")
    assert reported == "interrupted"
    assert elapsed < 1.5
