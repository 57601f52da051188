"""Supp. D's premise, checked where §5 applies it: the Hessian along the path the dynamics take.

Supplement D takes a mode's optimal rate as one over the largest Hessian
eigenvalue ``λH`` "on the way to the fixed point" and evaluates it at
``w1 = w2 = 1`` (:mod:`symdae.derivations.learning_rates` proves that step:
on ``0 ≤ w1 = w2 ≤ 1`` the maximum is ``(2λ + 3ε)/τ``, at ``w = 1``). But a
mode trained from small balanced weights never reaches ``w1 = w2 = 1``: it
travels along ``w1 = w2 = √u`` with ``u`` rising from 0 towards its fixed
point, ``w* = λ/(λ + ε)`` for a DAE and ``1 − κ/λ`` for a WDAE (``κ = Nγ < λ``),
approached only as ``t → ∞``. The path is written here as
``u = w*·r/(1 + r)``, ``r ≥ 0`` (``r → ∞`` is the fixed point).

On that path the balanced Hessian's eigenvalues ``a ± b`` are

* DAE: ``a + b = λ(2r − 1)/(τ(1 + r))`` rising to ``2λ/τ`` and
  ``a − b = λ/(τ(1 + r))`` falling from ``λ/τ``: the largest eigenvalue met is
  ``2λ/τ`` *whatever* ε, not ``(2λ + 3ε)/τ``;
* WDAE: ``a + b`` rising to ``2(λ − κ)/τ`` and ``a − b`` falling from
  ``(λ + κ)/τ``: the largest is ``max(2(λ − κ), λ + κ)/τ``, not ``(2λ + κ)/τ``.

So the printed rates (and the corrected ``αγ = τ/(2λ + Nγ)``) follow from
their premise, but the premise fails where the paper applies it: a
``finding``, not an erratum. What it means for §5:

* with the path's eigenvalues, ``R = αε/αγ = (λ − κ)/λ`` (``κ ≤ λ/3``), and at
  equivalent regularisation ``κ = λε/(λ + ε)`` it is again ``λ/(λ + ε) = w*``
  (for ``ε ≤ λ/2``): Eq. (8)'s conclusion at equivalence survives;
* for ``ε > λ/2`` the WDAE's largest eigenvalue is the starting ``(λ + κ)/τ``
  and ``R = (λ + 2ε)/(2(λ + ε))``, which *rises* with ε towards 1: §5's "R
  decreases monotonically in the noise" holds only up to ``ε = λ/2``
  (``R = 2/3`` there);
* at the path's optimal rates the DAE and the equivalent WDAE again take the
  same gradient step on the balanced line (``ε ≤ λ/2``), so Figure 3's faster
  DAE dynamics follow from neither premise.
"""

from __future__ import annotations

import sympy as sp

from symdae.checking import Cause, Claim, Equality, Inequality, Interval, Limit, steps
from symdae.derivations.equivalence import KAPPA_EQUIVALENT
from symdae.derivations.learning_rates import (
    BALANCED_A,
    BALANCED_A_WD,
    BALANCED_B,
    BALANCED_B_WD,
    ELL_EPS_PRINTED,
    ELL_WD,
    LAMBDA_H_EPS,
    LAMBDA_H_KAPPA,
)
from symdae.symbols import N, eps, gam, kappa, lam, tau, w1, w2

PATH_PREMISE = Cause(
    "suppD-path",
    "Supp. D evaluates the Hessian's largest eigenvalue at w1 = w2 = 1, but a mode trained from small "
    "weights moves only towards its fixed point w* = λ/(λ + ε) < 1 (1 − κ/λ with weight decay), where "
    "the largest eigenvalue met is 2λ/τ for a DAE, whatever ε",
)

#: Position on the path from small balanced weights to the fixed point: u = w1² = u*·r/(1 + r), r ≥ 0.
r = sp.Symbol("r", nonnegative=True)
#: The WDAE's weight decay below λ, written κ = λ/(1 + g) with g > 0 (the path exists only for κ < λ).
g = sp.Symbol("g", positive=True)
_FRACTION = r / (1 + r)
_W_STAR = lam / (lam + eps)
_KAPPA_BELOW = {kappa: lam / (1 + g)}
_BELOW = steps.subs(_KAPPA_BELOW, label="subs(κ = λ/(1 + g))")

