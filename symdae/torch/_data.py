"""What the trainers need from a data set: N, the spectrum of Σ = XᵀX and (optionally) the rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

_ORTHOGONALITY_TOL = 1e-5
_NEGATIVE_TOL = 1e-8


@dataclass(frozen=True, eq=False)
class TrainingData:
    """A data set as the trainers see it (conventions of ``docs/conventions.md``).

    Attributes:
        eigenvalues: ``(D,)`` eigenvalues ``λ_j`` of ``Σ = XᵀX`` -- a *sum* over
            the rows, uncentred, so they grow with N -- in descending order,
            float64. Rounding negatives down to ``-1e-8 λ1`` are accepted.
        eigenvectors: ``(D, D)`` orthogonal ``V`` with ``Σ = V diag(λ) Vᵀ``,
            eigenvectors as columns, float64.
        n_samples: N, the number of rows (``τ = N/α``, ``ε = N s²``, ``κ = Nγ``).
        samples: the ``(N, D)`` rows ``x_i`` (float32 or float64), needed by
            the data-space and sampled-noise paths and the nonlinear trainer;
            ``None`` where only the spectrum is at hand.
    """

    eigenvalues: FloatArray
    eigenvectors: FloatArray
    n_samples: int
    samples: NDArray[np.floating] | None = None

    def __post_init__(self) -> None:
        lam = _finite_float64("eigenvalues", self.eigenvalues)
        vecs = _finite_float64("eigenvectors", self.eigenvectors)
        if lam.ndim != 1 or lam.size == 0:
            raise ValueError(f"eigenvalues must be a non-empty 1-D array; got shape {lam.shape}")
        dim = lam.size
        if np.any(np.diff(lam) > 0):
            raise ValueError("eigenvalues must be sorted in descending order")
        if lam[-1] < -_NEGATIVE_TOL * max(lam[0], 0.0):
            raise ValueError(f"eigenvalues must be >= 0 (Σ = XᵀX); got {lam[-1]}")
        if vecs.shape != (dim, dim):
            raise ValueError(f"eigenvectors must have shape ({dim}, {dim}) to match eigenvalues; got {vecs.shape}")
        probe = np.random.default_rng(0).standard_normal(dim)
        if np.linalg.norm(vecs.T @ (vecs @ probe) - probe) > _ORTHOGONALITY_TOL * np.linalg.norm(probe):
            raise ValueError("eigenvectors must be orthogonal (VᵀV = I), eigenvectors as columns")
        if isinstance(self.n_samples, bool) or not isinstance(self.n_samples, int | np.integer) or self.n_samples < 1:
            raise ValueError(f"n_samples must be an integer >= 1; got {self.n_samples!r}")
        object.__setattr__(self, "eigenvalues", lam)
        object.__setattr__(self, "eigenvectors", vecs)
        object.__setattr__(self, "n_samples", int(self.n_samples))
        if self.samples is not None:
            rows = np.asarray(self.samples)
            if rows.dtype not in (np.float32, np.float64):
                rows = _finite_float64("samples", rows)
            if rows.shape != (self.n_samples, dim):
                raise ValueError(f"samples must have shape (n_samples, D) = ({self.n_samples}, {dim}); "
                                 f"got {rows.shape}")
            if not np.isfinite(rows).all():
                raise ValueError("samples must be finite (no NaN or infinity)")
            object.__setattr__(self, "samples", rows)

    @classmethod
    def from_samples(cls, samples: ArrayLike) -> TrainingData:
        """Rows ``X`` (N × D) with ``Σ = XᵀX`` and its eigendecomposition computed in float64.

        Meant for small data; large data sets come with a cached spectrum.
        """
        rows = np.asarray(samples)
        if rows.ndim != 2 or rows.shape[0] == 0:
            raise ValueError(f"samples must be a non-empty 2-D array (N × D); got shape {rows.shape}")
        rows64 = _finite_float64("samples", rows)
        lam, vecs = np.linalg.eigh(rows64.T @ rows64)
        return cls(lam[::-1].copy(), vecs[:, ::-1].copy(), rows.shape[0],
                   rows if rows.dtype in (np.float32, np.float64) else rows64)

    @property
    def dim(self) -> int:
        """D, the input dimension."""
        return int(self.eigenvalues.size)

    def covariance(self) -> FloatArray:
        """``Σ = V diag(λ) Vᵀ`` in float64 (O(D³), cheaper than ``XᵀX`` when N > D)."""
        return (self.eigenvectors * self.eigenvalues) @ self.eigenvectors.T


def _finite_float64(name: str, value: ArrayLike) -> FloatArray:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be an array of real numbers") from err
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite (no NaN or infinity)")
    return array
