"""Closed forms the kernels evaluate (symdae; they restate the paper's results).

The kernels ``fixed_point``, ``optimal_tau`` and ``equivalent_kappa`` are
generated from the programs of :mod:`symdae.codegen.programs.elementwise`
(with the guards they need at the edges of the domain); each claim below ties a
program to the paper's result proved elsewhere, and ``kernels.crossing_time``
ties the stable form's time to ``w = 0`` to Eq. (5)'s crossing time.

Units: every kernel answers in mode units. One epoch of full-batch gradient
descent with rate ``α`` on ``N`` samples moves a mode by ``−(1/τ) ∇ℓ`` with
``τ = N/α``, so the step that matches the largest Hessian eigenvalue ``λ_H``
of ``ℓ`` at ``w1 = w2 = 1`` (Supp. D) has ``τ* = λ_H = 2λ + 3ε + κ``, the
learning rate ``α* = N/τ*``; the paper's ``α_ε = τ/(2λ + 3ε)`` is that rate
relative to the current one (``α* = α · α_ε``). The equivalent weight decay
of Supp. E is ``κ = Nγ = λε/(λ + ε)``.
"""

from __future__ import annotations

import sympy as sp

from symdae.checking import Claim, Equality, Interval, steps
from symdae.codegen.programs.elementwise import (
    FIXED_POINT_KERNEL,
    KAPPA_SMALL_EPS,
    KAPPA_SMALL_LAM,
    OPTIMAL_TAU_KERNEL,
)
from symdae.derivations._held import at, at_matrix, matmul
from symdae.derivations.equivalence import W_STAR_EPS, W_STAR_GAMMA
from symdae.derivations.exact_solution import CROSSING_TIME
from symdae.derivations.learning_rates import ALPHA_EPS, ALPHA_GAMMA
from symdae.derivations.stable_forms import G_AT_TARGET, P0, P_OF_TARGET, Q0, P_f, R, p, q
from symdae.derivations.weight_decay import GROWTH_FACTOR, LOGISTIC_MODE
from symdae.model import mode_loss
from symdae.symbols import E_gamma, N, beta, delta0, eps, gam, k, kappa, lam, lam_k, tau, w1, w2, w_f, zeta

LAMBDA_H_MODE = 2 * lam + 3 * eps + kappa
"""The largest Hessian eigenvalue of ``ℓ`` at ``w1 = w2 = 1`` (Supp. D, with weight decay)."""

_POSITIVE = {lam_k: lam}
_excess = sp.Symbol("d_excess", positive=True)  # λ = κ + d with d > 0
_scale = sp.Symbol("sigma", positive=True)  # a scale of the rates

