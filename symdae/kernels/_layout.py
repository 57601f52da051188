"""Column layout of the per-mode arrays that ``mode_trajectory`` and ``gd_iterates`` share with their engines.

The Python wrappers (:mod:`symdae.kernels._ode`) allocate one row per mode and the compiled
engines (:mod:`symdae.kernels._modes`, :mod:`symdae.kernels._integrator`,
:mod:`symdae.kernels._gd`) read and write its columns by these names. Importing this module
imports neither Numba nor SymPy.
"""

from __future__ import annotations

#: ``mode_trajectory``: a mode's constants (floats: ``mode``; int64 exponents and its kind: ``imode``).
MODE_FLOATS = ("lam", "eps", "kappa", "lam_minus_kappa", "k_m", "lpk_m", "sqrt_c_m", "c_m", "ln_sqrt_c_hi",
               "ln_sqrt_c_lo", "w1", "w2", "x0_m", "h0_m")
MODE_INTS = ("k_e", "lpk_e", "sqrt_c_e", "c_e", "kind", "x0_e", "h0_e")
#: ``mode_trajectory``: a mode's integration state (``state``, ``istate``).
STATE_FLOATS = ("u_m", "h_m", "v_hi", "v_lo", "r_m", "sign", "log2_w")
STATE_INTS = ("u_e", "h_e", "r_e", "chart", "next", "steps", "status", "finished", "failed")
(LAM, EPS, KAPPA, LAM_MINUS_KAPPA, K_M, LPK_M, SQRT_C_M, C_M, LN_SQRT_C_HI, LN_SQRT_C_LO, W1, W2, X0_M,
 H0_M) = range(len(MODE_FLOATS))
K_E_I, LPK_E_I, SQRT_C_E_I, C_E_I, KIND_I, X0_E_I, H0_E_I = range(len(MODE_INTS))
U_M_F, H_M_F, V_HI_F, V_LO_F, R_M_F, SIGN_F, LOG2_W_F = range(len(STATE_FLOATS))
U_E_S, H_E_S, R_E_S, CHART_S, NEXT_S, STEPS_S, STATUS_S, FINISHED_S, FAILED_S = range(len(STATE_INTS))

#: ``gd_iterates``: the columns of ``progress`` (steps done, next output, status, step of overflow, finished).
PROGRESS = ("done", "next", "status", "failed_step", "finished")
DONE, NEXT, STATUS, FAILED_STEP, FINISHED = range(len(PROGRESS))