_WD = {N * gam: kappa}
_A_WD, _B_WD = BALANCED_A_WD.subs(_WD), BALANCED_B_WD.subs(_WD)
#: The eigenvalues a + b and a − b of the balanced Hessian on each path.
DAE_SUM = (BALANCED_A + BALANCED_B).subs(w1, sp.sqrt(_W_STAR * _FRACTION))
DAE_DIFFERENCE = (BALANCED_A - BALANCED_B).subs(w1, sp.sqrt(_W_STAR * _FRACTION))
WD_SUM = (_A_WD + _B_WD).subs(w1, sp.sqrt((1 - kappa / lam) * _FRACTION))
WD_DIFFERENCE = (_A_WD - _B_WD).subs(w1, sp.sqrt((1 - kappa / lam) * _FRACTION))

#: The largest eigenvalues met on each path, held: the limit at the fixed point, the value at the start.
_DAE_LARGEST = sp.Limit(DAE_SUM, r, sp.oo)
_WD_END = sp.Limit(WD_SUM, r, sp.oo)
_WD_START = sp.Subs(WD_DIFFERENCE, r, 0)
_PATH_DOMAIN = {r: Interval(1e-4, 1e4, log=True)}


def _step(loss: sp.Expr, rate: sp.Expr) -> sp.Expr:
    """One gradient-descent step of ``w1`` on the balanced line ``w1 = w2``."""
    return (w1 - rate * sp.diff(loss, w1)).subs(w2, w1)


#: One gradient step on the balanced line at the path's optimal rates: DAE, and the equivalent WDAE.
_STEP_DAE = _step(ELL_EPS_PRINTED, 1 / _DAE_LARGEST)
_STEP_WDAE = _step(ELL_WD.subs(_WD), 1 / _WD_END).subs(kappa, KAPPA_EQUIVALENT)
_R_SMALL_NOISE = (1 / _DAE_LARGEST) / (1 / _WD_END)
_R_LARGE_NOISE = (1 / _DAE_LARGEST) / (1 / _WD_START)

_RESTING_ON_BOTH = ("eq8.ratio", "s5.ratio_equivalent", "s5.ratio_below_one", "s5.ratio_decreasing",
                    "s5.optimal_rates_same_steps")
_RESTING_ON_DAE = ("suppD.alpha_eps", *_RESTING_ON_BOTH)
_RESTING_ON_WD = ("suppD.alpha_gamma", *_RESTING_ON_BOTH)

