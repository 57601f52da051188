"""§5 and Supp. C extended: the mode with noise *and* weight decay (symdae; not in the paper).

The paper solves the weight-decayed mode only on the balanced line without
noise (Eq. 7). :func:`symdae.kernels.mode_trajectory` needs the general mode,
``τ dw/dt = −∇ℓ`` with ``ℓ = λ/2 (1 − w1w2)² + ε/2 (w1w2)² + κ/2 (w1² + w2²)``.
In the coordinates ``P = (w1 + w2)²``, ``Q = (w2 − w1)²`` of
:mod:`symdae.derivations.stable_forms` its flow is (claim ``stable.pq_flow``)

    τP' = 2P(λ − κ − kw),   τQ' = −2Q(λ + κ − kw),   w = (P − Q)/4,   k = λ + ε.

1. **Balanced starts.** ``Q = 0`` (``w1 = w2``) is invariant and ``P`` then
   obeys ``τP' = 2(λ − κ)P − (k/2)P²``; ``P = 0`` (``w1 = −w2``) is invariant
   and ``τQ' = −2(λ + κ)Q − (k/2)Q²``. Both are the Bernoulli equation
   ``τX' = 2mX − (k/2)X²``, solved with ``a = |m|``, ``g = e^{−2at/τ} ∈ (0, 1]``
   and ``h = (1 − g)/(4a) ≥ 0`` by

       X = 1/(g/X0 + kh)   (m > 0),     X = X0 g/(1 + kX0h)   (m < 0),

   and by ``1/(1/X0 + kt/(2τ))`` for ``m = 0`` (the limit ``h → t/(2τ)``).
   Only ``e^{−x}`` with ``x ≥ 0`` appears and every sum has non-negative
   terms: no overflow for any ``t`` and no cancellation. One guarded expression,
   :data:`BERNOULLI_GUARDED`, covers every sign of ``m`` and ``X0 = 0``; the
   ``wdf.kernel_*`` claims reduce it to these (the kernel evaluates the same
   solutions in the mapping, :mod:`symdae.derivations.weight_decay_balanced`).
2. **General starts.** The imbalance decays (Supp. C): ``PQ = P0Q0 e^{−4κt/τ}``.
   So ``y = ln P`` obeys one scalar ODE in ``u = t/τ``,

       dy/du = 2(λ − κ) − (k/2)(e^y − e^{L − 4κu − y}),   L = ln(P0Q0),

   and ``w = (e^y − e^{L − 4κu − y})/4``: in ``ln P`` a relative error in ``P``
   is an absolute one in ``y``, and ``P, Q > 0`` hold by construction. The
   kernel integrates the mapping ``w`` itself, in the charts of
   :mod:`symdae.derivations.weight_decay_charts` (balanced starts in closed
   form, :mod:`symdae.derivations.weight_decay_balanced`; gradient descent,
   :mod:`symdae.derivations.weight_decay_descent`).
3. **Why an integrator.** ``P`` obeys the Riccati equation
   ``dP/du = 2mP − (k/2)P² + (k/2)c0² e^{−4κu}`` (``m = λ − κ``), which the
   substitution ``z = (kc0/(4κ)) e^{−2κu}`` linearises to the modified Bessel
   equation of order ``ν = |m|/(2κ)``: ``P = (2m − 4κ zψ'(z)/ψ(z))/k`` with
   ``ψ = A I_ν(z) + B K_ν(z)`` (claim ``wdf.bessel_solution``). That closed
   form needs Bessel functions of arbitrary real order (``ν`` up to ~1e12)
   and argument, evaluated without cancellation -- the tests evaluate it with
   mpmath as an independent reference, the kernel integrates instead.
"""

from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import expm1

from symdae.checking import Claim, Equality, Interval, Limit, steps
from symdae.derivations.stable_forms import P0, Q0, P, Q
from symdae.derivations.weight_decay import LOGISTIC_MODE
from symdae.symbols import c0, eps, k, kappa, lam, t, tau, w0

