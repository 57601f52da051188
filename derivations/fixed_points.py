"""§4 and Fig. 1: fixed points, the saddle and the minimum loss manifold of the DAE mode.

Section 4 trains a scalar linear DAE on ``ℓλ = λ/2 (1 − w2w1)² + ε/2 (w2w1)²``,
which depends on the weights only through the mapping ``w = w2w1``. Here we
check, one step each:

1. ``ℓλ`` is the mode loss of :mod:`symdae.model` without weight decay;
2. its derivative in ``w`` (printed with a spurious ``1/τ``: an erratum that
   does not move the root) vanishes at ``w* = λ/(λ + ε)``, which is the
   global minimum of ``ℓλ`` as a function of ``w``;
3. in the weights, the gradient factors as ``w2((λ + ε)w1w2 − λ)`` and
   ``w1((λ + ε)w1w2 − λ)``, so the critical points are the origin and the
   hyperbola ``w1w2 = w*`` (the "minimum loss manifold", cyan in Fig. 1);
4. on the manifold the Hessian is singular with positive trace (minima along a
   valley); at the origin its eigenvalues are ``κ − λ`` and ``κ + λ``, so
   without weight decay the origin is a saddle (the red star);
5. noise pulls the manifold towards the saddle (``w*`` decreases in ``ε``), and
   Fig. 1's values ``w* = 1, 1/2, 1/6`` for ``λ = 1, ε = 0, 1, 5``.

A remark the paper's wording invites ("adding more noise results in faster
convergence"): linearising Eq. (9) at ``w*`` gives the rate
``(λ + ε)(w1² + w2²)/τ``, which on the balanced line ``w1 = w2`` equals
``2λ/τ`` whatever ``ε``; faster convergence with noise holds for unbalanced
starts (large ``|w2² − w1²|``), as in Fig. 1's random initialisations.
"""

from __future__ import annotations

import sympy as sp

from symdae.checking import Claim, Equality, Inequality, Interval, steps
from symdae.derivations import causes
from symdae.derivations._held import at, at_matrix, matmul
from symdae.model import mode_loss
from symdae.symbols import eps, kappa, lam, tau, w, w1, w2

# ---------------------------------------------------------------------------
# §4 as printed.

#: The §4 scalar loss ``ℓλ = λ/2 (1 − w2w1)² + ε/2 (w2w1)²`` in the weights.
ELL_LAMBDA_PRINTED = lam / 2 * (1 - w2 * w1) ** 2 + eps / 2 * (w2 * w1) ** 2
#: The same loss written in the mapping ``w = w2w1``.
ELL_LAMBDA_OF_W = lam / 2 * (1 - w) ** 2 + eps / 2 * w**2
#: §4's printed derivative ``dℓλ/dw = −(λ/τ)(1 − w) + (ε/τ)w`` (a spurious ``1/τ``).
DELL_DW_PRINTED = -lam / tau * (1 - w) + eps / tau * w
#: The true derivative of ``ℓλ`` in ``w``.
DELL_DW = -lam * (1 - w) + eps * w

# ---------------------------------------------------------------------------
# Verified expressions.

#: The DAE fixed point ``w* = λ/(λ + ε)`` (§4, Supp. E's ``w*ε``).
FIXED_POINT = lam / (lam + eps)
#: ``ℓλ(w) − ℓλ(w*) = (λ + ε)/2 (w − w*)²``: ``w*`` is the global minimum in ``w``.
EXCESS_LOSS = (lam + eps) / 2 * (w - FIXED_POINT) ** 2
#: The factor of the gradient whose zero set is the minimum loss manifold.
MANIFOLD_FACTOR = (lam + eps) * w1 * w2 - lam
#: The Hessian of the full mode loss (noise and weight decay) at the origin.
HESSIAN_ORIGIN = sp.Matrix([[kappa, -lam], [-lam, kappa]])
#: Fig. 1's fixed points for ``λ = 1`` and ``ε = 0, 1, 5``.
FIG1_EPS = (0, 1, 5)
FIG1_FIXED_POINTS = (sp.S.One, sp.Rational(1, 2), sp.Rational(1, 6))

_GRAD = sp.Matrix([sp.diff(ELL_LAMBDA_PRINTED, w1), sp.diff(ELL_LAMBDA_PRINTED, w2)])
_HESSIAN = sp.hessian(ELL_LAMBDA_PRINTED, (w1, w2))
_FULL = mode_loss()
_HELD_HESSIAN_FULL = sp.Matrix(2, 2, lambda i, j: sp.Derivative(_FULL, (w1, w2)[i], (w1, w2)[j]))
_ORIGIN = {w1: 0, w2: 0}
_ON_MANIFOLD = {w2: FIXED_POINT / w1}
_EQ9_RHS = (lam - w1 * w2 * (lam + eps)) * (w1**2 + w2**2)

