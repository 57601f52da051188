"""The mapping's own flow under noise and weight decay, in the charts the integrator steps in (symdae).

:func:`symdae.kernels.mode_trajectory` integrates the mapping ``w`` itself
(relative accuracy of ``w``, no ``P − Q`` cancellation), with ``E = PQ =
P0Q0 e^{−4κu}`` known in closed form (``wdf.product_solution`` of
:mod:`symdae.derivations.weight_decay_forms`), so ``N = (P + Q)/2 = w1² + w2² =
√(4w² + E)`` is a function of ``w`` and ``u = t/τ``. Three charts of that one
scalar ODE: ``v = ln|w|`` away from ``w = 0`` (exponential phases are straight
lines there), the ratio ``r = w/√E`` near a crossing of zero, and ``y = 1/w``
for the relaxation from large weights. The step functions are written in the
dimensionless form ``h·(rate)`` that the integrator evaluates (every
coefficient a product with the step ``h``: the programs of
:mod:`symdae.codegen.programs.mode`); the claims prove each is the flow.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from symdae.checking import Claim, Equality, steps
from symdae.codegen.programs.mode import (
    INV_DG,
    INV_G,
    INV_Q,
    LOG_DG,
    LOG_G,
    LOG_Q,
    RATIO_DG,
    RATIO_G,
    B_q,
    B_s,
    Y_s,
    e_hat,
    i_a,
    i_b,
    i_ce,
    i_e,
    r_a,
    r_b,
    r_c,
    rho_s,
    s_aq,
    two_m,
)
from symdae.derivations.stable_forms import P, Q
from symdae.derivations.weight_decay_forms import P_FLOW, Q_FLOW
from symdae.symbols import k, kappa, lam, w

a_w = sp.Symbol("a_w", positive=True)  # |w|
E_u = sp.Symbol("E_u", positive=True)  # E = PQ = P0 Q0 e^{−4κu}
N_n = sp.Symbol("N_n", positive=True)  # N as a symbol: N² = 4w² + E
h_s = sp.Symbol("h", positive=True)  # the integrator's step in u
r_s = sp.Symbol("r_E", real=True)  # r = w/√E
sqrt_E = sp.Symbol("sqrtE", positive=True)  # √E
R_s = sp.Symbol("R", positive=True)  # the ratio chart's frame: r = R Y
Y_a = sp.Symbol("Y_a", positive=True)  # |Y|
W_N = sp.sqrt(4 * w**2 + E_u)
"""``N = (P + Q)/2 = w1² + w2²`` in terms of the mapping: ``N² = 4w² + PQ``."""
W_FLOW = (lam - k * w) * W_N - 2 * kappa * w
"""``dw/du`` (``u = t/τ``): the flow of the mapping alone, given ``E = PQ``."""
RATIO_FLOW = (lam - k * sqrt_E * r_s) * sp.sqrt(4 * r_s**2 + 1)
"""``dr/du`` for ``r = w/√E`` (``√E`` decays as ``e^{−2κu}``): no exponential factor near a crossing."""
_w_pq = (P - Q) / 4


def _w_split(sign: int) -> sp.Expr:
    """``W_FLOW`` at ``w = sign·|w|`` with the ``λ − κ`` (or ``λ + κ``) term apart and ``N − 2|w| = E/(N + 2|w|)``."""
    wv = sign * a_w
    return 2 * a_w * (lam - sign * kappa - k * wv) + (lam - k * wv) * E_u / (N_n + 2 * a_w)


def _inverse_chart_sides(sign: int) -> tuple[sp.Matrix, sp.Matrix]:
    values = {i_a: sign * h_s * k / R_s, i_b: 2 * sign * h_s * (lam - sign * kappa), i_ce: sign * h_s * lam * i_e}
    kernel = sp.Matrix([INV_G, INV_DG]).subs(values).subs(Y_s, sign * Y_a)
    inverse = -W_FLOW.subs(w, sign / (R_s * Y_a)) * (R_s * Y_a) ** 2  # dy/du = −(dw/du)/w², y = σRY_a
    truth = sp.Matrix([h_s / R_s * inverse, h_s * sign / R_s * sp.diff(inverse, Y_a)]).subs(E_u, i_e / R_s**2)
    return kernel, truth


_INV_RATIONAL = steps.subs({INV_Q.subs(Y_s, Y_a): sp.sqrt(4 + i_e * Y_a**2) - 2},
                           "i_eY²/(√(4 + i_eY²) + 2) = √(4 + i_eY²) − 2 (wdf.log_q)",
                           proof=(steps.numerator, steps.expand))


def _log_chart_sides(sign: int) -> tuple[sp.Matrix, sp.Matrix]:
    values = {two_m: 2 * sign * h_s * (lam - sign * kappa), s_aq: sign * h_s * lam / rho_s, B_s: h_s * k * a_w,
              B_q: h_s * k * a_w / rho_s}
    scaled = h_s * W_FLOW.subs(w, sign * a_w) / (sign * a_w)  # h dv/du, v = ln a_w
    derivative = a_w * sp.diff(scaled, a_w)  # ∂/∂v = a_w ∂/∂a_w at fixed E
    kernel = sp.Matrix([LOG_G.subs(values), LOG_DG.subs(values)])
    truth = sp.Matrix([scaled, derivative]).subs(E_u, a_w**2 * e_hat / rho_s**2)
    return kernel, truth


def _both_signs(sides: Callable[[int], tuple[sp.Matrix, sp.Matrix]]) -> Equality:
    """The kernel's step function against the flow, stacked for ``w > 0`` (σ = +1) and ``w < 0`` (σ = −1)."""
    (plus, plus_truth), (minus, minus_truth) = sides(1), sides(-1)
    return Equality(plus.col_join(minus), plus_truth.col_join(minus_truth))


