"""The engine of ``dae_trajectory`` and ``time_to_fraction`` (Numba, ordinary source).

The mathematics is :mod:`symdae.derivations.positive_forms`: per mode, the
weights and rates are *normalised* (:func:`normalise`, claims
``pf.normalisation``, ``pf.unit_circle``, ``pf.product_form``), the generated
module turns the normalised values into a table of coefficients (claims
``pf.table_nonneg``, ``pf.table_neg``), and this engine evaluates

    w(t) = (S²/4) (E+ − E−) F / (D_P D_Q),   each factor  u (1 − g) + v + w g,  g = e^{−x},  x = Rt/τ,

from the table (:func:`forms_row`). A table is data, so the same engine
runs every mode; two arithmetics evaluate it:

* **fast** (float64, vectorised): when every coefficient lies within
  ``2^{±100}``, ``S²`` within ``2^{±300}`` and λ̂, ``kP0/(2R)`` at least
  ``2^{-100}`` -- every mode of a real spectrum. Terms in ``g`` are dropped
  once ``x > 700``, where they are below ``2^{-900}`` of the terms beside
  them, so settled modes cost what rising ones do.
* **extended** (:mod:`~symdae.kernels._xf`): every other mode, and any
  time whose ``x`` is below 1e-290. Each coefficient keeps its own exponent,
  so weights from 5e-324 to 1.8e308 and times whose ``e^{−x}`` is 1e-600
  lose nothing; only the result is rounded to float64.

``R/τ`` is computed as a double-double from the inputs and ``x`` carried as one
where its absolute error would show in the result (a mode rising from 1e-300
passes its midpoint at ``x ≈ 1400``).

Row status codes (:class:`~symdae.kernels._status.Status`): :data:`OK`, or
:data:`OVERFLOW` where ``|w(t)|`` exceeds float64's range (only near ``t = 0``
from weights whose product does).
"""

from __future__ import annotations

import math

from numba import njit

from symdae.kernels._floats import ldexp
from symdae.kernels._status import Status
from symdae.kernels._vmath import vem_g
from symdae.kernels._xf import (
    two_prod,
    two_sum,
    xabs,
    xadd,
    xdiv,
    xexp_neg,
    xf,
    xhypot,
    xlog1p,
    xlt,
    xmul,
    xneg,
    xnorm,
    xscale,
    xsub,
    xto,
)

OK, OVERFLOW = int(Status.OK), int(Status.OVERFLOW)  # row status codes (symdae.kernels._status)
ZERO, STATIC, DEGENERATE, GENERIC = 0, 1, 2, 3
"""Mode kinds: ``w1 = w2 = 0``; ``λ = ε = 0`` (no dynamics); ``λ = 0`` on a balanced line
(``R = 0``); everything else."""

FAST_COEFFICIENT = 100.0  # |exponent| of a coefficient on the fast path
FAST_SCALE = 300.0  # |exponent| of S²/4 on the fast path
TINY_X = 1e-290  # below this x = Rt/τ is carried as an extended float

# No cache=True here: these compile into the generated modules' cached code (whose Numba files the
# kernel cache verifies), so a damaged cache file of their own can never be read.
_jit = njit(error_model="numpy")

XF = tuple[float, float]


