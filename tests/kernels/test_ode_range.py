"""``mode_trajectory`` and ``gd_iterates`` over the whole finite float64 range (issue #12).

Every argument is drawn log-uniformly over its whole range: weights of either sign in
[5e-324, 1.8e308], λ, ε in {0} ∪ [1e-300, 1e300], κ in [1e-300, 1e300] (κ = 0 is
``dae_trajectory``, tested elsewhere), τ in [1e-300, 1e300], t in {0} ∪ [1e-300, 1e300]; the
weight pairs include balanced, nearly balanced and very unbalanced ones (|w1 w2| ≪ w1² + w2²).
Each result is either finite and within the contract of ``tests/kernels/test_ode.py`` against
the 50-digit reference, or a ``ValueError`` exactly where the answer is beyond float64's range.

The reference integrates through every time scale of a mode; a few draws need thousands of its
steps (seconds each). The default test skips draws beyond ``REFERENCE_STEPS`` (Hypothesis
reports how many); the ``slow`` test does not.
"""

from __future__ import annotations

import math
import sys

import mpmath
import pytest
from hypothesis import assume, currently_in_test_context, event, example, given, settings
from hypothesis import strategies as st

from symdae import strategies as public
from symdae.kernels._ode import GD_RELATIVE, gd_iterates, mode_trajectory
from symdae.strategies import log_uniform
from tests.kernels import mode_call, reference_ode
from tests.kernels.reference_ode import gd_reference, mode_reference
from tests.kernels.test_ode import assert_gd_close, assert_mode_close

LARGEST = sys.float_info.max
REFERENCE_STEPS = 150


rates = public.rates(low=1e-300, high=1e300)
kappas = log_uniform(1e-300, 1e300)
taus = public.taus(low=1e-300, high=1e300)
times = public.times(low=1e-300, high=1e300)
# independent (unbalanced), balanced (w1 = ±w2) and nearly balanced pairs, constructed (none rejected)
weight_pairs = public.weight_pairs(["unbalanced", "balanced", "anti-balanced", "nearly balanced"],
                                   low=5e-324, high=LARGEST, zero=False)


def check_mode(args: tuple[float, ...], reference_steps: int | None) -> None:
    """Finite and within the contract, or a ValueError exactly where |w(t)| is beyond float64."""
    saved = reference_ode.MAX_STEPS
    try:
        if reference_steps is not None:
            reference_ode.MAX_STEPS = reference_steps
        try:
            ref, steps = mode_reference(*args)
        except reference_ode.ReferenceTooLong:
            event("reference too long: skipped")
            assume(False)
            raise
    finally:
        reference_ode.MAX_STEPS = saved
    if currently_in_test_context():
        event(f"reference steps: {'<10' if steps < 10 else '<100' if steps < 100 else '>=100'}")
    try:
        w = float(mode_call(mode_trajectory, args))
    except ValueError as err:
        assert abs(ref) >= LARGEST * (1 - 1e-11), (args, str(err), mpmath.nstr(ref, 17))
        assert "beyond float64's range" in str(err)
        return
    assert math.isfinite(w), (args, w)
    assert abs(ref) <= LARGEST * (1 + 1e-11), (args, w, mpmath.nstr(ref, 17))
    assert_mode_close(w, args, ref)


CORNERS = [
    (1e6, 1.0, 0.5, 0.1, 10.0, 1e-170, 1e-170),  # the balanced closed form squared into underflow
    (577.9, 0.0300, 176.5, 8.85e-4, 1.152, -1.40e-4, -0.907),  # ε/λ large, κ/λ small, very unbalanced
    (1e-3, 1.0, 0.5, 0.1, 10.0, 1e300, 1e-300),
    (1.0, 1.0, 0.5, 0.1, 10.0, 5e-324, -5e-324),
    (1e300, 1e-300, 1e300, 1e-300, 1e-300, LARGEST, -LARGEST),
    (0.0, 1.0, 0.5, 0.1, 10.0, 1e200, 1e200),  # w1_0 w2_0 overflows: a ValueError
    (1e-10, 1.0, 0.5, 0.1, 10.0, 1e200, 1e200),  # ... but a moment later it has relaxed
    (1e300, LARGEST, LARGEST, LARGEST, 1e-300, 1.0, 2.0),  # λ + ε and κ t/τ overflow
    (1e10, 1.0, 0.0, 1.0 - 2.0**-52, 1.0, 0.1, 0.3),  # λ − κ = 2.2e-16 λ: the fixed point is that small
    (3.08188509278116e31, 1.777337888056815e65, 4.816571359510592e68, 1.777337888056815e65, 7.411897780073563e92,
     9.722738138642832e-203, 9.712558133530437e-203),  # λ = κ, w0 = 1e-405: the reference starts at 1/P = 1e405
]


