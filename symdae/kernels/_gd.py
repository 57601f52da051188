"""The engine of ``gd_iterates``: exact full-batch gradient descent on one mode (Numba, ordinary source).

A step is ``w ← w − (1/τ)∇ℓ`` with ``b = λ/τ``, ``c = κ/τ``, ``d = (λ + ε)/τ``. Each weight is
``(hi + lo)·2^e`` (a double-double mantissa and an int64 exponent). While both weights are within
``2^600`` of each other and the coefficients moderate, they share one frame ``2^es`` (``max |ŵ|``
kept in ``[1/256, 256]``) and a step is the generated ``gd_delta`` (claim ``wdf.gd_scaled_step``,
printed in double-double by :mod:`symdae.codegen.ode`); otherwise a step is :func:`extended_step`
(each weight its own exponent). The iteration stops early at an exact fixed point, and reports
:attr:`~symdae.kernels._status.Status.GD_OVERFLOW` when a weight leaves float64's range.

:func:`gd_prepare` sets up the per-mode arrays; :func:`gd_stepper` binds a printed ``gd_delta``
to the loop (:func:`gd_row`) that the generated module runs over rows. Runs as plain Python
under ``NUMBA_DISABLE_JIT=1``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numba import njit

from symdae.kernels._layout import DONE, FAILED_STEP, FINISHED, NEXT, STATUS
from symdae.kernels._status import Status
from symdae.kernels._xint import (
    dd_add,
    dd_quotient,
    ldexp,
    two_sum,
    xadd,
    xfromf,
    xmul,
    xnorm,
    xsub,
)

GD_OK, GD_OVERFLOW = int(Status.OK), int(Status.GD_OVERFLOW)
FAST_LIMIT = 2.0**900  # frame coefficients beyond this take the extended-exponent step
FRAME_HIGH = 256.0  # the frame is renormalised when max |w_hat| leaves [1/256, 256]

_jit = njit(error_model="numpy")


@_jit
def gd_prepare(lam, eps, kappa, tau, w1, w2, coef, expo, state, frame):
    """Per mode: b = lam/tau, c = kappa/tau, d = (lam + eps)/tau as double-double mantissas (coef[i, 0:6])
    with powers of two expo[i, 0:3]; the start as w = (hi + lo) 2**e per weight (state[i] = w1 hi, lo,
    w2 hi, lo; frame[i] = e1, e2)."""
    for i in range(lam.shape[0]):
        coef[i, 0], coef[i, 1], expo[i, 0] = dd_quotient(lam[i], 0.0, tau[i])
        coef[i, 2], coef[i, 3], expo[i, 1] = dd_quotient(kappa[i], 0.0, tau[i])
        if max(lam[i], eps[i]) >= 2.0**1020:
            kh, kl = two_sum(lam[i] * 2.0**-8, eps[i] * 2.0**-8)
            shift = 8
        else:
            kh, kl = two_sum(lam[i], eps[i])
            shift = 0
        coef[i, 4], coef[i, 5], e = dd_quotient(kh, kl, tau[i])
        expo[i, 2] = e + shift
        m1, x1 = xfromf(w1[i])
        m2, x2 = xfromf(w2[i])
        state[i, 0], state[i, 1], state[i, 2], state[i, 3] = m1, 0.0, m2, 0.0
        frame[i, 0], frame[i, 1] = x1, x2


@_jit
def frame_coefficients(coef, expo, es):
    """b, c and d S**2 (S = 2**es) as double-doubles in the frame, and whether the fast step applies."""
    bh = ldexp(coef[0], expo[0])
    bl = ldexp(coef[1], expo[0])
    ch = ldexp(coef[2], expo[1])
    cl = ldexp(coef[3], expo[1])
    shift = max(min(expo[2] + 2 * es, np.int64(4000)), np.int64(-4000))
    dh = ldexp(coef[4], shift)
    dl = ldexp(coef[5], shift)
    fast = abs(bh) <= FAST_LIMIT and abs(ch) <= FAST_LIMIT and abs(dh) <= FAST_LIMIT
    return bh, bl, ch, cl, dh, dl, fast


@_jit
def extended_step(am, ae, bm, be, coef, expo):
    """One step in extended-exponent arithmetic, each weight with its own exponent (weights 2**600 apart,
    or coefficients beyond FAST_LIMIT): the update of gd_delta, term by term. Returns the new (m, e) pairs."""
    cbm, cbe = xnorm(coef[0], expo[0])
    ccm, cce = xnorm(coef[2], expo[1])
    cdm, cde = xnorm(coef[4], expo[2])
    pm, pe = xmul(am, ae, bm, be)
    qm, qe = xmul(cdm, cde, pm, pe)
    gm, ge = xsub(cbm, cbe, qm, qe)  # b - d w1 w2
    t1m, t1e = xmul(bm, be, gm, ge)
    t2m, t2e = xmul(ccm, cce, am, ae)
    s1m, s1e = xsub(t1m, t1e, t2m, t2e)
    n1m, n1e = xadd(am, ae, s1m, s1e)
    t3m, t3e = xmul(am, ae, gm, ge)
    t4m, t4e = xmul(ccm, cce, bm, be)
    s2m, s2e = xsub(t3m, t3e, t4m, t4e)
    n2m, n2e = xadd(bm, be, s2m, s2e)
    return n1m, n1e, n2m, n2e


@_jit
def common_frame(ah, al, e1, bh, bl, e2):
    """Both weights in one frame 2**es (the larger's exponent), if they are within 2**600 of each other."""
    if ah == 0.0:
        return True, e2, 0.0, 0.0, bh, bl
    if bh == 0.0:
        return True, e1, ah, al, 0.0, 0.0
    es = max(e1, e2)
    if es - min(e1, e2) > 600:
        return False, es, ah, al, bh, bl
    return True, es, ldexp(ah, e1 - es), ldexp(al, e1 - es), ldexp(bh, e2 - es), ldexp(bl, e2 - es)


@_jit
def reframe(ah, al, bh, bl, e1, e2, coef, expo):
    """The weights (hi + lo) 2**e1, 2**e2 in a common frame where they have one, and its coefficients."""
    shared, es, ah, al, bh, bl = common_frame(ah, al, e1, bh, bl, e2)
    if shared:
        e1 = e2 = es
    return shared, es, ah, al, bh, bl, e1, e2, frame_coefficients(coef, expo, es)


@_jit
def top_exponent(ah, e1, bh, e2):
    """The exponent of max(|w1|, |w2|) (-9999 + e for a zero weight)."""
    return max(e1 + (np.int64(math.frexp(ah)[1]) if ah != 0.0 else np.int64(-9999)),
               e2 + (np.int64(math.frexp(bh)[1]) if bh != 0.0 else np.int64(-9999)))


def gd_stepper(gd_delta: Callable[..., tuple[float, float, float, float]]) -> Callable[..., int]:
    """:func:`gd_row` bound to the printed update ``gd_delta`` (double-double in, double-double out)."""

    @_jit
    def gd_row(counts, order, coef, expo, lam_le_kappa, state, frame, progress, out1, out2, budget):
        """Advance one mode by up to ``budget`` steps, writing (w1, w2) at each requested count reached.

        progress = [steps done, next output (index into order), status, step of overflow, finished].
        """
        done = progress[DONE]
        j = progress[NEXT]
        m = order.shape[0]
        ah, al, bh_, bl_ = state[0], state[1], state[2], state[3]
        shared, es, ah, al, bh_, bl_, e1, e2, coefficients = reframe(ah, al, bh_, bl_, frame[0], frame[1], coef, expo)
        Bh, Bl, Ch, Cl, Dh, Dl, fast = coefficients
        fixed = False
        check = True
        while j < m:
            index = order[j]
            target = counts[index]
            if done >= target or fixed:
                out1[index] = ldexp(ah, max(e1, np.int64(-4000)))
                out2[index] = ldexp(bh_, max(e2, np.int64(-4000)))
                j += 1
                continue
            if budget <= 0:
                break
            budget -= 1
            done += 1
            if shared and fast:
                d1h, d1l, d2h, d2l = gd_delta(ah, al, bh_, bl_, Bh, Bl, Ch, Cl, Dh, Dl)
                nah, nal = dd_add(ah, al, d1h, d1l)
                nbh, nbl = dd_add(bh_, bl_, d2h, d2l)
                if nah == ah and nal == al and nbh == bh_ and nbl == bl_:
                    fixed = True  # an exact fixed point of the iteration: every later iterate is this one
                    continue
                ah, al, bh_, bl_ = nah, nal, nbh, nbl
                big = max(abs(ah), abs(bh_))
                small = min(abs(ah), abs(bh_))
                if not (1.0 / FRAME_HIGH <= big <= FRAME_HIGH) or 0.0 < small < 2.0**-600 * big:
                    # renormalise (a power of two: exact), or split the weights apart
                    x1 = np.int64(math.frexp(ah)[1]) if ah != 0.0 else np.int64(0)
                    x2 = np.int64(math.frexp(bh_)[1]) if bh_ != 0.0 else np.int64(0)
                    ah, al = ldexp(ah, -x1), ldexp(al, -x1)
                    bh_, bl_ = ldexp(bh_, -x2), ldexp(bl_, -x2)
                    shared, es, ah, al, bh_, bl_, e1, e2, coefficients = reframe(ah, al, bh_, bl_, es + x1, es + x2,
                                                                                 coef, expo)
                    Bh, Bl, Ch, Cl, Dh, Dl, fast = coefficients
                    check = True
            else:
                n1m, n1e, n2m, n2e = extended_step(ah + al, e1, bh_ + bl_, e2, coef, expo)
                if n1m == ah and n1e == e1 and n2m == bh_ and n2e == e2 and al == 0.0 and bl_ == 0.0:
                    fixed = True
                    continue
                shared, es, ah, al, bh_, bl_, e1, e2, coefficients = reframe(
                    n1m, 0.0, n2m, 0.0, n1e if n1m != 0.0 else np.int64(0), n2e if n2m != 0.0 else np.int64(0),
                    coef, expo)
                Bh, Bl, Ch, Cl, Dh, Dl, fast = coefficients
                check = True
            if not check and es <= 1016:
                continue  # in the shared frame without renormalising, |w| <= 256 * 2**es: no overflow
            check = False
            top = top_exponent(ah, e1, bh_, e2)
            if top > 1024:
                progress[STATUS] = GD_OVERFLOW  # some |w| = |w_hat| 2**e beyond 1.8e308
                progress[FAILED_STEP] = done
                progress[FINISHED] = 1
                break
            if top < -1200 and lam_le_kappa:
                # Below 2**-1100 the cubic term is < 2**-300 of the linear ones, and the linear map
                # (eigenvalues 1 - c +- b) does not expand for lam <= kappa, lam + kappa <= 2 tau:
                # every later iterate rounds to zero.
                e1 = e2 = np.int64(-5000)
                fixed = True
        progress[DONE] = done
        progress[NEXT] = j
        if j >= m:
            progress[FINISHED] = 1
        frame[0], frame[1] = e1, e2
        state[0], state[1], state[2], state[3] = ah, al, bh_, bl_
        return budget

    return gd_row
