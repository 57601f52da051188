"""§5, Eqs. (6)–(7) and Supp. C: the learning dynamics of a weight-decayed autoencoder (WDAE).

Weight decay ``γ/2 (||W1||² + ||W2||²)`` in the matrix loss (6) enters the
scalar mode as ``κ = Nγ`` (the reconstruction term is a sum over N rows
divided by N, and ``τ = N/α``). Supplement C then:

1. writes the mode loss ``ℓγ = λ/(2τ)(1 − w2w1)² + Nγ/(2τ)(w1² + w2²)`` and
   its gradient flow (checked against :func:`symdae.model.mode_flow`);
2. restricts to the balanced line ``w2 = w1`` -- invariant under the flow,
   while ``w2² − w1²`` is no longer conserved but decays as ``e^{−2κt/τ}`` --
   where ``τ dw/dt = 2w(λ − Nγ − wλ)``, a logistic equation;
3. integrates it (the printed time integral is proved by differentiation)
   and solves for ``wf``. Solving gives ``Eγ = e^{2(λ − Nγ)t/τ} = e^{2λξt/τ}``;
   the paper prints ``Eγ = e^{2ξt/τ}`` in (7) and Supp. C, which solves the
   ODE only for ``λ = 1`` (an erratum; the initial value and the limit ``ξ``
   are right either way).

The general balanced mode with noise and weight decay together,
``τ dw/dt = 2w(λ − κ − (λ + ε)w)``, is a logistic curve too
(:data:`LOGISTIC_MODE`); with weight decay the minimum loss manifold shrinks
to the two points ``w1 = w2 = ±√((λ − κ)/(λ + ε))`` (§5.1), strict minima
with Hessian eigenvalues ``2(λ − κ)`` and ``2κ``.
"""

from __future__ import annotations

import sympy as sp

from symdae.checking import Claim, Equality, Interval, Limit, steps
from symdae.derivations import causes
from symdae.model import mode_flow, mode_loss
from symdae.symbols import E_gamma, N, eps, gam, kappa, lam, t, tau, w, w0, w1, w2, w_f, xi

# ---------------------------------------------------------------------------
# Supp. C and Eq. (7) as printed.

#: Supp. C's mode loss ``ℓγ = λ/(2τ)(1 − w2w1)² + Nγ/(2τ)(w1² + w2²)``.
ELL_GAMMA_PRINTED = lam / (2 * tau) * (1 - w2 * w1) ** 2 + N * gam / (2 * tau) * (w1**2 + w2**2)
#: Supp. C's printed updates ``τ dw1/dt`` and ``τ dw2/dt``.
SUPPC_W1_PRINTED = w2 * (lam - w2 * w1 * lam) - N * gam * w1
SUPPC_W2_PRINTED = w1 * (lam - w2 * w1 * lam) - N * gam * w2
#: Supp. C's balanced-line ODE, both printed forms of ``τ dw/dt``.
SUPPC_BALANCED_PRINTED = (2 * w * (lam - w * lam) - 2 * N * gam * w, 2 * w * (lam - N * gam - w * lam))

#: Supp. C's printed antiderivative ``τ/(2(λ − Nγ)) [ln w − ln(λ − Nγ − wλ)]`` (in ``w_f``).
SUPPC_ANTIDERIVATIVE_PRINTED = tau / (2 * (lam - N * gam)) * (sp.log(w_f) - sp.log(lam - N * gam - w_f * lam))
#: The argument of the printed time integral's logarithm.
SUPPC_LOG_ARGUMENT = w_f * (lam - N * gam - w0 * lam) / (w0 * (lam - N * gam - w_f * lam))
#: Supp. C's printed time ``t(wf) = τ/(2(λ − Nγ)) ln(wf(λ − Nγ − w0λ)/(w0(λ − Nγ − wfλ)))``.
SUPPC_TIME_PRINTED = tau / (2 * (lam - N * gam)) * sp.log(SUPPC_LOG_ARGUMENT)