CLAIMS = [
    Claim(
        id="suppD.path_dae_sum",
        paper_ref="Supp. D, §5 (symdae)",
        title="on the DAE's path w1 = w2 = √u, u = w*·r/(1 + r) from small weights to w* = λ/(λ + ε), the "
              "eigenvalue a + b stays within ±2λ/τ",
        relation=Inequality(DAE_SUM**2, "<=", (2 * lam / tau) ** 2),
        strategy=(steps.cancel, steps.factor),
        depends=("suppD.balanced_eigenvalues", "s4.fixed_point"),
        domain=_PATH_DOMAIN,
    ),
    Claim(
        id="suppD.path_dae_difference",
        paper_ref="Supp. D, §5 (symdae)",
        title="on that path the other eigenvalue a − b = λ/(τ(1 + r)) stays within ±2λ/τ too",
        relation=Inequality(DAE_DIFFERENCE**2, "<=", (2 * lam / tau) ** 2),
        strategy=(steps.cancel, steps.factor),
        depends=("suppD.balanced_eigenvalues", "s4.fixed_point"),
        domain=_PATH_DOMAIN,
    ),
    Claim(
        id="suppD.path_dae",
        paper_ref="Supp. D, §5",
        title="Supp. D's premise where §5 applies it: the largest Hessian eigenvalue a DAE meets on its way "
              "from small weights to w* is 2λ/τ (approached at w*), whatever ε; the premise λH = (2λ + 3ε)/τ "
              "(at w1 = w2 = 1) holds only for ε = 0",
        relation=Limit(DAE_SUM, r, sp.oo, 2 * lam / tau),
        printed=Limit(DAE_SUM, r, sp.oo, LAMBDA_H_EPS),
        shown=(LAMBDA_H_EPS, 2 * lam / tau),
        depends=("suppD.path_dae_sum", "suppD.path_dae_difference", "suppD.lambda_h"),
        domain={eps: Interval(1e-3, 50.0, log=True)},
        cause=PATH_PREMISE,
        premise_of=_RESTING_ON_DAE,
    ),
    Claim(
        id="suppD.path_wd_difference",
        paper_ref="Supp. D, §5 (symdae)",
        title="on the WDAE's path (u = (1 − κ/λ)·r/(1 + r), κ = λ/(1 + g) < λ) the eigenvalue a − b falls "
              "from its start (λ + κ)/τ",
        relation=Inequality(WD_DIFFERENCE, "<=", _WD_START),
        strategy=(steps.doit, _BELOW, steps.cancel, steps.factor),
        depends=("suppD.wd_hessian", "eq7.fixed_point"),
        where=_KAPPA_BELOW,
        domain=_PATH_DOMAIN,
    ),
    Claim(
        id="suppD.path_wd_sum",
        paper_ref="Supp. D, §5 (symdae)",
        title="... and a + b rises towards 2(λ − κ)/τ, so the largest eigenvalue met is "
              "max(2(λ − κ), λ + κ)/τ",
        relation=Inequality(WD_SUM, "<=", _WD_END),
        strategy=(steps.doit, _BELOW, steps.cancel, steps.factor),
        depends=("suppD.wd_hessian", "eq7.fixed_point"),
        where=_KAPPA_BELOW,
        domain=_PATH_DOMAIN,
    ),
    Claim(
        id="suppD.path_wdae",
        paper_ref="Supp. D, §5",
        title="for a WDAE (κ = Nγ < λ) the eigenvalue a + b met on the path approaches 2(λ − κ)/τ, below the "
              "premise (2λ + κ)/τ for every κ > 0",
        relation=Limit(WD_SUM, r, sp.oo, 2 * (lam - kappa) / tau),
        printed=Limit(WD_SUM, r, sp.oo, LAMBDA_H_KAPPA),
        shown=(LAMBDA_H_KAPPA, 2 * (lam - kappa) / tau),
        depends=("suppD.path_wd_sum", "suppD.path_wd_difference", "suppD.wd_hessian"),
        where=_KAPPA_BELOW,
        cause=PATH_PREMISE,
        premise_of=_RESTING_ON_WD,
    ),
    Claim(
        id="s5.path_switch",
        paper_ref="§5 (symdae)",
        title="at equivalent regularisation the WDAE's two candidates differ by τ(2(λ − κ) − (λ + κ))/τ = "
              "λ(λ − 2ε)/(λ + ε): the end of the path gives the largest eigenvalue exactly when ε ≤ λ/2",
        relation=Equality(tau * (_WD_END - _WD_START).subs(kappa, KAPPA_EQUIVALENT),
                          lam * (lam - 2 * eps) / (lam + eps)),
        strategy=(steps.doit, steps.cancel),
        depends=("suppD.path_wdae", "suppD.path_wd_difference", "suppE.kappa_equivalent"),
    ),
    Claim(
        id="s5.path_ratio_equivalent",
        paper_ref="§5, Eq. (8) (symdae)",
        title="with the path's eigenvalues (κ ≤ λ/3, i.e. ε ≤ λ/2 at equivalence) R = αε/αγ = "
              "(λ − κ)/λ, and at equivalent regularisation κ = λε/(λ + ε) again R = λ/(λ + ε) = w*",
        relation=Equality(_R_SMALL_NOISE.subs(kappa, KAPPA_EQUIVALENT), lam / (lam + eps)),
        strategy=(steps.doit, steps.cancel),
        depends=("suppD.path_dae", "suppD.path_wdae", "suppE.kappa_equivalent"),
    ),
    Claim(
        id="s5.path_ratio_rises",
        paper_ref="§5 (symdae)",
        title="for ε > λ/2 the WDAE's largest eigenvalue on the path is its start (λ + κ)/τ, and at "
              "equivalence R = (λ + 2ε)/(2(λ + ε)) rises with ε: §5's 'R decreases in ε' holds up to ε = λ/2",
        relation=Inequality(sp.Derivative(_R_LARGE_NOISE.subs(kappa, KAPPA_EQUIVALENT), eps), ">", 0),
        strategy=(steps.doit, steps.cancel, steps.factor),
        depends=("suppD.path_wd_difference", "suppD.path_dae", "suppE.kappa_equivalent"),
    ),
    Claim(
        id="s5.path_rates_same_steps",
        paper_ref="§5, Fig. 3 (symdae)",
        title="at the path's optimal rates τ/(2λ) and τ/(2(λ − κ)) the DAE and the equivalent WDAE take the "
              "same gradient step on the balanced line (ε ≤ λ/2): Fig. 3's faster DAE follows from neither "
              "premise",
        relation=Equality(_STEP_DAE, _STEP_WDAE),
        strategy=(steps.doit, steps.cancel),
        depends=("suppD.path_dae", "suppD.path_wdae", "suppE.kappa_equivalent"),
    ),
]
