"""Full-batch gradient descent on the matrix loss of a linear (denoising, weight-decayed) autoencoder.

The reference against which the scalar-mode theory is checked. NumPy, float64,
for small ``D`` (the cost per epoch is a few ``D×D``/``D×H`` products).
Conventions of ``docs/conventions.md`` (paper §2, Eqs. 1 and 6): data ``X`` is ``N×D``,
``Σ = XᵀX`` is a **sum**, ``W1`` is ``H×D``, ``W2`` is ``D×H``, and the loss is
the noise-marginalised expected loss plus weight decay,

    L = 1/(2N) Σ_i ||x_i − W2W1x_i||² + (s²/2)||W2W1||²_F + (γ/2)(||W1||²_F + ||W2||²_F),

whose gradient with ``W = W2W1`` and ``G = (W(Σ + εI) − Σ)/N`` (``ε = N s²``) is
``∂L/∂W1 = W2ᵀG + γW1``, ``∂L/∂W2 = GW1ᵀ + γW2``. One step of rate ``α`` is
one epoch. Linear AE: ``s² = γ = 0``; DAE: ``s² > 0``; WDAE: ``γ > 0``.

Under aligned initialisation ``W1 = R D1 Vᵀ``, ``W2 = V D2 Rᵀ`` (paper §3.2)
each direction ``j`` of ``Σ = VΛVᵀ`` is an independent scalar mode with
``τ = N/α``, ``ε = N s²``, ``κ = Nγ``: gradient descent on the matrices is
exactly :func:`symdae.kernels.gd_iterates` per direction (up to rounding).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "GDHistory",
    "ModeConstants",
    "aligned_weights",
    "eigenbasis",
    "mode_constants",
    "naive_mode_weights",
    "simulate_gd",
]

Matrix = NDArray[np.float64]


@dataclass(frozen=True)
class ModeConstants:
    """The scalar-mode constants of a training setup: ``τ = N/α``, ``ε = N s²``, ``κ = Nγ``."""

    tau: float
    eps: float
    kappa: float


def mode_constants(alpha: float, n_samples: float, noise_variance: float = 0.0,
                   weight_decay: float = 0.0) -> ModeConstants:
    """``τ = N/α``, ``ε = N s²``, ``κ = Nγ`` (:func:`symdae.units.from_training`)."""
    from symdae.units import from_training

    mode = from_training(n_samples=n_samples, lr=alpha, noise_var=noise_variance, weight_decay=weight_decay)
    return ModeConstants(float(mode["tau"]), float(mode["eps"]), float(mode["kappa"]))


def eigenbasis(sigma: ArrayLike) -> tuple[NDArray[np.float64], Matrix]:
    """Eigenvalues ``λ`` (descending) and orthonormal eigenvectors ``V`` (columns) of symmetric ``Σ``."""
    values, vectors = np.linalg.eigh(np.asarray(sigma, dtype=np.float64))
    order = np.argsort(values)[::-1]
    return values[order], vectors[:, order]


def aligned_weights(basis: ArrayLike, rotation: ArrayLike, d1: ArrayLike,
                    d2: ArrayLike) -> tuple[Matrix, Matrix]:
    """``W1 = R D1 Vᵀ`` (H×D) and ``W2 = V D2 Rᵀ`` (D×H) with ``diag(D1) = d1``, ``diag(D2) = d2``.

    ``basis`` is ``V`` (D×D), ``rotation`` is ``R`` (H×H, orthogonal), ``d1`` and
    ``d2`` hold the ``min(H, D)`` initial weights of the modes in the order of
    ``V``'s columns.
    """
    v = np.asarray(basis, dtype=np.float64)
    r = np.asarray(rotation, dtype=np.float64)
    first, second = np.asarray(d1, dtype=np.float64), np.asarray(d2, dtype=np.float64)
    d, h = v.shape[0], r.shape[0]
    if first.shape != (min(h, d),) or second.shape != first.shape:
        raise ValueError(f"d1 and d2 must have min(H, D) = {min(h, d)} entries")
    diag1, diag2 = np.zeros((h, d)), np.zeros((d, h))
    diag1[np.arange(first.size), np.arange(first.size)] = first
    diag2[np.arange(second.size), np.arange(second.size)] = second
    return r @ diag1 @ v.T, v @ diag2 @ r.T


def naive_mode_weights(W1: ArrayLike, W2: ArrayLike, basis: ArrayLike) -> tuple[NDArray[np.float64],
                                                                              NDArray[np.float64]]:
    """Per-direction scalar weights ``(w1_j, w2_j)`` of an arbitrary (e.g. random) initialisation.

    Direction ``j`` has the H-vectors ``a = W1 v_j`` and ``b = W2ᵀ v_j`` (mapping
    ``a·b``). The scalar mode with ``(w1 + w2)² = |a + b|²`` and
    ``(w2 − w1)² = |b − a|²``, i.e. ``w1 = (|a + b| − |b − a|)/2``,
    ``w2 = (|a + b| + |b − a|)/2``, has the same mapping ``w1w2 = a·b`` and norm
    ``w1² + w2² = |a|² + |b|²``, and its ``P``/``Q`` grow and decay as the
    vectors ``a ± b`` do while the weights are small. For aligned weights it
    is ``(d1_j, d2_j)`` up to the symmetries of ``ℓ`` (swapping ``w1, w2``,
    negating both), which leave ``w(t)`` unchanged. Couplings between
    directions are ignored, as a per-mode theory does.
    """
    v = np.asarray(basis, dtype=np.float64)
    first = np.asarray(W1, dtype=np.float64) @ v
    second = np.asarray(W2, dtype=np.float64).T @ v
    plus = np.linalg.norm(first + second, axis=0)
    minus = np.linalg.norm(second - first, axis=0)
    return (plus - minus) / 2, (plus + minus) / 2


@dataclass(frozen=True)
class GDHistory:
    """Recorded gradient descent.

    Attributes:
        epochs: the recorded epoch counts (0, every, 2·every, …, and the last epoch).
        mappings: ``diag(VᵀW2W1V)`` at each recorded epoch, shape ``(len(epochs), D)``.
        eigenvalues: ``λ`` of ``Σ = XᵀX``, descending (the order of ``mappings``' columns).
        basis: ``V``, the eigenvectors of ``Σ`` as columns.
        W1, W2: the weights after the last epoch.
        constants: ``τ``, ``ε``, ``κ`` of the setup.
    """

    epochs: NDArray[np.int64]
    mappings: Matrix
    eigenvalues: NDArray[np.float64]
    basis: Matrix
    W1: Matrix
    W2: Matrix
    constants: ModeConstants


def _sum_of_outer_products(data: ArrayLike | None, sigma: ArrayLike | None,
                           n_samples: float | None) -> tuple[Matrix, float]:
    if (data is None) == (sigma is None):
        raise ValueError("give exactly one of data (X, N×D) and sigma (Σ = XᵀX, D×D)")
    if data is not None:
        x = np.asarray(data, dtype=np.float64)
        if x.ndim != 2:
            raise ValueError(f"data must be an N×D matrix, got shape {x.shape}")
        if n_samples is not None and n_samples != x.shape[0]:
            raise ValueError(f"n_samples = {n_samples} but data has {x.shape[0]} rows")
        return x.T @ x, float(x.shape[0])
    s = np.asarray(sigma, dtype=np.float64)
    if s.ndim != 2 or s.shape[0] != s.shape[1] or not np.allclose(s, s.T, rtol=1e-12, atol=0.0):
        raise ValueError("sigma must be a symmetric D×D matrix (Σ = XᵀX, a sum over the data)")
    if n_samples is None or n_samples <= 0:
        raise ValueError("n_samples (N > 0) is required with sigma")
    return s, float(n_samples)


def _check_setup(W1: Matrix, W2: Matrix, d: int, alpha: float, noise_variance: float,
                 weight_decay: float, epochs: int, every: int) -> None:
    if W1.ndim != 2 or W1.shape[1] != d or W2.shape != (d, W1.shape[0]):
        raise ValueError(f"W1 must be H×D and W2 D×H with D = {d}; got {W1.shape} and {W2.shape}")
    if not (np.isfinite(W1).all() and np.isfinite(W2).all()):
        raise ValueError("W1_0 and W2_0 must be finite")
    for name, value in (("alpha", alpha), ("every", every)):
        if not value > 0:
            raise ValueError(f"{name} must be > 0, got {value}")
    for name, value in (("noise_variance", noise_variance), ("weight_decay", weight_decay), ("epochs", epochs)):
        if not value >= 0:
            raise ValueError(f"{name} must be >= 0, got {value}")


def simulate_gd(
    W1_0: ArrayLike,
    W2_0: ArrayLike,
    *,
    alpha: float,
    epochs: int,
    data: ArrayLike | None = None,
    sigma: ArrayLike | None = None,
    n_samples: float | None = None,
    noise_variance: float = 0.0,
    weight_decay: float = 0.0,
    every: int = 1,
) -> GDHistory:
    """Full-batch gradient descent on the expected matrix loss, recording per-direction mappings.

    Args:
        W1_0, W2_0: initial weights, ``H×D`` and ``D×H``.
        alpha: learning rate α (one step = one epoch).
        epochs: number of epochs to run.
        data: the data ``X`` (``N×D``); or give ``sigma`` and ``n_samples`` instead.
        sigma: ``Σ = XᵀX`` (a sum over the ``N`` rows, not a mean).
        n_samples: ``N`` (required with ``sigma``).
        noise_variance: ``s²`` of the marginalised input noise (DAE), ``ε = N s²``.
        weight_decay: ``γ`` (WDAE), ``κ = Nγ``.
        every: record every this many epochs (the first and last epoch always).

    Returns:
        The :class:`GDHistory` with ``diag(VᵀW2W1V)`` over time.
    """
    s, n = _sum_of_outer_products(data, sigma, n_samples)
    W1 = np.array(W1_0, dtype=np.float64)
    W2 = np.array(W2_0, dtype=np.float64)
    _check_setup(W1, W2, s.shape[0], alpha, noise_variance, weight_decay, epochs, every)
    eigenvalues, basis = eigenbasis(s)
    eps = n * noise_variance
    loaded = s + eps * np.eye(s.shape[0])
    recorded = sorted({*range(0, epochs + 1, every), epochs})
    mappings = np.empty((len(recorded), s.shape[0]))
    row = 0
    for epoch in range(epochs + 1):
        if epoch == recorded[row]:
            mappings[row] = np.einsum("dj,dh,hj->j", basis, W2 @ W1, basis)
            row += 1
        if epoch == epochs:
            break
        G = (W2 @ W1 @ loaded - s) / n
        W1, W2 = W1 - alpha * (W2.T @ G + weight_decay * W1), W2 - alpha * (G @ W1.T + weight_decay * W2)
    return GDHistory(np.array(recorded, dtype=np.int64), mappings, eigenvalues, basis, W1, W2,
                     mode_constants(alpha, n, noise_variance, weight_decay))