_Q_RATIONAL = steps.subs({LOG_Q: sp.sqrt(4 * rho_s**2 + e_hat) - 2 * rho_s},
                         "ẽ/(√(4ρ² + ẽ) + 2ρ) = √(4ρ² + ẽ) − 2ρ (wdf.log_q)",
                         proof=(steps.numerator, steps.expand))
_N_SYMBOL = steps.subs({sp.sqrt(4 * a_w**2 + E_u): N_n}, "N = √(4w² + E)")
_RATIO_VALUES = {r_a: h_s * lam / R_s, r_b: h_s * k * sqrt_E, r_c: 4 * R_s**2}

CLAIMS = [
    Claim(
        id="wdf.w_flow",
        paper_ref="Supp. C, stable form (symdae)",
        title="the mapping alone: τw' = (λ − kw)N − 2κw with N = (P + Q)/2 = w1² + w2² and N² = 4w² + PQ",
        relation=Equality(
            sp.Matrix([(P_FLOW - Q_FLOW) / 4, ((P + Q) / 2) ** 2]),
            sp.Matrix([(lam - k * _w_pq) * (P + Q) / 2 - 2 * kappa * _w_pq, 4 * _w_pq**2 + P * Q]),
        ),
        strategy=(steps.expand,),
        depends=("stable.pq_flow", "stable.pq_coordinates", "wdf.product_solution"),
    ),
    Claim(
        id="wdf.w_flow_split",
        paper_ref="Supp. C, stable form (symdae)",
        title="for w = ±|w|: (λ − kw)N − 2κw = 2|w|(λ ∓ κ − kw) + (λ − kw)E/(N + 2|w|), "
              "so λ − κ is formed once and N − 2|w| without cancellation",
        relation=Equality(sp.Matrix([W_FLOW.subs(w, a_w), W_FLOW.subs(w, -a_w)]),
                          sp.Matrix([_w_split(1), _w_split(-1)])),
        strategy=(_N_SYMBOL, steps.numerator, steps.modulo([N_n**2 - 4 * a_w**2 - E_u], [N_n])),
        depends=("wdf.w_flow",),
        where={N_n: sp.sqrt(4 * a_w**2 + E_u)},
    ),
    Claim(
        id="wdf.log_q",
        paper_ref="Supp. C, stable form (symdae)",
        title="ρq = ẽ/(√(4ρ² + ẽ) + 2ρ) equals √(4ρ² + ẽ) − 2ρ, i.e. q = √(4 + E/w²) − 2 = (N − 2|w|)/|w| "
              "for ẽ = ρ²E/w²",
        relation=Equality(LOG_Q, sp.sqrt(4 * rho_s**2 + e_hat) - 2 * rho_s),
        strategy=(steps.numerator, steps.expand),
    ),
    Claim(
        id="wdf.log_chart",
        paper_ref="Supp. C, stable form (symdae)",
        title="log chart v = ln|w|, w = σe^v: the kernel's 2σm − 2B + (σa − B)q and −(4B + σaê)/√(4 + ê) "
              "(m = h(λ − σκ), a = hλ, B = hk|w|, ê = E/w², scaled by any ρ > 0 as ẽ = ρ²ê, a/ρ, B/ρ) are h dv/du "
              "and its ∂/∂v (σ = +1, −1)",
        relation=_both_signs(_log_chart_sides),
        strategy=(steps.factor_deep, _Q_RATIONAL, steps.expand),
        depends=("wdf.w_flow", "wdf.w_flow_split", "wdf.log_q"),
    ),
    Claim(
        id="wdf.inverse_chart",
        paper_ref="Supp. C, stable form (symdae)",
        title="inverse chart y = 1/w = RY: the kernel's i_a(2 + q) − Y(i_b + i_ce Y²/(√(4 + i_eY²) + 2)) and its "
              "∂/∂Y, with i_a = σhk/R, i_b = 2σh(λ − σκ), i_e = ER², i_ce = σhλ i_e, q = √(4 + E/w²) − 2, are "
              "(h/R) dy/du and h ∂(dy/du)/∂y",
        relation=_both_signs(_inverse_chart_sides),
        strategy=(_INV_RATIONAL, steps.factor_deep, steps.expand, steps.cancel),
        depends=("wdf.w_flow", "wdf.w_flow_split", "wdf.log_q"),
    ),
    Claim(
        id="wdf.ratio_flow",
        paper_ref="Supp. C, stable form (symdae)",
        title="r = w/√E with √E = √(P0Q0) e^{−2κu} obeys dr/du = (λ − k√E r)√(4r² + 1)",
        relation=Equality(W_FLOW.subs(w, r_s * sqrt_E).subs(E_u, sqrt_E**2) / sqrt_E + 2 * kappa * r_s, RATIO_FLOW),
        strategy=(steps.factor_deep, steps.expand),
        depends=("wdf.w_flow", "wdf.product_solution"),
    ),
    Claim(
        id="wdf.ratio_chart",
        paper_ref="Supp. C, stable form (symdae)",
        title="ratio chart r = RY: the kernel's (a − bY)√(cY² + 1) and its ∂/∂Y, with a = hλ/R, b = hk√E, "
              "c = 4R², are (h/R) dr/du and h ∂(dr/du)/∂r",
        relation=Equality(
            sp.Matrix([RATIO_G, RATIO_DG]).subs(_RATIO_VALUES),
            sp.Matrix([h_s / R_s * RATIO_FLOW.subs(r_s, R_s * Y_s),
                       h_s * sp.diff(RATIO_FLOW, r_s).subs(r_s, R_s * Y_s)]),
        ),
        strategy=(steps.expand, steps.cancel),
        depends=("wdf.ratio_flow",),
    ),
]