# --- the Bernoulli equation τX' = 2mX − (k/2)X² of the balanced lines -----------------------
X0 = sp.Symbol("X0", positive=True)
a = sp.Symbol("a", positive=True)  # a = |m| > 0
m = sp.Symbol("m", real=True)  # the signed rate: λ − κ on w1 = w2, −(λ + κ) on w1 = −w2


def bernoulli_rhs(x: sp.Expr, rate: sp.Expr) -> sp.Expr:
    """``τ dX/dt = 2mX − (k/2)X²`` with ``m = rate``."""
    return 2 * rate * x - k / 2 * x**2


G_DECAY = sp.exp(-2 * a * t / tau)
H_DECAY = (1 - G_DECAY) / (4 * a)
BERNOULLI_GROWTH = 1 / (G_DECAY / X0 + k * H_DECAY)
"""Solution for ``m = a > 0``: ``1/(g/X0 + kh)``."""
BERNOULLI_DECAY = X0 * G_DECAY / (1 + k * X0 * H_DECAY)
"""Solution for ``m = −a < 0``: ``X0 g/(1 + kX0h)``."""
BERNOULLI_CRITICAL = 1 / (1 / X0 + k * t / (2 * tau))
"""Solution for ``m = 0``: ``1/(1/X0 + kt/(2τ))``."""

# One expression for every sign of m, from any X0 >= 0 (X0 = 0: the origin, which stays put).
X0_nonneg = sp.Symbol("X0_nonneg", nonnegative=True)
_x = 2 * sp.Abs(m) * t / tau
_G_GUARDED = sp.exp(-_x)
_H_GUARDED = sp.Piecewise((t / (2 * tau), sp.Eq(m, 0)), (-expm1(-_x) / (4 * sp.Abs(m)), True))
BERNOULLI_GUARDED = sp.Piecewise(
    (0, sp.Eq(X0_nonneg, 0)),
    (X0_nonneg * _G_GUARDED / (1 + k * X0_nonneg * _H_GUARDED), m < 0),
    (1 / (_G_GUARDED / X0_nonneg + k * _H_GUARDED), True),
)
"""``X(t)`` of ``τX' = 2mX − (k/2)X²`` from ``X0 ≥ 0``, every sign of ``m``, in terms of ``|m|`` and ``expm1``."""

# --- the balanced lines --------------------------------------------------------------------
P_FLOW = 2 * P * (lam - kappa - k * (P - Q) / 4)
Q_FLOW = -2 * Q * (lam + kappa - k * (P - Q) / 4)
_K_IS = steps.subs({k: lam + eps}, "k → λ + ε")
RATE_P = lam - kappa
"""``m`` of ``P`` on the line ``w1 = w2``."""
RATE_Q = -(lam + kappa)
"""``m`` of ``Q`` on the line ``w1 = −w2``."""

# --- the general start: y = ln P with PQ = P0 Q0 e^{−4κu} ---------------------------------
u = sp.Symbol("u", nonnegative=True)  # u = t/τ
y = sp.Symbol("y", real=True)  # y = ln P
L = sp.Symbol("L_PQ", real=True)  # L = ln(P0 Q0) (the DAE's loss is L of def.dae_loss)
PRODUCT = P0 * Q0 * sp.exp(-4 * kappa * t / tau)
"""``P(t)Q(t)``: the imbalance ``c0² = P0Q0`` decays as ``e^{−4κt/τ}``."""
_Q_OF_Y = sp.exp(L - 4 * kappa * u - y)
LOG_P_RHS = 2 * (lam - kappa) - k / 2 * (sp.exp(y) - _Q_OF_Y)
"""``dy/du`` for ``y = ln P``, ``u = t/τ``, ``L = ln(P0Q0)``."""
LOG_P_MAPPING = (sp.exp(y) - _Q_OF_Y) / 4
"""The mapping ``w = (P − Q)/4`` in terms of ``y``."""

# --- the Riccati equation of P and its Bessel linearisation -----------------------------------
z = sp.Symbol("z", positive=True)  # z = (k c0/(4κ)) e^{−2κu}
psi = sp.Function("psi")


def riccati_rhs(x: sp.Expr, decay: sp.Expr) -> sp.Expr:
    """``dP/du = 2mP − (k/2)P² + (k/2)c0² e^{−4κu}`` with ``e^{−4κu} = decay``."""
    return 2 * m * x - k / 2 * x**2 + k / 2 * c0**2 * decay


