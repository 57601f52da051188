"""Supp. D, Eq. (8) and §5: optimal learning rates of DAEs and WDAEs.

Following Saxe et al., Supplement D takes the optimal rate of a mode as the
inverse of the largest Hessian eigenvalue ``λH`` met on the way from small
weights to the fixed point. For the DAE loss
``ℓε = λ/(2τ)(1 − w2w1)² + ε/(2τ)(w2w1)²`` (checked: the printed Hessian
entries are right) the balanced Hessian ``[[a, b], [b, a]]`` has eigenvalues
``a ± b``; on ``0 ≤ w1 = w2 ≤ 1`` both are at most ``(2λ + 3ε)/τ``, reached at
``w1 = w2 = 1``, so ``αε = τ/(2λ + 3ε)``.

For the WDAE loss of Supp. C, ``ℓγ = λ/(2τ)(1 − w2w1)² + Nγ/(2τ)(w1² + w2²)``,
the same computation gives ``λH = (2λ + Nγ)/τ`` and ``αγ = τ/(2λ + Nγ)``. The
paper prints ``αγ = τ/(2λ + γ)`` and ``R = (2λ + γ)/(2λ + 3ε)`` in (8): the
``N`` of (6) is dropped (errata, refuted at ``N ≠ 1``; the same when ``N = 1``,
as in Fig. 3's scalar runs).

At equivalent regularisation ``κ = Nγ = λε/(λ + ε)`` (Supp. E) the ratio
simplifies to ``R = λ/(λ + ε) = w*``: below one for ``ε > 0`` and decreasing in
``ε`` at a rate set by ``λ``, as §5 states.

Beyond the paper: at those optimal rates the DAE and the equivalent WDAE take
*the same* gradient step on the balanced line ``w1 = w2``, because
``(2λ + 3ε)λ = (2λ + Nγ)(λ + ε)`` there. From balanced (or small) starts their
mappings coincide epoch by epoch, so the faster DAE dynamics that §5 reports
for Fig. 3 do not follow from these rates.
"""

from __future__ import annotations

import sympy as sp

from symdae.checking import Claim, Equality, Inequality, Interval, Limit, steps
from symdae.derivations import causes
from symdae.derivations._held import at, matmul
from symdae.derivations.equivalence import KAPPA_EQUIVALENT
from symdae.model import mode_loss
from symdae.symbols import N, eps, eps_pos, gam, kappa, lam, tau, w1, w2

# ---------------------------------------------------------------------------
# Supp. D and Eq. (8) as printed.

#: Supp. D's DAE loss ``ℓε = λ/(2τ)(1 − w2w1)² + ε/(2τ)(w2w1)²``.
ELL_EPS_PRINTED = lam / (2 * tau) * (1 - w2 * w1) ** 2 + eps / (2 * tau) * (w2 * w1) ** 2
#: Supp. D's printed Hessian entries.
HESSIAN_EPS_PRINTED = sp.Matrix([
    [w2**2 / tau * (lam + eps), 2 * w2 * w1 / tau * (lam + eps) - lam / tau],
    [2 * w2 * w1 / tau * (lam + eps) - lam / tau, w1**2 / tau * (lam + eps)],
])
#: Supp. D's printed ``λH = (1/τ)(λ + ε) + (2/τ)(λ + ε) − λ/τ`` at ``w1 = w2 = 1``.
LAMBDA_H_EPS_PRINTED = (lam + eps) / tau + 2 * (lam + eps) / tau - lam / tau
#: Supp. D's printed optimal WDAE rate ``αγ = τ/(2λ + γ)``.
ALPHA_GAMMA_PRINTED = tau / (2 * lam + gam)
#: Eq. (8) as printed: ``R = (2λ + γ)/(2λ + 3ε)``.
R_PRINTED = (2 * lam + gam) / (2 * lam + 3 * eps)

# ---------------------------------------------------------------------------
# Verified expressions.