@_jit
def normalise(lam: float, eps: float, tau: float, w1: float, w2: float):
    """Normalised variables of a mode (see the module docstring).

    Returns ``(kind, λ̂, m̂, T, p̂, q̂, ŝ, d̂, S²/4, r_hi, r_lo, r_e)``: extended
    floats ``λ̂ = 2λ/R``, ``m̂ = kc0/R``, ``T = kS²/(2R)``, ``d̂ = 4w1w2/(S²ŝ)`` and
    ``S²/4``; float64 ``p̂ = |w1 + w2|/S``, ``q̂ = |w2 − w1|/S``, ``ŝ = p̂ + q̂``;
    and the rate ``R/τ = (r_hi + r_lo) 2^{r_e}`` as a double-double mantissa.
    For ``STATIC`` modes ``d̂`` holds ``w1 w2``; for ``DEGENERATE`` ones ``d̂``
    holds ``±X0`` (``P0`` or ``−Q0``) and ``T`` holds ``k/(2τ)``.
    """
    zero = (0.0, 0.0)
    big = max(abs(w1), abs(w2))
    if big == 0.0:
        return ZERO, zero, zero, zero, 0.0, 0.0, 0.0, zero, zero, 0.0, 0.0, 0.0
    e = float(math.frexp(big)[1])
    a = ldexp(w1, -int(e))
    b = ldexp(w2, -int(e))
    ph = abs(a + b)
    qh = abs(b - a)
    sh = ph + qh
    w0 = xmul(xf(w1), xf(w2))
    k = xadd(xf(lam), xf(eps))
    if k[0] == 0.0:
        return STATIC, zero, zero, zero, ph, qh, sh, w0, zero, 0.0, 0.0, 0.0
    scale = (0.5, 2.0 * e - 1.0)  # S²/4 with S = 2^e
    d = xdiv(xscale(w0, 2.0 - 2.0 * e), xf(sh))
    k_s2 = xscale(k, 2.0 * e)
    big_a = xdiv(xscale(xf(lam), 1.0), k_s2)  # A = 2λ/(kS²)
    pq = ph * qh
    h = xhypot(big_a, xf(pq))
    if h[0] == 0.0:  # λ = 0 and c0 = 0: P (or Q) = X0/(1 + X0 k t/(2τ))
        x0 = xscale(xf(ph * ph), 2.0 * e) if qh == 0.0 else xneg(xscale(xf(qh * qh), 2.0 * e))
        return DEGENERATE, zero, zero, xdiv(k, xscale(xf(tau), 1.0)), ph, qh, sh, x0, scale, 0.0, 0.0, 0.0
    lh = xdiv(big_a, h)
    mh = xdiv(xf(pq), h)
    t_w = xdiv(xf(0.5), h)
    if lh[0] != 0.0 and lh[1] >= 0.0:  # λ̂ >= 1/2: R = 2λ √(1 + μ²), μ = m̂/λ̂ <= √3, in double-double
        lm, le = math.frexp(lam)
        tm, te = math.frexp(tau)
        q = lm / tm
        p_hi, p_lo = two_prod(q, tm)
        lo = ((lm - p_hi) - p_lo) / tm
        mu = xto(mh) / xto(lh)
        delta = mu * mu / (1.0 + math.sqrt(1.0 + mu * mu))
        r_hi, r_lo = two_sum(q, lo + q * delta + lo * delta)
        r_e = float(le - te + 1)
    else:  # m̂ > √3/2: R = kc0 √(1 + ν²), ν = λ̂/m̂ < 1/√3, with k = λ + ε and c0 = pq in double-double
        ke = math.frexp(max(lam, eps))[1]
        k_hi, k_lo = two_sum(ldexp(lam, -ke), ldexp(eps, -ke))
        s_hi, s_lo = two_sum(a, b)
        d_hi, d_lo = two_sum(b, -a)
        p_hi, p_lo = (s_hi, s_lo) if s_hi >= 0.0 else (-s_hi, -s_lo)
        q_hi, q_lo = (d_hi, d_lo) if d_hi >= 0.0 else (-d_hi, -d_lo)
        c_hi, c_lo = two_prod(p_hi, q_hi)
        c_lo += p_hi * q_lo + p_lo * q_hi
        m_hi, m_lo = two_prod(k_hi, c_hi)
        m_lo += k_hi * c_lo + k_lo * c_hi
        tm, te = math.frexp(tau)
        q = m_hi / tm
        p_hi, p_lo = two_prod(q, tm)
        lo = (((m_hi - p_hi) - p_lo) + m_lo) / tm
        nu = xto(lh) / xto(mh)
        delta = nu * nu / (1.0 + math.sqrt(1.0 + nu * nu))
        r_hi, r_lo = two_sum(q, lo + q * delta + lo * delta)
        r_e = float(ke - te) + 2.0 * e
    return GENERIC, lh, mh, t_w, ph, qh, sh, d, scale, r_hi, r_lo, r_e


@_jit
def _x_of(t: float, r_hi: float, r_lo: float, r_e: float) -> tuple[float, float, XF]:
    """``x = (R/τ) t`` as a double-double ``(hi, lo)`` (``hi = inf`` beyond range) and as an extended float."""
    tm, te = math.frexp(t)
    x_hi, x_lo = two_prod(r_hi, tm)
    x_lo += r_lo * tm
    e = r_e + te
    x = xnorm(x_hi + x_lo, e)
    if x[0] == 0.0:
        return 0.0, 0.0, x
    if e > 1000.0:
        return math.inf, 0.0, x
    return ldexp(x_hi, int(e)), ldexp(x_lo, int(e)), x


@_jit
def _xform(c, i: int, em: XF, g: XF) -> XF:
    """Form ``i`` of table ``c`` at ``(1 − g, g)``: ``u (1 − g) + v + w g``."""
    return xadd(xadd(xmul(c[3 * i], em), c[3 * i + 1]), xmul(c[3 * i + 2], g))


