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

Units (``DESIGN.md``): ``tau = N/α``, ``eps = N s²``, ``kappa = N γ``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from symdae.kernels import dae_trajectory, gd_iterates, mode_trajectory

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
        continuous = dae_trajectory(t, rows[0], eps, tau, rows[1], rows[2])
    else:
        continuous = mode_trajectory(t, rows[0], eps, kappa, tau, rows[1], rows[2])
    a, b = gd_iterates(t, rows[0], eps, kappa, tau, rows[1], rows[2])
    return Prediction(t, np.asarray(continuous).T.copy(), (np.asarray(a) * np.asarray(b)).T.copy())


def max_abs_error(measured: ArrayLike, theory: ArrayLike) -> FloatArray:
    """Per-direction maximum absolute difference over time (arrays ``(T, K)``)."""
    m = np.asarray(measured, dtype=np.float64)
    p = np.asarray(theory, dtype=np.float64)
    if m.shape != p.shape:
        raise ValueError(f"measured {m.shape} and theory {p.shape} must have the same shape")
    return np.max(np.abs(m - p), axis=0)