#: Eq. (7) as printed, in its auxiliary symbols: ``wγ = ξEγ/(Eγ − 1 + ξ/w0)``.
EQ7_PRINTED = xi * E_gamma / (E_gamma - 1 + xi / w0)
#: Eq. (7)'s printed definitions ``ξ = 1 − Nγ/λ``, ``Eγ = e^{2ξt/τ}``.
EQ7_WHERE_PRINTED = {xi: 1 - N * gam / lam, E_gamma: sp.exp(2 * xi * t / tau)}
#: The corrected definitions: ``Eγ = e^{2λξt/τ} = e^{2(λ − Nγ)t/τ}``.
EQ7_WHERE = {xi: 1 - N * gam / lam, E_gamma: sp.exp(2 * lam * xi * t / tau)}
#: Eq. (7) as printed, written out in ``t``.
EQ7_PRINTED_T = EQ7_PRINTED.subs(E_gamma, EQ7_WHERE_PRINTED[E_gamma]).subs(xi, EQ7_WHERE_PRINTED[xi])

# ---------------------------------------------------------------------------
# Verified expressions.

#: ``τ dw/dt`` of the balanced mode (``w2 = w1``, ``w = w1² ≥ 0``) with noise and weight decay.
BALANCED_RHS = 2 * w * (lam - kappa - (lam + eps) * w)
#: Its stable fixed point for ``κ < λ``: ``(λ − κ)/(λ + ε)``.
BALANCED_FIXED_POINT = (lam - kappa) / (lam + eps)
#: ``e^{2(λ − κ)t/τ}``: the growth factor of the balanced mode.
GROWTH_FACTOR = sp.exp(2 * (lam - kappa) * t / tau)
#: The balanced mode with noise and weight decay: ``w∞ G/(G − 1 + w∞/w0)``, ``G = e^{2(λ − κ)t/τ}``.
LOGISTIC_MODE = BALANCED_FIXED_POINT * GROWTH_FACTOR / (GROWTH_FACTOR - 1 + BALANCED_FIXED_POINT / w0)
#: Eq. (7) corrected (``ε = 0``, ``κ = Nγ``): ``ξEγ/(Eγ − 1 + ξ/w0)`` with ``Eγ = e^{2λξt/τ}``.
LOGISTIC_WD = EQ7_PRINTED.subs(E_gamma, EQ7_WHERE[E_gamma]).subs(xi, EQ7_WHERE[xi])
#: ``τ d/dt (w2² − w1²) = −2κ (w2² − w1²)``: the imbalance decays as ``e^{−2κt/τ}``.
IMBALANCE_RATE = -2 * kappa
#: The minima of the weight-decayed mode, ``w1 = w2 = ±√((λ − κ)/(λ + ε))`` for ``κ < λ``.
MINIMUM_WEIGHT = sp.sqrt(BALANCED_FIXED_POINT)

_c_init = sp.Symbol("c_init", real=True)
_mu = sp.Symbol("mu", positive=True)
_KAPPA_OF_M = steps.subs({kappa: lam - (lam + eps) * _mu**2}, "κ = λ − (λ + ε)μ², μ = √((λ − κ)/(λ + ε)) > 0",
                         narrows="κ < λ, written κ = λ − (λ + ε)μ² with μ > 0")
_FLOW = mode_flow()
_FLOW_WD = mode_flow(eps_=0, kappa_=N * gam)
_WD = {N: Interval(2.0, 1e4, log=True), gam: Interval(1e-6, 1e-2, log=True)}
_ODE_DOMAIN = {  # 2λt/τ ≤ 40: the solutions' e^{2λt/τ} stays within what 40-digit checks resolve
    **_WD,
    lam: Interval(0.1, 10.0, log=True),
    tau: Interval(1.0, 100.0, log=True),
    t: Interval(0.0, 2.0),
    w0: Interval(1e-3, 2.0, log=True),
}
_HESSIAN_AT_MIN = sp.hessian(mode_loss(), (w1, w2)).subs({w1: MINIMUM_WEIGHT, w2: MINIMUM_WEIGHT})
_V = sp.Matrix([[1, 1], [1, -1]])


def _tau_dt(expr: sp.Expr) -> sp.Expr:
    """``τ d/dt`` of ``expr`` (unevaluated, so reports show the derivative)."""
    return tau * sp.Derivative(expr, t)


