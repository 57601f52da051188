"""float64 operations that give Numba's answers in plain Python too (``NUMBA_DISABLE_JIT=1``).

Where Python's float operations raise and Numba's compiled code returns ``inf`` or ``nan``
(``math.ldexp``/``math.exp`` beyond float64, ``x/0``), the engines call :func:`ldexp`,
:func:`exp` and :func:`quotient`: compiled, each is the plain operation (an ``overload``);
in Python, the same IEEE-754 answer. :func:`fma` is ``llvm.fma`` compiled and exact rational
arithmetic in Python, so the two agree to the bit.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic, overload

__all__ = ["exp", "fma", "ldexp", "quotient"]


def ldexp(m: float, e: int | np.int64) -> float:
    """``m·2^e``: ``±inf`` beyond float64 (where pure Python's ``math.ldexp`` raises)."""
    try:
        return math.ldexp(m, int(e))
    except OverflowError:
        return math.copysign(math.inf, m)


def exp(x: float) -> float:
    """``e^x``: ``inf`` beyond float64 (where pure Python's ``math.exp`` raises)."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def quotient(a: float, b: float) -> float:
    """``a / b`` with IEEE-754's answer for ``b = 0`` (``±inf``, or ``nan`` for ``0/0``)."""
    if b == 0.0:
        if a == 0.0 or a != a:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def fma(a: float, b: float, c: float) -> float:
    """``a·b + c`` rounded once (compiled: ``llvm.fma``; pure Python: exact rational arithmetic)."""
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
        return a * b + c
    return float(Fraction(a) * Fraction(b) + Fraction(c))


@intrinsic
def _llvm_fma(typingctx, a, b, c):
    """llvm.fma: the FMA instruction where the CPU has one, else libm's fma."""
    sig = types.float64(types.float64, types.float64, types.float64)

    def codegen(context, builder, signature, args):
        d = ir.DoubleType()
        return builder.call(builder.module.declare_intrinsic("llvm.fma", [d], ir.FunctionType(d, [d, d, d])), args)

    return sig, codegen


@overload(ldexp, jit_options={"error_model": "numpy"})
def _ldexp_compiled(m, e):
    return lambda m, e: math.ldexp(m, e)


@overload(exp, jit_options={"error_model": "numpy"})
def _exp_compiled(x):
    return lambda x: math.exp(x)


@overload(quotient, jit_options={"error_model": "numpy"})
def _quotient_compiled(a, b):
    return lambda a, b: a / b


@overload(fma, jit_options={"error_model": "numpy"})
def _fma_compiled(a, b, c):
    return lambda a, b, c: _llvm_fma(a, b, c)
