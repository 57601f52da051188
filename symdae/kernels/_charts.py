"""One step of ``mode_trajectory``'s integrator in each chart (Numba, ordinary source).

:func:`chart_steps` binds the charts' right-hand sides printed from SymPy (``log_chart_rhs``,
``ratio_chart_rhs``, ``inverse_chart_rhs`` of :mod:`symdae.codegen.ode`; claims
``wdf.log_chart``, ``wdf.ratio_chart``, ``wdf.inverse_chart``) to the Radau IIA step of
:mod:`symdae.kernels._radau` and returns ``advance``: a step ``h`` taken as one step and as two
half steps, the difference being the local error estimate and the extrapolated result
(order 6) the value. Each chart scales its coefficients by their largest magnitude
(``mu``, a power of two) with its own frame for the variable, so that none overflows or
underflows for any mode. Runs as plain Python under ``NUMBA_DISABLE_JIT=1``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numba import njit

from symdae.kernels import _layout as col
from symdae.kernels._modes import (
    CHART_INVERSE,
    CHART_LOG,
    imbalance,
    log_sqrt_e,
)
from symdae.kernels._radau import C1, C2, TOLERANCE, radau_solver
from symdae.kernels._xint import (
    LN2_HI,
    LN2_LO,
    dd_add,
    dd_sub,
    exp,
    ldexp,
    quotient,
    xadd,
    xdiv,
    xexp,
    xfromf,
    xless,
    xmax,
    xmul,
    xnorm,
    xtof,
)

_jit = njit(error_model="numpy")

Rhs = Callable[..., tuple[float, float]]


@_jit
def stage_time(um, ue, hm, he, s):
    """u + c_s h for s = 0 (the start), 1, 2, 3 (the nodes)."""
    if s == 0:
        return um, ue
    c = C1 if s == 1 else (C2 if s == 2 else 1.0)
    cm_, ce_ = xmul(c, np.int64(0), hm, he)
    return xadd(um, ue, cm_, ce_)


@_jit
def scale_of(big_m, big_e):
    """mu = 1/big as a float (big >= 1: a power of two bringing the step's coefficients to <= 1)."""
    return ldexp(1.0 / big_m, -big_e)


def chart_steps(log_chart_rhs: Rhs, ratio_chart_rhs: Rhs, inverse_chart_rhs: Rhs) -> Callable[..., tuple]:
    """``advance(um, ue, hm, he, chart, sign, vh, vl, rm, re, mode, imode)`` for the printed right-hand sides."""

    @_jit
    def log_stage(p, s, z):
        two_m, s_aq, k_s, k_q, e_hat, rho = p
        x = exp(z)
        return log_chart_rhs(two_m, s_aq, k_s * x, k_q * x, quotient(e_hat[s], x * x), rho)

    @_jit
    def ratio_stage(p, s, z):
        r_a, rb, y0, r_c = p
        return ratio_chart_rhs(r_a, rb[s], y0 + z, r_c)

    @_jit
    def inverse_stage(p, s, z):
        i_a, i_b, i_ce, i_e, y0 = p
        return inverse_chart_rhs(i_a, i_b, i_ce[s], i_e[s], y0 + z)

    solve_log = radau_solver(log_stage)
    solve_ratio = radau_solver(ratio_stage)
    solve_inverse = radau_solver(inverse_stage)

    @_jit
    def collocate_log(um, ue, hm, he, sign, vh, vl, mode, imode):
        """One Radau IIA step of h in the log chart v = ln|w| from v = vh + vl; returns (ok, increment of v).

        ehat = E/w^2 enters scaled by rho^2, rho = 1/sqrt(max(1, E/w^2)) at the start (a power of two),
        so that no coefficient overflows however unbalanced the mode is (claim wdf.log_chart).
        """
        wm, we = xexp(vh, vl)
        if sign > 0.0:
            mm, me = xfromf(mode[col.LAM_MINUS_KAPPA])
        else:
            mm, me = mode[col.LPK_M], imode[col.LPK_E_I]
        tm, te = xmul(hm, he, sign * mm, me)
        te += 1  # 2 sign h (lam - sign kappa)
        lm_, le_ = xfromf(mode[col.LAM])
        am, ae = xmul(hm, he, lm_, le_)
        km, ke = xmul(hm, he, mode[col.K_M], imode[col.K_E_I])
        km, ke = xmul(km, ke, wm, we)  # 0 once |w| < 2**-2**21: then B is negligible
        log_e_hat = np.empty(4)
        log_e_lo = np.empty(4)
        for s in range(4):
            sm, se = stage_time(um, ue, hm, he, s)
            lh, ll = log_sqrt_e(mode, sm, se)
            dh, dl = dd_sub(lh, ll, vh, vl)  # ln(sqrt(E)/|w|)
            log_e_hat[s], log_e_lo[s] = (2.0 * dh, 2.0 * dl) if lh > -math.inf else (-math.inf, 0.0)
        # rho = 2**-q, 2**q >= sqrt(max(1, ehat at the start)) (ehat is largest there: E decays); beyond
        # ehat = e**4000 rho = 0 (the terms it scales are negligible) and B/rho = hk|w| sqrt(ehat) = hk sqrt(E).
        e_hat = np.empty(4)
        hkm, hke = xmul(hm, he, mode[col.K_M], imode[col.K_E_I])
        if log_e_hat[0] < 4000.0:
            q = np.int64(math.ceil(log_e_hat[0] / (2.0 * LN2_HI))) if log_e_hat[0] > 0.0 else np.int64(0)
            rho = ldexp(1.0, -q)
            for s in range(4):
                if log_e_hat[s] > -math.inf:
                    xh, xl = dd_sub(log_e_hat[s], log_e_lo[s], 2.0 * q * LN2_HI, 2.0 * q * LN2_LO)
                    xm, xe = xexp(xh, xl)
                    e_hat[s] = xtof(xm, xe)
                else:
                    e_hat[s] = 0.0
            sh_, sl_ = dd_add(vh, vl, q * LN2_HI, q * LN2_LO)
            wqm, wqe = xexp(sh_, sl_)
            kqm, kqe = xmul(hkm, hke, wqm, wqe)  # hk|w| 2**q
            aqm, aqe = am, ae + q  # h lam 2**q
        else:
            rho = 0.0
            for s in range(4):
                xh, xl = dd_sub(log_e_hat[s], log_e_lo[s], log_e_hat[0], log_e_lo[0])
                xm, xe = xexp(xh, xl)
                e_hat[s] = xtof(xm, xe)
            lh0, ll0 = log_sqrt_e(mode, um, ue)
            sqm, sqe = xexp(lh0, ll0)
            kqm, kqe = xmul(hkm, hke, sqm, sqe)  # hk sqrt(E)
            gm_, ge_ = xexp(0.5 * log_e_hat[0], 0.5 * log_e_lo[0])
            aqm, aqe = xmul(am, ae, gm_, ge_) if am != 0.0 else (0.0, np.int64(0))  # h lam sqrt(ehat)
        big_m, big_e = 0.5, np.int64(1)
        big_m, big_e = xmax(big_m, big_e, tm, te)
        big_m, big_e = xmax(big_m, big_e, aqm, aqe)
        big_m, big_e = xmax(big_m, big_e, kqm, kqe)
        big_m, big_e = xmax(big_m, big_e, km, ke)
        mu = scale_of(big_m, big_e)
        two_m = xtof(tm / big_m, te - big_e)
        s_aq = sign * xtof(aqm / big_m, aqe - big_e)
        k_s = xtof(km / big_m, ke - big_e)
        k_q = xtof(kqm / big_m, kqe - big_e)
        g0, d0 = log_chart_rhs(two_m, s_aq, k_s, k_q, e_hat[0], rho)
        return solve_log((two_m, s_aq, k_s, k_q, e_hat, rho), 0.0, g0, d0, mu, False)

    @_jit
    def collocate_ratio(um, ue, hm, he, y0, frame, mode, imode):
        """One Radau IIA step of h in the ratio chart r = Y 2**frame from Y = y0; returns (ok, increment of Y)."""
        lm_, le_ = xfromf(mode[col.LAM])
        am, ae = xmul(hm, he, lm_, le_)
        ae -= frame
        hkm, hke = xmul(hm, he, mode[col.K_M], imode[col.K_E_I])
        bm = np.empty(4)
        be = np.empty(4, dtype=np.int64)
        big_m, big_e = 0.5, np.int64(1)
        big_m, big_e = xmax(big_m, big_e, am, ae)
        for s in range(4):
            sm, se = stage_time(um, ue, hm, he, s)
            rm, re = imbalance(mode, imode, sm, se, True)
            bm[s], be[s] = xmul(hkm, hke, rm, re)
            big_m, big_e = xmax(big_m, big_e, bm[s], be[s])
        mu = scale_of(big_m, big_e)
        r_a = xtof(am / big_m, ae - big_e)
        rb = np.empty(4)
        for s in range(4):
            rb[s] = xtof(bm[s] / big_m, be[s] - big_e)
        r_c = ldexp(4.0, max(min(2 * frame, np.int64(2000)), np.int64(-4000)))
        g0, d0 = ratio_chart_rhs(r_a, rb[0], y0, r_c)
        return solve_ratio((r_a, rb, y0, r_c), y0, g0, d0, mu, True)

    @_jit
    def collocate_inverse(um, ue, hm, he, sign, y0, frame, mode, imode):
        """One Radau IIA step of h in the inverse chart y = 1/w = Y 2**frame from Y = y0 (claim wdf.inverse_chart)."""
        km_, ke_ = xmul(hm, he, mode[col.K_M], imode[col.K_E_I])
        am, ae = km_, ke_ - frame  # i_a = sign h k / R
        bm, be = xmul(hm, he, sign * mode[col.LAM_MINUS_KAPPA], np.int64(0)) if sign > 0.0 else xmul(
            hm, he, -mode[col.LPK_M], imode[col.LPK_E_I])
        be += 1  # i_b = 2 sign h (lam - sign kappa)
        lm_, le_ = xfromf(mode[col.LAM])
        cm, ce = xmul(hm, he, sign * lm_, le_)  # sign h lam: huge for a long step, it enters only as h lam E
        i_e = np.empty(4)
        cem = np.empty(4)
        cee = np.empty(4, dtype=np.int64)
        for s in range(4):
            sm, se = stage_time(um, ue, hm, he, s)
            em, ee = imbalance(mode, imode, sm, se, False)
            i_e[s] = xtof(em, ee + 2 * frame)  # E R**2 (E y**2 < 4 in this chart)
            cem[s], cee[s] = xmul(cm, ce, em, ee + 2 * frame)  # i_ce = sign h lam E R**2
        big_m, big_e = 0.5, np.int64(1)
        big_m, big_e = xmax(big_m, big_e, am, ae)
        big_m, big_e = xmax(big_m, big_e, bm, be)
        big_m, big_e = xmax(big_m, big_e, cem[0], cee[0])  # |Y| <~ 1 over the step: the term is <~ |i_ce|
        mu = scale_of(big_m, big_e)
        i_a = sign * xtof(am / big_m, ae - big_e)
        i_b = xtof(bm / big_m, be - big_e)
        i_ce = np.empty(4)
        for s in range(4):
            i_ce[s] = xtof(cem[s] / big_m, cee[s] - big_e)
        g0, d0 = inverse_chart_rhs(i_a, i_b, i_ce[0], i_e[0], y0)
        return solve_inverse((i_a, i_b, i_ce, i_e, y0), y0, g0, d0, mu, True)

    @_jit
    def advance(um, ue, hm, he, chart, sign, vh, vl, rm, re, mode, imode):
        """One step h as one Radau step and as two half steps (Richardson extrapolation, order 6).

        Returns (ok, error, allowed, v_hi, v_lo, r_m, r_e) of the two-half-step result.
        """
        hh_m, hh_e = hm, he - 1
        mid_m, mid_e = xadd(um, ue, hh_m, hh_e)
        if chart == CHART_LOG:
            ok_full, z_full = collocate_log(um, ue, hm, he, sign, vh, vl, mode, imode)
            ok_mid, z_mid = collocate_log(um, ue, hh_m, hh_e, sign, vh, vl, mode, imode)
            if not (ok_full and ok_mid):
                return False, math.inf, 0.0, vh, vl, rm, re
            mh, ml = dd_add(vh, vl, z_mid, 0.0)
            ok_half, z_half = collocate_log(mid_m, mid_e, hh_m, hh_e, sign, mh, ml, mode, imode)
            difference = (z_mid + z_half - z_full) / 31.0
            if not (ok_half and abs(difference) < math.inf):
                return False, math.inf, 0.0, vh, vl, rm, re
            nh, nl = dd_add(mh, ml, z_half + difference, 0.0)
            return True, abs(difference), TOLERANCE + 4e-16 * abs(z_full), nh, nl, rm, re
        if chart == CHART_INVERSE:
            # The frame: |y| or the step's increment, at most 4hk, at most the fixed point's k/(lam + kappa).
            im_, ie_ = xmul(hm, he, mode[col.K_M], imode[col.K_E_I])
            ie_ += 2
            rate_m, rate_e = xmul(hm, he, mode[col.LPK_M], imode[col.LPK_E_I])
            if not xless(rate_m, rate_e + 1, 0.5, np.int64(1)):
                im_, ie_ = xdiv(im_, ie_, rate_m, rate_e + 1)
            scale_m, scale_e = xmax(rm, re, im_, ie_)
            frame = scale_e
            if abs(frame) > 3000:
                return False, math.inf, 0.0, vh, vl, rm, re
        else:
            # The frame: |r| or the step's increment, at most h lam, at most the quasi-steady lam/(k sqrt E) when stiff.
            lm_, le_ = xfromf(mode[col.LAM])
            lm, le = xmul(hm, he, lm_, le_)
            sm_, se_ = imbalance(mode, imode, um, ue, True)
            bm_, be_ = xmul(hm, he, mode[col.K_M], imode[col.K_E_I])
            bm_, be_ = xmul(bm_, be_, sm_, se_)
            if not xless(bm_, be_, 0.5, np.int64(1)):
                lm, le = xdiv(lm, le, bm_, be_)
            scale_m, scale_e = xmax(rm, re, lm, le)
            frame = scale_e if scale_m != 0.0 else np.int64(0)
            if frame > 500:
                return False, math.inf, 0.0, vh, vl, rm, re
        y0 = ldexp(rm, max(re - frame, np.int64(-4000)))
        if chart == CHART_INVERSE:
            ok_full, z_full = collocate_inverse(um, ue, hm, he, sign, y0, frame, mode, imode)
            ok_mid, z_mid = collocate_inverse(um, ue, hh_m, hh_e, sign, y0, frame, mode, imode)
        else:
            ok_full, z_full = collocate_ratio(um, ue, hm, he, y0, frame, mode, imode)
            ok_mid, z_mid = collocate_ratio(um, ue, hh_m, hh_e, y0, frame, mode, imode)
        if not (ok_full and ok_mid):
            return False, math.inf, 0.0, vh, vl, rm, re
        ym = y0 + z_mid
        if chart == CHART_INVERSE:
            ok_half, z_half = collocate_inverse(mid_m, mid_e, hh_m, hh_e, sign, ym, frame, mode, imode)
        else:
            ok_half, z_half = collocate_ratio(mid_m, mid_e, hh_m, hh_e, ym, frame, mode, imode)
        difference = (z_mid + z_half - z_full) / 31.0
        if not (ok_half and abs(difference) < math.inf):
            return False, math.inf, 0.0, vh, vl, rm, re
        if chart == CHART_INVERSE and not y0 * (ym + z_half + difference) > 0.0:
            return False, math.inf, 0.0, vh, vl, rm, re  # y = 1/w cannot cross zero
        y1 = ym + (z_half + difference)
        if chart == CHART_INVERSE:
            size = abs(y1)
        else:
            size = abs(y1) if y0 * y1 > 0.0 else max(abs(y0), abs(y1))
        n_m, n_e = xnorm(y1, frame)
        return True, abs(difference), TOLERANCE * size + 4e-16 * abs(z_full), vh, vl, n_m, n_e

    return advance
