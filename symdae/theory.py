"""Per-direction theory for a trained linear autoencoder, from each direction's initial state.

For direction ``j`` with hidden-space vectors ``a = W1 v_j`` and
``b = W2ᵀ v_j`` at ``t = 0``, the isolated-direction dynamics are exactly a
scalar mode with ``(w1 + w2)² = P0 = |a + b|²`` and ``(w2 − w1)² = Q0 = |a − b|²``
(claims ``red.is_a_scalar_mode`` and, for gradient descent in discrete time,
``red.discrete_is_scalar_gd``). So the prediction for the measured mapping
``[Vᵀ W2 W1 V]_jj`` is the scalar mode's ``w(t)`` from those effective weights:
in continuous time (:func:`symdae.kernels.dae_trajectory`, or
:func:`symdae.kernels.mode_trajectory` with weight decay) or in exact discrete
time, one gradient step per epoch (:func:`symdae.kernels.gd_iterates`).

Units (``docs/conventions.md``): ``tau = N/α``, ``eps = N s²``, ``kappa = N γ``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from symdae.kernels import dae_trajectory, fixed_point, gd_iterates, mode_trajectory

FloatArray = NDArray[np.float64]


def effective_weights(p0: ArrayLike, q0: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Scalar weights ``(w1, w2)`` with ``(w1 + w2)² = P0`` and ``(w2 − w1)² = Q0``.

    Raises ``ValueError`` unless both are finite and ``>= 0``.
    """
    p = np.asarray(p0, dtype=np.float64)
    q = np.asarray(q0, dtype=np.float64)
    for name, values in (("P0", p), ("Q0", q)):
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise ValueError(f"{name} must be finite and >= 0 (squared norms)")
    root_p, root_q = np.sqrt(p), np.sqrt(q)
    return (root_p - root_q) / 2, (root_p + root_q) / 2


