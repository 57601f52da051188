"""Fast, exact evaluation of the learning dynamics (public API).

Every function broadcasts over NumPy arrays in all its arguments, returns
float64, runs in parallel over elements, and is right for every finite
input: it returns the float64 answer within its stated accuracy, or raises
``ValueError`` only where the answer itself cannot be represented (it would
exceed 1.8e308). Invalid input raises ``ValueError`` naming the argument and
the rule (negative ``lam``/``eps``/``kappa``/``t``/``steps``, non-positive
``tau``, NaN or infinite values, integers beyond float64's range, an ``out``
that shares memory with an input), and :class:`NotRealError` (a ``TypeError``
and a ``ValueError``) for values that are not real numbers (booleans, complex,
datetimes, strings, objects). Long calls return to Python between chunks of
about a million evaluations, so Ctrl-C stops them. The mathematics is
generated from verified SymPy expressions (:mod:`symdae.codegen`); each
kernel module records the claims that prove it.

One signature shape: the evaluation points come first and positional (``t``
for trajectories, ``steps`` for gradient descent, ``fraction`` for times);
then the mode, keyword-only, in mode units and always in the order
``lam, eps=0, kappa=0, tau, w1_0, w2_0`` (each kernel takes the ones that
apply to it: ``kappa`` only where weight decay is modelled, ``tau`` and the
initial weights only where there is a time axis); then ``out``, an optional
array to write the result into. Results are in mode units too;
:mod:`symdae.units` converts to and from training settings (``n_samples``,
``lr``, ``noise_var``, ``weight_decay``).

Conventions (paper and ``docs/conventions.md``): mode loss
``ℓ = λ/2 (1 − w1w2)² + ε/2 (w1w2)² + κ/2 (w1² + w2²)``, continuous time
``τ dw/dt = −∇ℓ`` with ``τ = N/α`` epochs, mapping ``w = w1 w2``.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from symdae.kernels._arguments import Argument, NotRealError, checked, evaluate, result
from symdae.kernels._deprecated import RENAMED, positional_mode
from symdae.kernels._ode import IntegrationError, gd_iterates, mode_trajectory

__all__ = [
    "IntegrationError",
    "NotRealError",
    "crossing_time",
    "dae_trajectory",
    "equivalent_kappa",
    "fixed_point",
    "gd_iterates",
    "mode_trajectory",
    "optimal_tau",
    "time_to_fraction",
]

MODE_ORDER = ("lam", "eps", "kappa", "tau", "w1_0", "w2_0")
"""The one order of the mode's keyword arguments; each kernel takes those that apply to it, in this order."""


def __getattr__(name: str) -> object:
    if name in RENAMED:  # symdae 0.1's kernels in training units, for one release
        return RENAMED[name]
    raise AttributeError(f"module 'symdae.kernels' has no attribute {name!r}")


def _load(name: str) -> ModuleType:
    from symdae.codegen import load_kernel

    return load_kernel(name)