CLAIMS = [
    Claim(
        id="kernels.fixed_point",
        paper_ref="§4, §5, Supp. E",
        title="for λ > κ the fixed-point kernel is where the balanced solution goes as t → ∞ (G → ∞): "
              "(λ − κ)/(λ + ε), λ/(λ + ε) without weight decay",
        relation=Equality(
            at(FIXED_POINT_KERNEL.subs(_POSITIVE), {lam: kappa + _excess}),
            at(sp.Limit(LOGISTIC_MODE.subs(GROWTH_FACTOR, E_gamma), E_gamma, sp.oo), {lam: kappa + _excess}),
        ),
        strategy=(steps.doit, steps.cancel),
        depends=("wd.logistic_limit", "s4.fixed_point", "s4.origin_eigenvalues"),
    ),
    Claim(
        id="kernels.hessian_at_one",
        paper_ref="Supp. D",
        title="at w1 = w2 = 1 the Hessian of ℓ has eigenvector (1, 1) with eigenvalue 2λ + 3ε + κ",
        relation=Equality(matmul(at_matrix(sp.hessian(mode_loss(), (w1, w2)), {w1: 1, w2: 1}), sp.Matrix([1, 1])),
                          LAMBDA_H_MODE * sp.Matrix([1, 1])),
        strategy=(steps.doit, steps.expand),
        depends=("suppD.lambda_h", "suppD.wd_max"),
    ),
    Claim(
        id="kernels.optimal_tau",
        paper_ref="Supp. D, Eq. (8)",
        title="τ* = 2λ + 3ε + κ gives the rate α* = N/τ*, which is α·α_ε for the DAE (κ = 0) and α·α_γ for "
              "the WDAE (ε = 0, κ = Nγ)",
        relation=Equality(
            sp.Matrix([N / at(OPTIMAL_TAU_KERNEL.subs(_POSITIVE), {kappa: 0}),
                       N / at(OPTIMAL_TAU_KERNEL.subs(_POSITIVE), {eps: 0, kappa: N * gam})]),
            sp.Matrix([sp.Mul(N / tau, ALPHA_EPS, evaluate=False), sp.Mul(N / tau, ALPHA_GAMMA, evaluate=False)]),
        ),
        strategy=(steps.doit, steps.cancel),
        depends=("kernels.hessian_at_one", "suppD.alpha_eps", "suppD.alpha_gamma"),
    ),
    Claim(
        id="kernels.equivalent_kappa",
        paper_ref="Supp. E, §5",
        title="with either branch of the kernel's κ = m/(1 + m/M) the WDAE's fixed point 1 − Nγ/λ at γ = κ/N is "
              "the DAE's λ/(λ + ε): both are the (corrected) equivalent weight decay",
        relation=Equality(
            sp.Matrix([W_STAR_GAMMA.subs(gam, branch.subs({lam_k: lam}) / N)
                       for branch in (KAPPA_SMALL_LAM, KAPPA_SMALL_EPS)]),
            sp.Matrix([W_STAR_EPS, W_STAR_EPS])),
        strategy=(steps.cancel,),
        depends=("suppE.kappa_equivalent", "suppE.fixed_point"),
        # m/(1 + m/ε) is undefined at ε = 0, where the kernel takes the other branch (λ > ε = 0)
        domain={eps: Interval(1e-3, 50.0, log=True)},
    ),
    Claim(
        id="kernels.homogeneous",
        paper_ref="§4, Supp. D, Supp. E",
        title="scaling λ, ε, κ by σ > 0 leaves the fixed point and multiplies τ* and the equivalent κ by σ",
        relation=Equality(
            sp.Matrix([FIXED_POINT_KERNEL.subs(lam_k, kappa + _excess).subs(
                           {_excess: _scale * _excess, eps: _scale * eps, kappa: _scale * kappa}, simultaneous=True),
                       OPTIMAL_TAU_KERNEL.subs({lam_k: _scale * lam, eps: _scale * eps,
                                                kappa: _scale * kappa}, simultaneous=True),
                       KAPPA_SMALL_LAM.subs({lam_k: _scale * lam, eps: _scale * eps}, simultaneous=True),
                       KAPPA_SMALL_EPS.subs({lam_k: _scale * lam, eps: _scale * eps}, simultaneous=True)]),
            sp.Matrix([FIXED_POINT_KERNEL.subs(lam_k, kappa + _excess),
                       _scale * OPTIMAL_TAU_KERNEL.subs(lam_k, lam),
                       _scale * KAPPA_SMALL_LAM.subs(lam_k, lam), _scale * KAPPA_SMALL_EPS.subs(lam_k, lam)]),
        ),
        strategy=(steps.cancel,),
        depends=("kernels.fixed_point", "kernels.optimal_tau", "kernels.equivalent_kappa"),
        scope="λ > κ for the fixed point (the other branch is 0 at every scale); the kernels scale rates near "
        "1.8e308 by a power of two, which is exact",
    ),
    Claim(
        id="kernels.crossing_time",
        paper_ref="Eq. (5), Supp. B",
        title="g = e^{−Rt/τ} at w = 0 from the stable form (f = 0) is e^{−ζλt×/τ} of Eq. (5)'s crossing time",
        relation=Equality(
            G_AT_TARGET.subs(P_f, P_OF_TARGET.subs(w_f, 0)).subs({P0: p**2, Q0: q**2}),
            1 / sp.exp(CROSSING_TIME * zeta * lam / tau).subs(
                {zeta: R / lam, beta: k * p * q / lam, delta0: (p - q) / (p + q)}, simultaneous=True),
        ),
        strategy=(steps.cancel, steps.modulo([R**2 - 4 * lam**2 - k**2 * p**2 * q**2], [R])),
        depends=("stable.time_to_target", "stable.target_P", "stable.delta0", "eq5.crossing_time"),
        where={R: sp.sqrt(4 * lam**2 + k**2 * p**2 * q**2)},
        domain={p: Interval(1e-3, 1.0, log=True), q: Interval(1.0, 3.0), k: Interval(1e-2, 1e2, log=True)},
    ),
]
