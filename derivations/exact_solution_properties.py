"""§3.3, Eq. (5): the exact solution checked directly -- the ODE, the start, the limits, the crossing.

The printed Eq. (5) (and its rational form, :mod:`symdae.derivations.exact_solution`)
solves the ODE (9), starts at ``w0``, tends to the fixed point ``λ/(λ + ε)``,
becomes the logistic curve of a balanced initialisation as ``c0 → 0``, and
crosses zero at a closed-form time when it starts below zero.
"""

from __future__ import annotations

import sympy as sp

from symdae.checking import Claim, Equality, Inequality, Interval, Limit, steps
from symdae.derivations.exact_solution import (
    BETA_ZETA_RATIONAL,
    CROSSING_TIME,
    DELTA0_OF_W0,
    DELTA_F,
    DELTA_F_LIMIT,
    EQ5_W_PRINTED,
    EQ5_WHERE,
    LOGISTIC_BALANCED,
    NORM_OF_DELTA,
    W_OF_DELTA,
    W_RATIONAL,
    W_STAR,
    ZETA_OF_BETA,
    ZETA_RELATION,
    m_rational,
)
from symdae.symbols import E, beta, c0, delta, delta0, eps, lam, t, tau, w0, w0_neg, w0_pos, zeta

_EPS_OF_BETA = steps.subs({eps: lam * (beta / c0 - 1)}, "ε = λ(β/c0 − 1)")
_BETA_ZETA_OF_EPS = {zeta: sp.sqrt(beta**2 + 4), beta: c0 * (1 + eps / lam)}

# Signed initial values for the balanced limits: w0_pos, w0_neg of the table.
_w_star = sp.Symbol("w_star", positive=True)
_W_STAR_SUBS = steps.subs({_w_star: W_STAR}, "w* = λ/(λ + ε)")

_TIME_DOMAIN = {t: Interval(0.0, 10.0), tau: Interval(0.1, 100.0, log=True),
                lam: Interval(1e-3, 1e2, log=True), eps: Interval(0.0, 50.0)}


def _balanced_limit_expr(w0_signed: sp.Symbol) -> sp.Expr:
    """Eq. (5) in its rational form, every auxiliary symbol written out in ``c0``.

    ``β = c0/w*`` (``w* = λ/(λ + ε)``, so ``β = c0(1 + ε/λ)``), ``ζ = √(β² + 4)``,
    ``E = e^{ζλt/τ}`` and ``δ0`` in its cancellation-free form.
    """
    w_rational = sp.cancel(W_RATIONAL)
    w_rational = w_rational.subs(E, sp.exp(zeta * lam * t / tau))
    w_rational = w_rational.subs(zeta, sp.sqrt(beta**2 + 4))
    return w_rational.subs({beta: c0 / _w_star, delta0: DELTA0_OF_W0.subs(w0, w0_signed)})


def _balanced_limit(claim_id: str, w0_signed: sp.Symbol, start: Interval, title: str) -> Claim:
    """Eq. (5) tends to the logistic of a balanced start as ``c0 → 0+``, from ``w0 = w0_signed``."""
    return Claim(
        id=claim_id,
        paper_ref="Eq. (5)",
        title=title,
        relation=Limit(_balanced_limit_expr(w0_signed), c0, sp.S.Zero, LOGISTIC_BALANCED.subs(w0, w0_signed)),
        strategy=(_W_STAR_SUBS, steps.cancel),
        depends=("eq5.printed_form", "eq5.delta0_stable", "eq5.solves_ode"),
        domain={w0_signed: start, **_TIME_DOMAIN},
        where={_w_star: W_STAR},
    )


_E_CROSS = sp.exp(zeta * lam * CROSSING_TIME / tau)

