"""§3.3, Eq. (5) and Supp. B: the exact solution of the noisy scalar dynamics.

(Work in progress: the claims are added below.)
"""

from __future__ import annotations

import sympy as sp

from symdae.symbols import E, beta, c0, delta0, eps, lam, t, tau, w0, zeta

# Eq. (5) exactly as printed, in the paper's auxiliary symbols.
EQ5_THETA_PRINTED = 2 * sp.atanh(
    ((1 - E) * (zeta**2 - beta**2 - 2 * beta * delta0) - 2 * (1 + E) * zeta * delta0)
    / ((1 - E) * (2 * beta + 4 * delta0) - 2 * (1 + E) * zeta)
)
EQ5_W_PRINTED = c0 / 2 * sp.sinh(EQ5_THETA_PRINTED)

# The printed definitions of the auxiliary symbols (c0 = |w2² − w1²|, w0 = w1 w2 at t = 0).
EQ5_WHERE = {
    E: sp.exp(zeta * lam * t / tau),
    zeta: sp.sqrt(beta**2 + 4),
    beta: c0 * (1 + eps / lam),
    delta0: sp.tanh(sp.asinh(2 * w0 / c0) / 2),
}

CLAIMS: list = []
