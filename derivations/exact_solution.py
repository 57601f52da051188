"""§3.3, Eq. (5) and Supp. B: the exact solution of the noisy scalar dynamics.

Supplement B derives (5) in five moves, followed here one claim each:

1. hyperbolic coordinates on the conserved hyperbola ``w2² − w1² = ±c0``
   turn ``w`` and ``w1² + w2²`` into ``(c0/2) sinh θ`` and ``c0 cosh θ``;
2. the product rule (9) becomes ``τ dθ/dt = λ(2 − β sinh θ)``, or, for
   ``δ = tanh(θ/2)``, the Riccati equation ``τ dδ/dt = λ(1 − βδ − δ²)``;
3. the time integral has the printed logarithmic antiderivative (proved by
   differentiating it, modulo ``ζ² = β² + 4``);
4. exponentiating, ``E = e^{ζλt/τ}`` is a ratio that is linear-fractional in
   ``δf``, and solving it gives the printed ``δf`` of (5);
5. ``w = (c0/2) sinh(2 atanh δf) = c0 δf / (1 − δf²)``.

Eq. (5) itself is checked in :mod:`symdae.derivations.exact_solution_properties`.
The rational forms exported here (``DELTA_F``, ``W_RATIONAL``, ...) are proved
equal to the printed formula there.
"""

from __future__ import annotations

import sympy as sp

from symdae.checking import Claim, Equality, Inequality, Interval, steps
from symdae.symbols import E, beta, c0, delta, delta0, eps, lam, t, tau, theta, w0, w1, w2, zeta

# Eq. (5) exactly as printed, in the paper's auxiliary symbols.
EQ5_THETA_PRINTED = 2 * sp.atanh(
    ((1 - E) * (zeta**2 - beta**2 - 2 * beta * delta0) - 2 * (1 + E) * zeta * delta0)
    / ((1 - E) * (2 * beta + 4 * delta0) - 2 * (1 + E) * zeta)
)
EQ5_W_PRINTED = c0 / 2 * sp.sinh(EQ5_THETA_PRINTED)

# The printed definitions of the auxiliary symbols (c0 = |w2² − w1²|, w0 = w1 w2 at t = 0).
EQ5_WHERE = {
    E: sp.exp(zeta * lam * t / tau),
    zeta: sp.sqrt(beta**2 + 4),
    beta: c0 * (1 + eps / lam),
    delta0: sp.tanh(sp.asinh(2 * w0 / c0) / 2),
}

# ---------------------------------------------------------------------------
# Verified expressions: the rational forms of Eq. (5), each proved equal to the printed formula.

#: The fixed point of the noisy mode, ``w* = λ/(λ + ε)``.
W_STAR = lam / (lam + eps)
#: The mapping in hyperbolic coordinates, ``w = (c0/2) sinh θ``.
W_OF_THETA = c0 / 2 * sp.sinh(theta)
#: ``τ dθ/dt`` (Supp. B).
THETA_ODE_RHS = lam * (2 - beta * sp.sinh(theta))
#: ``τ dδ/dt`` for ``δ = tanh(θ/2)``: a Riccati equation with constant coefficients.
DELTA_ODE_RHS = lam * (1 - beta * delta - delta**2)
#: The printed antiderivative of ``τ / (λ(2 − β sinh θ))`` (the time as a function of θ).
TIME_ANTIDERIVATIVE = tau / (zeta * lam) * sp.log(
    (zeta + beta + 2 * sp.tanh(theta / 2)) / (zeta - beta - 2 * sp.tanh(theta / 2))
)
#: ``w = c0 δ/(1 − δ²)`` and ``w1² + w2² = c0 (1 + δ²)/(1 − δ²)`` for ``δ = tanh(θ/2)``.
W_OF_DELTA = c0 * delta / (1 - delta**2)
NORM_OF_DELTA = c0 * (1 + delta**2) / (1 - delta**2)
#: Supp. B's linear equation ``δf A = B`` for ``δf = tanh(θf/2)``.
DELTA_F_DENOMINATOR = (1 - E) * (2 * beta + 4 * delta0) - 2 * (1 + E) * zeta
DELTA_F_NUMERATOR = (1 - E) * (zeta**2 - beta**2 - 2 * beta * delta0) - 2 * (1 + E) * zeta * delta0
#: ``δf = tanh(θt/2)`` of Eq. (5), rational in ``E, δ0, β, ζ``.
DELTA_F = DELTA_F_NUMERATOR / DELTA_F_DENOMINATOR
#: Eq. (5) as a rational function of ``E, δ0, β, ζ, c0`` (no atanh, no sinh).
W_RATIONAL = W_OF_DELTA.subs(delta, DELTA_F)
#: ``δ0 = tanh(asinh(2w0/c0)/2)`` without cancellation for either sign of ``w0``.
DELTA0_OF_W0 = 2 * w0 / (c0 + sp.sqrt(c0**2 + 4 * w0**2))
#: The limit of ``δf`` as ``t → ∞``: the root of ``1 − βδ − δ²`` in ``(−1, 1)``.
DELTA_F_LIMIT = (zeta - beta) / 2
#: The time at which a trajectory from ``w0 < 0`` crosses ``w = 0`` (``δf = 0``).
CROSSING_TIME = tau / (zeta * lam) * sp.log(
    (zeta + beta) * (zeta - beta - 2 * delta0) / ((zeta - beta) * (zeta + beta + 2 * delta0))
)
#: The balanced (``c0 → 0``) limit of Eq. (5) for ``w0 ≠ 0``: a logistic curve in
#: ``E0 = e^{2 sign(w0) λt/τ}`` (growth to ``w*`` from above zero, decay to 0 from below).
_E0 = sp.exp(2 * sp.sign(w0) * lam * t / tau)
LOGISTIC_BALANCED = W_STAR * _E0 / (_E0 - 1 + W_STAR / w0)