#: The largest Hessian eigenvalue of ``ℓε`` met from small weights: ``(2λ + 3ε)/τ``.
LAMBDA_H_EPS = (2 * lam + 3 * eps) / tau
#: The optimal DAE rate ``αε = τ/(2λ + 3ε)``.
ALPHA_EPS = tau / (2 * lam + 3 * eps)
#: The largest Hessian eigenvalue of the WDAE loss: ``(2λ + κ)/τ``, ``κ = Nγ``.
LAMBDA_H_KAPPA = (2 * lam + kappa) / tau
#: The optimal WDAE rate ``αγ = τ/(2λ + Nγ)``.
ALPHA_GAMMA = tau / (2 * lam + N * gam)
#: Eq. (8) corrected: ``R = αε/αγ = (2λ + Nγ)/(2λ + 3ε)``.
R_CORRECTED = (2 * lam + N * gam) / (2 * lam + 3 * eps)
#: ``R`` at equivalent regularisation ``Nγ = λε/(λ + ε)``: equal to ``λ/(λ + ε)``.
R_EQUIVALENT = R_CORRECTED.subs(gam, KAPPA_EQUIVALENT / N)

ELL_WD = mode_loss(eps_=0, kappa_=N * gam) / tau
_H_EPS = sp.hessian(ELL_EPS_PRINTED, (w1, w2))
_H_WD = sp.hessian(ELL_WD, (w1, w2))
#: The balanced Hessians [[a, b], [b, a]] (w1 = w2): a and b of ℓε, and of the WDAE loss ℓγ.
BALANCED_A, BALANCED_B = _H_EPS[0, 0].subs(w2, w1), _H_EPS[0, 1].subs(w2, w1)
BALANCED_A_WD, BALANCED_B_WD = _H_WD[0, 0].subs(w2, w1), _H_WD[0, 1].subs(w2, w1)
_V = sp.Matrix([[1, 1], [1, -1]])
_AT_ONE = {w1: 1, w2: 1}
#: The optimal rates as the paper derives them, held: one over the largest Hessian eigenvalue
#: a + b of the balanced line, taken at w1 = w2 = 1 (DAE, and WDAE with κ = Nγ).
_ALPHA_EPS_OF_HESSIAN = 1 / at(BALANCED_A + BALANCED_B, {w1: 1})
_ALPHA_GAMMA_OF_HESSIAN = 1 / at(BALANCED_A_WD + BALANCED_B_WD, {w1: 1})
#: One gradient-descent step on the balanced line w1 = w2 at the optimal rates: DAE, and WDAE at
#: equivalent regularisation Nγ = λε/(λ + ε).
_STEP_DAE = (w1 - ALPHA_EPS * sp.diff(ELL_EPS_PRINTED, w1)).subs(w2, w1)
_STEP_WDAE = (w1 - ALPHA_GAMMA * sp.diff(ELL_WD, w1)).subs(w2, w1).subs(gam, KAPPA_EQUIVALENT / N)

# Points of the segment 0 ≤ w1 = w2 ≤ 1 as w1² = u = 1 − d with u, d in [0, 1].
_u = sp.Symbol("u", nonnegative=True)
_d = sp.Symbol("d", nonnegative=True)
_SEGMENT_U = {_u: Interval(0.0, 1.0)}
_SEGMENT_D = {_d: Interval(0.0, 1.0)}
_EPS_POSITIVE = steps.subs({eps: eps_pos}, "ε > 0", narrows="epsilon > 0")
_RATE_DOMAIN = {
    N: Interval(2.0, 1e4, log=True),
    gam: Interval(1e-4, 1e-1, log=True),
    lam: Interval(0.1, 10.0, log=True),
    tau: Interval(0.5, 50.0, log=True),
}

