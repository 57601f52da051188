"""A numerically stable form of Eq. (5) (symdae; not in the paper).

The printed Eq. (5) overflows once ``ζλt/τ`` passes ~709, is ``0/0`` for
balanced initialisation (``c0 = 0``), undefined for ``λ = 0`` and loses
precision as ``c0 → 0``. symdae evaluates the same solution in the
coordinates

    P = (w1 + w2)²,   Q = (w2 − w1)²,   w = (P − Q)/4,   PQ = c0²,

in which the noisy mode flow becomes two Riccati equations with constant
coefficients. With ``k = λ + ε``, ``R = √(4λ² + k² P0 Q0)`` (``= ζλ``),
``g = e^{−Rt/τ} ∈ (0, 1]``, ``h = k(1 − g)/(2R)``, ``a = (R + 2λ)/(2R)`` and
``b = (R − 2λ)/(2R)``, the solution is

    P(t) = P0 (a + Q0 h + b g) / (P0 h + b + a g),
    Q(t) = Q0 (b + P0 h + a g) / (Q0 h + a + b g):

every term is non-negative (no cancellation), only ``e^{−x}`` with ``x ≥ 0``
appears (no overflow), and ``c0 = 0`` and ``λ = 0`` are ordinary points.
The claims below prove that this solves the mode ODE and that it *is* the
paper's Eq. (5), and give the time to reach a target mapping in closed form.
The kernels evaluate it as a ratio of sign-definite forms in normalised
variables (:mod:`symdae.derivations.positive_forms`), which also keeps small
mappings (``w = (P − Q)/4`` is a difference) and extreme weights exact.
"""

from __future__ import annotations

import sympy as sp

from symdae.checking import Claim, Equality, Interval, Limit, steps
from symdae.derivations.exact_solution import EQ5_THETA_PRINTED, EQ5_W_PRINTED
from symdae.model import mode_flow
from symdae.symbols import E, beta, c0, delta0, eps, k, kappa, lam, t, tau, w0_pos, w1, w2, w_f, zeta

# Coordinates and constants of the stable form.
P, Q = sp.symbols("P Q", positive=True)
P0, Q0 = sp.symbols("P0 Q0", positive=True)
p, q = sp.symbols("p q", positive=True)  # p = |w1 + w2|, q = |w2 − w1|
R = sp.Symbol("R", positive=True)  # R = √(4λ² + k² P0 Q0) = ζλ
g = sp.Symbol("g", positive=True)  # g = exp(−R t / τ)

R_RELATION = R**2 - 4 * lam**2 - k**2 * P0 * Q0
A_COEF = (R + 2 * lam) / (2 * R)
B_COEF = (R - 2 * lam) / (2 * R)
H_OF_G = k * (1 - g) / (2 * R)

P_OF_G = P0 * (A_COEF + Q0 * H_OF_G + B_COEF * g) / (P0 * H_OF_G + B_COEF + A_COEF * g)
Q_OF_G = Q0 * (B_COEF + P0 * H_OF_G + A_COEF * g) / (Q0 * H_OF_G + A_COEF + B_COEF * g)
W_OF_G = (P_OF_G - Q_OF_G) / 4
"""Eq. (5) in stable form, as a function of ``g = exp(−Rt/τ)``."""

_WHERE_R = {R: sp.sqrt(4 * lam**2 + k**2 * P0 * Q0)}
_MOD_R = steps.modulo([R_RELATION], [R])
_DOMAIN_G = {g: Interval(1e-6, 1.0, log=True), k: Interval(1e-3, 1e3, log=True),
             P0: Interval(1e-4, 10.0, log=True), Q0: Interval(1e-4, 10.0, log=True)}

_PQ_GENERIC = {P0: p**2, Q0: q**2}
_GENERIC_WHERE = {R: sp.sqrt(4 * lam**2 + k**2 * p**2 * q**2)}
_GENERIC_DOMAIN = {p: Interval(1e-3, 4.0, log=True), q: Interval(1e-3, 4.0, log=True),
                   k: Interval(1e-3, 1e3, log=True), g: Interval(1e-6, 1.0, log=True)}