CLAIMS = [
    Claim(
        id="eq5.printed_form",
        paper_ref="Eq. (5)",
        title="the printed w(t) = (c0/2) sinh(2 atanh[...]) equals the rational form c0 δf/(1 − δf²)",
        relation=Equality(EQ5_W_PRINTED, W_RATIONAL),
        strategy=(steps.subs({DELTA_F: delta}, "the common argument δf → δ"),
                  steps.rewrite(sp.exp), steps.rewrite(sp.log), steps.cancel),
        depends=("suppB.delta_f", "suppB.sinh_2atanh"),
        where=ZETA_OF_BETA,
    ),
    Claim(
        id="eq5.solves_ode",
        paper_ref="Eq. (5)",
        title="Eq. (5) solves (9): τ dw/dt = (λ − w(λ + ε)) c0(1 + δf²)/(1 − δf²) for E = e^{ζλt/τ}",
        relation=Equality(
            tau * sp.Derivative(W_RATIONAL.subs(E, sp.exp(zeta * lam * t / tau)), t),
            ((lam - W_OF_DELTA * (lam + eps)) * NORM_OF_DELTA).subs(delta, DELTA_F)
            .subs(E, sp.exp(zeta * lam * t / tau)),
        ),
        strategy=(steps.doit, steps.subs({sp.exp(zeta * lam * t / tau): E}, "e^{ζλt/τ} = E"),
                  _EPS_OF_BETA, ZETA_RELATION),
        depends=("eq5.printed_form", "suppB.eq9", "suppB.delta_ode"),
        domain=_TIME_DOMAIN,
        where=_BETA_ZETA_OF_EPS,
    ),
    Claim(
        id="eq5.initial_delta",
        paper_ref="Eq. (5)",
        title="at t = 0 (E = 1) δf = δ0",
        relation=Equality(sp.Subs(DELTA_F, E, 1), delta0),
        strategy=(steps.doit, steps.cancel),
        depends=("suppB.delta_f",),
        where=ZETA_OF_BETA,
    ),
    Claim(
        id="eq5.delta0_stable",
        paper_ref="Eq. (5)",
        title="δ0 = tanh(asinh(2w0/c0)/2) = 2w0/(c0 + √(c0² + 4w0²)) (no cancellation for either sign)",
        relation=Equality(EQ5_WHERE[delta0], DELTA0_OF_W0),
        strategy=(steps.rewrite(sp.exp), steps.rewrite(sp.log), steps.numerator, steps.expand),
        depends=(),
        domain={w0: Interval(1e-3, 10.0, log=True, signed=True)},
    ),
    Claim(
        id="eq5.initial_value",
        paper_ref="Eq. (5)",
        title="at t = 0 (E = 1) Eq. (5) gives w = w0 when δ0 = tanh(asinh(2w0/c0)/2)",
        relation=Equality(W_RATIONAL.subs(E, 1).subs(delta0, EQ5_WHERE[delta0]), w0),
        strategy=(steps.rewrite(sp.exp), steps.rewrite(sp.log), steps.numerator, steps.expand),
        depends=("eq5.initial_delta", "eq5.printed_form"),
        domain={w0: Interval(1e-3, 10.0, log=True, signed=True)},
        where=_BETA_ZETA_OF_EPS,
    ),
    Claim(
        id="eq5.limit_delta",
        paper_ref="Eq. (5)",
        title="as t → ∞ (E → ∞) δf → (ζ − β)/2, the root of 1 − βδ − δ² in (−1, 1)",
        relation=Limit(DELTA_F, E, sp.oo, DELTA_F_LIMIT),
        strategy=(steps.cancel,),
        depends=("suppB.delta_f", "suppB.delta_ode"),
        where=ZETA_OF_BETA,
    ),
    Claim(
        id="eq5.fixed_point",
        paper_ref="Eq. (5)",
        title="as t → ∞ (E → ∞) Eq. (5) tends to the fixed point w* = λ/(λ + ε)",
        relation=Limit(W_RATIONAL, E, sp.oo, W_STAR),
        strategy=(_EPS_OF_BETA, ZETA_RELATION),
        depends=("eq5.limit_delta", "eq5.printed_form"),
        where=_BETA_ZETA_OF_EPS,
    ),
    _balanced_limit("eq5.balanced_limit", w0_pos, Interval(1e-3, 10.0, log=True),
                    "balanced initialisation, c0 → 0+ with w0 > 0: Eq. (5) tends to the logistic "
                    "w* E0/(E0 − 1 + w*/w0), w* = λ/(λ + ε), E0 = e^{2λt/τ}"),
    _balanced_limit("eq5.balanced_limit_negative", w0_neg, Interval(-10.0, -1e-3),
                    "balanced initialisation, c0 → 0+ with w0 < 0: Eq. (5) tends to w* E0/(E0 − 1 + w*/w0) "
                    "with E0 = e^{−2λt/τ} (decay to the saddle w = 0)"),
    Claim(
        id="eq5.crossing_time",
        paper_ref="Eq. (5)",
        title="δf = 0 (w crosses zero) at t× = τ/(ζλ) ln[(ζ + β)(ζ − β − 2δ0)/((ζ − β)(ζ + β + 2δ0))]",
        relation=Equality(DELTA_F.subs(E, _E_CROSS), 0),
        strategy=(steps.numerator, steps.expand),
        depends=("suppB.delta_f", "suppB.exp_form"),
        domain={delta0: Interval(-0.999, -1e-3)},
        where=ZETA_OF_BETA,
    ),
    Claim(
        id="eq5.crossing_time_positive",
        paper_ref="Eq. (5)",
        title="for δ0 < 0 the crossing happens at a positive time: e^{ζλt×/τ} > 1",
        relation=Inequality(_E_CROSS, ">", 1),
        strategy=(
            steps.subs({**BETA_ZETA_RATIONAL, delta0: -1 / (1 + m_rational)},
                       "β = p − 1/p, ζ = p + 1/p (p = 1 + q, q > 0), δ0 = −1/(1 + μ) (μ > 0)",
                       narrows="β > 0 and −1 < δ0 < 0, parametrised as β = p − 1/p (p > 1), δ0 = −1/(1 + μ)"),
            steps.factor,
        ),
        depends=("eq5.crossing_time",),
        domain={delta0: Interval(-0.999, -1e-3)},
        where=ZETA_OF_BETA,
    ),
]