#: On the manifold ``w1 ≠ 0``; a symbol saying so lets SymPy sign ``w1²``.
_w1_nonzero = sp.Symbol("w1_nonzero", real=True, nonzero=True)
_NONZERO_W1 = {w1: Interval(0.05, 5.0, log=True, signed=True)}
_TAU_WIDE = {tau: Interval(0.05, 20.0, log=True)}

CLAIMS = [
    Claim(
        id="s4.loss_is_mode_loss",
        paper_ref="§4",
        title="the §4 scalar loss ℓλ is the mode loss without weight decay (κ = 0)",
        relation=Equality(ELL_LAMBDA_PRINTED, at(mode_loss(), {kappa: 0})),
        strategy=(steps.doit, steps.expand),
        depends=("def.mode_loss",),
    ),
    Claim(
        id="s4.loss_of_mapping",
        paper_ref="§4",
        title="ℓλ depends on the weights only through the mapping w = w2w1",
        relation=Equality(ELL_LAMBDA_PRINTED, at(ELL_LAMBDA_OF_W, {w: w1 * w2})),
        strategy=(steps.doit, steps.expand),
        depends=("s4.loss_is_mode_loss",),
    ),
    Claim(
        id="s4.derivative",
        paper_ref="§4",
        title="dℓλ/dw = −λ(1 − w) + εw; the printed −(λ/τ)(1 − w) + (ε/τ)w carries a spurious 1/τ "
              "(the derivative of (4), not of the printed ℓλ; the root is unchanged)",
        relation=Equality(sp.Derivative(ELL_LAMBDA_OF_W, w), DELL_DW),
        printed=Equality(sp.Derivative(ELL_LAMBDA_OF_W, w), DELL_DW_PRINTED),
        strategy=(steps.doit, steps.expand),
        depends=("s4.loss_of_mapping",),
        domain={w: Interval(-3.0, 3.0), **_TAU_WIDE},
        cause=causes.S4_TAU,
    ),
    Claim(
        id="s4.fixed_point",
        paper_ref="§4",
        title="the derivative vanishes at w* = λ/(λ + ε) (with or without the printed 1/τ)",
        relation=Equality(DELL_DW.subs(w, FIXED_POINT), 0),
        strategy=(steps.cancel,),
        depends=("s4.derivative",),
    ),
    Claim(
        id="s4.global_minimum",
        paper_ref="§4",
        title="ℓλ(w) − ℓλ(w*) = (λ + ε)/2 (w − w*)², so w* is the global minimum in w",
        relation=Equality(ELL_LAMBDA_OF_W - ELL_LAMBDA_OF_W.subs(w, FIXED_POINT), EXCESS_LOSS),
        strategy=(steps.cancel,),
        depends=("s4.fixed_point",),
    ),
    Claim(
        id="s4.excess_nonnegative",
        paper_ref="§4",
        title="the excess loss (λ + ε)/2 (w − w*)² is non-negative",
        relation=Inequality(EXCESS_LOSS, ">=", 0),
        strategy=(steps.factor,),
        depends=("s4.global_minimum",),
    ),
    Claim(
        id="s4.gradient_factors",
        paper_ref="§4, Fig. 1",
        title="∇ℓλ = ((λ + ε)w1w2 − λ)·(w2, w1): critical points are the origin and the hyperbola w1w2 = w*",
        relation=Equality(_GRAD, MANIFOLD_FACTOR * sp.Matrix([w2, w1])),
        strategy=(steps.expand,),
        depends=("s4.loss_is_mode_loss",),
    ),
    Claim(
        id="s4.manifold_critical",
        paper_ref="§4, Fig. 1",
        title="the gradient of ℓλ vanishes on the minimum loss manifold w2 = w*/w1 (cyan hyperbola)",
        relation=Equality(_GRAD.subs(_ON_MANIFOLD), sp.zeros(2, 1)),
        strategy=(steps.cancel,),
        depends=("s4.gradient_factors", "s4.fixed_point"),
        domain=_NONZERO_W1,
    ),
    Claim(
        id="s4.manifold_loss",
        paper_ref="§4, Fig. 1",
        title="every point of the manifold attains the minimum loss ℓλ(w*) = λε/(2(λ + ε))",
        relation=Equality(ELL_LAMBDA_PRINTED.subs(_ON_MANIFOLD), lam * eps / (2 * (lam + eps))),
        strategy=(steps.cancel,),
        depends=("s4.global_minimum", "s4.loss_of_mapping"),
        domain=_NONZERO_W1,
    ),
    Claim(
        id="s4.manifold_hessian_singular",
        paper_ref="§4, Fig. 1",
        title="on the manifold the Hessian is singular (flat along the valley) ...",
        relation=Equality(at(_HESSIAN.det(), _ON_MANIFOLD), 0),
        strategy=(steps.doit, steps.cancel),
        depends=("s4.manifold_critical",),
        domain=_NONZERO_W1,
    ),
    Claim(
        id="s4.manifold_hessian_trace",
        paper_ref="§4, Fig. 1",
        title="... with positive trace (λ + ε)(w1² + w2²): positive semi-definite, a valley of minima",
        relation=Inequality(_HESSIAN.subs(_ON_MANIFOLD).trace(), ">", 0),
        strategy=(steps.subs({w1: _w1_nonzero}, "w1 ≠ 0 on the manifold", narrows="w1 ≠ 0"), steps.factor),
        depends=("s4.manifold_hessian_singular",),
        domain=_NONZERO_W1,
    ),
    Claim(
        id="s4.origin_critical",
        paper_ref="§4, Fig. 1",
        title="the origin w1 = w2 = 0 is a critical point of the mode loss (noise and weight decay)",
        relation=Equality(at_matrix(sp.Matrix([sp.Derivative(_FULL, w1), sp.Derivative(_FULL, w2)]), _ORIGIN),
                          sp.zeros(2, 1)),
        strategy=(steps.doit,),
        depends=("def.mode_loss",),
    ),
    Claim(
        id="s4.origin_hessian",
        paper_ref="§4, Fig. 1",
        title="the Hessian of the mode loss at the origin is [[κ, −λ], [−λ, κ]] (independent of ε)",
        relation=Equality(at_matrix(_HELD_HESSIAN_FULL, _ORIGIN), HESSIAN_ORIGIN),
        strategy=(steps.doit,),
        depends=("s4.origin_critical",),
    ),
    Claim(
        id="s4.origin_eigenvalues",
        paper_ref="§4, Fig. 1",
        title="its eigenvalues are κ − λ (along w1 = w2) and κ + λ (along w1 = −w2)",
        relation=Equality(
            matmul(HESSIAN_ORIGIN, sp.Matrix([[1, 1], [1, -1]])),
            matmul(sp.Matrix([[1, 1], [1, -1]]), sp.diag(kappa - lam, kappa + lam)),
        ),
        strategy=(steps.expand,),
        depends=("s4.origin_hessian",),
    ),
    Claim(
        id="s4.origin_saddle",
        paper_ref="§4, Fig. 1",
        title="without weight decay det H(0) = −λ² < 0: the origin is a saddle (red star)",
        relation=Inequality(HESSIAN_ORIGIN.subs(kappa, 0).det(), "<", 0),
        depends=("s4.origin_eigenvalues",),
    ),
    Claim(
        id="s4.noise_shrinks_fixed_point",
        paper_ref="§4",
        title="dw*/dε = −λ/(λ + ε)² < 0: noise pulls the manifold in towards the saddle",
        relation=Inequality(sp.Derivative(FIXED_POINT, eps), "<", 0),
        strategy=(steps.doit, steps.factor),
        depends=("s4.fixed_point",),
    ),
    Claim(
        id="s4.local_rate",
        paper_ref="§4, Eq. (9)",
        title="linearising Eq. (9) at w*: ∂/∂w of (λ − w(λ + ε))(w1² + w2²) at w = w* is "
              "−(λ + ε)(w1² + w2²), i.e. −2λ on the balanced line w1² = w2² = w* (rate free of ε)",
        relation=Equality(
            sp.Matrix([
                sp.diff((lam - w * (lam + eps)) * (w1**2 + w2**2), w),
                sp.diff((lam - w * (lam + eps)) * 2 * w, w).subs(w, FIXED_POINT),
            ]),
            sp.Matrix([-(lam + eps) * (w1**2 + w2**2), -2 * lam]),
        ),
        strategy=(steps.cancel,),
        depends=("suppB.eq9", "s4.fixed_point"),
    ),
    Claim(
        id="fig1.fixed_points",
        paper_ref="Fig. 1",
        title="λ = 1 and ε = 0, 1, 5 give w* = 1, 1/2, 1/6 (w* depends on ε/λ only: ε = 0, λ, 5λ for any λ)",
        relation=Equality(
            sp.Matrix([at(FIXED_POINT, {eps: e * lam}) for e in FIG1_EPS]),
            sp.Matrix(FIG1_FIXED_POINTS),
        ),
        strategy=(steps.doit,),
        depends=("s4.fixed_point",),
    ),
]