_SUBS_EQ5 = {E: 1 / g, zeta: R / lam, beta: p * q * k / lam, c0: p * q, delta0: (p - q) / (p + q)}
_EQ5_GENERIC = EQ5_W_PRINTED.subs(_SUBS_EQ5, simultaneous=True)
_DELTA_F_GENERIC = sp.tanh(EQ5_THETA_PRINTED / 2).subs(_SUBS_EQ5, simultaneous=True)
_P_GENERIC = P_OF_G.subs(_PQ_GENERIC)
_MOD_R_GENERIC = steps.modulo([R**2 - 4 * lam**2 - k**2 * p**2 * q**2], [R])

_P_W = (w1 + w2) ** 2
_Q_W = (w2 - w1) ** 2
_FLOW1, _FLOW2 = mode_flow()
_W_MODE = (_P_W - _Q_W) / 4


def _ode_residual(sol: sp.Expr, rhs: sp.Expr) -> sp.Expr:
    """``τ dX/dt − rhs`` for ``X(g)`` with ``dg/dt = −R g / τ``."""
    return -R * g * sp.Derivative(sol, g) - rhs


# --- time to reach a target mapping ---------------------------------------------------------
P_f = sp.Symbol("P_f", positive=True)  # P at the target mapping w_f = f λ/(λ + ε)
S_SUM = R + 2 * lam
P_OF_TARGET = 2 * w_f + sp.sqrt(4 * w_f**2 + P0 * Q0)
"""P at the moment w = w_f (the positive root of P² − 4 w_f P − c0² = 0)."""
G_AT_TARGET = P0 * (S_SUM - k * P_f) * (S_SUM + k * Q0) / ((S_SUM - k * P0) * (S_SUM * P_f + k * P0 * Q0))
"""``g = e^{−Rt/τ}`` at which ``P(g) = P_f``: P(g) is a Möbius map of g, so this is linear."""



def time_ratio(s: sp.Expr, k_: sp.Expr, p0: sp.Expr, q0: sp.Expr, kc0: sp.Expr, p_target: sp.Expr) -> sp.Expr:
    """``1/g_f − 1 = (P_f − P0)(S² + (kc0)²)/(P0(S − kP_f)(S + kQ0))``: for short times ``(τ/R) log1p`` of it
    keeps full relative accuracy (``S = R + 2λ``, ``kc0 = k√(P0Q0)``, ``P_f = p_target``)."""
    return (p_target - p0) * (s**2 + kc0**2) / (p0 * (s - k_ * p_target) * (s + k_ * q0))

