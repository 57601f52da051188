"""Balanced starts of the weight-decayed mode, in the mapping: the closed forms the kernel evaluates (symdae).

On ``w1 = ±w2`` the mapping obeys a Bernoulli equation in ``u = t/τ``
(the balanced lines of :mod:`symdae.derivations.weight_decay_forms`, scaled by
``w = P/4``), solved without overflow or cancellation by ``1/(g/w0 + kD)`` and
``x0 g/(1 + kx0D)`` with ``g = e^{−2au}`` and ``D = (1 − g)/a``;
:func:`symdae.kernels.mode_trajectory` evaluates these for balanced starts (the
programs of :mod:`symdae.codegen.programs.mode`, proved here).
"""

from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import expm1

from symdae.checking import Claim, Equality, steps
from symdae.codegen.programs.mode import BALANCED_DECAY_KERNEL, BALANCED_GROWTH_KERNEL, D_b, g_b, x0_b
from symdae.derivations.weight_decay_forms import RATE_P, RATE_Q, bernoulli_rhs, u
from symdae.symbols import k, kappa, lam

a_r = sp.Symbol("a_r", positive=True)  # |m|: λ − κ or κ − λ on w1 = w2, λ + κ on w1 = −w2
G_W = sp.exp(-2 * a_r * u)
D_W = (1 - G_W) / a_r
BALANCED_GROWTH = BALANCED_GROWTH_KERNEL.subs({g_b: G_W, D_b: D_W})
"""The kernel's growth form at ``g = e^{−2au}``, ``D = (1 − g)/a``."""
BALANCED_DECAY = BALANCED_DECAY_KERNEL.subs({g_b: G_W, D_b: D_W})
"""The kernel's decay form at ``g = e^{−2au}``, ``D = (1 − g)/a``."""
BALANCED_CRITICAL = 1 / (1 / x0_b + 2 * k * u)
_phi_x = 2 * a_r * u
D_SMALL = 2 * u * (-expm1(-_phi_x) / _phi_x)
"""The kernel's ``D`` for ``2au < 1``: ``2u φ(2au)``, ``φ(x) = −expm1(−x)/x``."""
D_LARGE = -expm1(-_phi_x) / a_r
"""The kernel's ``D`` for ``2au ≥ 1``."""
_x_b = sp.Symbol("x", positive=True)
with sp.evaluate(False):  # shown as built: (2m(4x) − (k/2)(4x)²)/4 on each line
    _BALANCED_W_RHS = [bernoulli_rhs(4 * _x_b, RATE_P) / 4, bernoulli_rhs(4 * _x_b, RATE_Q) / 4]



def _solves(x: sp.Expr, rate: sp.Expr) -> Equality:
    """``x`` solves ``dx/du = 2·rate·x − 2kx²`` from ``x(0) = x0``."""
    return Equality(sp.Matrix([sp.Derivative(x, u) - 2 * rate * x + 2 * k * x**2, x.subs(u, 0)]),
                    sp.Matrix([0, x0_b]))


CLAIMS = [
    Claim(
        id="wdf.balanced_w_lines",
        paper_ref="§5, Supp. C (symdae)",
        title="in the mapping: on w1 = w2, dw/du = 2(λ − κ)w − 2kw²; on w1 = −w2, x = −w obeys "
              "dx/du = −2(λ + κ)x − 2kx²",
        relation=Equality(
            sp.Matrix(_BALANCED_W_RHS),
            sp.Matrix([2 * (lam - kappa) * _x_b - 2 * k * _x_b**2, -2 * (lam + kappa) * _x_b - 2 * k * _x_b**2]),
        ),
        strategy=(steps.expand,),
        depends=("wdf.balanced_p_line", "wdf.balanced_q_line"),
    ),
    Claim(
        id="wdf.balanced_w_growth",
        paper_ref="§5, Eq. (7), Supp. C (symdae)",
        title="w = 1/(g/w0 + kD), g = e^{−2au}, D = (1 − g)/a, solves dw/du = 2aw − 2kw² with w(0) = w0",
        relation=_solves(BALANCED_GROWTH, a_r),
        strategy=(steps.doit, steps.cancel),
        depends=("wdf.balanced_w_lines",),
    ),
    Claim(
        id="wdf.balanced_w_decay",
        paper_ref="§5, Supp. C (symdae)",
        title="x = x0 g/(1 + kx0D) solves dx/du = −2ax − 2kx² with x(0) = x0",
        relation=_solves(BALANCED_DECAY, -a_r),
        strategy=(steps.doit, steps.cancel),
        depends=("wdf.balanced_w_lines",),
    ),
    Claim(
        id="wdf.balanced_w_critical",
        paper_ref="§5, Supp. C (symdae)",
        title="w = 1/(1/w0 + 2ku) solves dw/du = −2kw² (λ = κ), and is the growth form at g = 1, D = 2u",
        relation=Equality(
            sp.Matrix([sp.Derivative(BALANCED_CRITICAL, u) + 2 * k * BALANCED_CRITICAL**2,
                       BALANCED_CRITICAL.subs(u, 0), BALANCED_GROWTH_KERNEL.subs({g_b: 1, D_b: 2 * u})]),
            sp.Matrix([0, x0_b, BALANCED_CRITICAL]),
        ),
        strategy=(steps.doit, steps.cancel),
        depends=("wdf.balanced_w_lines",),
    ),
    Claim(
        id="wdf.balanced_d_forms",
        paper_ref="§5, Supp. C (symdae)",
        title="the kernel's D: 2u·(−expm1(−2au)/(2au)) and −expm1(−2au)/a both equal (1 − e^{−2au})/a",
        relation=Equality(sp.Matrix([D_SMALL, D_LARGE]), sp.Matrix([D_W, D_W])),
        strategy=(steps.rewrite(sp.exp), steps.cancel),
    ),
]