@positional_mode("lam", "eps", "tau", "w1_0", "w2_0", "out")
def dae_trajectory(
    t: ArrayLike,
    *, lam: ArrayLike, eps: ArrayLike = 0.0, tau: ArrayLike, w1_0: ArrayLike, w2_0: ArrayLike,
    out: NDArray[np.float64] | None = None,
) -> NDArray[np.float64] | np.float64:
    """Mapping ``w(t) = w1(t) w2(t)`` of the noisy mode without weight decay (paper Eq. 5).

    Exact solution of ``τ ẇ1 = λ w2 (1 − w) − ε w1 w2²`` (and symmetrically
    for ``w2``) from ``(w1_0, w2_0)`` at ``t = 0``, for every finite input:
    weights of either sign from 5e-324 to 1.8e308, ``λ, ε >= 0``, ``τ > 0``
    and ``t >= 0`` anywhere in float64's range. It is evaluated as a ratio of
    sign-definite forms in normalised variables
    (:mod:`symdae.derivations.positive_forms`, proved equal to the printed
    Eq. 5), with extended-exponent arithmetic wherever a float64 intermediate
    would under- or overflow, so nothing cancels and only the result is rounded.

    Accuracy (the contract, checked against 60-digit evaluations of the printed
    Eq. 5): ``|w − w_ref| <= 1e-13 |w_ref|``. Two exceptions, both set by the
    answer itself: a start with ``w1_0 w2_0 < 0`` crosses zero, where no
    relative bound is possible, and there the error may also reach
    ``1e-14 |t dw/dt|`` (the change of ``w`` over a relative 1e-14 of ``t``);
    results below float64's normal range (``|w| < 2.2e-308``) are within
    ``1e-13 × 2.2e-308``. Raises ``ValueError`` only where ``|w(t)|`` exceeds
    float64's range (near ``t = 0`` from weights whose product overflows).

    Args:
        t: time in epochs, ``>= 0``.
        lam: eigenvalue λ of ``Σ = XᵀX`` (a sum over the data), ``>= 0``.
        eps: noise ε = N s², ``>= 0``.
        tau: τ = N/α, ``> 0``.
        w1_0, w2_0: initial weights of the mode, any finite values.
        out: optional float64 C-contiguous array of the broadcast shape to write into
            (it must not share memory with an input).

    Example:
        >>> import numpy as np
        >>> from symdae.kernels import dae_trajectory
        >>> w = dae_trajectory(1e6, lam=1.0, eps=1.0, tau=10.0, w1_0=0.01, w2_0=0.02)
        >>> round(float(w), 12)  # the fixed point λ/(λ + ε)
        0.5
    """
    points = [checked("t", t, "nonnegative")]
    modes = [checked("lam", lam, "nonnegative"), checked("eps", eps, "nonnegative"),
             checked("tau", tau, "positive"), checked("w1_0", w1_0), checked("w2_0", w2_0)]
    return result(evaluate(_load("dae_trajectory"), points, modes, out))


@positional_mode("lam", "eps", "tau", "w1_0", "w2_0", "out")
def time_to_fraction(
    fraction: ArrayLike,
    *, lam: ArrayLike, eps: ArrayLike = 0.0, tau: ArrayLike, w1_0: ArrayLike, w2_0: ArrayLike,
    out: NDArray[np.float64] | None = None,
) -> NDArray[np.float64] | np.float64:
    """Epochs until the mapping first reaches ``fraction`` of its fixed point (κ = 0).

    The first ``t ≥ 0`` with ``w(t) ≥ fraction · λ/(λ + ε)`` on the trajectory
    of :func:`dae_trajectory` -- the training-time prediction the paper's
    conclusion asks for. Closed form: ``P(t)`` is a Möbius map of
    ``e^{−Rt/τ}`` (claims ``stable.time_to_target``, ``stable.time_log1p``),
    evaluated in normalised variables without cancellation (``pf.time_ratio``,
    ``pf.time_gap``, ``pf.time_target``) for every finite input.
    Returns 0 when ``w1_0 w2_0`` is already there, and ``inf`` when the
    trajectory never gets there (``fraction >= 1``, ``λ = 0``, or a start on
    ``w1 = −w2``, which decays to the saddle) or gets there only after
    float64's largest time (IEEE overflow). ``fraction = 0`` gives the time
    a trajectory from ``w0 < 0`` crosses zero.

    Accuracy (checked against the printed Eq. 5 solved for the time at 60
    digits): relative error at most ``1e-13 + 1e-15 c``, where
    ``c = max(|w0|, w_f)/(w_f − w0)`` is the answer's sensitivity to the rounding
    of the target ``w_f = f λ/(λ + ε)`` and of ``w0 = w1_0 w2_0`` (``c <= 1``
    unless the start is just below the target).

    Args:
        fraction: ``>= 0``; values ``>= 1`` give ``inf`` unless the start is already there.
        lam, eps, tau, w1_0, w2_0, out: as for :func:`dae_trajectory`.

    Example:
        >>> from symdae.kernels import time_to_fraction
        >>> t = time_to_fraction(0.5, lam=1.0, tau=10.0, w1_0=0.01, w2_0=0.01)
        >>> round(float(t), 6)  # (τ/2λ) ln(1/w0 − 1): f = 1/2, ε = 0, w0 = 1e-4
        46.051202
    """
    modes = [checked("fraction", fraction, "nonnegative"), checked("lam", lam, "nonnegative"),
             checked("eps", eps, "nonnegative"), checked("tau", tau, "positive"),
             checked("w1_0", w1_0), checked("w2_0", w2_0)]
    return result(evaluate(_load("time_to_fraction"), [], modes, out))


