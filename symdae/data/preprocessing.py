"""Turn ``uint8`` images into the data matrix X (N x D) of the paper.

The paper (§6) uses the first N training images, pixels scaled to [0, 1] by
``k / 255``, flattened (MNIST D = 784 row-major; CIFAR-10 D = 3072 in the
official channel-major order: 1024 red, 1024 green, 1024 blue), and
*uncentred*: ``transform="none"``, the default. Two alternatives:

- ``"centre"``: subtract the per-feature mean over the N rows;
- ``"standardise"``: also divide by the per-feature standard deviation
  (population, ddof = 0); constant features (e.g. MNIST's border pixels,
  always 0) stay 0 instead of dividing by zero.

Feature means and variances are computed from exact integer sums in float64
(sums of at most 2**53 are exact), chunk by chunk, so they do not depend on
summation order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import DTypeLike

__all__ = ["TRANSFORMS", "Preprocessor", "flatten", "preprocess"]

TRANSFORMS = ("none", "centre", "standardise")
_CHUNK_ROWS = 4096


def flatten(images: np.ndarray) -> np.ndarray:
    """``images`` of shape ``(n, ...)`` as an ``(n, D)`` array (a view when possible), in stored order."""
    if images.ndim < 2:
        raise ValueError(f"images must have shape (n, ...) with at least 2 dimensions; got shape {images.shape}")
    return images.reshape(images.shape[0], -1)


def _output_dtype(dtype: DTypeLike) -> np.dtype:
    out = np.dtype(dtype)
    if out not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise ValueError(f"dtype must be float64 or float32; got {out}")
    return out


@dataclass(frozen=True, eq=False)
class Preprocessor:
    """A fitted transform: ``x ↦ (k / 255 − shift) / scale`` per feature.

    ``shift`` and ``scale`` are float64 vectors of length D (0 and 1 for
    ``"none"``). Fit once on all N rows, then apply to any rows, whole or in
    chunks (as :func:`symdae.data.spectra.spectrum` does).
    """

    transform: str
    shift: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, flat: np.ndarray, transform: str = "none") -> Preprocessor:
        """Fit ``transform`` to the ``uint8`` rows ``flat`` (n x D)."""
        if transform not in TRANSFORMS:
            raise ValueError(f"transform must be one of {', '.join(TRANSFORMS)}; got {transform!r}")
        if flat.dtype != np.uint8 or flat.ndim != 2 or flat.shape[0] < 1:
            raise ValueError(f"flat must be a non-empty uint8 array (n, D); got {flat.dtype} {flat.shape}")
        n, dim = flat.shape
        shift, scale = np.zeros(dim), np.ones(dim)
        if transform != "none":
            total, squares = np.zeros(dim), np.zeros(dim)
            for start in range(0, n, _CHUNK_ROWS):
                chunk = flat[start:start + _CHUNK_ROWS].astype(np.float64)
                total += chunk.sum(axis=0)
                squares += (chunk * chunk).sum(axis=0)
            shift = total / (255.0 * n)
            if transform == "standardise":
                variance = np.maximum(squares / (255.0**2 * n) - shift**2, 0.0)
                std = np.sqrt(variance)
                scale = np.where(std > 0, std, 1.0)
        return cls(transform, shift, scale)

    def apply(self, flat: np.ndarray, dtype: DTypeLike = np.float64) -> np.ndarray:
        """Transform ``uint8`` rows ``flat`` (m x D), computing in float64 chunk by chunk, returning ``dtype``."""
        out = np.empty(flat.shape, dtype=_output_dtype(dtype))
        for start in range(0, flat.shape[0], _CHUNK_ROWS):
            rows = flat[start:start + _CHUNK_ROWS].astype(np.float64) / 255.0
            if self.transform != "none":
                rows -= self.shift
                rows /= self.scale
            out[start:start + _CHUNK_ROWS] = rows
        return out


def preprocess(images: np.ndarray, transform: str = "none", dtype: DTypeLike = np.float64) -> np.ndarray:
    """The data matrix X (n x D) of ``uint8`` ``images`` (n, ...): pixels / 255, flattened.

    ``transform`` is ``"none"`` (the paper's uncentred data), ``"centre"`` or
    ``"standardise"``; ``dtype`` is float64 (default) or float32.
    """
    if images.dtype != np.uint8:
        raise ValueError(f"images must be uint8 pixel values 0-255; got dtype {images.dtype}")
    flat = flatten(images)
    return Preprocessor.fit(flat, transform).apply(flat, dtype)
