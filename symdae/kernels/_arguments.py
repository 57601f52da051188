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

from symdae.kernels._status import message

Rule = Literal["real", "nonnegative", "positive"]
_RULE_TEXT = {"nonnegative": ">= 0", "positive": "> 0"}

FloatArray = NDArray[np.float64]


class NotRealError(TypeError, ValueError):
    """An argument that is not real numbers (booleans, complex, datetimes, strings, objects).

    A ``TypeError``, and also a ``ValueError`` so that one ``except ValueError`` catches every
    refused input.
    """


@dataclass(frozen=True)
class Argument:
    """One checked argument: its name and values."""

    name: str
    values: FloatArray


def checked(name: str, value: ArrayLike, rule: Rule = "real") -> Argument:
    """``value`` as a float64 array, finite and satisfying ``rule``.

    Only real numbers are accepted: integers, floats and arrays of them.
    Booleans, complex numbers, datetimes/timedeltas, strings and object arrays
    raise :class:`NotRealError` (a ``TypeError`` and a ``ValueError``) naming the
    argument; integers beyond float64's range and NaN or infinite values raise
    ``ValueError``.
    """
    try:
        array = np.asarray(value)
    except (TypeError, ValueError, OverflowError) as err:
        raise NotRealError(f"{name} must be real numbers (an int, a float or an array of them), "
                        f"got {_describe(value)}") from err
    kind = array.dtype.kind
    if kind == "O" and array.size and all(isinstance(v, int | float) and not isinstance(v, bool)
                                          for v in array.reshape(-1).tolist()):
        array = _big_integers(name, array)  # Python ints beyond int64 (among floats) arrive as objects
    elif kind not in "iuf":
        what = _KIND_TEXT.get(kind, f"dtype {array.dtype}")
        raise NotRealError(f"{name} must be real numbers (an int, a float or an array of them), got {what}")
    array = array.astype(np.float64, copy=False)
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


_KIND_TEXT = {"b": "booleans", "c": "complex numbers", "M": "datetimes", "m": "timedeltas",
              "U": "strings", "S": "bytes", "O": "Python objects", "V": "structured values"}


def _describe(value: object) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:60] + '…' if len(text) > 60 else text}"


def _big_integers(name: str, array: NDArray[np.object_]) -> FloatArray:
    """Python ints and floats as float64, refusing ints beyond float64's range (|n| > 1.8e308)."""
    out = np.empty(array.shape, dtype=np.float64)
    flat = out.reshape(-1)
    for i, v in enumerate(array.reshape(-1).tolist()):
        try:
            flat[i] = float(v)
        except OverflowError:
            raise ValueError(f"{name} must be within float64's range (|value| <= 1.8e308); got an integer "
                             f"of {len(str(abs(v)))} digits") from None
    return out


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


def refuse_overlap(out: FloatArray | None, arguments: Sequence[Argument]) -> None:
    """``ValueError`` if ``out`` shares memory with an input (its rows would be overwritten while read)."""
    if out is None:
        return
    for argument in arguments:
        if np.shares_memory(out, argument.values):
            raise ValueError(f"out must not share memory with {argument.name} (pass a separate array)")


CHUNK = 1 << 20
"""Elements per compiled call: long evaluations return to Python between chunks (Ctrl-C stops them)."""

OVERFLOW_TEXT = ("exceeds float64's range (|w| > 1.8e308), so it cannot be represented; this happens only near "
                 "t = 0 from weights whose product w1_0·w2_0 overflows")


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
    is computed independently. The work goes to the compiled code in chunks
    of :data:`CHUNK` elements. A module with ``STATUS`` reports a status code
    per row; a row that failed raises ``ValueError`` naming its mode.
    """
    shape = broadcast_shape([*points, *modes])
    refuse_overlap(out, [*points, *modes])
    out = output_array(shape, out)
    if out.size == 0:
        return out
    reports = bool(getattr(module, "STATUS", False))
    per_row = per_row_modes(modes, shape) if points else None
    if per_row is not None:
        rows, cols = prod(shape[:-1]), shape[-1]
        (t,) = (p.values for p in points)
        table = out.reshape(rows, cols)
        if t.ndim <= 1 or all(n == 1 for n in t.shape[:-1]):
            times = np.ascontiguousarray(np.broadcast_to(t.reshape(t.shape[-1:] if t.ndim else (1,)), (cols,)))
            run, shared = module.rows_shared, True
        else:
            times = np.ascontiguousarray(np.broadcast_to(t, shape)).reshape(rows, cols)
            run, shared = module.rows_full, False
        for r0, r1, c0, c1 in _blocks(rows, cols):
            block_t = times[c0:c1] if shared else times[r0:r1, c0:c1]
            block_modes = [m[r0:r1] for m in per_row]
            if reports:
                status = np.zeros(r1 - r0, dtype=np.int64)
                run(block_t, *block_modes, table[r0:r1, c0:c1], status)
                _check(module, status, block_modes, modes, table[r0:r1, c0:c1],
                       block_t if shared else None, None if shared else block_t)
            else:
                run(block_t, *block_modes, table[r0:r1, c0:c1])
        return out
    flat = [np.ascontiguousarray(np.broadcast_to(a.values, shape)).reshape(-1) for a in (*points, *modes)]
    values = out.reshape(-1)
    for start in range(0, values.size, CHUNK):
        stop = min(values.size, start + CHUNK)
        block = [a[start:stop] for a in flat]
        if reports:
            status = np.zeros(stop - start, dtype=np.int64)
            module.flat(*block, values[start:stop], status)
            _check(module, status, block[len(points):], modes, values[start:stop, None],
                   None, block[0][:, None] if points else None)
        else:
            module.flat(*block, values[start:stop])
    return out


def _blocks(rows: int, cols: int) -> list[tuple[int, int, int, int]]:
    """Row and column ranges of about :data:`CHUNK` elements, each a contiguous block of the output."""
    if cols > CHUNK:  # one row at a time, in column chunks (a one-row block is contiguous)
        return [(r, r + 1, c, min(cols, c + CHUNK)) for r in range(rows) for c in range(0, cols, CHUNK)]
    step = max(1, CHUNK // cols)
    return [(r, min(rows, r + step), 0, cols) for r in range(0, rows, step)]


def _check(module: ModuleType, status: NDArray[np.int64], block_modes: Sequence[FloatArray],
           modes: Sequence[Argument], values: FloatArray, shared: FloatArray | None,
           full: FloatArray | None) -> None:
    """``ValueError`` naming the first failed row's mode and time (``shared`` or ``full`` times)."""
    failed = np.flatnonzero(status)
    if not failed.size:
        return
    i = int(failed[0])
    bad = np.flatnonzero(~np.isfinite(values[i]))
    j = int(bad[0]) if bad.size else 0
    t = shared[j] if shared is not None else full[i, j] if full is not None else None
    when = "" if t is None else f" at t={float(t)!r}"
    mode = ", ".join(f"{m.name}={float(b[i])!r}" for m, b in zip(modes, block_modes, strict=True))
    raise ValueError(message(module.KERNEL, int(status[i]),
                             f"w(t){when} for {mode} {OVERFLOW_TEXT} ({failed.size} mode(s) failed)"))


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