CLAIMS = [
    # -- Eq. (6) → Supp. C: the mode of a WDAE ------------------------------
    Claim(
        id="eq6.mode_decay",
        paper_ref="Eq. (6)",
        title="for one direction (Σ_i x_i² = λ) gradient descent on (6) with τ = N/α gives "
              "τ dw/dt = −N ∂L/∂w, the mode flow with κ = Nγ",
        relation=Equality(
            -N * sp.Matrix([sp.diff(lam / (2 * N) * (1 - w2 * w1) ** 2 + gam / 2 * (w1**2 + w2**2), v)
                            for v in (w1, w2)]),
            sp.Matrix(_FLOW_WD),
        ),
        strategy=(steps.expand,),
        scope="one direction: D = H = 1 with Σ_i x_i² = λ (the aligned mode of §3.2)",
        depends=("def.mode_loss",),
    ),
    Claim(
        id="suppC.loss",
        paper_ref="Supp. C",
        title="Supp. C's ℓγ is the mode loss with ε = 0, κ = Nγ, in the units of (4) (divided by τ)",
        relation=Equality(ELL_GAMMA_PRINTED, mode_loss(eps_=0, kappa_=N * gam) / tau),
        strategy=(steps.expand,),
        depends=("eq6.mode_decay",),
    ),
    Claim(
        id="suppC.updates",
        paper_ref="Supp. C",
        title="the printed updates τ dw1/dt = w2(λ − w2w1λ) − Nγw1 (and w2) are −τ∇ℓγ",
        relation=Equality(
            sp.Matrix([SUPPC_W1_PRINTED, SUPPC_W2_PRINTED]),
            -tau * sp.Matrix([sp.diff(ELL_GAMMA_PRINTED, w1), sp.diff(ELL_GAMMA_PRINTED, w2)]),
        ),
        strategy=(steps.expand,),
        depends=("suppC.loss",),
    ),
    Claim(
        id="suppC.imbalance_ode",
        paper_ref="Supp. C, §5.1",
        title="w2² − w1² is not conserved with weight decay: τ d/dt (w2² − w1²) = −2κ(w2² − w1²) "
              "(noise or not); so critical points with κ > 0 have w1² = w2²",
        relation=Equality(2 * w2 * _FLOW[1] - 2 * w1 * _FLOW[0], IMBALANCE_RATE * (w2**2 - w1**2)),
        strategy=(steps.expand,),
        depends=("def.mode_loss", "s33.conservation"),
    ),
    Claim(
        id="suppC.imbalance_decay",
        paper_ref="Supp. C",
        title="hence w2² − w1² = c e^{−2κt/τ}: it solves τ dc/dt = −2κc with value c at t = 0",
        relation=Equality(
            sp.Matrix([
                _tau_dt(_c_init * sp.exp(IMBALANCE_RATE * t / tau)) - IMBALANCE_RATE * _c_init
                * sp.exp(IMBALANCE_RATE * t / tau),
                (_c_init * sp.exp(IMBALANCE_RATE * t / tau)).subs(t, 0),
            ]),
            sp.Matrix([0, _c_init]),
        ),
        strategy=(steps.doit, steps.expand),
        depends=("suppC.imbalance_ode",),
    ),
    Claim(
        id="suppC.balanced_invariant",
        paper_ref="Supp. C",
        title="the balanced line w2 = w1 is invariant: τ d/dt (w2 − w1) = −(λ(1 − w) − εw + κ)(w2 − w1)",
        relation=Equality(_FLOW[1] - _FLOW[0],
                          -(lam * (1 - w1 * w2) - eps * w1 * w2 + kappa) * (w2 - w1)),
        strategy=(steps.expand,),
        depends=("def.mode_loss",),
    ),
    Claim(
        id="suppC.balanced_ode",
        paper_ref="Supp. C",
        title="with w2 = w1 and w = w1²: τ dw/dt = 2w(λ − wλ) − 2Nγw = 2w(λ − Nγ − wλ) (both printed forms)",
        relation=Equality(
            sp.Matrix([2 * w1 * SUPPC_W1_PRINTED.subs(w2, w1)] * 2),
            sp.Matrix(SUPPC_BALANCED_PRINTED).subs(w, w1**2),
        ),
        strategy=(steps.expand,),
        depends=("suppC.updates", "suppC.balanced_invariant"),
    ),
    Claim(
        id="wd.balanced_ode",
        paper_ref="Supp. C, §5",
        title="with noise as well (the general balanced mode): τ dw/dt = 2w(λ − κ − (λ + ε)w), w = w1²",
        relation=Equality(2 * w1 * _FLOW[0].subs(w2, w1), BALANCED_RHS.subs(w, w1**2)),
        strategy=(steps.expand,),
        depends=("suppC.balanced_invariant",),
    ),
    # -- Supp. C: the time integral and its inversion -----------------------
    Claim(
        id="suppC.antiderivative",
        paper_ref="Supp. C",
        title="the printed antiderivative τ/(2(λ − Nγ)) [ln w − ln(λ − Nγ − wλ)] differentiates to "
              "τ/(2w(λ − Nγ − wλ))",
        relation=Equality(sp.Derivative(SUPPC_ANTIDERIVATIVE_PRINTED, w_f),
                          tau / (2 * w_f * (lam - N * gam - w_f * lam))),
        strategy=(steps.doit, steps.cancel),
        depends=("suppC.balanced_ode",),
        domain={**_ODE_DOMAIN, w_f: Interval(1e-3, 2.0, log=True)},
    ),
    Claim(
        id="suppC.time_integral",
        paper_ref="Supp. C",
        title="the printed t(wf) = τ/(2(λ − Nγ)) ln(wf(λ − Nγ − w0λ)/(w0(λ − Nγ − wfλ))) has "
              "dt/dwf = τ/(2wf(λ − Nγ − wfλ)) and t(w0) = 0, so it is the time integral",
        relation=Equality(
            sp.Matrix([sp.Derivative(SUPPC_TIME_PRINTED, w_f), SUPPC_TIME_PRINTED.subs(w_f, w0)]),
            sp.Matrix([tau / (2 * w_f * (lam - N * gam - w_f * lam)), 0]),
        ),
        strategy=(steps.doit, steps.cancel),
        depends=("suppC.antiderivative",),
        domain={**_ODE_DOMAIN, w_f: Interval(1e-3, 2.0, log=True)},
        condition=sp.And(N * gam < lam, w_f * lam < lam - N * gam, w0 * lam < lam - N * gam),
    ),
    Claim(
        id="suppC.solve_for_wf",
        paper_ref="Supp. C, Eq. (7)",
        title="solving for wf: the corrected (7) makes the log's argument e^{2(λ − Nγ)t/τ} = e^{2λξt/τ}, "
              "i.e. Eγ carries a factor λ the paper drops",
        relation=Equality(SUPPC_LOG_ARGUMENT.subs(w_f, LOGISTIC_WD), sp.exp(2 * (lam - N * gam) * t / tau)),
        strategy=(steps.cancel, steps.expand),
        depends=("suppC.time_integral",),
        domain=_ODE_DOMAIN,
    ),
    # -- Eq. (7) ----------------------------------------------------------------
    Claim(
        id="eq7.solves_ode",
        paper_ref="Eq. (7), Supp. C",
        title="wγ(t) = ξEγ/(Eγ − 1 + ξ/w0) solves τ dw/dt = 2w(λ − Nγ − wλ) with Eγ = e^{2λξt/τ}; "
              "the printed Eγ = e^{2ξt/τ} does only when λ = 1",
        relation=Equality(_tau_dt(LOGISTIC_WD), SUPPC_BALANCED_PRINTED[1].subs(w, LOGISTIC_WD)),
        printed=Equality(_tau_dt(EQ7_PRINTED_T), SUPPC_BALANCED_PRINTED[1].subs(w, EQ7_PRINTED_T)),
        shown=(EQ7_PRINTED_T, LOGISTIC_WD),
        strategy=(steps.doit, steps.cancel),
        depends=("suppC.solve_for_wf", "suppC.balanced_ode"),
        domain=_ODE_DOMAIN,
        use_equals=False,
        cause=causes.EQ7_EXPONENT,
    ),
    Claim(
        id="eq7.initial_value",
        paper_ref="Eq. (7)",
        title="at t = 0 (Eγ = 1, for either exponent) Eq. (7) gives w0",
        relation=Equality(sp.Subs(EQ7_PRINTED, E_gamma, 1), w0),
        strategy=(steps.doit, steps.cancel),
        depends=("eq7.solves_ode",),
        domain={w0: Interval(1e-3, 2.0, log=True), xi: Interval(0.01, 1.0)},
    ),
    Claim(
        id="eq7.limit",
        paper_ref="Eq. (7)",
        title="as Eγ → ∞ (t → ∞ when ξ > 0, i.e. Nγ < λ) Eq. (7) tends to ξ = 1 − Nγ/λ",
        relation=Limit(EQ7_PRINTED, E_gamma, sp.oo, xi),
        strategy=(steps.cancel,),
        depends=("eq7.solves_ode",),
        domain={w0: Interval(1e-3, 2.0, log=True), xi: Interval(0.01, 1.0)},
    ),
    Claim(
        id="eq7.fixed_point",
        paper_ref="Eq. (7), Supp. C",
        title="ξ = 1 − Nγ/λ is the non-zero root of the balanced right-hand side 2w(λ − Nγ − wλ)",
        relation=Equality(SUPPC_BALANCED_PRINTED[1].subs(w, EQ7_WHERE[xi]), 0),
        strategy=(steps.expand,),
        depends=("suppC.balanced_ode",),
    ),
    # -- the general balanced mode (noise and weight decay) -----------------
    Claim(
        id="wd.logistic_solves_ode",
        paper_ref="§5, Supp. C",
        title="w∞G/(G − 1 + w∞/w0), G = e^{2(λ − κ)t/τ}, w∞ = (λ − κ)/(λ + ε), solves "
              "τ dw/dt = 2w(λ − κ − (λ + ε)w)",
        relation=Equality(_tau_dt(LOGISTIC_MODE), BALANCED_RHS.subs(w, LOGISTIC_MODE)),
        strategy=(steps.doit, steps.cancel),
        depends=("wd.balanced_ode",),
        domain={**_ODE_DOMAIN, kappa: Interval(0.0, 10.0)},
    ),
    Claim(
        id="wd.logistic_initial",
        paper_ref="§5, Supp. C",
        title="the general balanced logistic starts at w0",
        relation=Equality(sp.Subs(LOGISTIC_MODE, t, 0), w0),
        strategy=(steps.doit, steps.cancel),
        depends=("wd.logistic_solves_ode",),
        domain={**_ODE_DOMAIN, kappa: Interval(0.0, 10.0)},
    ),
    Claim(
        id="wd.logistic_limit",
        paper_ref="§5, Supp. C",
        title="as G → ∞ (t → ∞ when κ < λ) the general balanced logistic tends to (λ − κ)/(λ + ε)",
        relation=Limit(LOGISTIC_MODE.subs(GROWTH_FACTOR, E_gamma), E_gamma, sp.oo, BALANCED_FIXED_POINT),
        strategy=(steps.cancel,),
        depends=("wd.logistic_solves_ode",),
        domain={**_ODE_DOMAIN, kappa: Interval(0.0, 10.0)},
        condition=kappa < lam,
    ),
    Claim(
        id="s51.minimum_points",
        paper_ref="§5.1, Fig. 4",
        title="with weight decay the gradient vanishes at w1 = w2 = √((λ − κ)/(λ + ε)) "
              "(the manifold shrinks to a point; its mirror −w1 = −w2 likewise)",
        relation=Equality(sp.Matrix(_FLOW).subs({w1: MINIMUM_WEIGHT, w2: MINIMUM_WEIGHT}), sp.zeros(2, 1)),
        strategy=(_KAPPA_OF_M, steps.expand),
        depends=("suppC.imbalance_ode", "wd.balanced_ode"),
        domain={kappa: Interval(0.0, 10.0)},
        condition=kappa < lam,
    ),
    Claim(
        id="s51.minimum_hessian",
        paper_ref="§5.1, Fig. 4",
        title="there the Hessian has eigenvalues 2(λ − κ) (along w1 = w2) and 2κ (across): "
              "a strict minimum for 0 < κ < λ",
        relation=Equality(_HESSIAN_AT_MIN * _V, _V * sp.diag(2 * (lam - kappa), 2 * kappa)),
        strategy=(_KAPPA_OF_M, steps.expand),
        depends=("s51.minimum_points",),
        domain={kappa: Interval(0.0, 10.0)},
        condition=kappa < lam,
    ),
]