CLAIMS = [
    Claim(
        id="stable.pq_coordinates",
        paper_ref="Eq. (5), stable form",
        title="P = (w1+w2)², Q = (w2−w1)² give w = (P − Q)/4, w1² + w2² = (P + Q)/2, PQ = c0²",
        relation=Equality(
            sp.Matrix([w1 * w2, w1**2 + w2**2, (w2**2 - w1**2) ** 2]),
            sp.Matrix([(_P_W - _Q_W) / 4, (_P_W + _Q_W) / 2, _P_W * _Q_W]),
        ),
        strategy=(steps.expand,),
        depends=("s33.conservation",),
    ),
    Claim(
        id="stable.pq_flow",
        paper_ref="Eq. (5), stable form",
        title="under the mode flow τP' = 2P(λ − κ − kw) and τQ' = −2Q(λ + κ − kw), k = λ + ε",
        relation=Equality(
            sp.Matrix([2 * (w1 + w2) * (_FLOW1 + _FLOW2), 2 * (w2 - w1) * (_FLOW2 - _FLOW1)]),
            sp.Matrix([2 * _P_W * (lam - kappa - (lam + eps) * _W_MODE),
                       -2 * _Q_W * (lam + kappa - (lam + eps) * _W_MODE)]),
        ),
        strategy=(steps.expand,),
        depends=("stable.pq_coordinates", "eq2.gradient_flow", "eq3.gradient_flow"),
    ),
    Claim(
        id="stable.p_solves",
        paper_ref="Eq. (5), stable form",
        title="P(t) solves τP' = 2P(λ − k(P − Q)/4) (κ = 0) given R² = 4λ² + k²P0Q0",
        relation=Equality(_ode_residual(P_OF_G, 2 * P_OF_G * (lam - k * (P_OF_G - Q_OF_G) / 4)), 0),
        strategy=(steps.doit, _MOD_R),
        depends=("stable.pq_flow",),
        where=_WHERE_R,
        domain=_DOMAIN_G,
    ),
    Claim(
        id="stable.q_solves",
        paper_ref="Eq. (5), stable form",
        title="Q(t) solves τQ' = −2Q(λ − k(P − Q)/4) (κ = 0) given R² = 4λ² + k²P0Q0",
        relation=Equality(_ode_residual(Q_OF_G, -2 * Q_OF_G * (lam - k * (P_OF_G - Q_OF_G) / 4)), 0),
        strategy=(steps.doit, _MOD_R),
        depends=("stable.pq_flow",),
        where=_WHERE_R,
        domain=_DOMAIN_G,
    ),
    Claim(
        id="stable.initial",
        paper_ref="Eq. (5), stable form",
        title="at t = 0 (g = 1) the stable form starts at P0 and Q0",
        relation=Equality(sp.Matrix([sp.Subs(P_OF_G, g, 1), sp.Subs(Q_OF_G, g, 1)]), sp.Matrix([P0, Q0])),
        strategy=(steps.doit, steps.cancel),
    ),
    Claim(
        id="stable.fixed_point",
        paper_ref="Eq. (5), stable form; §4",
        title="as t → ∞ (g → 0) the stable form tends to w* = λ/(λ + ε) (P0 > 0)",
        relation=Equality(W_OF_G.subs(g, 0), lam / k),
        strategy=(_MOD_R,),
        depends=("stable.p_solves", "stable.q_solves"),
        where=_WHERE_R,
        domain=_DOMAIN_G,
    ),
    Claim(
        id="stable.delta0",
        paper_ref="Eq. (5), stable form",
        title="δ0 = tanh(asinh(2w0/c0)/2) = (p − q)/(p + q) for p = |w1+w2|, q = |w2−w1|",
        relation=Equality(
            sp.tanh(sp.asinh(2 * ((p**2 - q**2) / 4) / (p * q)) / 2), (p - q) / (p + q)
        ),
        strategy=(steps.rewrite(sp.log), steps.factor_deep, steps.rewrite(sp.exp), steps.cancel),
        domain={p: Interval(1e-3, 4.0, log=True), q: Interval(1e-3, 4.0, log=True)},
    ),
    Claim(
        id="stable.pq_product",
        paper_ref="Eq. (5), stable form",
        title="P(t) Q(t) = P0 Q0: c0² = PQ is conserved without weight decay",
        relation=Equality(sp.Mul(P_OF_G, Q_OF_G, evaluate=False), P0 * Q0),
        strategy=(_MOD_R,),
        depends=("stable.p_solves", "stable.q_solves"),
        where=_WHERE_R,
        domain=_DOMAIN_G,
    ),
    Claim(
        id="stable.delta_eq5",
        paper_ref="Eq. (5)",
        title="the printed δf of Eq. (5) is tanh(θ/2) = (P − c0)/(P + c0) of the stable form",
        relation=Equality(_DELTA_F_GENERIC, (_P_GENERIC - p * q) / (_P_GENERIC + p * q)),
        strategy=(steps.cancel, _MOD_R_GENERIC),
        depends=("stable.delta0", "stable.p_solves"),
        where=_GENERIC_WHERE,
        domain=_GENERIC_DOMAIN,
    ),
    Claim(
        id="stable.sinh_coordinates",
        paper_ref="Eq. (5), Supp. B",
        title="(c0/2) sinh(2 atanh((P − c0)/(P + c0))) = (P − c0²/P)/4 for P > 0",
        relation=Equality(p * q / 2 * sp.sinh(2 * sp.atanh((P - p * q) / (P + p * q))),
                          (P - p**2 * q**2 / P) / 4),
        strategy=(steps.rewrite(sp.log), steps.rewrite(sp.exp), steps.cancel),
        domain={p: Interval(1e-3, 4.0, log=True), q: Interval(1e-3, 4.0, log=True)},
    ),
    Claim(
        id="stable.equals_eq5",
        paper_ref="Eq. (5)",
        title="the stable form equals the printed Eq. (5) (E = 1/g, ζ = R/λ, β = kc0/λ, c0 = pq)",
        relation=Equality(_EQ5_GENERIC, W_OF_G.subs(_PQ_GENERIC)),
        strategy=(
            steps.subs({_DELTA_F_GENERIC: (_P_GENERIC - p * q) / (_P_GENERIC + p * q)},
                       label="subs(δf → (P − c0)/(P + c0)) [stable.delta_eq5]",
                       because=("stable.delta_eq5",)),
            steps.instance("stable.sinh_coordinates", {P: _P_GENERIC},
                           sp.sinh(2 * sp.atanh((P - p * q) / (P + p * q))), (P - p**2 * q**2 / P) / (2 * p * q),
                           label="subs(sinh(2 atanh δf) → (P − c0²/P)/(2c0)) [stable.sinh_coordinates]"),
            steps.subs({Q_OF_G.subs(_PQ_GENERIC): p**2 * q**2 / _P_GENERIC},
                       label="subs(Q → c0²/P) (PQ = c0², proved in place)",
                       proof=(steps.cancel, _MOD_R_GENERIC)),
            steps.cancel,
        ),
        depends=("stable.delta_eq5", "stable.sinh_coordinates"),
        where=_GENERIC_WHERE,
        domain=_GENERIC_DOMAIN,
    ),
    Claim(
        id="stable.balanced",
        paper_ref="Eq. (5), c0 → 0",
        title="balanced start (Q0 = 0, R = 2λ): the stable form is the logistic w*w0/(w0(1−g) + w*g)",
        relation=Equality(
            W_OF_G.subs({Q0: 0, R: 2 * lam, P0: 4 * w0_pos}),
            (lam / k) * w0_pos / (w0_pos * (1 - g) + (lam / k) * g),
        ),
        strategy=(steps.cancel,),
        domain=_DOMAIN_G,
    ),
    Claim(
        id="stable.origin_line",
        paper_ref="Eq. (5), stable form",
        title="on w1 = −w2 (P0 = 0) P stays 0, so the kernel may return P = 0 there",
        relation=Equality(sp.Subs(P_OF_G, P0, 0), 0),
        strategy=(steps.doit, steps.cancel),
    ),
    Claim(
        id="stable.degenerate_h",
        paper_ref="Eq. (5), λ = c0 = 0",
        title="h = k(1 − e^{−Rt/τ})/(2R) tends to kt/(2τ) as R → 0 (the kernel's R = 0 branch)",
        relation=Limit(k * (1 - sp.exp(-R * t / tau)) / (2 * R), R, 0, k * t / (2 * tau)),
        strategy=(steps.cancel,),
    ),
    Claim(
        id="stable.degenerate_solution",
        paper_ref="Eq. (5), λ = c0 = 0",
        title="for λ = 0, Q = 0: P = P0/(1 + P0kt/(2τ)) solves τP' = −kP²/2 with P(0) = P0",
        relation=Equality(
            sp.Matrix([tau * sp.Derivative(P0 / (1 + P0 * k * t / (2 * tau)), t)
                       + k / 2 * (P0 / (1 + P0 * k * t / (2 * tau))) ** 2,
                       (P0 / (1 + P0 * k * t / (2 * tau))).subs(t, 0)]),
            sp.Matrix([0, P0]),
        ),
        strategy=(steps.doit, steps.cancel),
        depends=("stable.pq_flow",),
    ),
    Claim(
        id="stable.target_P",
        paper_ref="§8 (training time), stable form",
        title="P_f = 2w_f + √(4w_f² + c0²) is the P at which w = (P − c0²/P)/4 equals w_f",
        relation=Equality((P_OF_TARGET - P0 * Q0 / P_OF_TARGET) / 4, w_f),
        strategy=(steps.cancel, steps.expand),
        depends=("stable.pq_product",),
        domain={w_f: Interval(1e-4, 10.0, log=True), **_DOMAIN_G},
    ),
    Claim(
        id="stable.time_to_target",
        paper_ref="§8 (training time), stable form",
        title="P(g) = P_f at g_f = P0(S − kP_f)(S + kQ0)/((S − kP0)(S P_f + kP0Q0)), S = R + 2λ",
        relation=Equality(P_OF_G.subs(g, G_AT_TARGET), P_f),
        strategy=(_MOD_R,),
        depends=("stable.p_solves",),
        where=_WHERE_R,
        domain={P_f: Interval(1e-4, 10.0, log=True), **_DOMAIN_G},
    ),
    Claim(
        id="stable.time_log1p",
        paper_ref="§8 (training time), stable form",
        title="1/g_f = 1 + (P_f − P0)(S² + k²P0Q0)/(P0(S − kP_f)(S + kQ0)): short times via log1p",
        relation=Equality(
            1 + time_ratio(S_SUM, k, P0, Q0, k * sp.sqrt(P0 * Q0), P_f),
            1 / G_AT_TARGET,
        ),
        strategy=(steps.cancel,),
        depends=("stable.time_to_target",),
        where=_WHERE_R,
        domain={P_f: Interval(1e-4, 1.0, log=True), **_DOMAIN_G},
    ),
]
