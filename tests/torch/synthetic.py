"""Small synthetic data for the torch trainer tests, and a stand-in for an experiment's data loader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


def synthetic_rows(n: int = 40, dim: int = 6, seed: int = 1) -> np.ndarray:
    """Uncentred rows in [0, 1) with decaying scales, so the spectrum is spread out."""
    rng = np.random.default_rng(seed)
    return rng.random((n, dim)) * np.linspace(1.0, 0.3, dim)


@dataclass(frozen=True)
class _Data:
    nature: str = "exact"
    provenance: str = "synthetic"
    folder: Path = Path("/synthetic")


@dataclass(frozen=True)
class _Spectrum:
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray


SYNTHETIC_ROOT = Path("/synthetic-root")


def fake_load(rows: np.ndarray) -> Callable[[Any], Any]:
    """A replacement for ``symdae.experiments._run._load`` that serves ``rows`` (the run's ``samples`` of them)."""
    from symdae.experiments._run import Loaded

    gram = rows.T @ rows
    lam, vecs = np.linalg.eigh(gram)
    spectrum = _Spectrum(np.clip(lam[::-1], 0, None).copy(), vecs[:, ::-1].copy())

    def load(exp: Any) -> Loaded:
        assert exp.samples == rows.shape[0]
        return Loaded(_Data(), rows.astype(np.float32 if exp.dtype == "float32" else np.float64), spectrum,
                      SYNTHETIC_ROOT)

    return load
