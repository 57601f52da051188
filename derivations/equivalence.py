"""Supp. E, §5 and Fig. 4: when noise and weight decay give the same scalar solution.

Supplement E compares the DAE fixed point ``w*ε = λ/(λ + ε)`` (§4) with the
WDAE fixed point on the balanced line ``w2 = w1``, ``w = w2w1``. From Supp.
C's own loss ``ℓγ = λ/(2τ)(1 − w2w1)² + Nγ/(2τ)(w1² + w2²)`` the balanced
penalty is ``Nγw/τ``, so ``w*γ = 1 − Nγ/λ`` (Eq. (7)'s ``ξ``) and the fixed
points agree when ``Nγ = κ = λε/(λ + ε)``. Supp. E prints the penalty as
``γw/τ``, hence ``w*γ = 1 − γ/λ`` and ``γ = λε/(λ + ε)``: the printed chain is
internally consistent and coincides with the corrected one when ``N = 1`` (the
scalar simulations of §4–5, Figs. 3–4), but drops the ``N`` of (6) otherwise
(errata below, refuted at ``N ≠ 1``).

§5 then contrasts speed: near the origin the balanced mode grows at rate
``2(λ − κ)/τ``, i.e. ``2λ/τ`` for the DAE whatever ``ε`` (noise adds no delay)
and slower for the WDAE, also at equivalent regularisation. Fig. 4 uses
``λ = 1``, ``ε = 0.1``, hence ``γ = 1/11``, printed rounded as ``0.091``.
"""

from __future__ import annotations

import sympy as sp

from symdae.checking import Claim, Equality, Inequality, Interval, steps
from symdae.derivations import causes
from symdae.derivations._held import at
from symdae.symbols import N, eps, eps_pos, gam, kappa, kappa_pos, lam, tau, w, w1, w2

# ---------------------------------------------------------------------------
# Supp. E as printed.

#: Supp. C's mode loss with weight decay (the starting point of Supp. E).
_ELL_GAMMA = lam / (2 * tau) * (1 - w2 * w1) ** 2 + N * gam / (2 * tau) * (w1**2 + w2**2)
#: Supp. E's printed balanced loss ``λ/(2τ)(1 − w)² + (γ/τ)w``.
ELL_GAMMA_BALANCED_PRINTED = lam / (2 * tau) * (1 - w) ** 2 + gam / tau * w
#: Supp. E's printed derivative ``−(λ/τ)(1 − w) + γ/τ``.
DELL_GAMMA_PRINTED = -lam / tau * (1 - w) + gam / tau
#: Supp. E's printed fixed point ``w*γ = 1 − γ/λ``.
W_STAR_GAMMA_PRINTED = 1 - gam / lam
#: Supp. E's (and §5's) printed equivalent weight decay ``γ = λε/(λ + ε)``.
GAMMA_EQUIVALENT_PRINTED = lam * eps / (lam + eps)

# ---------------------------------------------------------------------------
# Verified expressions.

#: The DAE fixed point ``w*ε = λ/(λ + ε)`` (§4).
W_STAR_EPS = lam / (lam + eps)
#: The balanced WDAE loss from Supp. C: ``λ/(2τ)(1 − w)² + (Nγ/τ)w``.
ELL_GAMMA_BALANCED = lam / (2 * tau) * (1 - w) ** 2 + N * gam / tau * w
#: Its derivative in ``w``.
DELL_GAMMA = -lam / tau * (1 - w) + N * gam / tau
#: The WDAE fixed point ``w*γ = 1 − Nγ/λ`` (Eq. (7)'s ``ξ``).
W_STAR_GAMMA = 1 - N * gam / lam
#: The mode weight decay that matches the DAE fixed point: ``κ = Nγ = λε/(λ + ε)``.
KAPPA_EQUIVALENT = lam * eps / (lam + eps)
#: The corresponding weight-decay parameter of (6): ``γ = λε/(N(λ + ε))``.
GAMMA_EQUIVALENT = KAPPA_EQUIVALENT / N
#: Near the origin the balanced mode grows as ``e^{rate·t/τ}`` with this rate.
GROWTH_RATE = 2 * (lam - kappa)
#: Fig. 4's weight decay for ``λ = 1``, ``ε = 0.1`` (scalar simulation, ``N = 1``): ``1/11``.
FIG4_GAMMA = KAPPA_EQUIVALENT.subs({lam: 1, eps: sp.Rational(1, 10)})
FIG4_GAMMA_PRINTED = sp.Rational("0.091")

