"""Per-mode constants, state layout and charts of ``mode_trajectory``'s integrator (Numba, ordinary source).

A mode's constants (``mode``: floats, ``imode``: int64 exponents and the mode's kind) and its
integration state (``state``, ``istate``) are rows of NumPy arrays whose columns are named by
:data:`MODE_FLOATS`, :data:`MODE_INTS`, :data:`STATE_FLOATS` and :data:`STATE_INTS` (the
Python wrapper :mod:`symdae.kernels._ode` allocates them). The mapping ``w = w1 w2`` is carried
in one of three charts (claims ``wdf.log_chart``, ``wdf.inverse_chart``, ``wdf.ratio_chart``):

``CHART_LOG``
    ``v = ln|w|`` (double-double), the sign fixed: exponential phases are straight lines;
``CHART_RATIO``
    ``r = w/√E`` (extended exponent), through ``w = 0``, where the source ``λN`` dominates;
``CHART_INVERSE``
    ``y = 1/w`` (extended exponent) while the quartic term dominates (``w ≈ 1/(2ku)``);

and :func:`choose_chart` moves between them with hysteresis. ``E(u) = C e^{−4κu}``
(``C = (w2_0² − w1_0²)²``) is in closed form (:func:`imbalance`). Runs as plain Python under
``NUMBA_DISABLE_JIT=1``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from symdae.kernels import _layout as col
from symdae.kernels._status import Status
from symdae.kernels._xint import (
    dd_add,
    dd_sub,
    xadd,
    xdiv,
    xexp,
    xfromf,
    xlog,
    xmul,
    xnorm,
    xtof,
)

STATUS_OK, STATUS_OVERFLOW = int(Status.OK), int(Status.OVERFLOW)
CHART_LOG = 0  # v = ln|w| (double-double), sign fixed
CHART_RATIO = 1  # r = w/sqrt(E) (extended exponent), through w = 0
CHART_INVERSE = 2  # y = 1/w (extended exponent), while the quartic term dominates: w ~ 1/(2ku) is linear
CHART_VANISHED = 3  # |w| < 2**-1100 for good: every later output is 0
VANISHED_EXPONENT = -1100
LN4 = 1.3862943611198906
TO_LOG = 2.0  # ratio chart -> log chart when |r| > 2
#: Kinds of mode: integrated, or balanced (w1 = w2, w1 = -w2: closed forms), or zero.
KIND_INTEGRATE, KIND_P_LINE, KIND_Q_LINE, KIND_ZERO = 0, 1, 2, 3

_jit = njit(error_model="numpy")


@_jit
def decay_exponent(kappa, um, ue, factor):
    """factor * kappa * u as a float (inf beyond float64)."""
    if kappa == 0.0 or um == 0.0:
        return 0.0
    km, ke = xfromf(kappa)
    m, e = xmul(km, ke + (np.int64(1) if factor == 2.0 else np.int64(2)), um, ue)
    return xtof(m, e)


@_jit
def imbalance(mode, imode, um, ue, root):
    """E(u) = C e^(-4 kappa u) (root=False) or sqrt(E(u)) = sqrt(C) e^(-2 kappa u), as (m, e)."""
    x = decay_exponent(mode[col.KAPPA], um, ue, 2.0 if root else 4.0)
    if not x < 1.4e6:
        return 0.0, np.int64(0)
    em, ee = xexp(-x, 0.0)
    if root:
        return xmul(mode[col.SQRT_C_M], imode[col.SQRT_C_E_I], em, ee)
    return xmul(mode[col.C_M], imode[col.C_E_I], em, ee)


@_jit
def log_sqrt_e(mode, um, ue):
    """ln sqrt(E(u)) = ln sqrt(C) - 2 kappa u as hi + lo (hi = -inf once E is below 2**-2**21)."""
    x = decay_exponent(mode[col.KAPPA], um, ue, 2.0)
    if not x < 1.4e6:
        return -math.inf, 0.0
    return dd_add(mode[col.LN_SQRT_C_HI], mode[col.LN_SQRT_C_LO], -x, 0.0)


@_jit
def choose_chart(um, ue, chart, sign, vh, vl, rm, re, mode, imode):
    """The chart for a step from u, and the state converted to it (rm, re holds r or y).

    ratio: |r| < 1/2 and |w| < lam/(4k) (lam > 0), kept until |r| > 2 or |w| > lam/(2k): where the source
    lam N dominates, w grows (or crosses zero, only upwards: at w = 0, dw/du = lam sqrt(E) >= 0) linearly,
    a straight line here and a log singularity in ln|w|; inverse: k|w| > 4|lam - sign(w) kappa| (the quartic
    term beats the net linear rate: w ~ 1/(2ku) is a straight line here) and E/w^2 < 1, kept until
    k|w| < |lam - sign(w) kappa| or E/w^2 > 4; log: otherwise (exponential phases are straight lines).
    """
    lsh, lsl = log_sqrt_e(mode, um, ue)
    km_, ke_ = mode[col.K_M], imode[col.K_E_I]
    # ln(lam/k): w = -lam/k ... 0 is where the source lam N matters (the ratio chart's region)
    ln_source = (math.log(mode[col.LAM]) - xlog(km_, ke_)[0]) if mode[col.LAM] > 0.0 else -math.inf
    if chart == CHART_RATIO:
        if rm == 0.0 or lsh == -math.inf:
            return chart, sign, vh, vl, rm, re
        ah, al = xlog(abs(rm), re)
        lwh, lwl = dd_add(ah, al, lsh, lsl)
        if not (xtof(abs(rm), re) > TO_LOG or lwh > ln_source - 0.5 * LN4):
            return chart, sign, vh, vl, rm, re
        sign = 1.0 if rm > 0.0 else -1.0
    elif chart == CHART_INVERSE:
        ah, al = xlog(abs(rm), re)
        lwh, lwl = -ah, -al
        sign = 1.0 if rm > 0.0 else -1.0
    else:
        lwh, lwl = vh, vl
    log_e_hat = 2.0 * (lsh - lwh) if lsh > -math.inf else -math.inf
    ln_kw = xlog(km_, ke_)[0] + lwh if km_ > 0.0 else -math.inf
    # the net linear rate on this side: 2(lam - kappa) for w > 0 (0 when critical), -2(lam + kappa) for w < 0
    if sign > 0.0:
        ln_rates = math.log(abs(mode[col.LAM_MINUS_KAPPA])) if mode[col.LAM_MINUS_KAPPA] != 0.0 else -math.inf
    else:
        ln_rates = xlog(mode[col.LPK_M], imode[col.LPK_E_I])[0]
    target = CHART_LOG
    if chart == CHART_INVERSE:
        if ln_kw > ln_rates and log_e_hat < LN4:
            target = CHART_INVERSE
    elif chart == CHART_LOG:
        if mode[col.LAM] > 0.0 and log_e_hat > LN4 and lwh < ln_source - LN4:
            target = CHART_RATIO
        elif ln_kw > ln_rates + LN4 and log_e_hat < 0.0:
            target = CHART_INVERSE
    if target == chart:
        return chart, sign, vh, vl, rm, re
    if target == CHART_LOG:
        return CHART_LOG, sign, lwh, lwl, rm, re
    if target == CHART_INVERSE:
        m, e = xexp(-lwh, -lwl)
        return CHART_INVERSE, sign, vh, vl, sign * m, e
    dh, dl = dd_sub(lwh, lwl, lsh, lsl)
    m, e = xexp(dh, dl)
    return CHART_RATIO, sign, vh, vl, sign * m, e


@_jit
def mapping(chart, sign, vh, vl, rm, re, um, ue, mode, imode):
    """w at u as (m, e)."""
    if chart == CHART_LOG:
        m, e = xexp(vh, vl)
        return sign * m, e
    if chart == CHART_INVERSE:
        return xdiv(0.5, np.int64(1), rm, re)
    sm, se = imbalance(mode, imode, um, ue, True)
    return xmul(rm, re, sm, se)


@_jit
def vanished(chart, sign, vh, vl, rm, re, um, ue, mode, imode):
    """|w| < 2**-1100 now and for ever after: for lam = 0 |w| never grows; for lam <= kappa,
    dw/du <= lam sqrt(E) bounds every later |w| by |w| + lam sqrt(E)/(2 kappa), so sqrt(E) < 2**-1100 suffices."""
    wm, we = mapping(chart, sign, vh, vl, rm, re, um, ue, mode, imode)
    if wm != 0.0 and we >= VANISHED_EXPONENT:
        return False
    if mode[col.LAM] == 0.0:
        return True
    if mode[col.LAM] > mode[col.KAPPA]:
        return False
    sm, se = imbalance(mode, imode, um, ue, True)
    return sm == 0.0 or se < VANISHED_EXPONENT


@_jit
def prepare_rows(lam, eps, kappa, w1, w2, mode, imode, state, istate):
    """Per-mode constants and the initial state of each row."""
    for i in range(lam.shape[0]):
        a, b = w1[i], w2[i]
        mode[i, col.LAM] = lam[i]
        mode[i, col.EPS] = eps[i]
        mode[i, col.KAPPA] = kappa[i]
        mode[i, col.LAM_MINUS_KAPPA] = lam[i] - kappa[i]
        mode[i, col.W1] = a
        mode[i, col.W2] = b
        big = 2.0 ** 1020
        if max(lam[i], eps[i]) >= big:
            mode[i, col.K_M], imode[i, col.K_E_I] = xnorm(lam[i] * 0.25 + eps[i] * 0.25, 2)
        else:
            mode[i, col.K_M], imode[i, col.K_E_I] = xfromf(lam[i] + eps[i])
        if max(lam[i], kappa[i]) >= big:
            mode[i, col.LPK_M], imode[i, col.LPK_E_I] = xnorm(lam[i] * 0.25 + kappa[i] * 0.25, 2)
        else:
            mode[i, col.LPK_M], imode[i, col.LPK_E_I] = xfromf(lam[i] + kappa[i])
        if max(abs(a), abs(b)) >= big:
            sm, se = xnorm(a * 0.25 + b * 0.25, 2)
            dm, de = xnorm(b * 0.25 - a * 0.25, 2)
        else:
            sm, se = xfromf(a + b)
            dm, de = xfromf(b - a)
        scm, sce = xmul(abs(sm), se, abs(dm), de)  # sqrt(C) = |w2^2 - w1^2|
        mode[i, col.SQRT_C_M], imode[i, col.SQRT_C_E_I] = scm, sce
        mode[i, col.C_M], imode[i, col.C_E_I] = xmul(scm, sce, scm, sce)
        am, ae = xfromf(a)
        bm, be = xfromf(b)
        x0m, x0e = xmul(am, ae, am, ae)
        mode[i, col.X0_M], imode[i, col.X0_E_I] = x0m, x0e
        wm, we = xmul(am, ae, bm, be)
        if a == 0.0 and b == 0.0:
            imode[i, col.KIND_I] = KIND_ZERO
        elif a == b:
            imode[i, col.KIND_I] = KIND_P_LINE
        elif a == -b:
            imode[i, col.KIND_I] = KIND_Q_LINE
        else:
            imode[i, col.KIND_I] = KIND_INTEGRATE
            mode[i, col.LN_SQRT_C_HI], mode[i, col.LN_SQRT_C_LO] = xlog(scm, sce)
        # Initial step 2**-4 / (2(lam + kappa) + 4k(w1^2 + w2^2)): below every rate's time scale.
        bbm, bbe = xmul(bm, be, bm, be)
        nm, ne = xadd(x0m, x0e, bbm, bbe)
        lm, le = xmul(mode[i, col.K_M], imode[i, col.K_E_I], nm, ne + 2)
        lm, le = xadd(lm, le, mode[i, col.LPK_M], imode[i, col.LPK_E_I] + 1)
        mode[i, col.H0_M], imode[i, col.H0_E_I] = xnorm(1.0 / lm, -le - 4)
        state[i, col.U_M_F] = 0.0
        istate[i, col.U_E_S] = 0
        state[i, col.H_M_F] = mode[i, col.H0_M]
        istate[i, col.H_E_S] = imode[i, col.H0_E_I]
        rm, re = xdiv(wm, we, scm, sce) if scm != 0.0 else (0.0, np.int64(0))
        if wm == 0.0:
            istate[i, col.CHART_S] = CHART_RATIO
            state[i, col.R_M_F], istate[i, col.R_E_S] = rm, re
            state[i, col.SIGN_F] = 1.0
        else:
            istate[i, col.CHART_S] = CHART_LOG
            state[i, col.SIGN_F] = 1.0 if wm > 0.0 else -1.0
            state[i, col.V_HI_F], state[i, col.V_LO_F] = xlog(abs(wm), we)
        istate[i, col.NEXT_S] = 0
        istate[i, col.STEPS_S] = 0
        istate[i, col.STATUS_S] = STATUS_OK
        istate[i, col.FINISHED_S] = 0


@_jit
def emit(wm, we, out, index, state, istate):
    """out[index] = w, or the overflow status (and log2|w| for the message) beyond float64."""
    if wm != 0.0 and we > 1024:
        istate[col.STATUS_S] = STATUS_OVERFLOW
        istate[col.FAILED_S] = index
        state[col.LOG2_W_F] = math.log2(abs(wm)) + we
        return False
    out[index] = xtof(wm, we)
    return True

