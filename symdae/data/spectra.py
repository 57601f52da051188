"""The data spectrum: Σ = XᵀX and its eigendecomposition, cached on disk.

Conventions (``DESIGN.md``): Σ = Σ_i x_i x_iᵀ = XᵀX is a **sum** over the N
rows, not a mean, so its eigenvalues λ_j grow with N; Σ = VΛVᵀ with λ sorted
descending and the eigenvectors as the columns of V. Each eigenvector's sign
is fixed so that its largest-magnitude component is positive (the first such
component on ties), making V reproducible.

Σ is accumulated in float64 over chunks of rows. Eigendecompositions are
cached under ``<cache>/spectra/`` (``$SYMDAE_CACHE_DIR``, else
``$XDG_CACHE_HOME/symdae``, else ``~/.cache/symdae``), one ``.npz`` per
dataset, split, N, transform and data checksum, written atomically.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from symdae._io import atomic_writer, cache_dir
from symdae.data.datasets import Dataset
from symdae.data.preprocessing import TRANSFORMS, Preprocessor, flatten

__all__ = ["Spectrum", "gram_matrix", "psd_eigh", "spectra_dir", "spectrum"]

_FORMAT = 1
_CHUNK_ROWS = 4096


@dataclass(frozen=True, eq=False)
class Spectrum:
    """Eigendecomposition of Σ = XᵀX for the first ``n`` images of a dataset split.

    ``eigenvalues`` (D,) descending; ``eigenvectors`` (D, D), column j for
    eigenvalue j. ``checksum`` and ``provenance`` are those of the
    :class:`~symdae.data.datasets.Dataset`; ``path`` is the cache file (if
    cached) and ``from_cache`` whether it was read from there.
    """

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    dataset: str
    split: str
    n: int
    transform: str
    checksum: str
    provenance: str
    path: Path | None
    from_cache: bool

    def sigma(self) -> np.ndarray:
        """Σ reconstructed as V diag(λ) Vᵀ."""
        return (self.eigenvectors * self.eigenvalues) @ self.eigenvectors.T


def gram_matrix(x: np.ndarray) -> np.ndarray:
    """Σ = XᵀX (D x D) of the rows of ``x`` (n x D), summed in float64, exactly symmetric."""
    if x.ndim != 2:
        raise ValueError(f"x must be a matrix (n, D); got shape {x.shape}")
    rows = np.asarray(x, dtype=np.float64)
    sigma = rows.T @ rows
    return (sigma + sigma.T) / 2


def _dataset_gram(flat: np.ndarray, preprocessor: Preprocessor) -> np.ndarray:
    sigma = np.zeros((flat.shape[1], flat.shape[1]))
    for start in range(0, flat.shape[0], _CHUNK_ROWS):
        rows = preprocessor.apply(flat[start:start + _CHUNK_ROWS])
        sigma += rows.T @ rows
    return (sigma + sigma.T) / 2


def psd_eigh(sigma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (descending) and eigenvectors (columns) of a symmetric positive semi-definite matrix.

    Uses LAPACK ``syevd`` via :func:`numpy.linalg.eigh`. Rounding can make the
    eigenvalues of a singular Σ slightly negative (of order 1e-16 λ_max);
    they are set to 0, as Σ = XᵀX has none below 0. Each eigenvector is
    signed so that its largest-magnitude component is positive.
    """
    if sigma.ndim != 2 or sigma.shape[0] != sigma.shape[1]:
        raise ValueError(f"sigma must be a square matrix; got shape {sigma.shape}")
    values, vectors = np.linalg.eigh(sigma)
    values, vectors = np.maximum(values[::-1], 0.0), vectors[:, ::-1]
    pivots = np.abs(vectors).argmax(axis=0)
    signs = np.where(vectors[pivots, np.arange(vectors.shape[1])] < 0, -1.0, 1.0)
    return np.ascontiguousarray(values), np.ascontiguousarray(vectors * signs)


def spectra_dir() -> Path:
    """Folder of cached spectra (``<cache>/spectra``)."""
    return cache_dir() / "spectra"


def _meta(data: Dataset, transform: str) -> dict[str, object]:
    return {"format": _FORMAT, "dataset": data.name, "split": data.split, "n": data.n,
            "transform": transform, "checksum": data.checksum}


def _read_cached(path: Path, meta: dict[str, object], dim: int) -> tuple[np.ndarray, np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as stored:
            if json.loads(str(stored["meta"])) != meta:
                return None
            values, vectors = stored["eigenvalues"], stored["eigenvectors"]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    if values.shape != (dim,) or vectors.shape != (dim, dim):
        return None
    return values, vectors


def spectrum(data: Dataset, transform: str = "none", *, cache: bool = True) -> Spectrum:
    """Σ = XᵀX of ``data`` preprocessed by ``transform`` (:mod:`symdae.data.preprocessing`), eigendecomposed.

    With ``cache`` true, a matching cached result is returned (checked against
    dataset, split, N, transform and data checksum), else it is computed and
    saved atomically; an unreadable cache file is recomputed and replaced.
    """
    if transform not in TRANSFORMS:
        raise ValueError(f"transform must be one of {', '.join(TRANSFORMS)}; got {transform!r}")
    meta = _meta(data, transform)
    path = spectra_dir() / f"{data.name}-{data.split}-n{data.n}-{transform}-{data.checksum[:16]}.npz"
    found = _read_cached(path, meta, data.dim) if cache else None
    if found is not None:
        values, vectors = found
    else:
        flat = flatten(data.images)
        values, vectors = psd_eigh(_dataset_gram(flat, Preprocessor.fit(flat, transform)))
        if cache:
            with atomic_writer(path) as handle:
                np.savez(handle, eigenvalues=values, eigenvectors=vectors, meta=np.array(json.dumps(meta)))
    values.flags.writeable = vectors.flags.writeable = False
    return Spectrum(values, vectors, data.name, data.split, data.n, transform, data.checksum, data.provenance,
                    path if cache else None, found is not None)