BESSEL_BETA = k * c0 / (4 * kappa)
"""``β = kc0/(4κ)``: ``z = β e^{−2κu}``."""
BESSEL_ORDER = sp.Abs(m) / (2 * kappa)
"""``ν = |m|/(2κ)`` (the Bessel equation depends on ``ν²`` only)."""
A_b, B_b = sp.symbols("A B", positive=True)
PSI_BESSEL = A_b * sp.besseli(BESSEL_ORDER, z) + B_b * sp.besselk(BESSEL_ORDER, z)
"""``ψ = A I_ν(z) + B K_ν(z)``: every solution of the modified Bessel equation of order ``ν``."""
P_BESSEL = (2 * m - 4 * kappa * z * sp.Derivative(PSI_BESSEL, z) / PSI_BESSEL) / k
"""``P = (2m − 4κ zψ'/ψ)/k``; ``A/B`` is fixed by ``P(0) = P0`` at ``z = β``."""
_GENERAL_PSI = steps.subs({PSI_BESSEL: psi(z)}, "ψ = A I_ν + B K_ν → any solution ψ(z) of the Bessel equation")
_BESSEL_PSI2 = steps.subs(
    {psi(z).diff(z, 2): ((z**2 + m**2 / (4 * kappa**2)) * psi(z) - z * psi(z).diff(z)) / z**2},
    "ψ'' = ((z² + ν²)ψ − zψ')/z² (the Bessel equation)",
    narrows="ψ solves the modified Bessel equation of order ν = |m|/(2κ) (as A I_ν + B K_ν does)",
)

_RATES = {a: Interval(1e-3, 1e3, log=True), k: Interval(1e-3, 1e3, log=True),
          X0: Interval(1e-4, 1e2, log=True), t: Interval(0.0, 20.0), tau: Interval(0.1, 10.0, log=True)}
_where_L = {L: sp.log(P0 * Q0)}


