"""Kernel tests; :func:`mode_call` calls a kernel with a mode written as a tuple."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

ORDER = ("lam", "eps", "kappa", "tau", "w1_0", "w2_0")


def mode_call(kernel: Callable[..., Any], args: Sequence[Any], *, kappa: bool = True) -> Any:
    """``kernel(points, lam=…, eps=…[, kappa=…], tau=…, w1_0=…, w2_0=…)`` for ``args = (points, λ, ε[, κ], τ, w1, w2)``.

    The references of these tests take a mode as a positional tuple in the kernels' order; the
    kernels take it as keywords. ``kappa=False`` for the kernels without weight decay.
    """
    names = ORDER if kappa else tuple(n for n in ORDER if n != "kappa")
    points, *mode = args
    if len(mode) != len(names):
        raise TypeError(f"mode_call needs {len(names) + 1} values (points, {', '.join(names)}), got {len(args)}")
    return kernel(points, **dict(zip(names, mode, strict=True)))
