"""Extended-range and double-double arithmetic for the kernels (Numba, ordinary source).

An **extended float** (XF) is a pair ``(m, e)`` of float64 meaning ``m · 2^e``,
with ``0.5 <= |m| < 1`` (or ``m = 0``) and ``e`` a whole number held in a
float64: the precision of float64 with an exponent range that no physical
input can exhaust (|e| up to 2^53). The kernels carry quantities such as
``(w1 + w2)²`` for weights of 1e-200, or ``e^{−x}`` for ``x = 1500``, in
this form, so no intermediate underflows or overflows; only the final result
is rounded to float64 (:func:`xto`), once.

A **double-double** is an unevaluated sum ``hi + lo`` with ``|lo| <= ulp(hi)/2``
(Dekker's ``two_sum`` and ``two_prod``, exact without FMA): the kernels use it
for ``x = R t / τ``, where ``e^{−x}`` amplifies an absolute error of ``x``
into a relative error of the result.

Every function is ``@njit`` (LLVM inlines them into their callers) and also runs as plain Python
under ``NUMBA_DISABLE_JIT=1``.
"""

from __future__ import annotations

import math

from numba import njit

from symdae.kernels._floats import ldexp

LN2 = 0.6931471805599453
LN2_HI = 0.6931471803691238  # ln 2 to 32 significant bits: n * LN2_HI is exact for |n| < 2**21
LN2_LO = 1.9082149292705877e-10  # ln 2 − LN2_HI
LOG2E = 1.4426950408889634
_SPLIT = 134217729.0  # 2**27 + 1, Dekker's splitter
_FAR = 1100.0  # an exponent gap beyond which the smaller addend vanishes below rounding

_jit = njit(error_model="numpy")  # no cache=True: compiled into the (verified) generated modules' code


# --- double-double --------------------------------------------------------------------------


@_jit
def two_sum(a: float, b: float) -> tuple[float, float]:
    """``s + e = a + b`` exactly, ``s = fl(a + b)`` (Knuth)."""
    s = a + b
    v = s - a
    return s, (a - (s - v)) + (b - v)


@_jit
def _split(a: float) -> tuple[float, float]:
    c = _SPLIT * a
    hi = c - (c - a)
    return hi, a - hi


@_jit
def two_prod(a: float, b: float) -> tuple[float, float]:
    """``p + e = a · b`` exactly, ``p = fl(a · b)`` (Dekker; |a|, |b| < 2^996)."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


# --- extended floats ------------------------------------------------------------------------


@_jit
def xnorm(m: float, e: float) -> tuple[float, float]:
    """``m · 2^e`` normalised (``0.5 <= |m| < 1``, or ``(0, 0)``)."""
    if m == 0.0:
        return 0.0, 0.0
    f, n = math.frexp(m)
    return f, e + n


@_jit
def xf(x: float) -> tuple[float, float]:
    """A float64 as an extended float."""
    return xnorm(x, 0.0)


@_jit
def xmul(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    return xnorm(a[0] * b[0], a[1] + b[1])


@_jit
def xdiv(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """``a / b`` for ``b != 0``."""
    return xnorm(a[0] / b[0], a[1] - b[1])


@_jit
def xscale(a: tuple[float, float], n: float) -> tuple[float, float]:
    """``a · 2^n`` (exact)."""
    return (a[0], a[1] + n) if a[0] != 0.0 else (0.0, 0.0)


@_jit
def xneg(a: tuple[float, float]) -> tuple[float, float]:
    return -a[0], a[1]


@_jit
def xabs(a: tuple[float, float]) -> tuple[float, float]:
    return abs(a[0]), a[1]


@_jit
def xadd(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """``a + b``: the addend of smaller exponent is aligned to the larger (one rounding)."""
    if a[0] == 0.0:
        return b
    if b[0] == 0.0:
        return a
    gap = a[1] - b[1]
    if gap >= 0.0:
        return xnorm(a[0] + math.ldexp(b[0], -int(min(gap, _FAR))), a[1])
    return xnorm(math.ldexp(a[0], -int(min(-gap, _FAR))) + b[0], b[1])


@_jit
def xsub(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    return xadd(a, (-b[0], b[1]))


@_jit
def xsqrt(a: tuple[float, float]) -> tuple[float, float]:
    """``√a`` for ``a >= 0``."""
    m, e = a
    if m == 0.0:
        return 0.0, 0.0
    if e % 2.0 != 0.0:
        m *= 2.0
        e -= 1.0
    return xnorm(math.sqrt(m), e / 2.0)


@_jit
def xhypot(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """``√(a² + b²)`` without overflow or underflow."""
    if a[0] == 0.0:
        return xabs(b)
    if b[0] == 0.0:
        return xabs(a)
    top = max(a[1], b[1])
    ma = math.ldexp(a[0], -int(min(top - a[1], _FAR)))
    mb = math.ldexp(b[0], -int(min(top - b[1], _FAR)))
    return xnorm(math.hypot(ma, mb), top)


@_jit
def xto(a: tuple[float, float]) -> float:
    """``a`` rounded to float64: ``±inf`` beyond its range, 0 or subnormal below."""
    m, e = a
    if m == 0.0:
        return 0.0
    if e > 1100.0:
        return math.copysign(math.inf, m)
    if e < -1200.0:
        return math.copysign(0.0, m)
    return ldexp(m, int(e))


@_jit
def xlt(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """``a < b``."""
    return xsub(a, b)[0] < 0.0


@_jit
def xlog(a: tuple[float, float]) -> tuple[float, float]:
    """``ln a`` for ``a > 0`` as a double-double ``(hi, lo)`` (``e ln2`` carried exactly)."""
    m, e = a
    return two_sum(e * LN2_HI, e * LN2_LO + math.log(m))


@_jit
def xexp_neg(x_hi: float, x_lo: float) -> tuple[float, float]:
    """``e^{−(x_hi + x_lo)}`` for ``x_hi >= 0`` as an extended float (never under- or overflows).

    ``x = n ln 2 + r`` with ``|r| <= ln2/2`` (Cody–Waite, ``n ln2`` exact), so
    ``e^{−x} = e^{−r} · 2^{−n}``. Beyond ``x = 1e6`` the result is 0: no
    quantity of a kernel is scaled by more than ``2^{±1e5}``.
    """
    if not x_hi <= 1e6:
        return 0.0, 0.0
    n = math.floor(x_hi * LOG2E + 0.5)
    r = ((x_hi - n * LN2_HI) - n * LN2_LO) + x_lo
    return xnorm(math.exp(-r), -n)


@_jit
def xlog1p(a: tuple[float, float]) -> tuple[float, float]:
    """``ln(1 + a)`` for ``a >= 0`` as an extended float (tiny ``a`` keep their exponent)."""
    if a[0] == 0.0:
        return 0.0, 0.0
    if a[1] < -30.0:  # a < 2^-31: ln(1 + a) = a (1 − a/2 + a²/3), exact to rounding
        small = xto(a)
        return xmul(a, xf(1.0 - small / 2.0 + small * small / 3.0))
    if a[1] < 1000.0:
        return xf(math.log1p(xto(a)))
    hi, lo = xlog(a)
    return xf(hi + lo)
