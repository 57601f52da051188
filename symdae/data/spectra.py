"""The data spectrum: Σ = XᵀX and its eigendecomposition, cached on disk.

Conventions (``docs/conventions.md``): Σ = Σ_i x_i x_iᵀ = XᵀX is a **sum** over the N
rows, not a mean, so its eigenvalues λ_j grow with N; Σ = VΛVᵀ with λ sorted
descending and the eigenvectors as the columns of V. Each eigenvector's sign
is fixed so that its largest-magnitude component is positive (the first such
component on ties), making V reproducible.

Σ is accumulated in float64 over chunks of rows. Eigendecompositions are
cached under ``<cache>/spectra/`` (``$SYMDAE_CACHE_DIR``, else
``$XDG_CACHE_HOME/symdae``, else ``~/.cache/symdae``), one ``.npz`` per
dataset, split, N, transform and data checksum, written atomically. The data
checksum is that of the bytes the dataset was parsed from
(:attr:`~symdae.data.datasets.Dataset.checksum`), in the file name and in
full in the file, so a spectrum is only ever served for the very data it was
computed from.

A cached file is verified before it is used: its metadata must name this
dataset, split, N, transform and data checksum, its arrays must be float64
of shapes (D,) and (D, D), finite, with eigenvalues >= 0 in descending
order, and their SHA-256 must equal the one stored with them. A file that
fails (empty, truncated, edited, a directory in its place) is reported in
one line on standard error, cleared away and recomputed; a file written by
an older symdae is recomputed silently. A cache that cannot be written is
reported and skipped (as is an unusable cache folder): the spectrum is
returned all the same.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from symdae._io import atomic_writer, cache_dir
from symdae.data._cache import cache_root, discard, notice
from symdae.data.datasets import Dataset
from symdae.data.preprocessing import TRANSFORMS, Preprocessor, flatten

__all__ = ["Spectrum", "gram_matrix", "psd_eigh", "spectra_dir", "spectrum"]

_FORMAT = 2
_KEYS = frozenset({"eigenvalues", "eigenvectors", "meta"})
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


def _arrays_sha256(values: np.ndarray, vectors: np.ndarray) -> str:
    digest = hashlib.sha256()
    for array in (values, vectors):
        digest.update(np.ascontiguousarray(array, dtype="<f8").tobytes())
    return digest.hexdigest()


def _check_arrays(values: np.ndarray, vectors: np.ndarray, dim: int) -> str | None:
    """Why the arrays cannot be the spectrum of a D = ``dim`` dataset, or ``None``."""
    for name, array, shape in (("eigenvalues", values, (dim,)), ("eigenvectors", vectors, (dim, dim))):
        if array.dtype != np.float64 or array.shape != shape:
            return f"{name} is {array.dtype} {array.shape}, not float64 {shape}"
        if not np.isfinite(array).all():
            return f"{name} has non-finite values"
    if values.size and (values.min() < 0 or np.any(np.diff(values) > 0)):
        return "eigenvalues are not >= 0 in descending order"
    return None


Arrays = tuple[np.ndarray, np.ndarray]


def _read_cached(path: Path, meta: dict[str, object], dim: int) -> tuple[Arrays | None, str | None]:
    """(the cached arrays, or ``None``; why the file is damaged, or ``None``)."""
    if not path.exists() and not path.is_symlink():
        return None, None
    if not path.is_file():
        return None, "not a regular file"
    try:  # any failure to read a cache file means it is damaged
        if path.stat().st_size == 0:
            return None, "empty"
        with np.load(path, allow_pickle=False) as stored:
            keys = set(stored.files)
            if keys != _KEYS:
                return None, f"holds {sorted(keys)}, not {sorted(_KEYS)}"
            found = json.loads(str(stored["meta"]))
            if not isinstance(found, dict):
                return None, "its metadata is not a JSON object"
            fmt = found.get("format")
            if isinstance(fmt, int) and not isinstance(fmt, bool) and 1 <= fmt < _FORMAT:
                return None, None  # an older symdae's: recomputed and replaced
            stored_sha = found.pop("arrays_sha256", None)
            if found != meta:
                differ = ", ".join(f"{key} {found.get(key)!r} (expected {value!r})"
                                   for key, value in meta.items() if found.get(key) != value)
                extra = sorted(set(found) - set(meta))
                return None, f"made for other data: {differ or 'extra fields ' + ', '.join(extra)}"
            values, vectors = stored["eigenvalues"], stored["eigenvectors"]
    except Exception as err:  # a truncated zip, a bad array header, bad JSON, ...
        return None, f"unreadable: {type(err).__name__}: {err}"
    problem = _check_arrays(values, vectors, dim)
    if problem is not None:
        return None, problem
    if stored_sha != _arrays_sha256(values, vectors):
        return None, "its arrays do not match their stored SHA-256"
    return (values, vectors), None


def _write(path: Path, values: np.ndarray, vectors: np.ndarray, meta: dict[str, object]) -> bool:
    """Save atomically; report and skip (returning ``False``) when the cache cannot be written."""
    record = {**meta, "arrays_sha256": _arrays_sha256(values, vectors)}
    try:
        with atomic_writer(path) as handle:
            np.savez(handle, eigenvalues=values, eigenvectors=vectors, meta=np.array(json.dumps(record)))
    except OSError as err:
        notice(f"could not write the spectrum cache {path} ({err.strerror or err}); continuing without it")
        return False
    return True


def spectrum(data: Dataset, transform: str = "none", *, cache: bool = True) -> Spectrum:
    """Σ = XᵀX of ``data`` preprocessed by ``transform`` (:mod:`symdae.data.preprocessing`), eigendecomposed.

    With ``cache`` true, a matching cached result is returned (verified as
    the module notes say), else it is computed and saved atomically; a
    damaged cache file is reported on standard error and replaced.
    """
    if transform not in TRANSFORMS:
        raise ValueError(f"transform must be one of {', '.join(TRANSFORMS)}; got {transform!r}")
    meta = _meta(data, transform)
    root = cache_root() if cache else None
    name = f"{data.name}-{data.split}-n{data.n}-{transform}-{data.checksum[:16]}.npz"
    path = root / "spectra" / name if root is not None else None
    found = None
    if path is not None:
        found, problem = _read_cached(path, meta, data.dim)
        if problem is not None:
            discard(path, "spectrum", problem, "recomputing")
    if found is not None:
        values, vectors = found
    else:
        flat = flatten(data.images)
        values, vectors = psd_eigh(_dataset_gram(flat, Preprocessor.fit(flat, transform)))
        if path is not None and not _write(path, values, vectors, meta):
            path = None
    values.flags.writeable = vectors.flags.writeable = False
    return Spectrum(values, vectors, data.name, data.split, data.n, transform, data.checksum, data.provenance,
                    path, found is not None)
