"""Argument checks and broadcasting for the public kernels.

Every kernel argument is converted to a float64 array and checked at the
Python boundary, so bad input raises a ``ValueError`` that names the argument
and the rule -- never a NaN or a traceback from inside Numba.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import prod
from types import ModuleType
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

Rule = Literal["real", "nonnegative", "positive"]
_RULE_TEXT = {"nonnegative": ">= 0", "positive": "> 0"}

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Argument:
    """One checked argument: its name and values."""

    name: str
    values: FloatArray


def checked(name: str, value: ArrayLike, rule: Rule = "real") -> Argument:
    """``value`` as a float64 array, finite and satisfying ``rule``, or ``ValueError``."""
    try:
        array = np.asarray(value)
        if np.iscomplexobj(array):
            raise TypeError("complex")
        array = array.astype(np.float64, copy=False)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be real numbers, got {value!r}") from err
    finite = np.isfinite(array)
    if not finite.all():
        index = tuple(int(i) for i in np.argwhere(~finite)[0])
        raise ValueError(f"{name} must be finite (no NaN or infinity); got {array[index]} at index {index}")
    if rule != "real":
        bad = array < 0 if rule == "nonnegative" else array <= 0
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(f"{name} must be {_RULE_TEXT[rule]}; got {array[index]} at index {index}")
    return Argument(name, array)


def broadcast_shape(arguments: Sequence[Argument]) -> tuple[int, ...]:
    try:
        return np.broadcast_shapes(*(a.values.shape for a in arguments))
    except ValueError as err:
        shapes = ", ".join(f"{a.name}{a.values.shape}" for a in arguments)
        raise ValueError(f"arguments do not broadcast together: {shapes}") from err


def output_array(shape: tuple[int, ...], out: FloatArray | None) -> FloatArray:
    """``out`` checked against ``shape`` (float64, C-contiguous, writeable), or a new array."""
    if out is None:
        return np.empty(shape, dtype=np.float64)
    if not isinstance(out, np.ndarray) or out.dtype != np.float64:
        raise ValueError("out must be a float64 NumPy array")
    if out.shape != shape:
        raise ValueError(f"out must have the broadcast shape {shape}, got {out.shape}")
    if not (out.flags.c_contiguous and out.flags.writeable):
        raise ValueError("out must be C-contiguous and writeable")
    return out


def evaluate(
    module: ModuleType,
    points: Sequence[Argument],
    modes: Sequence[Argument],
    out: FloatArray | None = None,
) -> FloatArray:
    """Run a generated kernel over the broadcast of ``points`` (e.g. ``t``) and ``modes``.

    When every mode argument is constant along the last axis (one mode per
    row, a trajectory along the row) the mode constants are computed once per
    row and the row loop runs over the points alone; otherwise every element
    is computed independently.
    """
    shape = broadcast_shape([*points, *modes])
    out = output_array(shape, out)
    if out.size == 0:
        return out
    per_row = per_row_modes(modes, shape) if points else None
    if per_row is not None:
        rows, cols = prod(shape[:-1]), shape[-1]
        (t,) = (p.values for p in points)
        if t.ndim <= 1 or all(n == 1 for n in t.shape[:-1]):
            shared = np.ascontiguousarray(np.broadcast_to(t.reshape(t.shape[-1:] if t.ndim else (1,)),
                                                          (cols,)))
            module.rows_shared(shared, *per_row, out.reshape(rows, cols))
        else:
            full = np.ascontiguousarray(np.broadcast_to(t, shape)).reshape(rows, cols)
            module.rows_full(full, *per_row, out.reshape(rows, cols))
        return out
    flat = [np.ascontiguousarray(np.broadcast_to(a.values, shape)).reshape(-1) for a in (*points, *modes)]
    module.flat(*flat, out.reshape(-1))
    return out


def per_row_modes(modes: Sequence[Argument], shape: tuple[int, ...]) -> list[FloatArray] | None:
    """Each mode argument as one value per row of ``shape[:-1]``, if all are constant along the last axis.

    ``None`` when some mode argument varies along the last axis (or ``shape``
    is 0-d): then every element is its own mode.
    """
    if not shape or not all(m.values.ndim == 0 or m.values.shape[-1] == 1 for m in modes):
        return None
    lead = shape[:-1]
    return [np.ascontiguousarray(np.broadcast_to(m.values if m.values.ndim == 0 else m.values[..., 0], lead))
            .reshape(prod(lead)) for m in modes]


def result(out: FloatArray) -> FloatArray | np.float64:
    """A 0-d result as a NumPy scalar, like a ufunc."""
    return out[()] if out.ndim == 0 else out