@given(t=times, lam=rates, eps=rates, kappa=kappas, tau=taus, pair=weight_pairs)
@settings(max_examples=12, deadline=None)
def test_mode_trajectory_over_the_whole_range(t: float, lam: float, eps: float, kappa: float, tau: float,
                                              pair: tuple[float, float]) -> None:
    check_mode((t, lam, eps, kappa, tau, *pair), REFERENCE_STEPS)


@pytest.mark.parametrize("args", CORNERS)
def test_mode_trajectory_corners(args: tuple[float, ...]) -> None:
    check_mode(args, None)


@pytest.mark.slow
@given(t=times, lam=rates, eps=rates, kappa=kappas, tau=taus, pair=weight_pairs)
@settings(max_examples=200, deadline=None)
def test_mode_trajectory_over_the_whole_range_thoroughly(t: float, lam: float, eps: float, kappa: float,
                                                         tau: float, pair: tuple[float, float]) -> None:
    check_mode((t, lam, eps, kappa, tau, *pair), None)


def curvature_bound(lam: float, eps: float, kappa: float, w1: float, w2: float) -> mpmath.mpf:
    """An upper bound of the loss's largest curvature along a non-diverging run from (w1, w2):
    3k·max(w1² + w2², 2λ/k) + λ + κ (the weights stay within max(|w|, λ/k)-ish bounds)."""
    k = mpmath.mpf(lam) + mpmath.mpf(eps)
    norm = mpmath.mpf(w1) ** 2 + mpmath.mpf(w2) ** 2
    reach = max(norm, 2 * mpmath.mpf(lam) / k) if k else norm
    return 3 * k * reach + mpmath.mpf(lam) + mpmath.mpf(kappa)


def amplifies(args: tuple[float, ...], scale: mpmath.mpf) -> bool:
    """Whether the exact iteration turns a relative change of 1e-30 in any input into more than the contract's
    1e-14 of ``scale``: there ``gd_iterates`` states no accuracy (its docstring). E.g. τ = κ, λ = 0 sets both
    weights to about ε w2²·w1 in one step, a cancellation of 1 − κ/τ that no finite precision resolves."""
    base = gd_reference(*args)
    for i in range(1, len(args)):
        if args[i] == 0:
            continue
        with mpmath.workdps(60):
            nudged = list(args)
            nudged[i] = mpmath.mpf(args[i]) * (1 + mpmath.mpf(10) ** -30)
            moved = gd_reference(*nudged)  # type: ignore[arg-type]
            if moved[2] is not None or max(abs(moved[0] - base[0]), abs(moved[1] - base[1])) > \
                    GD_RELATIVE * scale:
                return True
    return False


@given(steps=st.integers(0, 40), lam=rates, eps=rates, kappa=rates, pair=weight_pairs,
       factor=log_uniform(1.0, 1e6), stable=st.booleans(), any_tau=taus)
@example(steps=30, lam=1.0, eps=0.5, kappa=0.1, pair=(1e-300, 1e300), factor=1.0, stable=False, any_tau=1e-3)
@example(steps=40, lam=0.0, eps=3.0, kappa=0.0, pair=(1.0, 1e-300), factor=1.0, stable=False, any_tau=1.0)
@example(steps=1, lam=0.0, eps=3.3e-37, kappa=1.0, pair=(1.0, 0.36787944117144233), factor=1.0, stable=True,
         any_tau=1.0)  # τ = κ: one step cancels the weights to ~1e-37 (amplification 1e7; outside the contract)
@settings(max_examples=40, deadline=None)
def test_gd_iterates_over_the_whole_range(steps: int, lam: float, eps: float, kappa: float, pair: tuple[float, float],
                                          factor: float, stable: bool, any_tau: float) -> None:
    """Stable learning rates (τ ≥ the curvature bound): within the contract. Any τ: finite, or the
    ValueError naming the step at which the exact iterates leave float64's range."""
    bound = curvature_bound(lam, eps, kappa, *pair) * factor
    stable = stable and 1e-300 <= bound <= LARGEST
    tau = float(bound) if stable else any_tau
    args = (steps, lam, eps, kappa, tau, *pair)
    a, b, over = gd_reference(*args)
    if over is not None:
        with pytest.raises(ValueError, match=rf"at step {over} .*diverges"):
            mode_call(gd_iterates, args)
        return
    got = mode_call(gd_iterates, args)
    assert all(math.isfinite(v) for v in got), (args, got)
    if stable and not amplifies(args, max(abs(a), abs(b))):
        assert_gd_close(got, (a, b), args)
