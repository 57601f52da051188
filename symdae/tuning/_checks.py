"""Argument checks and shared constants of :mod:`symdae.tuning`."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
Engine = Literal["numpy", "kernel"]
Start = Literal["expected", "capacity"]
WITHIN = 0.01
"""The tolerance of :func:`epochs_to_within`: within 1% of the loss at the last epoch."""
FRACTIONS = (0.5, 0.9)
GRID_POINTS = 64
"""Points of :func:`recommend`'s default log grid (plus 0)."""


# ---------------------------------------------------------------------------
# Checking options.
def _real(name: str, value: object, rule: str = "nonnegative") -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a real number; got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite; got {value!r}")
    if rule == "positive" and not number > 0:
        raise ValueError(f"{name} must be > 0; got {number:g}")
    if rule == "nonnegative" and not number >= 0:
        raise ValueError(f"{name} must be >= 0; got {number:g}")
    return number


def _whole(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be a whole number; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    return int(value)


def _array(name: str, value: ArrayLike, *, ndim: int | None = 1, rule: str = "nonnegative") -> FloatArray:
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be real numbers; got {value!r}") from None
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array; got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite")
    if rule == "nonnegative" and (array < 0).any():
        raise ValueError(f"{name} must be >= 0; got {float(array[array < 0].flat[0]):g}")
    return array