# ---------------------------------------------------------------------------
# Proof helpers (shared with :mod:`symdae.derivations.exact_solution_properties`).

ZETA_RELATION = steps.modulo([zeta**2 - beta**2 - 4], [zeta])
"""Reduce modulo ``ζ² = β² + 4``."""
ZETA_OF_BETA = {zeta: sp.sqrt(beta**2 + 4)}

# Parameters that make β, ζ = √(β² + 4) rational: β = p − 1/p, ζ = p + 1/p, p = 1 + q > 1.
_q = sp.Symbol("q", positive=True)
m_rational = sp.Symbol("mu", positive=True)
"""The positive parameter of ``δ0`` in the sign proofs (``δ0 = μ − 1``, ``δ0 = −1/(1 + μ)``)."""
_e = sp.Symbol("e", nonnegative=True)
_p = 1 + _q
BETA_ZETA_RATIONAL = {beta: _p - 1 / _p, zeta: _p + 1 / _p}

_upper = {w1: sp.sqrt(c0) * sp.sinh(theta / 2), w2: sp.sqrt(c0) * sp.cosh(theta / 2)}
_lower = {w1: sp.sqrt(c0) * sp.cosh(theta / 2), w2: sp.sqrt(c0) * sp.sinh(theta / 2)}
_COORDS = sp.Matrix([w2**2 - w1**2, w1 * w2, w1**2 + w2**2])
_EQ9_RHS = (lam - w1 * w2 * (lam + eps)) * (w1**2 + w2**2)
_TANH_HALF = steps.subs({sp.tanh(theta / 2): delta}, "tanh(θ/2) = δ")

_THETA_DOMAIN = {theta: Interval(-6.0, 6.0)}