@_jit
def point_extended(t: float, c, scale: XF, r_hi: float, r_lo: float, r_e: float,
                   negative: bool) -> float:
    """``w(t)`` from table ``c`` in extended arithmetic (``±inf`` if it exceeds float64)."""
    em, g = _em_g(t, r_hi, r_lo, r_e)
    late = negative and xto(em) > 0.6321205588285577  # x > 1: 1 − e^{−x} > 1 − 1/e
    d_p = _xform(c, 0, em, g)
    d_q = _xform(c, 1, em, g)
    f = _xform(c, 2, em, g)
    e_plus = _xform(c, 5 if late else 3, em, g)
    e_minus = _xform(c, 6 if late else 4, em, g)
    return xto(xmul(scale, xdiv(xmul(xsub(e_plus, e_minus), f), xmul(d_p, d_q))))


@_jit
def _fast(c, scale: XF, lh: XF, r_hi: float, r_e: float) -> bool:
    if abs(scale[1]) > FAST_SCALE or lh[0] == 0.0 or lh[1] < -FAST_COEFFICIENT or c[0][1] < -FAST_COEFFICIENT:
        return False
    if c[0][0] == 0.0 or not abs(r_e) < 1000.0:
        return False
    for i in range(21):
        if c[i][0] != 0.0 and abs(c[i][1]) > FAST_COEFFICIENT:
            return False
    return True


_loop = njit(error_model="numpy", fastmath={"contract"})
_inline = njit(error_model="numpy", fastmath={"contract"}, inline="always")


@_inline
def _exponent(tj, rh, rl):
    """``x = R t/τ`` from the split rate ``rh + rl`` (settled beyond 1e300, where ``rl·t`` alone may overflow)."""
    x = rh * tj
    x += rl * tj if x < 1e300 else 0.0
    return x


@_inline
def _form(u, v, z, em, g):
    """One form ``u e^{−x}m + v + z g`` of the table (inlined: the loops stay vectorised)."""
    return u * em + v + z * g


@_loop
def _fast_loop(t, rh, rl, s, u0, v0, z0, u1, v1, z1, u2, v2, z2, u3, v3, z3, out):
    """The fast path for ``w1 w2 >= 0``: four forms, vectorised (FMA contraction allowed, no reassociation)."""
    for j in range(t.shape[0]):
        em, g = vem_g(_exponent(t[j], rh, rl))
        d_p, d_q, f = _form(u0, v0, z0, em, g), _form(u1, v1, z1, em, g), _form(u2, v2, z2, em, g)
        out[j] = s * (_form(u3, v3, z3, em, g) * f) / (d_p * d_q)


@_loop
def _fast_loop_neg(t, rh, rl, s, u0, v0, z0, u1, v1, z1, u2, v2, z2, u3, v3, z3, u4, v4, z4,
                   u5, v5, z5, u6, v6, z6, out):
    """The fast path for ``w1 w2 < 0``: ``E = E+ − E−``, the early forms up to ``x = 1``, the late ones after."""
    for j in range(t.shape[0]):
        x = _exponent(t[j], rh, rl)
        em, g = vem_g(x)
        d_p, d_q, f = _form(u0, v0, z0, em, g), _form(u1, v1, z1, em, g), _form(u2, v2, z2, em, g)
        late = x > 1.0
        e_plus = _form(u5, v5, z5, em, g) if late else _form(u3, v3, z3, em, g)
        e_minus = _form(u6, v6, z6, em, g) if late else _form(u4, v4, z4, em, g)
        out[j] = s * ((e_plus - e_minus) * f) / (d_p * d_q)


@_jit
def forms_row(t, c, scale: XF, lh: XF, r_hi: float, r_lo: float, r_e: float,
              negative: bool, out) -> int:
    """``w`` at every time of ``t`` from table ``c`` into ``out``; returns a status code."""
    if _fast(c, scale, lh, r_hi, r_e):
        rh = ldexp(r_hi, int(r_e))
        rl = ldexp(r_lo, int(r_e))
        u0, v0, z0, u1, v1, z1 = xto(c[0]), xto(c[1]), xto(c[2]), xto(c[3]), xto(c[4]), xto(c[5])
        u2, v2, z2, u3, v3, z3 = xto(c[6]), xto(c[7]), xto(c[8]), xto(c[9]), xto(c[10]), xto(c[11])
        u4, v4, z4, u5, v5, z5 = xto(c[12]), xto(c[13]), xto(c[14]), xto(c[15]), xto(c[16]), xto(c[17])
        u6, v6, z6 = xto(c[18]), xto(c[19]), xto(c[20])
        s = xto(scale)
        if negative:
            _fast_loop_neg(t, rh, rl, s, u0, v0, z0, u1, v1, z1, u2, v2, z2, u3, v3, z3, u4, v4, z4,
                           u5, v5, z5, u6, v6, z6, out)
        else:  # E− = 0 and one E for all times
            _fast_loop(t, rh, rl, s, u0, v0, z0, u1, v1, z1, u2, v2, z2, u3, v3, z3, out)
        for j in range(t.shape[0]):  # the rare tiny x > 0, where x itself would lose digits
            x = rh * t[j]
            if 0.0 < x < TINY_X:
                out[j] = point_extended(t[j], c, scale, r_hi, r_lo, r_e, negative)
        return OK
    status = OK
    for j in range(t.shape[0]):
        out[j] = point_extended(t[j], c, scale, r_hi, r_lo, r_e, negative)
        if not math.isfinite(out[j]):
            status = OVERFLOW
    return status


