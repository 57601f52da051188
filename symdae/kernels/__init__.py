"""Fast, stable evaluation of the exact learning dynamics (public API).

Every function broadcasts over NumPy arrays in all its arguments, returns
float64, runs in parallel over elements, and raises ``ValueError`` naming the
argument and the rule for invalid input (negative ``lam``/``eps``/``kappa``/
``t``/``steps``, non-positive ``tau``, NaN or infinite values). The
mathematics is generated from verified SymPy expressions
(:mod:`symdae.codegen`); each kernel module records the claims that prove it.

Conventions (paper and ``DESIGN.md``): mode loss
``ℓ = λ/2 (1 − w1w2)² + ε/2 (w1w2)² + κ/2 (w1² + w2²)``, continuous time
``τ dw/dt = −∇ℓ`` with ``τ = N/α`` epochs, mapping ``w = w1 w2``.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from symdae.kernels._arguments import checked, evaluate, result
from symdae.kernels._ode import IntegrationError, gd_iterates, mode_trajectory

__all__ = [
    "IntegrationError",
    "crossing_time",
    "dae_trajectory",
    "equivalent_weight_decay",
    "fixed_point",
    "gd_iterates",
    "mode_trajectory",
    "optimal_learning_rate",
    "time_to_fraction",
]


def _load(name: str) -> ModuleType:
    from symdae.codegen import load_kernel

    return load_kernel(name)


def dae_trajectory(
    t: ArrayLike,
    lam: ArrayLike,
    eps: ArrayLike,
    tau: ArrayLike,
    w1_0: ArrayLike,
    w2_0: ArrayLike,
    out: NDArray[np.float64] | None = None,
) -> NDArray[np.float64] | np.float64:
    """Mapping ``w(t) = w1(t) w2(t)`` of the noisy mode without weight decay (paper Eq. 5).

    Exact solution of ``τ ẇ1 = λ w2 (1 − w) − ε w1 w2²`` (and symmetrically
    for ``w2``) from ``(w1_0, w2_0)`` at ``t = 0``, evaluated in the stable
    coordinates of :mod:`symdae.derivations.stable_forms` (proved equal to
    the printed Eq. 5): no overflow for any ``t ≥ 0``, exact for balanced
    starts (``w1_0 = ±w2_0``) and ``λ = 0``, accurate for initial weights down
    to 1e-150.

    Args:
        t: time in epochs, ``>= 0``.
        lam: eigenvalue λ of ``Σ = XᵀX`` (a sum over the data), ``>= 0``.
        eps: noise ε = N s², ``>= 0``.
        tau: τ = N/α, ``> 0``.
        w1_0, w2_0: initial weights of the mode, any finite values.
        out: optional float64 C-contiguous array of the broadcast shape to write into.

    Example:
        >>> import numpy as np
        >>> from symdae.kernels import dae_trajectory
        >>> round(float(dae_trajectory(1e6, 1.0, 1.0, 10.0, 0.01, 0.02)), 12)  # fixed point λ/(λ + ε)
        0.5
    """
    points = [checked("t", t, "nonnegative")]
    modes = [checked("lam", lam, "nonnegative"), checked("eps", eps, "nonnegative"),
             checked("tau", tau, "positive"), checked("w1_0", w1_0), checked("w2_0", w2_0)]
    return result(evaluate(_load("dae_trajectory"), points, modes, out))


def time_to_fraction(
    fraction: ArrayLike,
    lam: ArrayLike,
    eps: ArrayLike,
    tau: ArrayLike,
    w1_0: ArrayLike,
    w2_0: ArrayLike,
) -> NDArray[np.float64] | np.float64:
    """Epochs until the mapping first reaches ``fraction`` of its fixed point (κ = 0).

    The first ``t ≥ 0`` with ``w(t) ≥ fraction · λ/(λ + ε)`` on the trajectory
    of :func:`dae_trajectory` -- the training-time prediction the paper's
    conclusion asks for. Closed form: ``P(t)`` is a Möbius map of
    ``e^{−Rt/τ}`` (claims ``stable.time_to_target``, ``stable.time_kernel_form``).
    Returns 0 when ``w1_0 w2_0`` is already there, and ``inf`` when the
    trajectory never gets there (``fraction >= 1``, or a start on
    ``w1 = −w2``, which decays to the saddle). ``fraction = 0`` gives the time
    a trajectory from ``w0 < 0`` crosses zero.

    Args:
        fraction: in ``[0, 1)``; values ``>= 1`` give ``inf``.
        lam, eps, tau, w1_0, w2_0: as for :func:`dae_trajectory`.
    """
    modes = [checked("fraction", fraction, "nonnegative"), checked("lam", lam, "nonnegative"),
             checked("eps", eps, "nonnegative"), checked("tau", tau, "positive"),
             checked("w1_0", w1_0), checked("w2_0", w2_0)]
    return result(evaluate(_load("time_to_fraction"), [], modes))


def crossing_time(
    lam: ArrayLike, eps: ArrayLike, tau: ArrayLike, w1_0: ArrayLike, w2_0: ArrayLike
) -> NDArray[np.float64] | np.float64:
    """Epochs until a trajectory from ``w1_0 w2_0 < 0`` first reaches ``w = 0`` (κ = 0).

    ``t× = τ/(ζλ) ln[(ζ+β)(ζ−β−2δ0)/((ζ−β)(ζ+β+2δ0))]`` of Eq. (5)
    (claim ``eq5.crossing_time``), evaluated as :func:`time_to_fraction` with
    fraction 0 (claim ``kernels.crossing_time`` proves the two equal). 0 when
    ``w1_0 w2_0 >= 0``; ``inf`` when the mode never crosses (``λ = 0``, or a
    start on ``w1 = −w2``).
    """
    return time_to_fraction(0.0, lam, eps, tau, w1_0, w2_0)


def fixed_point(lam: ArrayLike, eps: ArrayLike, kappa: ArrayLike = 0.0) -> NDArray[np.float64] | np.float64:
    """The mapping a mode converges to: ``(λ − κ)/(λ + ε)`` if ``λ > κ``, else 0 (§4, Supp. C, E).

    This is the attracting fixed point for every start off the line
    ``w1 = −w2`` (which decays to the saddle at the origin). Raises
    ``ValueError`` when ``lam = eps = kappa = 0`` (the loss is then constant
    and every point is fixed).
    """
    args = [checked("lam", lam, "nonnegative"), checked("eps", eps, "nonnegative"),
            checked("kappa", kappa, "nonnegative")]
    degenerate = (args[0].values == 0) & (args[1].values == 0) & (args[2].values == 0)
    if np.any(degenerate):
        raise ValueError("fixed_point is undefined where lam = eps = kappa = 0 (the loss is constant)")
    return result(evaluate(_load("fixed_point"), [], args))


def optimal_learning_rate(
    lam: ArrayLike, eps: ArrayLike = 0.0, kappa: ArrayLike = 0.0, n_samples: ArrayLike = 1.0
) -> NDArray[np.float64] | np.float64:
    """Learning rate ``α* = N/(2λ + 3ε + κ)`` matching the curvature at ``w1 = w2 = 1`` (Supp. D).

    One epoch of full-batch gradient descent with rate ``α`` on ``N`` samples
    moves a mode by ``−(α/N)∇ℓ``; ``α*`` makes that step ``1/λ_H`` for the
    largest Hessian eigenvalue ``λ_H = 2λ + 3ε + κ`` at ``w1 = w2 = 1``. DAE:
    ``kappa = 0``; WDAE: ``eps = 0``, ``kappa = Nγ``. The paper's ratio (8) is
    ``optimal_learning_rate(lam, eps=ε) / optimal_learning_rate(lam, kappa=Nγ)``
    = ``(2λ + Nγ)/(2λ + 3ε)`` (the printed ``(2λ + γ)/(2λ + 3ε)`` drops N).
    """
    args = [checked("lam", lam, "nonnegative"), checked("eps", eps, "nonnegative"),
            checked("kappa", kappa, "nonnegative"), checked("n_samples", n_samples, "positive")]
    flat = (args[0].values == 0) & (args[1].values == 0) & (args[2].values == 0)
    if np.any(flat):
        raise ValueError("optimal_learning_rate is undefined where lam = eps = kappa = 0 (no curvature)")
    return result(evaluate(_load("optimal_learning_rate"), [], args))


def equivalent_weight_decay(
    lam: ArrayLike, eps: ArrayLike, n_samples: ArrayLike = 1.0
) -> NDArray[np.float64] | np.float64:
    """Weight decay ``γ`` with the same fixed point as noise ``ε``: ``Nγ = λε/(λ + ε)`` (Supp. E).

    The paper prints ``γ = λε/(λ + ε)``, which holds only for ``N = 1``
    (erratum ``suppE.kappa_equivalent``). Returns 0 where ``λ = ε = 0``.
    """
    args = [checked("lam", lam, "nonnegative"), checked("eps", eps, "nonnegative"),
            checked("n_samples", n_samples, "positive")]
    return result(evaluate(_load("equivalent_weight_decay"), [], args))
