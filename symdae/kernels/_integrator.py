"""The driver of ``mode_trajectory``'s integrator: step-size control and the outputs (Numba, ordinary source).

:func:`integrator` binds a chart step (``advance`` of :func:`symdae.kernels._charts.chart_steps`)
and the balanced closed forms printed from SymPy (``phi``, ``balanced_growth``,
``balanced_decay`` of :mod:`symdae.codegen.ode`; claims ``wdf.balanced_w_*``) into ``ode_row``,
which advances one mode by a bounded number of steps and writes every output it reaches:

* a balanced mode (``w1 = ±w2``) is its closed form at each time;
* otherwise the steps are accepted or rejected by the error estimate (step factor
  ``0.9 (allowed/error)^(1/6)``), independent of the requested times, and every time inside
  an accepted step is reached by its own sub-integration from the step's start (``reach``),
  so that an output does not depend on which other times were requested;
* a mode whose ``|w|`` has vanished below ``2^-1100`` for good outputs 0 from then on.

The status of a row is a :class:`~symdae.kernels._status.Status`. Runs as plain Python under
``NUMBA_DISABLE_JIT=1``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numba import njit

from symdae.kernels import _layout as col
from symdae.kernels._modes import (
    CHART_VANISHED,
    KIND_INTEGRATE,
    KIND_P_LINE,
    KIND_ZERO,
    STATUS_OK,
    STATUS_OVERFLOW,
    choose_chart,
    emit,
    mapping,
    vanished,
)
from symdae.kernels._radau import step_factor
from symdae.kernels._status import Status
from symdae.kernels._vmath import vexpm1
from symdae.kernels._xint import xadd, xdiv, xexp, xfromf, xless, xmul, xnorm, xsub, xtof

STATUS_STEP_UNDERFLOW = int(Status.STEP_UNDERFLOW)

_jit = njit(error_model="numpy")


@_jit
def scaled(m, e, factor):
    """(m 2**e) * factor for a positive factor."""
    return xnorm(m * factor, e)


def integrator(advance: Callable[..., tuple], phi: Callable[[float], float], balanced_growth: Callable[..., tuple],
               balanced_decay: Callable[..., tuple]) -> Callable[..., None]:
    """``ode_row(t, order, tau, mode, imode, state, istate, out, budget)`` for a chart step and the closed forms."""

    @_jit
    def reach(um, ue, tm, te, hm, he, chart, sign, vh, vl, rm, re, mode, imode):
        """Integrate from u to the output time t (> u) by steps that land on t; returns (status, w_m, w_e, steps).

        Deterministic given (u, state, t): a separate sub-integration, so that an output does not depend
        on which other times were requested.
        """
        steps = 0
        while True:
            chart, sign, vh, vl, rm, re = choose_chart(um, ue, chart, sign, vh, vl, rm, re, mode, imode)
            rem_m, rem_e = xsub(tm, te, um, ue)
            last = not xless(hm, he, rem_m, rem_e)
            if last:
                sm, se = rem_m, rem_e
                nm, ne = tm, te
            else:
                nm, ne = xadd(um, ue, hm, he)
                sm, se = xsub(nm, ne, um, ue)
            if sm == 0.0:
                return STATUS_STEP_UNDERFLOW, 0.0, np.int64(0), steps
            ok, error, allowed, nvh, nvl, nrm, nre = advance(um, ue, sm, se, chart, sign, vh, vl, rm, re, mode, imode)
            steps += 1
            if ok and error <= allowed:
                um, ue = nm, ne
                vh, vl, rm, re = nvh, nvl, nrm, nre
                if last:
                    wm, we = mapping(chart, sign, vh, vl, rm, re, um, ue, mode, imode)
                    return STATUS_OK, wm, we, steps
                hm, he = scaled(sm, se, step_factor(error, allowed))
            else:
                hm, he = scaled(sm, se, 0.25 if not ok else step_factor(error, allowed))

    @_jit
    def balanced(mode, imode, um, ue):
        """w(u) on w1 = w2 or w1 = -w2 (closed forms), as (m, e)."""
        kind = imode[col.KIND_I]
        if kind == KIND_ZERO or um == 0.0:
            return (0.0, np.int64(0)) if kind == KIND_ZERO else xfromf(mode[col.W1] * mode[col.W2])
        if kind == KIND_P_LINE:
            rm, re = xfromf(abs(mode[col.LAM_MINUS_KAPPA]))
        else:
            rm, re = mode[col.LPK_M], imode[col.LPK_E_I]
        xm, xe = xmul(rm, re, um, ue)
        x = xtof(xm, xe + 1)  # 2 a u
        gm, ge = xexp(-x, 0.0)
        if x < 1.0:
            pm_, pe_ = xfromf(phi(x))
            dm, de = xmul(um, ue + 1, pm_, pe_)
        else:
            dm, de = xdiv(-vexpm1(-x) if x < 746.0 else 1.0, np.int64(0), rm, re)
        if kind == KIND_P_LINE and mode[col.LAM_MINUS_KAPPA] >= 0.0:
            return balanced_growth(mode[col.X0_M], imode[col.X0_E_I], mode[col.K_M], imode[col.K_E_I], gm, ge, dm, de)
        wm, we = balanced_decay(mode[col.X0_M], imode[col.X0_E_I], mode[col.K_M], imode[col.K_E_I], gm, ge, dm, de)
        return (wm, we) if kind == KIND_P_LINE else (-wm, we)

    @_jit
    def ode_row(t, order, tau, mode, imode, state, istate, out, budget):
        """Advance one mode's integration by up to about ``budget`` steps, writing each output reached."""
        j = istate[col.NEXT_S]
        m = order.shape[0]
        um, ue = state[col.U_M_F], istate[col.U_E_S]
        hm, he = state[col.H_M_F], istate[col.H_E_S]
        chart, sign = istate[col.CHART_S], state[col.SIGN_F]
        vh, vl = state[col.V_HI_F], state[col.V_LO_F]
        rm, re = state[col.R_M_F], istate[col.R_E_S]
        taum, taue = xfromf(tau)
        steps = 0
        while j < m:
            index = order[j]
            if t[index] == 0.0:
                value = mode[col.W1] * mode[col.W2]
                if not abs(value) < math.inf:
                    istate[col.STATUS_S] = STATUS_OVERFLOW
                    istate[col.FAILED_S] = index
                    state[col.LOG2_W_F] = math.log2(abs(mode[col.W1])) + math.log2(abs(mode[col.W2]))
                    break
                out[index] = value
                j += 1
                continue
            if chart == CHART_VANISHED:
                out[index] = 0.0
                j += 1
                continue
            tfm, tfe = xfromf(t[index])
            tm, te = xdiv(tfm, tfe, taum, taue)
            if imode[col.KIND_I] != KIND_INTEGRATE:
                wm, we = balanced(mode, imode, tm, te)
                if not emit(wm, we, out, index, state, istate):
                    break
                j += 1
                continue
            if steps >= budget:
                break
            chart, sign, vh, vl, rm, re = choose_chart(um, ue, chart, sign, vh, vl, rm, re, mode, imode)
            nm, ne = xadd(um, ue, hm, he)
            hm, he = xsub(nm, ne, um, ue)  # the step the clock actually takes
            if hm == 0.0:
                istate[col.STATUS_S] = STATUS_STEP_UNDERFLOW
                istate[col.FAILED_S] = index
                break
            ok, error, allowed, nvh, nvl, nrm, nre = advance(um, ue, hm, he, chart, sign, vh, vl, rm, re, mode, imode)
            steps += 1
            if not (ok and error <= allowed):
                hm, he = scaled(hm, he, 0.25 if not ok else step_factor(error, allowed))
                continue
            failed = False
            while j < m:  # every output in (u, u + h]: a separate sub-integration from u
                index = order[j]
                tfm, tfe = xfromf(t[index])
                tm, te = xdiv(tfm, tfe, taum, taue)
                if xless(nm, ne, tm, te):
                    break
                if tm == nm and te == ne:
                    wm, we = mapping(chart, sign, nvh, nvl, nrm, nre, nm, ne, mode, imode)
                else:
                    code, wm, we, sub = reach(um, ue, tm, te, hm, he, chart, sign, vh, vl, rm, re, mode, imode)
                    steps += sub
                    if code != STATUS_OK:
                        istate[col.STATUS_S] = code
                        istate[col.FAILED_S] = index
                        failed = True
                        break
                if not emit(wm, we, out, index, state, istate):
                    failed = True
                    break
                j += 1
            if failed:
                break
            um, ue = nm, ne
            vh, vl, rm, re = nvh, nvl, nrm, nre
            hm, he = scaled(hm, he, step_factor(error, allowed))
            if vanished(chart, sign, vh, vl, rm, re, um, ue, mode, imode):
                chart = CHART_VANISHED
        istate[col.NEXT_S] = j
        istate[col.STEPS_S] += steps
        if j >= m or istate[col.STATUS_S] != STATUS_OK:
            istate[col.FINISHED_S] = 1
        state[col.U_M_F], istate[col.U_E_S] = um, ue
        state[col.H_M_F], istate[col.H_E_S] = hm, he
        istate[col.CHART_S], state[col.SIGN_F] = chart, sign
        state[col.V_HI_F], state[col.V_LO_F] = vh, vl
        state[col.R_M_F], istate[col.R_E_S] = rm, re

    return ode_row