@_jit
def _em_g(t: float, r_hi: float, r_lo: float, r_e: float) -> tuple[XF, XF]:
    """``(1 − e^{−x}, e^{−x})`` as extended floats for ``x = (R/τ) t``."""
    x_hi, x_lo, x = _x_of(t, r_hi, r_lo, r_e)
    g = xexp_neg(x_hi, x_lo)
    if x[1] < -30.0:  # x < 2^-31: 1 − e^{−x} = x (1 − x/2 + x²/6)
        xs = xto(x)
        return xmul(x, xf(1.0 - xs / 2.0 + xs * xs / 6.0)), g
    return xf(-math.expm1(-x_hi) + math.exp(-x_hi) * x_lo), g


@_jit
def origin_row(t, scale: XF, qh: float, t_w: XF, r_hi: float, r_lo: float, r_e: float,
               out) -> int:
    """A start on ``w1 = −w2`` (``p̂ = 0``): ``w = −(S²q̂²/4) e^{−x}/(1 + ν(1 − e^{−x}))``, ``ν = q̂²T``.

    The table's forms ``E``, ``F`` and ``D_P`` are then all multiples of ``e^{−x}`` (claim
    ``stable.origin_line``: P stays 0), which this evaluates cancelled.
    """
    nu = xmul(xf(qh * qh), t_w)
    start = xneg(xmul(scale, xf(qh * qh)))
    status = OK
    for j in range(t.shape[0]):
        em, g = _em_g(t[j], r_hi, r_lo, r_e)
        out[j] = xto(xdiv(xmul(start, g), xadd(xf(1.0), xmul(nu, em))))
        if not math.isfinite(out[j]):
            status = OVERFLOW
    return status


@_jit
def special_row(kind: int, t, w0: XF, rate2: XF, out) -> int:
    """``w(t)`` of the ``ZERO``, ``STATIC`` and ``DEGENERATE`` modes."""
    status = OK
    for j in range(t.shape[0]):
        if kind == ZERO:
            out[j] = 0.0
        elif kind == STATIC:
            out[j] = xto(w0)
        else:  # ±X0/4 / (1 + X0 k t/(2τ)), X0 = P0 or Q0
            x0 = xabs(w0)
            grown = xadd(xf(1.0), xmul(x0, xmul(rate2, xf(t[j]))))
            out[j] = xto(xscale(xdiv(w0, grown), -2.0))
        if not math.isfinite(out[j]):
            status = OVERFLOW
    return status


# --- time to a fraction of the fixed point ----------------------------------------------------


@_jit
def time_result(kind: int, fraction: float, lam: float, lh: XF, t_w: XF, d: XF, sh: float, ph: float,
                ratio: XF, r_hi: float, r_lo: float, r_e: float) -> float:
    """Epochs until ``w >= f λ/(λ + ε)`` (``ratio`` = ``1/g_f − 1`` from the generated kernel).

    0 if the start is there already; ``inf`` if the mode never gets there, and where the time exceeds
    float64's range (IEEE overflow).
    """
    if kind == ZERO:  # w stays 0: there already only if the target is 0
        return 0.0 if fraction == 0.0 or lam == 0.0 else math.inf
    if kind != GENERIC:  # λ = ε = 0 (w stays) or λ = 0 on a balanced line (w decays to w* = 0)
        return 0.0 if d[0] >= 0.0 else math.inf
    target = xmul(xf(fraction), xdiv(lh, t_w))  # f w* in units of S²/4
    if not xlt(xmul(d, xf(sh)), target):
        return 0.0
    if ph == 0.0 or fraction >= 1.0 or lh[0] == 0.0:
        return math.inf
    if ratio[0] <= 0.0:
        return 0.0
    scale = xnorm(r_hi + r_lo, r_e)  # R/τ
    return xto(xdiv(xlog1p(ratio), scale))


__all__ = ["DEGENERATE", "GENERIC", "OK", "OVERFLOW", "STATIC", "ZERO", "forms_row", "normalise",
           "point_extended", "special_row", "time_result"]