CLAIMS = [
    # -- Supp. B: hyperbolic coordinates ------------------------------------
    Claim(
        id="suppB.coords_upper",
        paper_ref="Supp. B",
        title="for w1 = √c0 sinh(θ/2), w2 = √c0 cosh(θ/2): w2² − w1² = c0, w = (c0/2) sinh θ, "
              "w1² + w2² = c0 cosh θ",
        relation=Equality(_COORDS.subs(_upper, simultaneous=True),
                          sp.Matrix([c0, W_OF_THETA, c0 * sp.cosh(theta)])),
        strategy=(steps.rewrite(sp.exp), steps.expand),
        depends=("s33.conservation",),
        domain=_THETA_DOMAIN,
    ),
    Claim(
        id="suppB.coords_lower",
        paper_ref="Supp. B",
        title="for w1 = √c0 cosh(θ/2), w2 = √c0 sinh(θ/2): w2² − w1² = −c0 and the same w "
              "and w1² + w2²",
        relation=Equality(_COORDS.subs(_lower, simultaneous=True),
                          sp.Matrix([-c0, W_OF_THETA, c0 * sp.cosh(theta)])),
        strategy=(steps.rewrite(sp.exp), steps.expand),
        depends=("s33.conservation",),
        domain=_THETA_DOMAIN,
    ),
    Claim(
        id="suppB.dw_dtheta",
        paper_ref="Supp. B",
        title="dw = (c0/2) cosh θ dθ",
        relation=Equality(sp.Derivative(W_OF_THETA, theta), c0 / 2 * sp.cosh(theta)),
        strategy=(steps.doit,),
        depends=("suppB.coords_upper", "suppB.coords_lower"),
        domain=_THETA_DOMAIN,
    ),
    # -- Supp. B: the θ and δ equations -------------------------------------
    Claim(
        id="suppB.theta_ode",
        paper_ref="Supp. B",
        title="τ dθ/dt = λ(2 − β sinh θ) with β = c0(1 + ε/λ) reproduces (9) on both branches: "
              "(dw/dθ)(τ dθ/dt) = (λ − w(λ + ε))(w1² + w2²)",
        relation=Equality(
            sp.Matrix([sp.Derivative(W_OF_THETA, theta) * THETA_ODE_RHS] * 2),
            sp.Matrix([_EQ9_RHS.subs(_upper, simultaneous=True),
                       _EQ9_RHS.subs(_lower, simultaneous=True)]),
        ),
        strategy=(steps.doit, steps.subs({beta: c0 * (1 + eps / lam)}, "β = c0(1 + ε/λ)"),
                  steps.rewrite(sp.exp), steps.expand),
        depends=("suppB.eq9", "suppB.dw_dtheta"),
        domain=_THETA_DOMAIN,
        where={beta: c0 * (1 + eps / lam)},
    ),
    Claim(
        id="suppB.delta_ode",
        paper_ref="Supp. B",
        title="for δ = tanh(θ/2) the θ equation becomes the Riccati equation τ dδ/dt = λ(1 − βδ − δ²)",
        relation=Equality(sp.Derivative(sp.tanh(theta / 2), theta) * THETA_ODE_RHS,
                          DELTA_ODE_RHS.subs(delta, sp.tanh(theta / 2))),
        strategy=(steps.doit, steps.rewrite(sp.tanh), _TANH_HALF, steps.cancel),
        depends=("suppB.theta_ode",),
        domain=_THETA_DOMAIN,
    ),
    # -- Supp. B: the time integral -----------------------------------------
    Claim(
        id="suppB.time_integral",
        paper_ref="Supp. B",
        title="d/dθ of τ/(ζλ) ln((ζ + β + 2 tanh(θ/2))/(ζ − β − 2 tanh(θ/2))) is τ/(λ(2 − β sinh θ)) "
              "when ζ² = β² + 4 (the printed antiderivative, proved by differentiation)",
        relation=Equality(sp.Derivative(TIME_ANTIDERIVATIVE, theta), tau / THETA_ODE_RHS),
        strategy=(steps.doit, steps.rewrite(sp.tanh), _TANH_HALF, ZETA_RELATION),
        depends=("suppB.theta_ode",),
        domain=_THETA_DOMAIN,
        where=ZETA_OF_BETA,
        condition=zeta - beta - 2 * sp.tanh(theta / 2) > 0,
    ),
    Claim(
        id="suppB.exp_form",
        paper_ref="Supp. B",
        title="t = [τ/(ζλ) ln(...)] from θ0 to θf exponentiates to e^{λζt/τ} = "
              "(ζ + β + 2δf)(ζ − β − 2δ0)/((ζ − β − 2δf)(ζ + β + 2δ0)), δ = tanh(θ/2)",
        relation=Equality(
            sp.exp(zeta * lam / tau * (TIME_ANTIDERIVATIVE.subs(sp.tanh(theta / 2), delta)
                                       - TIME_ANTIDERIVATIVE.subs(sp.tanh(theta / 2), delta0))),
            (zeta + beta + 2 * delta) * (zeta - beta - 2 * delta0)
            / ((zeta - beta - 2 * delta) * (zeta + beta + 2 * delta0)),
        ),
        strategy=(steps.expand, steps.cancel),
        depends=("suppB.time_integral",),
        where=ZETA_OF_BETA,
        condition=sp.And(zeta - beta - 2 * delta > 0, zeta - beta - 2 * delta0 > 0),
    ),
    # -- Supp. B: solving for δf --------------------------------------------
    Claim(
        id="suppB.expanded_equation",
        paper_ref="Supp. B",
        title="multiplying out E(ζ − β − 2δf)(ζ + β + 2δ0) = (ζ + β + 2δf)(ζ − β − 2δ0) gives the "
              "printed −2Eδf(ζ + β + 2δ0) + E(ζ² + 2ζδ0 − β² − 2βδ0) = "
              "2δf(ζ − β − 2δ0) + (ζ² − 2ζδ0 − β² − 2βδ0)",
        relation=Equality(
            sp.Matrix([E * (zeta - beta - 2 * delta) * (zeta + beta + 2 * delta0),
                       (zeta + beta + 2 * delta) * (zeta - beta - 2 * delta0)]),
            sp.Matrix([
                -2 * E * delta * (zeta + beta + 2 * delta0)
                + E * (zeta**2 + 2 * zeta * delta0 - beta**2 - 2 * beta * delta0),
                2 * delta * (zeta - beta - 2 * delta0)
                + (zeta**2 - 2 * zeta * delta0 - beta**2 - 2 * beta * delta0),
            ]),
        ),
        strategy=(steps.expand,),
        depends=("suppB.exp_form",),
    ),
    Claim(
        id="suppB.linear_in_delta_f",
        paper_ref="Supp. B",
        title="the expanded equation is the printed δf((1 − E)(2β + 4δ0) − 2(E + 1)ζ) = "
              "(1 − E)(ζ² − β² − 2βδ0) − 2(1 + E)ζδ0",
        relation=Equality(
            E * (zeta - beta - 2 * delta) * (zeta + beta + 2 * delta0)
            - (zeta + beta + 2 * delta) * (zeta - beta - 2 * delta0),
            delta * ((1 - E) * (2 * beta + 4 * delta0) - 2 * (E + 1) * zeta)
            - ((1 - E) * (zeta**2 - beta**2 - 2 * beta * delta0) - 2 * (1 + E) * zeta * delta0),
        ),
        strategy=(steps.expand,),
        depends=("suppB.expanded_equation",),
    ),
    Claim(
        id="suppB.denominator_negative",
        paper_ref="Supp. B",
        title="the coefficient (1 − E)(2β + 4δ0) − 2(1 + E)ζ of δf is negative for E ≥ 1, δ0 > −1, "
              "so solving for δf divides by nothing that vanishes",
        relation=Inequality(DELTA_F_DENOMINATOR, "<", 0),
        strategy=(
            steps.subs({**BETA_ZETA_RATIONAL, delta0: m_rational - 1, E: 1 + _e},
                       "β = p − 1/p, ζ = p + 1/p (p = 1 + q, q > 0), δ0 = μ − 1 (μ > 0), E = 1 + e (e ≥ 0)",
                       narrows="β, δ0 + 1 > 0 and E ≥ 1, parametrised as β = p − 1/p (p > 1), δ0 = μ − 1, E = 1 + e"),
            steps.factor,
        ),
        depends=("suppB.linear_in_delta_f",),
        where=ZETA_OF_BETA,
    ),
    Claim(
        id="suppB.delta_f",
        paper_ref="Supp. B",
        title="δf = [(1 − E)(ζ² − β² − 2βδ0) − 2(1 + E)ζδ0] / [(1 − E)(2β + 4δ0) − 2(1 + E)ζ] "
              "solves E(ζ − β − 2δf)(ζ + β + 2δ0) = (ζ + β + 2δf)(ζ − β − 2δ0)",
        relation=Equality(
            E * (zeta - beta - 2 * DELTA_F) * (zeta + beta + 2 * delta0),
            (zeta + beta + 2 * DELTA_F) * (zeta - beta - 2 * delta0),
        ),
        strategy=(steps.numerator, steps.expand),
        depends=("suppB.linear_in_delta_f", "suppB.denominator_negative"),
        where=ZETA_OF_BETA,
    ),
    Claim(
        id="suppB.sinh_2atanh",
        paper_ref="Supp. B",
        title="with θ = 2 atanh δ: (c0/2) sinh θ = c0 δ/(1 − δ²) and c0 cosh θ = c0(1 + δ²)/(1 − δ²)",
        relation=Equality(
            sp.Matrix([c0 / 2 * sp.sinh(2 * sp.atanh(delta)), c0 * sp.cosh(2 * sp.atanh(delta))]),
            sp.Matrix([W_OF_DELTA, NORM_OF_DELTA]),
        ),
        strategy=(steps.rewrite(sp.exp), steps.rewrite(sp.log), steps.cancel),
        depends=("suppB.coords_upper",),
    ),
]
