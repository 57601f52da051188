"""Small synthetic data for the torch trainer tests."""

from __future__ import annotations

import numpy as np


def synthetic_rows(n: int = 40, dim: int = 6, seed: int = 1) -> np.ndarray:
    """Uncentred rows in [0, 1) with decaying scales, so the spectrum is spread out."""
    rng = np.random.default_rng(seed)
    return rng.random((n, dim)) * np.linspace(1.0, 0.3, dim)
