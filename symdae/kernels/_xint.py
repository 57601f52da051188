"""Double-double and int64-exponent extended arithmetic of ``mode_trajectory`` and ``gd_iterates``.

The ODE and GD engines (:mod:`symdae.kernels._radau`, :mod:`symdae.kernels._gd`) keep their
state in NumPy arrays of float64 mantissas beside *int64* exponents, and the functions printed
for them (:func:`symdae.codegen.printer.arithmetic_source`) pass every number as two scalars.
So this module has the scalar form of the arithmetic of :mod:`symdae.kernels._xf` (whose
extended floats are tuples with float64 exponents) and shares what is the same (``two_sum``,
``xlog``, the constants of ``ln 2``):

* **extended** ``(m, e)`` = ``m·2^e``, ``0.5 <= |m| < 1`` (or ``m = 0, e = 0``), ``e`` an int64:
  :func:`xnorm`, :func:`xmul`, :func:`xdiv`, :func:`xadd`, :func:`xexp`, ...;
* **double-double** ``hi + lo``: :func:`dd_add`, :func:`dd_mul` (products exact by one fused
  multiply-add, :func:`fma`), ...

Everything runs as plain Python under ``NUMBA_DISABLE_JIT=1`` with the results of the compiled
code (the float64 helpers of :mod:`symdae.kernels._floats`, re-exported here).
No ``cache=True``: these compile into the generated modules' cached code (see
:mod:`symdae.kernels._trajectory`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from symdae.kernels._floats import exp, fma, ldexp, quotient
from symdae.kernels._xf import LN2_HI, LN2_LO, LOG2E, two_sum
from symdae.kernels._xf import xlog as _xlog_tuple

__all__ = ["HUGE_EXPONENT", "LN2_HI", "LN2_LO", "dd_add", "dd_mul", "dd_neg", "dd_quotient", "dd_sub", "exp",
           "fast_two_sum", "fma", "ldexp", "quotient", "two_prod", "two_sum", "xadd", "xdiv", "xexp", "xfromf",
           "xless", "xlog", "xmax", "xmul", "xnorm", "xsqrt", "xsub", "xtof"]

#: An exponent: an int64 in the compiled code (a Python int or a NumPy int64 in pure Python).
Exponent = int | np.int64

HUGE_EXPONENT = 1 << 40  # an exponent beyond anything finite: "overflowed"

_jit = njit(error_model="numpy")


# --- double-double: x = hi + lo, |lo| <= ulp(hi)/2 (Dekker 1971, Knuth) ------------------------


@_jit
def fast_two_sum(a: float, b: float) -> tuple[float, float]:
    """``s + e = a + b`` exactly for ``|a| >= |b|`` (or ``a = 0``)."""
    s = a + b
    return s, b - (s - a)


@_jit
def two_prod(a: float, b: float) -> tuple[float, float]:
    """``p + e = a·b`` exactly (products above the subnormal range), by one fused multiply-add."""
    p = a * b
    return p, fma(a, b, -p)


@_jit
def dd_add(ah: float, al: float, bh: float, bl: float) -> tuple[float, float]:
    """``a + b`` with an error of a few ulp of ``ulp(|a| + |b|)`` (Dekker's addition): enough wherever
    the contract is relative to the operands' magnitudes, as for the weights of gradient descent."""
    s, e = two_sum(ah, bh)
    e += al + bl
    return fast_two_sum(s, e)


@_jit
def dd_sub(ah: float, al: float, bh: float, bl: float) -> tuple[float, float]:
    return dd_add(ah, al, -bh, -bl)


@_jit
def dd_neg(ah: float, al: float) -> tuple[float, float]:
    return -ah, -al


@_jit
def dd_mul(ah: float, al: float, bh: float, bl: float) -> tuple[float, float]:
    p, e = two_prod(ah, bh)
    e += ah * bl + al * bh
    return fast_two_sum(p, e)


@_jit
def dd_quotient(xh: float, xl: float, y: float) -> tuple[float, float, Exponent]:
    """``(xh + xl)/y`` as a double-double mantissa and a power of two: ``(qh, ql, e)``."""
    if xh == 0.0:
        return 0.0, 0.0, np.int64(0)
    mx, ex = math.frexp(xh)
    lx = ldexp(xl, -ex)
    my, ey = math.frexp(y)
    q = mx / my
    p, pe = two_prod(q, my)
    r = ((mx - p) - pe) + lx
    qh, ql = fast_two_sum(q, r / my)
    return qh, ql, np.int64(ex) - np.int64(ey)


# --- extended: x = m 2**e, m = 0 or 0.5 <= |m| < 1, e an int64 --------------------------------


@_jit
def xnorm(m: float, e: Exponent) -> tuple[float, Exponent]:
    if m == 0.0:
        return 0.0, np.int64(0)
    f, x = math.frexp(m)
    return f, np.int64(e) + np.int64(x)


@_jit
def xfromf(x: float) -> tuple[float, Exponent]:
    return xnorm(x, 0)


@_jit
def xtof(m: float, e: Exponent) -> float:
    """``m·2^e`` rounded to float64 (``inf`` beyond its range, 0 or a subnormal below)."""
    return ldexp(m, max(min(e, np.int64(4000)), np.int64(-4000)))


@_jit
def xmul(am: float, ae: Exponent, bm: float, be: Exponent) -> tuple[float, Exponent]:
    return xnorm(am * bm, ae + be)


@_jit
def xdiv(am: float, ae: Exponent, bm: float, be: Exponent) -> tuple[float, Exponent]:
    return xnorm(quotient(am, bm), ae - be)


@_jit
def xadd(am: float, ae: Exponent, bm: float, be: Exponent) -> tuple[float, Exponent]:
    """``a + b`` (any signs; the rounding of one float64 addition)."""
    if am == 0.0:
        return bm, be
    if bm == 0.0:
        return am, ae
    if ae >= be:
        d = be - ae
        return (am, ae) if d < -60 else xnorm(am + ldexp(bm, d), ae)
    d = ae - be
    return (bm, be) if d < -60 else xnorm(bm + ldexp(am, d), be)


@_jit
def xsub(am: float, ae: Exponent, bm: float, be: Exponent) -> tuple[float, Exponent]:
    return xadd(am, ae, -bm, be)


@_jit
def xsqrt(m: float, e: Exponent) -> tuple[float, Exponent]:
    if e & 1:
        m = 2.0 * m
        e = e - 1
    return xnorm(math.sqrt(m), e >> 1)


@_jit
def xless(am: float, ae: Exponent, bm: float, be: Exponent) -> bool:
    """``a < b`` for ``a, b >= 0`` (normalised)."""
    if am == 0.0 or bm == 0.0:
        return am < bm
    return bool(ae < be or (ae == be and am < bm))


@_jit
def xmax(am: float, ae: Exponent, bm: float, be: Exponent) -> tuple[float, Exponent]:
    """``max(|a|, |b|)``."""
    return (abs(bm), be) if xless(abs(am), ae, abs(bm), be) else (abs(am), ae)


@_jit
def xexp(hi: float, lo: float) -> tuple[float, Exponent]:
    """``e^(hi + lo)`` for ``|lo| << 1``; exponent :data:`HUGE_EXPONENT` beyond ``2^2^21``."""
    if hi > 1.4e6:
        return 0.5, np.int64(HUGE_EXPONENT)
    if hi < -1.4e6:
        return 0.0, np.int64(0)
    n = math.floor(hi * LOG2E + 0.5)
    r = (hi - n * LN2_HI) - n * LN2_LO + lo
    return xnorm(math.exp(r), np.int64(n))


@_jit
def xlog(m: float, e: Exponent) -> tuple[float, float]:
    """``ln(m·2^e)`` for ``m > 0`` as ``hi + lo`` (absolute error ~1e-16 for ``|e| < 2^21``)."""
    return _xlog_tuple((m, e))  # type: ignore[arg-type]  # an int64 exponent: the same arithmetic