@positional_mode("lam", "eps", "tau", "w1_0", "w2_0", "out")
def crossing_time(
    *, lam: ArrayLike, eps: ArrayLike = 0.0, tau: ArrayLike, w1_0: ArrayLike, w2_0: ArrayLike,
    out: NDArray[np.float64] | None = None,
) -> NDArray[np.float64] | np.float64:
    """Epochs until a trajectory from ``w1_0 w2_0 < 0`` first reaches ``w = 0`` (κ = 0).

    ``t× = τ/(ζλ) ln[(ζ+β)(ζ−β−2δ0)/((ζ−β)(ζ+β+2δ0))]`` of Eq. (5)
    (claim ``eq5.crossing_time``), evaluated as :func:`time_to_fraction` with
    fraction 0 (claim ``kernels.crossing_time`` proves the two equal), with its
    accuracy (here ``c = 1``). 0 when ``w1_0 w2_0 >= 0``; ``inf`` when the mode
    never crosses (``λ = 0``, or a start on ``w1 = −w2``).
    """
    return time_to_fraction(0.0, lam=lam, eps=eps, tau=tau, w1_0=w1_0, w2_0=w2_0, out=out)


_HUGE = 2.0**1016  # rates at or above this are scaled by a power of two before a sum could overflow


def _scaled(args: list[Argument], count: int, shift: int) -> tuple[list[Argument], NDArray[np.float64]]:
    """The first ``count`` arguments times ``2^-shift`` where any of them is ``>= 2^1016``, and that exponent.

    The closed forms below are homogeneous in the rates (claim ``kernels.homogeneous``), so scaling
    them by a power of two changes the result by a known power of two: exact, except that a rate
    more than 2^1000 below the largest loses digits no sum could keep anyway.
    """
    big = np.zeros(np.broadcast_shapes(*(a.values.shape for a in args[:count])), dtype=bool)
    for a in args[:count]:
        big = big | (a.values >= _HUGE)
    exponent = np.where(big, -shift, 0)
    if not big.any():
        return args, exponent
    return [Argument(a.name, np.ldexp(a.values, exponent)) if i < count else a
            for i, a in enumerate(args)], exponent


def _finite(name: str, values: NDArray[np.float64], rule: str) -> NDArray[np.float64]:
    bad = ~np.isfinite(values)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0]) if values.ndim else ()
        raise ValueError(f"{name}: {rule} exceeds float64's range (> 1.8e308) at index {index}, so it cannot "
                         "be represented")
    return values


@positional_mode("lam", "eps", "kappa", "out")
def fixed_point(*, lam: ArrayLike, eps: ArrayLike = 0.0, kappa: ArrayLike = 0.0,
                out: NDArray[np.float64] | None = None) -> NDArray[np.float64] | np.float64:
    """The mapping a mode converges to: ``(λ − κ)/(λ + ε)`` if ``λ > κ``, else 0 (§4, Supp. C, E).

    This is the attracting fixed point for every start off the line
    ``w1 = −w2`` (which decays to the saddle at the origin). Raises
    ``ValueError`` when ``lam = eps = kappa = 0`` (the loss is then constant
    and every point is fixed). Accuracy: within 2 ulp of the exact value for
    every finite input (``λ − κ`` is exact where it cancels).

    Example:
        >>> from symdae.kernels import fixed_point
        >>> float(fixed_point(lam=3.0, eps=1.0, kappa=1.0))  # (λ − κ)/(λ + ε)
        0.5
    """
    args = [checked("lam", lam, "nonnegative"), checked("eps", eps, "nonnegative"),
            checked("kappa", kappa, "nonnegative")]
    degenerate = (args[0].values == 0) & (args[1].values == 0) & (args[2].values == 0)
    if np.any(degenerate):
        raise ValueError("fixed_point is undefined where lam = eps = kappa = 0 (the loss is constant)")
    scaled, _ = _scaled(args, 3, 4)
    return result(evaluate(_load("fixed_point"), [], scaled, out))