CLAIMS = [
    Claim(
        id="wdf.balanced_p_line",
        paper_ref="§5, Supp. C",
        title="on w1 = w2 (Q = 0) Q stays 0 and τP' = 2(λ − κ)P − (k/2)P², a Bernoulli equation",
        relation=Equality(sp.Matrix([P_FLOW, Q_FLOW]).subs(Q, 0), sp.Matrix([bernoulli_rhs(P, RATE_P), 0])),
        strategy=(steps.expand,),
        depends=("stable.pq_flow",),
    ),
    Claim(
        id="wdf.balanced_q_line",
        paper_ref="§5, Supp. C",
        title="on w1 = −w2 (P = 0) P stays 0 and τQ' = −2(λ + κ)Q − (k/2)Q²",
        relation=Equality(sp.Matrix([P_FLOW, Q_FLOW]).subs(P, 0), sp.Matrix([0, bernoulli_rhs(Q, RATE_Q)])),
        strategy=(steps.expand,),
        depends=("stable.pq_flow",),
    ),
    Claim(
        id="wdf.bernoulli_growth",
        paper_ref="§5, Supp. C",
        title="for m = a > 0, X = 1/(g/X0 + kh), g = e^{−2at/τ}, h = (1 − g)/(4a), solves "
              "τX' = 2aX − (k/2)X² with X(0) = X0",
        relation=Equality(
            sp.Matrix([tau * sp.Derivative(BERNOULLI_GROWTH, t) - bernoulli_rhs(BERNOULLI_GROWTH, a),
                       BERNOULLI_GROWTH.subs(t, 0)]),
            sp.Matrix([0, X0]),
        ),
        strategy=(steps.doit, steps.cancel),
        domain=_RATES,
    ),
    Claim(
        id="wdf.bernoulli_decay",
        paper_ref="§5, Supp. C",
        title="for m = −a < 0, X = X0 g/(1 + kX0h) solves τX' = −2aX − (k/2)X² with X(0) = X0",
        relation=Equality(
            sp.Matrix([tau * sp.Derivative(BERNOULLI_DECAY, t) - bernoulli_rhs(BERNOULLI_DECAY, -a),
                       BERNOULLI_DECAY.subs(t, 0)]),
            sp.Matrix([0, X0]),
        ),
        strategy=(steps.doit, steps.cancel),
        domain=_RATES,
    ),
    Claim(
        id="wdf.bernoulli_critical",
        paper_ref="§5, Supp. C",
        title="for m = 0, X = 1/(1/X0 + kt/(2τ)) solves τX' = −(k/2)X² with X(0) = X0",
        relation=Equality(
            sp.Matrix([tau * sp.Derivative(BERNOULLI_CRITICAL, t) - bernoulli_rhs(BERNOULLI_CRITICAL, 0),
                       BERNOULLI_CRITICAL.subs(t, 0)]),
            sp.Matrix([0, X0]),
        ),
        strategy=(steps.doit, steps.cancel),
        domain=_RATES,
    ),
    Claim(
        id="wdf.h_limit",
        paper_ref="§5, Supp. C",
        title="h = (1 − e^{−2at/τ})/(4a) tends to t/(2τ) as a → 0 (the guarded form's m = 0 branch)",
        relation=Limit(H_DECAY, a, 0, t / (2 * tau)),
        strategy=(steps.cancel,),
    ),
    Claim(
        id="wdf.kernel_growth",
        paper_ref="§5, Supp. C",
        title="for m > 0 the guarded form (|m|, expm1, X0 = 0 apart) is 1/(g/X0 + kh)",
        relation=Equality(BERNOULLI_GUARDED.subs({X0_nonneg: X0, m: a}), BERNOULLI_GROWTH),
        strategy=(steps.rewrite(sp.exp), steps.cancel),
        depends=("wdf.bernoulli_growth",),
        domain=_RATES,
    ),
    Claim(
        id="wdf.kernel_decay",
        paper_ref="§5, Supp. C",
        title="for m < 0 the guarded form is X0 g/(1 + kX0h)",
        relation=Equality(BERNOULLI_GUARDED.subs({X0_nonneg: X0, m: -a}), BERNOULLI_DECAY),
        strategy=(steps.rewrite(sp.exp), steps.cancel),
        depends=("wdf.bernoulli_decay",),
        domain=_RATES,
    ),
    Claim(
        id="wdf.kernel_critical",
        paper_ref="§5, Supp. C",
        title="for m = 0 the guarded form is 1/(1/X0 + kt/(2τ))",
        relation=Equality(sp.Subs(BERNOULLI_GUARDED, (X0_nonneg, m), (X0, 0)), BERNOULLI_CRITICAL),
        strategy=(steps.doit, steps.cancel),
        depends=("wdf.bernoulli_critical", "wdf.h_limit"),
        domain=_RATES,
    ),
    Claim(
        id="wdf.kernel_origin",
        paper_ref="§5, Supp. C",
        title="from X0 = 0 the guarded form is 0, the solution that stays at the origin",
        relation=Equality(sp.Subs(BERNOULLI_GUARDED, X0_nonneg, 0), 0),
        strategy=(steps.doit,),
        depends=("wdf.balanced_p_line", "wdf.balanced_q_line"),
    ),
    Claim(
        id="wdf.balanced_logistic",
        paper_ref="§5, Eq. (7), Supp. C",
        title="on w1 = w2, w = P/4 with m = λ − κ > 0 is the logistic w∞G/(G − 1 + w∞/w0) of wd.logistic_solves_ode",
        relation=Equality(BERNOULLI_GROWTH.subs({X0: 4 * w0, a: lam - kappa, k: lam + eps}) / 4, LOGISTIC_MODE),
        strategy=(steps.rewrite(sp.exp), steps.cancel),
        depends=("wdf.bernoulli_growth", "wdf.balanced_p_line", "wd.logistic_solves_ode"),
        domain={w0: Interval(1e-3, 2.0, log=True), t: Interval(0.0, 20.0), kappa: Interval(0.0, 5.0)},
        condition=kappa < lam,
    ),
    Claim(
        id="wdf.product_decay",
        paper_ref="Supp. C, stable form",
        title="τ(PQ)' = −4κPQ: the squared imbalance c² = PQ decays at rate 4κ/τ (noise or not)",
        relation=Equality(P_FLOW * Q + P * Q_FLOW, -4 * kappa * P * Q),
        strategy=(steps.expand,),
        depends=("stable.pq_flow", "suppC.imbalance_ode"),
    ),
    Claim(
        id="wdf.product_solution",
        paper_ref="Supp. C, stable form",
        title="hence P(t)Q(t) = P0Q0 e^{−4κt/τ}",
        relation=Equality(
            sp.Matrix([tau * sp.Derivative(PRODUCT, t) + 4 * kappa * PRODUCT, PRODUCT.subs(t, 0)]),
            sp.Matrix([0, P0 * Q0]),
        ),
        strategy=(steps.doit, steps.expand),
        depends=("wdf.product_decay",),
    ),
    Claim(
        id="wdf.log_p_flow",
        paper_ref="Supp. C, stable form",
        title="with Q = e^{L − 4κu}/P, L = ln(P0Q0), u = t/τ: y = ln P obeys "
              "dy/du = 2(λ − κ) − (k/2)(e^y − e^{L − 4κu − y})",
        relation=Equality(
            (P_FLOW / P).subs(Q, PRODUCT / P).subs(t, u * tau).subs(P, sp.exp(y)),
            LOG_P_RHS,
        ),
        strategy=(steps.subs(_where_L, "L → ln(P0Q0)"), steps.expand, steps.powsimp),
        depends=("wdf.product_solution", "stable.pq_flow"),
        where=_where_L,
        domain={u: Interval(0.0, 20.0), y: Interval(-30.0, 5.0)},
    ),
    Claim(
        id="wdf.log_p_mapping",
        paper_ref="Supp. C, stable form",
        title="the mapping w = (P − Q)/4 is (e^y − e^{L − 4κu − y})/4 in terms of y = ln P",
        relation=Equality(((P - PRODUCT / P) / 4).subs(t, u * tau).subs(P, sp.exp(y)), LOG_P_MAPPING),
        strategy=(steps.subs(_where_L, "L → ln(P0Q0)"), steps.expand, steps.powsimp),
        depends=("wdf.product_solution", "stable.pq_coordinates"),
        where=_where_L,
        domain={u: Interval(0.0, 20.0), y: Interval(-30.0, 5.0)},
    ),
    Claim(
        id="wdf.riccati",
        paper_ref="Supp. C, stable form",
        title="with Q = c0² e^{−4κu}/P, P obeys the Riccati equation dP/du = 2mP − (k/2)P² + (k/2)c0² e^{−4κu}, "
              "m = λ − κ",
        relation=Equality(
            P_FLOW.subs(Q, c0**2 * sp.exp(-4 * kappa * u) / P),
            riccati_rhs(P, sp.exp(-4 * kappa * u)).subs(m, RATE_P),
        ),
        strategy=(steps.expand,),
        depends=("wdf.product_solution", "stable.pq_flow"),
    ),
    Claim(
        id="wdf.bessel_solution",
        paper_ref="Supp. C, stable form",
        title="z = (kc0/(4κ))e^{−2κu} (so d/du = −2κz d/dz) linearises it: P = (2m − 4κzψ'/ψ)/k solves it "
              "for ψ = A I_ν(z) + B K_ν(z), ν = |m|/(2κ): any solution of z²ψ'' + zψ' − (z² + ν²)ψ = 0",
        relation=Equality(
            -2 * kappa * z * sp.Derivative(P_BESSEL, z),
            riccati_rhs(P_BESSEL, (z / BESSEL_BETA) ** 2),
        ),
        strategy=(_GENERAL_PSI, steps.doit, _BESSEL_PSI2, steps.cancel),
        depends=("wdf.riccati",),
        domain={z: Interval(0.1, 10.0, log=True), m: Interval(-5.0, 5.0), kappa: Interval(0.1, 5.0, log=True),
                k: Interval(0.1, 10.0, log=True), c0: Interval(0.1, 5.0, log=True),
                A_b: Interval(0.1, 2.0, log=True), B_b: Interval(0.1, 2.0, log=True)},
        use_equals=False,
    ),
]
