"""Initial weights (float64 NumPy, so every device and dtype starts from the same numbers)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def random_weights(seed: int, hidden: int, dim: int, std: float) -> tuple[FloatArray, FloatArray]:
    """``W1`` (H × D) then ``W2`` (D × H), entries i.i.d. ``N(0, std²)`` from ``numpy.random.default_rng(seed)``.

    The authors' linear runs use ``std = 1e-4``, their nonlinear runs ``1e-3``.
    """
    rng = np.random.default_rng(seed)
    w1 = std * rng.standard_normal((hidden, dim))
    w2 = std * rng.standard_normal((dim, hidden))
    return w1, w2


def random_rotation(seed: int, hidden: int) -> FloatArray:
    """A Haar-random orthogonal ``R`` (H × H) from ``numpy.random.default_rng(seed)``."""
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((hidden, hidden)))
    return q * np.where(np.diag(r) < 0, -1.0, 1.0)


def aligned_weights(
    eigenvectors: ArrayLike, d1: ArrayLike, d2: ArrayLike, rotation: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Aligned initialisation ``W1 = R D1 Vᵀ``, ``W2 = V D2 Rᵀ`` (paper §3.1).

    ``D1`` (H × D) and ``D2`` (D × H) are rectangular diagonal with entries
    ``d1[j]``, ``d2[j]`` for ``j < min(H, D)``: direction ``j`` then is the
    scalar mode with ``w1 = d1[j]``, ``w2 = d2[j]`` and mapping ``d1[j] d2[j]``
    (directions ``j >= H`` get zero weights). ``R`` is an H × H orthogonal matrix.
    """
    vecs = np.asarray(eigenvectors, dtype=np.float64)
    rot = np.asarray(rotation, dtype=np.float64)
    a, b = np.asarray(d1, dtype=np.float64), np.asarray(d2, dtype=np.float64)
    dim, hidden = vecs.shape[0], rot.shape[0]
    rank = min(hidden, dim)
    if vecs.shape != (dim, dim):
        raise ValueError(f"eigenvectors must be square; got shape {vecs.shape}")
    if rot.shape != (hidden, hidden) or not np.allclose(rot.T @ rot, np.eye(hidden), atol=1e-10):
        raise ValueError("rotation must be an orthogonal H × H matrix")
    for name, diag in (("d1", a), ("d2", b)):
        if diag.shape != (rank,) or not np.isfinite(diag).all():
            raise ValueError(f"{name} must hold min(H, D) = {rank} finite numbers; got shape {diag.shape}")
    w1_bar = np.zeros((hidden, dim))
    w1_bar[:, :rank] = rot[:, :rank] * a
    w2_bar = np.zeros((dim, hidden))
    w2_bar[:rank, :] = b[:, None] * rot[:, :rank].T
    return w1_bar @ vecs.T, vecs @ w2_bar