def initial_state(w1bar: ArrayLike, w2bar: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """``(P0, Q0)`` per direction from rotated weights ``W̄1 = W1 V`` (H×D) and ``W̄2 = Vᵀ W2`` (D×H)."""
    a = np.asarray(w1bar, dtype=np.float64)
    b = np.asarray(w2bar, dtype=np.float64).T
    if a.ndim != 2 or a.shape != b.shape:
        raise ValueError(f"w1bar must be H×D and w2bar D×H, got {a.shape} and {b.T.shape}")
    return np.sum((a + b) ** 2, axis=0), np.sum((a - b) ** 2, axis=0)


@dataclass(frozen=True)
class Prediction:
    """Theory for ``K`` directions at ``T`` epochs: arrays of shape ``(T, K)``."""

    epochs: FloatArray
    continuous: FloatArray
    discrete: FloatArray


def predict(
    epochs: ArrayLike,
    eigenvalues: ArrayLike,
    eps: float,
    kappa: float,
    tau: float,
    p0: ArrayLike,
    q0: ArrayLike,
) -> Prediction:
    """Continuous- and discrete-time predictions of each direction's mapping.

    Args:
        epochs: ``T`` epoch counts (non-negative integers for the discrete theory).
        eigenvalues: ``K`` eigenvalues λ_j of ``Σ = XᵀX``.
        eps, kappa, tau: ``N s²``, ``N γ`` and ``N/α`` of the run.
        p0, q0: ``|a_j + b_j|²`` and ``|a_j − b_j|²`` at epoch 0 (:func:`initial_state`).
    """
    t = np.asarray(epochs, dtype=np.float64)
    lam = np.asarray(eigenvalues, dtype=np.float64)
    if t.ndim != 1 or lam.ndim != 1:
        raise ValueError("epochs and eigenvalues must be 1-D arrays")
    if np.any(t != np.round(t)):
        raise ValueError("epochs must be whole numbers (the discrete theory takes one step per epoch)")
    w1, w2 = effective_weights(p0, q0)
    if w1.shape != lam.shape:
        raise ValueError(f"p0 and q0 need one value per eigenvalue ({lam.size}), got {w1.shape}")
    rows = (lam[:, None], w1[:, None], w2[:, None])
    if kappa == 0:
        continuous = dae_trajectory(t, lam=rows[0], eps=eps, tau=tau, w1_0=rows[1], w2_0=rows[2])
    else:
        continuous = mode_trajectory(t, lam=rows[0], eps=eps, kappa=kappa, tau=tau, w1_0=rows[1], w2_0=rows[2])
    a, b = gd_iterates(t, lam=rows[0], eps=eps, kappa=kappa, tau=tau, w1_0=rows[1], w2_0=rows[2])
    return Prediction(t, np.asarray(continuous).T.copy(), (np.asarray(a) * np.asarray(b)).T.copy())


def predictor(
    eigenvalues: ArrayLike,
    *,
    tau: float,
    eps: float = 0.0,
    kappa: float = 0.0,
    w1_0: ArrayLike,
    w2_0: ArrayLike,
    discrete: bool = False,
) -> Callable[[ArrayLike], FloatArray]:
    """From a spectrum and a setting in mode units to the mapping of every direction as a function of time.

    In the style of ``neural_tangents.predict``: the returned ``f(t)`` takes
    epochs of any shape and returns ``w_j(t) = w1 w2`` of each direction, an
    array of shape ``t.shape + (K,)``. Continuous time (gradient flow) by
    default: exact closed form without weight decay
    (:func:`~symdae.kernels.dae_trajectory`), the mode ODE with it
    (:func:`~symdae.kernels.mode_trajectory`); ``t = inf`` gives the limit
    exactly (the fixed point :func:`~symdae.kernels.fixed_point`; 0 from a start
    on ``w1 = −w2``, which is the stable manifold of the origin; the start itself
    where ``λ = ε = κ = 0``, where nothing moves). ``discrete=True``: exact
    gradient descent, one step of ``1/τ`` per epoch (:func:`~symdae.kernels.gd_iterates`;
    whole, finite epochs).

    Args:
        eigenvalues: the ``K`` eigenvalues λ_j of ``Σ = XᵀX`` (a sum over the samples), ``>= 0``.
        tau, eps, kappa: mode units ``N/α``, ``N s²``, ``Nγ`` (:func:`symdae.units.from_training`).
        w1_0, w2_0: initial effective weights, one value for all directions or ``K`` of them
            (:func:`effective_weights` turns a network's initial state into them).
        discrete: gradient descent instead of gradient flow.

    Example:
        >>> import numpy as np
        >>> from symdae.theory import predictor
        >>> from symdae.units import from_training
        >>> mode = from_training(n_samples=100, lr=0.5, noise_var=0.01)
        >>> f = predictor([4.0, 1.0, 0.0], **mode, w1_0=0.01, w2_0=0.01)
        >>> f(np.inf)  # λ/(λ + ε): the fixed points, exactly
        array([0.8, 0.5, 0. ])
        >>> f([0.0, 50.0]).shape
        (2, 3)
    """
    lam = np.asarray(eigenvalues, dtype=np.float64)
    if lam.ndim != 1:
        raise ValueError(f"eigenvalues must be a 1-D array (one per direction), got shape {lam.shape}")
    starts = []
    for name, value in (("w1_0", w1_0), ("w2_0", w2_0)):
        start = np.broadcast_to(np.asarray(value, dtype=np.float64), lam.shape) if np.ndim(value) == 0 else \
            np.asarray(value, dtype=np.float64)
        if start.shape != lam.shape:
            raise ValueError(f"{name} must be one value or one per eigenvalue ({lam.size}), got shape {start.shape}")
        starts.append(start)
    w1, w2 = starts

    @functools.cache
    def limit() -> FloatArray:
        """The mapping at t = ∞ (computed once, at the first request of it)."""
        flat = (lam == 0) & (eps == 0) & (kappa == 0)
        safe = np.where(flat, 1.0, lam)
        moving = np.asarray(fixed_point(lam=safe, eps=eps, kappa=kappa), dtype=np.float64)
        values = np.where(w1 + w2 == 0, 0.0, moving)
        return np.where(flat, w1 * w2, values)

    def f(t: ArrayLike) -> FloatArray:
        times = np.asarray(t, dtype=np.float64)
        if discrete and not np.all((times == np.round(times)) & np.isfinite(times)):
            raise ValueError("t: the discrete theory takes whole, finite epochs (one gradient step per epoch)")
        if np.any(np.isnan(times)) or np.any(times < 0):
            raise ValueError("t must be >= 0 epochs (inf for the limit)")
        finite = np.isfinite(times)
        grid = np.where(finite, times, 0.0)[..., None]
        if discrete:
            a, b = gd_iterates(grid, lam=lam, eps=eps, kappa=kappa, tau=tau, w1_0=w1, w2_0=w2)
            return np.asarray(a) * np.asarray(b)
        if kappa == 0:
            values = np.asarray(dae_trajectory(grid, lam=lam, eps=eps, tau=tau, w1_0=w1, w2_0=w2), dtype=np.float64)
        else:
            values = np.asarray(mode_trajectory(grid, lam=lam, eps=eps, kappa=kappa, tau=tau, w1_0=w1, w2_0=w2),
                                dtype=np.float64)
        return values if finite.all() else np.where(finite[..., None], values, limit())

    f(0.0)  # a bad setting fails here, naming its argument, not at the first prediction
    return f


def max_abs_error(measured: ArrayLike, theory: ArrayLike) -> FloatArray:
    """Per-direction maximum absolute difference over time (arrays ``(T, K)``)."""
    m = np.asarray(measured, dtype=np.float64)
    p = np.asarray(theory, dtype=np.float64)
    if m.shape != p.shape:
        raise ValueError(f"measured {m.shape} and theory {p.shape} must have the same shape")
    return np.max(np.abs(m - p), axis=0)