@positional_mode("lam", "eps", "kappa", "out")
def optimal_tau(*, lam: ArrayLike, eps: ArrayLike = 0.0, kappa: ArrayLike = 0.0,
                out: NDArray[np.float64] | None = None) -> NDArray[np.float64] | np.float64:
    """Time constant ``τ* = 2λ + 3ε + κ`` matching the curvature at ``w1 = w2 = 1`` (Supp. D).

    One epoch of full-batch gradient descent moves a mode by ``−(1/τ)∇ℓ``;
    ``τ*`` makes that step ``1/λ_H`` for the largest Hessian eigenvalue
    ``λ_H = 2λ + 3ε + κ`` at ``w1 = w2 = 1``, the paper's optimal rate: with
    ``N`` samples the learning rate is ``α* = N/τ*``
    (``symdae.units.to_training(tau=τ*, n_samples=N)["lr"]``). DAE: ``kappa = 0``;
    WDAE: ``eps = 0``, ``kappa = Nγ``. The paper's ratio (8) is
    ``optimal_tau(lam=λ, kappa=Nγ) / optimal_tau(lam=λ, eps=ε)`` = ``(2λ + Nγ)/(2λ + 3ε)``
    (the printed ``(2λ + γ)/(2λ + 3ε)`` drops N). On the path a mode takes
    from small weights the largest curvature is lower (the finding
    ``suppD.path_dae`` of ``symdae verify``): this is the paper's premise.
    Accuracy: within 2 ulp for every finite input; ``ValueError`` where ``τ*``
    itself exceeds float64's range.

    Example:
        >>> from symdae.kernels import optimal_tau
        >>> float(optimal_tau(lam=1.0, eps=0.5))  # 2λ + 3ε
        3.5
    """
    args = [checked("lam", lam, "nonnegative"), checked("eps", eps, "nonnegative"),
            checked("kappa", kappa, "nonnegative")]
    flat = (args[0].values == 0) & (args[1].values == 0) & (args[2].values == 0)
    if np.any(flat):
        raise ValueError("optimal_tau is undefined where lam = eps = kappa = 0 (no curvature)")
    scaled, exponent = _scaled(args, 3, 8)
    values = evaluate(_load("optimal_tau"), [], scaled, out)
    with np.errstate(over="ignore"):
        np.ldexp(values, -exponent, out=values)
    return result(_finite("optimal_tau", values, "2λ + 3ε + κ"))


@positional_mode("lam", "eps", "out")
def equivalent_kappa(*, lam: ArrayLike, eps: ArrayLike,
                     out: NDArray[np.float64] | None = None) -> NDArray[np.float64] | np.float64:
    """Weight decay ``κ = Nγ`` with the same fixed point as noise ``ε``: ``κ = λε/(λ + ε)`` (Supp. E).

    The paper prints ``γ = λε/(λ + ε)``, which holds only for ``N = 1``
    (erratum ``suppE.kappa_equivalent``): the weight-decay coefficient is
    ``γ = κ/N`` (``symdae.units.to_training(kappa=κ, n_samples=N)["weight_decay"]``).
    Returns 0 where ``λ = ε = 0``. Evaluated as ``m/(1 + m/M)`` with ``m``,
    ``M`` the smaller and larger of ``λ``, ``ε`` (no intermediate overflows):
    within 3 ulp for every finite input.

    Example:
        >>> from symdae.kernels import equivalent_kappa
        >>> float(equivalent_kappa(lam=1.0, eps=1.0))  # λε/(λ + ε)
        0.5
    """
    args = [checked("lam", lam, "nonnegative"), checked("eps", eps, "nonnegative")]
    scaled, exponent = _scaled(args, 2, 4)
    values = evaluate(_load("equivalent_kappa"), [], scaled, out)
    np.ldexp(values, -exponent, out=values)
    return result(values)