CLAIMS = [
    Claim(
        id="suppD.loss",
        paper_ref="Supp. D",
        title="Supp. D's ℓε is the mode loss without weight decay divided by τ",
        relation=Equality(ELL_EPS_PRINTED, mode_loss(kappa_=0) / tau),
        strategy=(steps.expand,),
        depends=("def.mode_loss",),
    ),
    Claim(
        id="suppD.hessian",
        paper_ref="Supp. D",
        title="the printed Hessian entries w2²(λ + ε)/τ, w1²(λ + ε)/τ and 2w2w1(λ + ε)/τ − λ/τ are right",
        relation=Equality(_H_EPS, HESSIAN_EPS_PRINTED),
        strategy=(steps.expand,),
        depends=("suppD.loss",),
    ),
    Claim(
        id="suppD.balanced_eigenvalues",
        paper_ref="Supp. D",
        title="with w2 = w1 the Hessian is [[a, b], [b, a]] with eigenvalues a + b (along (1, 1)) and a − b",
        relation=Equality(matmul(_H_EPS.subs(w2, w1), _V),
                          matmul(_V, sp.diag(BALANCED_A + BALANCED_B, BALANCED_A - BALANCED_B))),
        strategy=(steps.expand,),
        depends=("suppD.hessian",),
    ),
    Claim(
        id="suppD.lambda_h",
        paper_ref="Supp. D",
        title="at w1 = w2 = 1, λH = a + b = (λ + ε)/τ + 2(λ + ε)/τ − λ/τ = (2λ + 3ε)/τ (as printed)",
        relation=Equality(sp.Matrix([(BALANCED_A + BALANCED_B).subs(_AT_ONE), LAMBDA_H_EPS_PRINTED]),
                          sp.Matrix([LAMBDA_H_EPS, LAMBDA_H_EPS])),
        strategy=(steps.expand,),
        depends=("suppD.balanced_eigenvalues",),
    ),
    Claim(
        id="suppD.max_upper",
        paper_ref="Supp. D",
        title="on 0 ≤ w1 = w2 ≤ 1 (w1² = 1 − d) the eigenvalue a + b = (3(λ + ε)w1² − λ)/τ is at most "
              "(2λ + 3ε)/τ: the maximum is at w1 = w2 = 1",
        relation=Inequality((BALANCED_A + BALANCED_B).subs(w1, sp.sqrt(1 - _d)), "<=", LAMBDA_H_EPS),
        strategy=(steps.expand,),
        depends=("suppD.lambda_h",),
        domain=_SEGMENT_D,
    ),
    Claim(
        id="suppD.other_eigenvalue_upper",
        paper_ref="Supp. D",
        title="there the other eigenvalue a − b = (λ − (λ + ε)w1²)/τ is at most λ/τ ...",
        relation=Inequality((BALANCED_A - BALANCED_B).subs(w1, sp.sqrt(_u)), "<=", lam / tau),
        strategy=(steps.expand,),
        depends=("suppD.balanced_eigenvalues",),
        domain=_SEGMENT_U,
    ),
    Claim(
        id="suppD.other_eigenvalue_lower",
        paper_ref="Supp. D",
        title="... and at least −ε/τ (w1² = 1 − d), so |a − b| ≤ (2λ + 3ε)/τ too",
        relation=Inequality((BALANCED_A - BALANCED_B).subs(w1, sp.sqrt(1 - _d)), ">=", -eps / tau),
        strategy=(steps.expand,),
        depends=("suppD.balanced_eigenvalues",),
        domain=_SEGMENT_D,
    ),
    Claim(
        id="suppD.alpha_eps",
        paper_ref="Supp. D",
        title="the optimal DAE rate is αε = 1/λH = τ/(2λ + 3ε)",
        relation=Equality(_ALPHA_EPS_OF_HESSIAN, ALPHA_EPS),
        strategy=(steps.doit, steps.cancel),
        depends=("suppD.lambda_h", "suppD.max_upper", "suppD.other_eigenvalue_upper",
                 "suppD.other_eigenvalue_lower"),
    ),
    Claim(
        id="suppD.wd_hessian",
        paper_ref="Supp. D",
        title="for the WDAE loss ℓγ of Supp. C at w1 = w2 = 1 the Hessian eigenvalues are (2λ + Nγ)/τ "
              "and Nγ/τ",
        relation=Equality(_H_WD.subs(_AT_ONE) * _V,
                          _V * sp.diag(LAMBDA_H_KAPPA.subs(kappa, N * gam), N * gam / tau)),
        strategy=(steps.expand,),
        depends=("suppC.loss",),
    ),
    Claim(
        id="suppD.wd_max",
        paper_ref="Supp. D",
        title="on 0 ≤ w1 = w2 ≤ 1 (w1² = 1 − d) its a + b = (3λw1² − λ + Nγ)/τ is at most (2λ + Nγ)/τ",
        relation=Inequality((BALANCED_A_WD + BALANCED_B_WD).subs(w1, sp.sqrt(1 - _d)), "<=",
                            LAMBDA_H_KAPPA.subs(kappa, N * gam)),
        strategy=(steps.expand,),
        depends=("suppD.wd_hessian",),
        domain=_SEGMENT_D,
    ),
    Claim(
        id="suppD.alpha_gamma",
        paper_ref="Supp. D, Eq. (8)",
        title="the optimal WDAE rate is αγ = τ/(2λ + Nγ); printed τ/(2λ + γ) drops the N of (6) "
              "(same when N = 1)",
        relation=Equality(_ALPHA_GAMMA_OF_HESSIAN, ALPHA_GAMMA),
        printed=Equality(_ALPHA_GAMMA_OF_HESSIAN, ALPHA_GAMMA_PRINTED),
        strategy=(steps.doit, steps.cancel),
        depends=("suppD.wd_hessian", "suppD.wd_max"),
        domain=_RATE_DOMAIN,
        cause=causes.N_DROPPED,
    ),
    Claim(
        id="eq8.ratio",
        paper_ref="Eq. (8), Supp. D",
        title="R = αε/αγ = (2λ + Nγ)/(2λ + 3ε); printed (2λ + γ)/(2λ + 3ε) (same when N = 1)",
        relation=Equality(_ALPHA_EPS_OF_HESSIAN / _ALPHA_GAMMA_OF_HESSIAN, R_CORRECTED),
        printed=Equality(_ALPHA_EPS_OF_HESSIAN / _ALPHA_GAMMA_OF_HESSIAN, R_PRINTED),
        strategy=(steps.doit, steps.cancel),
        depends=("suppD.alpha_eps", "suppD.alpha_gamma"),
        domain=_RATE_DOMAIN,
        cause=causes.N_DROPPED,
        consequence_of="suppD.alpha_gamma",
    ),
    Claim(
        id="eq8.large_eigenvalue",
        paper_ref="Eq. (8), §5",
        title="R → 1 for eigenvalues much larger than ε and Nγ (λ → ∞)",
        relation=Limit(R_CORRECTED, lam, sp.oo, sp.S.One),
        depends=("eq8.ratio",),
    ),
    Claim(
        id="s5.ratio_equivalent",
        paper_ref="§5, Eq. (8), Supp. E",
        title="at equivalent regularisation Nγ = λε/(λ + ε), R = λ/(λ + ε) = w* (the printed (8) with the "
              "printed γ = λε/(λ + ε) gives the same)",
        relation=Equality(sp.Matrix([R_EQUIVALENT, R_PRINTED.subs(gam, KAPPA_EQUIVALENT)]),
                          sp.Matrix([lam / (lam + eps)] * 2)),
        strategy=(steps.cancel,),
        depends=("eq8.ratio", "suppE.kappa_equivalent"),
    ),
    Claim(
        id="s5.ratio_below_one",
        paper_ref="§5",
        title="for ε > 0 at equivalent regularisation R < 1: the DAE needs a slower rate than the WDAE",
        relation=Inequality(R_EQUIVALENT, "<", 1),
        strategy=(_EPS_POSITIVE, steps.factor),
        depends=("s5.ratio_equivalent",),
        domain={eps: Interval(1e-3, 50.0, log=True)},
    ),
    Claim(
        id="s5.ratio_decreasing",
        paper_ref="§5",
        title="dR/dε = −λ/(λ + ε)² < 0: R decreases monotonically in the noise, at a rate set by λ",
        relation=Inequality(sp.Derivative(R_EQUIVALENT, eps), "<", 0),
        strategy=(steps.doit, steps.factor),
        depends=("s5.ratio_equivalent",),
    ),
    Claim(
        id="s5.optimal_rates_same_steps",
        paper_ref="§5, Fig. 3 (symdae)",
        title="at their optimal rates a DAE and the WDAE of equivalent regularisation take the same "
              "gradient step on the balanced line w1 = w2: (2λ + 3ε)λ = (2λ + Nγ)(λ + ε), so from balanced "
              "starts their mappings coincide at every epoch, against §5's 'DAEs still exhibit faster "
              "dynamics' (Fig. 3)",
        relation=Equality(_STEP_DAE, _STEP_WDAE),
        strategy=(steps.cancel,),
        depends=("suppD.alpha_eps", "suppD.alpha_gamma", "suppE.kappa_equivalent"),
    ),
]