_BALANCED_RHS = 2 * w * (lam - kappa - (lam + eps) * w)
_BALANCED = {w1: sp.sqrt(w), w2: sp.sqrt(w)}

_N_AWAY_FROM_1 = {N: Interval(2.0, 1e4, log=True), gam: Interval(1e-4, 1e-1, log=True)}
_LOSS_DOMAIN = {
    **_N_AWAY_FROM_1,
    w: Interval(0.0, 3.0),
    lam: Interval(0.1, 10.0, log=True),
    tau: Interval(0.1, 10.0, log=True),
}

CLAIMS = [
    Claim(
        id="suppE.balanced_loss",
        paper_ref="Supp. E",
        title="with w2 = w1 = √w Supp. C's ℓγ is λ/(2τ)(1 − w)² + (Nγ/τ)w; the printed (γ/τ)w drops "
              "the N of (6) (same when N = 1)",
        relation=Equality(at(_ELL_GAMMA, _BALANCED), ELL_GAMMA_BALANCED),
        printed=Equality(at(_ELL_GAMMA, _BALANCED), ELL_GAMMA_BALANCED_PRINTED),
        strategy=(steps.doit, steps.expand),
        depends=("suppC.loss", "suppC.balanced_invariant"),
        domain=_LOSS_DOMAIN,
        cause=causes.N_DROPPED,
    ),
    Claim(
        id="suppE.derivative",
        paper_ref="Supp. E",
        title="∂ℓγ/∂w = −(λ/τ)(1 − w) + Nγ/τ; printed + γ/τ (the N dropped in suppE.balanced_loss)",
        relation=Equality(sp.Derivative(ELL_GAMMA_BALANCED, w), DELL_GAMMA),
        printed=Equality(sp.Derivative(ELL_GAMMA_BALANCED, w), DELL_GAMMA_PRINTED),
        strategy=(steps.doit, steps.expand),
        depends=("suppE.balanced_loss",),
        domain=_LOSS_DOMAIN,
        cause=causes.N_DROPPED,
        consequence_of="suppE.balanced_loss",
    ),
    Claim(
        id="suppE.fixed_point",
        paper_ref="Supp. E, Eq. (7)",
        title="the WDAE fixed point is w*γ = 1 − Nγ/λ (= ξ of Eq. (7)); printed 1 − γ/λ (same when N = 1)",
        relation=Equality(at(DELL_GAMMA, {w: W_STAR_GAMMA}), 0),
        printed=Equality(at(DELL_GAMMA, {w: W_STAR_GAMMA_PRINTED}), 0),
        shown=(W_STAR_GAMMA_PRINTED, W_STAR_GAMMA),
        strategy=(steps.doit, steps.expand),
        depends=("suppE.derivative", "eq7.fixed_point"),
        domain=_LOSS_DOMAIN,
        cause=causes.N_DROPPED,
        consequence_of="suppE.derivative",
    ),
    Claim(
        id="suppE.kappa_equivalent",
        paper_ref="Supp. E, §5",
        title="w*γ = w*ε exactly when Nγ = κ = λε/(λ + ε) (the equation is linear in γ); printed "
              "γ = λε/(λ + ε) (same when N = 1)",
        relation=Equality(W_STAR_GAMMA.subs(gam, GAMMA_EQUIVALENT), W_STAR_EPS),
        printed=Equality(W_STAR_GAMMA.subs(gam, GAMMA_EQUIVALENT_PRINTED), W_STAR_EPS),
        shown=(GAMMA_EQUIVALENT_PRINTED, GAMMA_EQUIVALENT),
        strategy=(steps.cancel,),
        depends=("suppE.fixed_point", "s4.fixed_point"),
        domain={N: Interval(2.0, 1e4, log=True), eps: Interval(1e-3, 50.0, log=True)},
        cause=causes.N_DROPPED,
        consequence_of="suppE.fixed_point",
    ),
    Claim(
        id="suppE.printed_consistent",
        paper_ref="Supp. E",
        title="the printed chain is self-consistent (it is the corrected one at N = 1): d/dw of the printed "
              "ℓγ is the printed derivative, which vanishes at 1 − γ/λ, equal to λ/(λ + ε) at "
              "γ = λε/(λ + ε)",
        relation=Equality(
            sp.Matrix([
                sp.Derivative(ELL_GAMMA_BALANCED_PRINTED, w) - DELL_GAMMA_PRINTED,
                DELL_GAMMA_PRINTED.subs(w, W_STAR_GAMMA_PRINTED),
                W_STAR_GAMMA_PRINTED.subs(gam, GAMMA_EQUIVALENT_PRINTED) - W_STAR_EPS,
            ]),
            sp.zeros(3, 1),
        ),
        strategy=(steps.doit, steps.cancel),
        depends=("suppE.kappa_equivalent",),
    ),
    Claim(
        id="fig4.gamma",
        paper_ref="Fig. 4",
        title="λ = 1, ε = 0.1 (scalar run, N = 1) give γ = λ(0.1)/(λ + 0.1) = 1/11",
        relation=Equality(at(KAPPA_EQUIVALENT, {lam: 1, eps: sp.Rational(1, 10)}), sp.Rational(1, 11)),
        strategy=(steps.doit,),
        depends=("suppE.kappa_equivalent",),
    ),
    Claim(
        id="fig4.gamma_rounded",
        paper_ref="Fig. 4",
        title="the printed 0.091 is 1/11 = 0.0909… rounded to three decimals: |1/11 − 0.091| < 0.0005",
        relation=Inequality(sp.Abs(FIG4_GAMMA - FIG4_GAMMA_PRINTED), "<", sp.Rational(5, 10000)),
        depends=("fig4.gamma",),
    ),
    Claim(
        id="s5.growth_rates",
        paper_ref="§5",
        title="near the origin the balanced mode grows at rate 2(λ − κ)/τ: 2λ/τ for the DAE (κ = 0) "
              "whatever ε (noise adds no delay)",
        relation=Equality(
            sp.Matrix([at(sp.Derivative(_BALANCED_RHS, w), {w: 0}),
                       at(sp.Derivative(_BALANCED_RHS, w), {w: 0, kappa: 0})]),
            sp.Matrix([GROWTH_RATE, 2 * lam]),
        ),
        strategy=(steps.doit, steps.expand),
        depends=("wd.balanced_ode",),
    ),
    Claim(
        id="s5.weight_decay_delays",
        paper_ref="§5",
        title="weight decay κ > 0 slows the escape from the origin: 2(λ − κ) < 2λ",
        relation=Inequality(GROWTH_RATE, "<", 2 * lam),
        strategy=(steps.subs({kappa: kappa_pos}, "κ > 0", narrows="kappa > 0"), steps.expand),
        depends=("s5.growth_rates",),
        domain={kappa: Interval(1e-3, 50.0, log=True)},
    ),
    Claim(
        id="s5.equivalent_growth",
        paper_ref="§5",
        title="at equivalent regularisation κ = λε/(λ + ε) the WDAE rate is 2λ²/(λ + ε) = 2λw*: "
              "equal fixed points, slower learning",
        relation=Equality(GROWTH_RATE.subs(kappa, KAPPA_EQUIVALENT), 2 * lam * W_STAR_EPS),
        strategy=(steps.cancel,),
        depends=("s5.growth_rates", "suppE.kappa_equivalent"),
    ),
    Claim(
        id="s5.equivalent_delay",
        paper_ref="§5",
        title="for ε > 0 that rate is below the DAE's 2λ",
        relation=Inequality(2 * lam * W_STAR_EPS, "<", 2 * lam),
        strategy=(steps.subs({eps: eps_pos}, "ε > 0", narrows="epsilon > 0"), steps.factor),
        depends=("s5.equivalent_growth",),
        domain={eps: Interval(1e-3, 50.0, log=True)},
    ),
]
