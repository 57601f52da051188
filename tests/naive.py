"""Plainly correct references: slow, short, and sharing no code with symdae.

Each is the textbook loop, written once here so that every test compares
against the same obviously right thing (STUMPY's ``tests/naive.py``): gradient
descent on one mode in plain Python floats, gradient descent on the whole
matrix loss in NumPy, and the one tolerance check the tests use to compare
arrays with a stated relative and absolute allowance.

Conventions (``docs/conventions.md``): mode loss
``ℓ = λ/2 (1 − w1w2)² + ε/2 (w1w2)² + κ/2 (w1² + w2²)``, one step
``w ← w − (1/τ)∇ℓ`` per epoch; matrix loss
``L = 1/(2N) Σ_i ||x_i − W2W1x_i||² + (s²/2)||W2W1||²_F + (γ/2)(||W1||²_F + ||W2||²_F)``
with ``Σ = XᵀX`` a sum over the N rows of ``X``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["assert_within", "eigenbasis", "matrix_gd", "mode_gd", "mode_gd_path", "orthogonal"]


def mode_gd_path(steps: int, *, lam: float, eps: float = 0.0, kappa: float = 0.0, tau: float, w1_0: float,
                 w2_0: float) -> list[tuple[float, float]]:
    """``(w1, w2)`` after 0, 1, …, ``steps`` simultaneous updates ``w ← w − (1/τ)∇ℓ``, in plain Python floats."""
    w1, w2 = float(w1_0), float(w2_0)
    path = [(w1, w2)]
    for _ in range(steps):
        w = w1 * w2
        grad1 = -lam * w2 * (1 - w) + eps * w * w2 + kappa * w1
        grad2 = -lam * w1 * (1 - w) + eps * w * w1 + kappa * w2
        w1, w2 = w1 - grad1 / tau, w2 - grad2 / tau
        path.append((w1, w2))
    return path


def mode_gd(steps: int, *, lam: float, eps: float = 0.0, kappa: float = 0.0, tau: float, w1_0: float,
            w2_0: float) -> tuple[float, float]:
    """``(w1, w2)`` after ``steps`` updates of :func:`mode_gd_path`."""
    return mode_gd_path(steps, lam=lam, eps=eps, kappa=kappa, tau=tau, w1_0=w1_0, w2_0=w2_0)[-1]


def orthogonal(rng: np.random.Generator, n: int) -> NDArray[np.float64]:
    """A random ``n × n`` orthogonal matrix (QR of a Gaussian matrix, signs fixed)."""
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))


def eigenbasis(sigma: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Eigenvalues of the symmetric ``sigma``, largest first, and the eigenvectors as columns in that order."""
    values, vectors = np.linalg.eigh(sigma)
    order = np.argsort(values)[::-1]
    return values[order], vectors[:, order]


def matrix_gd(w1: NDArray[np.float64], w2: NDArray[np.float64], x: NDArray[np.float64], *, lr: float, epochs: int,
              noise_var: float = 0.0, weight_decay: float = 0.0,
              every: int = 1) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Full-batch gradient descent on the expected matrix loss: the recorded epochs and ``diag(VᵀW2W1V)``.

    With ``W = W2W1`` and ``G = (W(Σ + εI) − Σ)/N`` (``ε = N s²``) the gradient is
    ``∂L/∂W1 = W2ᵀG + γW1``, ``∂L/∂W2 = GW1ᵀ + γW2``; one step of rate ``lr`` is one epoch. Records
    epochs ``0, every, …`` and the last; columns in the order of Σ's eigenvalues, descending.
    """
    sigma, n = x.T @ x, x.shape[0]
    basis = eigenbasis(sigma)[1]
    loaded = sigma + n * noise_var * np.eye(sigma.shape[0])
    recorded = sorted({*range(0, epochs + 1, every), epochs})
    mappings = np.empty((len(recorded), sigma.shape[0]))
    row = 0
    for epoch in range(epochs + 1):
        if epoch == recorded[row]:
            mappings[row] = np.einsum("dj,dh,hj->j", basis, w2 @ w1, basis)
            row += 1
        if epoch == epochs:
            break
        g = (w2 @ w1 @ loaded - sigma) / n
        w1, w2 = w1 - lr * (w2.T @ g + weight_decay * w1), w2 - lr * (g @ w1.T + weight_decay * w2)
    return np.array(recorded, dtype=np.float64), mappings


def assert_within(actual: ArrayLike, expected: ArrayLike, *, rel: float = 0.0, abs: float = 0.0,
                  what: str = "") -> None:
    """``|actual − expected| <= rel·|expected| + abs`` everywhere, else an ``AssertionError`` naming the worst entry.

    The one tolerance rule of the tests: a relative part for values that scale, an absolute part for
    values near zero, both stated by the caller. NaN anywhere fails.
    """
    got, want = np.broadcast_arrays(np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64))
    allowed = rel * np.abs(want) + abs
    error = np.abs(got - want)
    bad = ~(error <= allowed)
    if bad.any():
        ratio = np.where(allowed > 0, error / np.where(allowed > 0, allowed, 1.0), np.inf)
        worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(np.where(bad, ratio, -1.0))), got.shape))
        raise AssertionError(
            f"{what + ': ' if what else ''}{int(bad.sum())} of {got.size} value(s) outside rel={rel:g}, abs={abs:g}; "
            f"worst at {worst}: got {float(got[worst])!r}, expected {float(want[worst])!r} (error {error[worst]:.3g}, "
            f"allowed {allowed[worst]:.3g})")
