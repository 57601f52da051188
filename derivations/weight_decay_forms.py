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
   terms: no overflow for any ``t`` and no cancellation. The kernel evaluates
   :data:`BERNOULLI_KERNEL`, which the ``wdf.kernel_*`` claims reduce to these.
2. **General starts.** The imbalance decays (Supp. C): ``PQ = P0Q0 e^{−4κt/τ}``.
   So ``y = ln P`` obeys one scalar ODE in ``u = t/τ``,

       dy/du = 2(λ − κ) − (k/2)(e^y − e^{L − 4κu − y}),   L = ln(P0Q0),

   and ``w = (e^y − e^{L − 4κu − y})/4``. The compiled integrator of
   :mod:`symdae.codegen.ode` evaluates :data:`LOG_P_RHS` and
   :data:`LOG_P_MAPPING`: in ``ln P`` a relative error in ``P`` is an absolute
   one in ``y``, so weights of any magnitude (down to 1e-150) are integrated
   alike, and ``P, Q > 0`` hold by construction.
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
from symdae.derivations.stable_forms import P0, Q0, P, Q, k
from symdae.derivations.weight_decay import LOGISTIC_MODE
from symdae.symbols import eps, kappa, lam, t, tau, w, w0

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

# The kernel's expression: X0, m, k are the kernel's inputs (any real values it meets).
X0_ = sp.Symbol("X0_", nonnegative=True)
m_ = sp.Symbol("m_", real=True)
k_ = sp.Symbol("k_", nonnegative=True)
_x = 2 * sp.Abs(m_) * t / tau
_G_KERNEL = sp.exp(-_x)
_H_KERNEL = sp.Piecewise((t / (2 * tau), sp.Eq(m_, 0)), (-expm1(-_x) / (4 * sp.Abs(m_)), True))
BERNOULLI_KERNEL = sp.Piecewise(
    (0, sp.Eq(X0_, 0)),
    (X0_ * _G_KERNEL / (1 + k_ * X0_ * _H_KERNEL), m_ < 0),
    (1 / (_G_KERNEL / X0_ + k_ * _H_KERNEL), True),
)
"""``X(t)`` of ``τX' = 2mX − (k/2)X²`` from ``X0 ≥ 0``, every sign of ``m``: what the kernel evaluates."""

# --- the balanced lines --------------------------------------------------------------------
_P_FLOW = 2 * P * (lam - kappa - k * (P - Q) / 4)
_Q_FLOW = -2 * Q * (lam + kappa - k * (P - Q) / 4)
_K_IS = steps.subs({k: lam + eps}, "k → λ + ε")
RATE_P = lam - kappa
"""``m`` of ``P`` on the line ``w1 = w2``."""
RATE_Q = -(lam + kappa)
"""``m`` of ``Q`` on the line ``w1 = −w2``."""

# --- the general start: y = ln P with PQ = P0 Q0 e^{−4κu} ---------------------------------
u = sp.Symbol("u", nonnegative=True)  # u = t/τ
y = sp.Symbol("y", real=True)  # y = ln P
L = sp.Symbol("L", real=True)  # L = ln(P0 Q0)
PRODUCT = P0 * Q0 * sp.exp(-4 * kappa * t / tau)
"""``P(t)Q(t)``: the imbalance ``c0² = P0Q0`` decays as ``e^{−4κt/τ}``."""
_Q_OF_Y = sp.exp(L - 4 * kappa * u - y)
LOG_P_RHS = 2 * (lam - kappa) - k / 2 * (sp.exp(y) - _Q_OF_Y)
"""``dy/du`` for ``y = ln P``, ``u = t/τ``, ``L = ln(P0Q0)``."""
LOG_P_MAPPING = (sp.exp(y) - _Q_OF_Y) / 4
"""The mapping ``w = (P − Q)/4`` in terms of ``y``."""

# --- the Riccati equation of P and its Bessel linearisation -----------------------------------
z = sp.Symbol("z", positive=True)  # z = (k c0/(4κ)) e^{−2κu}
c0_ = sp.Symbol("c0", positive=True)
kappa_p = sp.Symbol("kappa", positive=True)  # κ > 0 here (the substitution divides by κ)
psi = sp.Function("psi")


def riccati_rhs(x: sp.Expr, decay: sp.Expr) -> sp.Expr:
    """``dP/du = 2mP − (k/2)P² + (k/2)c0² e^{−4κu}`` with ``e^{−4κu} = decay``."""
    return 2 * m * x - k / 2 * x**2 + k / 2 * c0_**2 * decay


BESSEL_BETA = k * c0_ / (4 * kappa_p)
"""``β = kc0/(4κ)``: ``z = β e^{−2κu}``."""
BESSEL_ORDER = sp.Abs(m) / (2 * kappa_p)
"""``ν = |m|/(2κ)`` (the Bessel equation depends on ``ν²`` only)."""
A_b, B_b = sp.symbols("A B", positive=True)
PSI_BESSEL = A_b * sp.besseli(BESSEL_ORDER, z) + B_b * sp.besselk(BESSEL_ORDER, z)
"""``ψ = A I_ν(z) + B K_ν(z)``: every solution of the modified Bessel equation of order ``ν``."""
P_BESSEL = (2 * m - 4 * kappa_p * z * sp.Derivative(PSI_BESSEL, z) / PSI_BESSEL) / k
"""``P = (2m − 4κ zψ'/ψ)/k``; ``A/B`` is fixed by ``P(0) = P0`` at ``z = β``."""
_GENERAL_PSI = steps.subs({PSI_BESSEL: psi(z)}, "ψ = A I_ν + B K_ν → any solution ψ(z) of the Bessel equation")
_BESSEL_PSI2 = steps.subs(
    {psi(z).diff(z, 2): ((z**2 + m**2 / (4 * kappa_p**2)) * psi(z) - z * psi(z).diff(z)) / z**2},
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
        relation=Equality(sp.Matrix([_P_FLOW, _Q_FLOW]).subs(Q, 0), sp.Matrix([bernoulli_rhs(P, RATE_P), 0])),
        strategy=(steps.expand,),
        depends=("stable.pq_flow",),
    ),
    Claim(
        id="wdf.balanced_q_line",
        paper_ref="§5, Supp. C",
        title="on w1 = −w2 (P = 0) P stays 0 and τQ' = −2(λ + κ)Q − (k/2)Q²",
        relation=Equality(sp.Matrix([_P_FLOW, _Q_FLOW]).subs(P, 0), sp.Matrix([0, bernoulli_rhs(Q, RATE_Q)])),
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
        title="h = (1 − e^{−2at/τ})/(4a) tends to t/(2τ) as a → 0 (the kernel's m = 0 branch)",
        relation=Limit(H_DECAY, a, 0, t / (2 * tau)),
        strategy=(steps.cancel,),
    ),
    Claim(
        id="wdf.kernel_growth",
        paper_ref="§5, Supp. C",
        title="for m > 0 the kernel's expression (|m|, expm1, guards) is 1/(g/X0 + kh)",
        relation=Equality(BERNOULLI_KERNEL.subs({X0_: X0, m_: a, k_: k}), BERNOULLI_GROWTH),
        strategy=(steps.rewrite(sp.exp), steps.cancel),
        depends=("wdf.bernoulli_growth",),
        domain=_RATES,
    ),
    Claim(
        id="wdf.kernel_decay",
        paper_ref="§5, Supp. C",
        title="for m < 0 the kernel's expression is X0 g/(1 + kX0h)",
        relation=Equality(BERNOULLI_KERNEL.subs({X0_: X0, m_: -a, k_: k}), BERNOULLI_DECAY),
        strategy=(steps.rewrite(sp.exp), steps.cancel),
        depends=("wdf.bernoulli_decay",),
        domain=_RATES,
    ),
    Claim(
        id="wdf.kernel_critical",
        paper_ref="§5, Supp. C",
        title="for m = 0 the kernel's expression is 1/(1/X0 + kt/(2τ))",
        relation=Equality(sp.Subs(BERNOULLI_KERNEL, (X0_, m_, k_), (X0, 0, k)), BERNOULLI_CRITICAL),
        strategy=(steps.doit, steps.cancel),
        depends=("wdf.bernoulli_critical", "wdf.h_limit"),
        domain=_RATES,
    ),
    Claim(
        id="wdf.kernel_origin",
        paper_ref="§5, Supp. C",
        title="from X0 = 0 the kernel returns 0, the solution that stays at the origin",
        relation=Equality(sp.Subs(BERNOULLI_KERNEL, X0_, 0), 0),
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
        relation=Equality(_P_FLOW * Q + P * _Q_FLOW, -4 * kappa * P * Q),
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
            (_P_FLOW / P).subs(Q, PRODUCT / P).subs(t, u * tau).subs(P, sp.exp(y)),
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
            _P_FLOW.subs(Q, c0_**2 * sp.exp(-4 * kappa * u) / P),
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
            -2 * kappa_p * z * sp.Derivative(P_BESSEL, z),
            riccati_rhs(P_BESSEL, (z / BESSEL_BETA) ** 2).subs(kappa, kappa_p),
        ),
        strategy=(_GENERAL_PSI, steps.doit, _BESSEL_PSI2, steps.cancel),
        depends=("wdf.riccati",),
        domain={z: Interval(0.1, 10.0, log=True), m: Interval(-5.0, 5.0), kappa_p: Interval(0.1, 5.0, log=True),
                k: Interval(0.1, 10.0, log=True), c0_: Interval(0.1, 5.0, log=True),
                A_b: Interval(0.1, 2.0, log=True), B_b: Interval(0.1, 2.0, log=True)},
        use_equals=False,
    ),
]

# --- the coordinates of the kernels (symdae.codegen.ode): the mapping's own flow ---------------
#
# The kernels integrate the mapping w itself (relative accuracy of w, no P − Q cancellation),
# with E = PQ = P0Q0 e^{−4κu} known in closed form (wdf.product_solution), so N = (P + Q)/2 =
# w1² + w2² = √(4w² + E) is a function of w and u. Two charts of that one scalar ODE:
# v = ln|w| away from w = 0 (exponential phases are straight lines there) and the ratio
# r = w/√E near a crossing of zero. The step functions are written in the dimensionless form
# h·(rate) that the integrator evaluates (every coefficient a product with the step h).

a_w = sp.Symbol("a_w", positive=True)  # |w|
E_u = sp.Symbol("E_u", positive=True)  # E = PQ = P0 Q0 e^{−4κu}
N_n = sp.Symbol("N_n", positive=True)  # N as a symbol: N² = 4w² + E
h_s = sp.Symbol("h", positive=True)  # the integrator's step in u
e_hat = sp.Symbol("ehat", positive=True)  # E/w² in the log chart
two_m, s_a, B_s = sp.symbols("two_m s_a B", real=True)  # the log chart's scaled coefficients
s_aq, B_q = sp.symbols("s_aq B_q", real=True)  # s_a/ρ and B/ρ
rho_s = sp.Symbol("rho", positive=True)  # the log chart's scale of q: ẽ = ρ²ê keeps it finite for any E/w²
r_s = sp.Symbol("r", real=True)  # r = w/√E
sqrt_E = sp.Symbol("sqrtE", positive=True)  # √E
R_s = sp.Symbol("R", positive=True)  # the ratio chart's frame: r = R Y
Y_s = sp.Symbol("Y", real=True)
r_a, r_b, r_c = sp.symbols("r_a r_b r_c", real=True)  # the ratio chart's scaled coefficients
W_N = sp.sqrt(4 * w**2 + E_u)
"""``N = (P + Q)/2 = w1² + w2²`` in terms of the mapping: ``N² = 4w² + PQ``."""
W_FLOW = (lam - k * w) * W_N - 2 * kappa * w
"""``dw/du`` (``u = t/τ``): the flow of the mapping alone, given ``E = PQ``."""
_w_pq = (P - Q) / 4


def _w_split(sign: int) -> sp.Expr:
    """``W_FLOW`` at ``w = sign·|w|`` with the ``λ − κ`` (or ``λ + κ``) term apart and ``N − 2|w| = E/(N + 2|w|)``."""
    wv = sign * a_w
    return 2 * a_w * (lam - sign * kappa - k * wv) + (lam - k * wv) * E_u / (N_n + 2 * a_w)


LOG_Q = e_hat / (sp.sqrt(4 * rho_s**2 + e_hat) + 2 * rho_s)
"""``ρq = √(4ρ² + ẽ) − 2ρ`` without cancellation, ``q = (N − 2|w|)/|w|``, ``ẽ = ρ²E/w²`` (here ``ehat``)."""
LOG_G = two_m - 2 * B_s + (s_aq - B_q) * LOG_Q
"""Log chart: ``h dv/du`` for ``v = ln|w|``, with ``two_m = 2σh(λ − σκ)``, ``B = hk|w|``, ``s_aq = σhλ/ρ``,
``B_q = B/ρ`` and ``ehat = ρ²E/w²``, for any ``ρ > 0`` (the kernel takes ``ρ = 1/√max(1, E/w²)``)."""
LOG_DG = -(4 * B_s * rho_s + s_aq * e_hat) / sp.sqrt(4 * rho_s**2 + e_hat)
"""Log chart: ``∂(h dv/du)/∂v`` (at fixed ``u``)."""
RATIO_FLOW = (lam - k * sqrt_E * r_s) * sp.sqrt(4 * r_s**2 + 1)
"""``dr/du`` for ``r = w/√E`` (``√E`` decays as ``e^{−2κu}``): no exponential factor near a crossing."""
RATIO_G = (r_a - r_b * Y_s) * sp.sqrt(r_c * Y_s**2 + 1)
"""Ratio chart: ``(h/R) dr/du`` at ``r = RY``, with ``r_a = hλ/R``, ``r_b = hk√E``, ``r_c = 4R²``."""
RATIO_DG = -r_b * sp.sqrt(r_c * Y_s**2 + 1) + (r_a - r_b * Y_s) * r_c * Y_s / sp.sqrt(r_c * Y_s**2 + 1)
"""Ratio chart: ``∂/∂Y`` of :data:`RATIO_G`."""


i_a, i_b, i_e = sp.symbols("i_a i_b i_e", real=True)  # the inverse chart's scaled coefficients
i_ce = sp.Symbol("i_ce", real=True)  # σhλ·i_e, formed in extended arithmetic: hλ may be huge where E is tiny
Y_a = sp.Symbol("Y_a", positive=True)  # |Y|
INV_Q = i_e * Y_s**2 / (sp.sqrt(4 + i_e * Y_s**2) + 2)
"""``q = √(4 + E/w²) − 2`` in the inverse chart: ``E/w² = Ey² = i_e Y²`` with ``i_e = ER²``."""
INV_G = i_a * (2 + INV_Q) - Y_s * (i_b + i_ce * Y_s**2 / (sp.sqrt(4 + i_e * Y_s**2) + 2))
"""Inverse chart ``y = 1/w = RY``: ``(h/R) dy/du``, with ``i_a = σhk/R``, ``i_b = 2σh(λ − σκ)``,
``i_ce = σhλ·i_e`` and ``i_e = ER²`` (σ the sign of w): ``i_c q`` with ``i_c = σhλ`` as one coefficient, so
that neither ``hλ`` (huge for a long step) nor ``E`` (tiny once decayed) need be representable on its own.
The relaxation from large weights, ``w ≈ 1/(2ku)``, is a straight line here."""
INV_DG = sp.diff(INV_G, Y_s)
"""Inverse chart: ``∂/∂Y`` of :data:`INV_G`."""


def _inverse_chart_sides(sign: int) -> tuple[sp.Matrix, sp.Matrix]:
    values = {i_a: sign * h_s * k / R_s, i_b: 2 * sign * h_s * (lam - sign * kappa), i_ce: sign * h_s * lam * i_e}
    kernel = sp.Matrix([INV_G, INV_DG]).subs(values).subs(Y_s, sign * Y_a)
    inverse = -W_FLOW.subs(w, sign / (R_s * Y_a)) * (R_s * Y_a) ** 2  # dy/du = −(dw/du)/w², y = σRY_a
    truth = sp.Matrix([h_s / R_s * inverse, h_s * sign / R_s * sp.diff(inverse, Y_a)]).subs(E_u, i_e / R_s**2)
    return kernel, truth


_INV_PLUS, _INV_PLUS_TRUTH = _inverse_chart_sides(1)
_INV_MINUS, _INV_MINUS_TRUTH = _inverse_chart_sides(-1)
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


_LOG_PLUS, _LOG_PLUS_TRUTH = _log_chart_sides(1)
_LOG_MINUS, _LOG_MINUS_TRUTH = _log_chart_sides(-1)
_Q_RATIONAL = steps.subs({LOG_Q: sp.sqrt(4 * rho_s**2 + e_hat) - 2 * rho_s},
                         "ẽ/(√(4ρ² + ẽ) + 2ρ) = √(4ρ² + ẽ) − 2ρ (wdf.log_q)",
                         proof=(steps.numerator, steps.expand))
_N_SYMBOL = steps.subs({sp.sqrt(4 * a_w**2 + E_u): N_n}, "N = √(4w² + E)")
_RATIO_VALUES = {r_a: h_s * lam / R_s, r_b: h_s * k * sqrt_E, r_c: 4 * R_s**2}

# --- balanced starts, in the mapping: the closed forms of the kernels ------------------------
x0_b = sp.Symbol("x0", positive=True)  # |w0|
a_r = sp.Symbol("a_r", positive=True)  # |m|: λ − κ or κ − λ on w1 = w2, λ + κ on w1 = −w2
g_b, D_b = sp.symbols("g D", positive=True)  # the kernel's inputs: g = e^{−2au}, D = (1 − g)/a
G_W = sp.exp(-2 * a_r * u)
D_W = (1 - G_W) / a_r
BALANCED_GROWTH_KERNEL = 1 / (g_b / x0_b + k * D_b)
"""``w`` on ``w1 = w2`` for ``λ ≥ κ`` (``a = λ − κ``; ``g = 1``, ``D = 2u`` at ``a = 0``): what the kernel evaluates."""
BALANCED_DECAY_KERNEL = x0_b * g_b / (1 + k * x0_b * D_b)
"""``|w|`` for ``w1 = w2``, ``λ < κ`` (``a = κ − λ``) and for ``w1 = −w2`` (``a = λ + κ``)."""
BALANCED_GROWTH = BALANCED_GROWTH_KERNEL.subs({g_b: G_W, D_b: D_W})
BALANCED_DECAY = BALANCED_DECAY_KERNEL.subs({g_b: G_W, D_b: D_W})
BALANCED_CRITICAL = 1 / (1 / x0_b + 2 * k * u)
_phi_x = 2 * a_r * u
D_SMALL = 2 * u * (-expm1(-_phi_x) / _phi_x)
"""The kernel's ``D`` for ``2au < 1``: ``2u φ(2au)``, ``φ(x) = −expm1(−x)/x``."""
D_LARGE = -expm1(-_phi_x) / a_r
"""The kernel's ``D`` for ``2au ≥ 1``."""
_x_b = sp.Symbol("x", positive=True)
with sp.evaluate(False):  # shown as built: (2m(4x) − (k/2)(4x)²)/4 on each line
    _BALANCED_W_RHS = [bernoulli_rhs(4 * _x_b, RATE_P) / 4, bernoulli_rhs(4 * _x_b, RATE_Q) / 4]


# --- discrete gradient descent in a scaled frame (gd_iterates) --------------------------------
S_gd = sp.Symbol("S", positive=True)  # the frame: w = S ŵ, a power of two
w1_hat, w2_hat = sp.symbols("w1_hat w2_hat", real=True)
b_gd, c_gd, d_gd = sp.symbols("b c d", real=True)  # λ/τ, κ/τ, (λ + ε)S²/τ
GD_G = b_gd - d_gd * w1_hat * w2_hat
GD_DELTA = (w2_hat * GD_G - c_gd * w1_hat, w1_hat * GD_G - c_gd * w2_hat)
"""The update of ``(ŵ1, ŵ2)`` in the frame: ``ŵ ← ŵ + δ``."""


def _gd_step_sides() -> tuple[sp.Matrix, sp.Matrix]:
    from symdae.derivations.stable_forms import lam_k
    from symdae.model import mode_flow
    from symdae.symbols import w1, w2

    flow1, flow2 = mode_flow(w1, w2, lam_k, eps, kappa)
    frame = {w1_hat: w1 / S_gd, w2_hat: w2 / S_gd, b_gd: lam_k / tau, c_gd: kappa / tau,
             d_gd: (lam_k + eps) * S_gd**2 / tau}
    scaled = sp.Matrix([S_gd * (w1_hat + GD_DELTA[0]), S_gd * (w2_hat + GD_DELTA[1])]).subs(frame)
    return scaled, sp.Matrix([w1 + flow1 / tau, w2 + flow2 / tau])


_GD_SCALED, _GD_STEP = _gd_step_sides()

CLAIMS += [
    Claim(
        id="wdf.w_flow",
        paper_ref="Supp. C, stable form (symdae)",
        title="the mapping alone: τw' = (λ − kw)N − 2κw with N = (P + Q)/2 = w1² + w2² and N² = 4w² + PQ",
        relation=Equality(
            sp.Matrix([(_P_FLOW - _Q_FLOW) / 4, ((P + Q) / 2) ** 2]),
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
        relation=Equality(_LOG_PLUS.col_join(_LOG_MINUS), _LOG_PLUS_TRUTH.col_join(_LOG_MINUS_TRUTH)),
        strategy=(steps.factor_deep, _Q_RATIONAL, steps.expand),
        depends=("wdf.w_flow", "wdf.w_flow_split", "wdf.log_q"),
    ),
    Claim(
        id="wdf.inverse_chart",
        paper_ref="Supp. C, stable form (symdae)",
        title="inverse chart y = 1/w = RY: the kernel's i_a(2 + q) − Y(i_b + i_ce Y²/(√(4 + i_eY²) + 2)) and its "
              "∂/∂Y, with i_a = σhk/R, i_b = 2σh(λ − σκ), i_e = ER², i_ce = σhλ i_e, q = √(4 + E/w²) − 2, are "
              "(h/R) dy/du and h ∂(dy/du)/∂y",
        relation=Equality(_INV_PLUS.col_join(_INV_MINUS), _INV_PLUS_TRUTH.col_join(_INV_MINUS_TRUTH)),
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
    Claim(
        id="wdf.balanced_w_lines",
        paper_ref="§5, Supp. C (symdae)",
        title="in the mapping: on w1 = w2, dw/du = 2(λ − κ)w − 2kw²; on w1 = −w2, x = −w obeys "
              "dx/du = −2(λ + κ)x − 2kx²",
        relation=Equality(
            sp.Matrix(_BALANCED_W_RHS),
            sp.Matrix([2 * (lam - kappa) * _x_b - 2 * k * _x_b**2, -2 * (lam + kappa) * _x_b - 2 * k * _x_b**2]),
        ),
        strategy=(steps.expand,),
        depends=("wdf.balanced_p_line", "wdf.balanced_q_line"),
    ),
    Claim(
        id="wdf.balanced_w_growth",
        paper_ref="§5, Eq. (7), Supp. C (symdae)",
        title="w = 1/(g/w0 + kD), g = e^{−2au}, D = (1 − g)/a, solves dw/du = 2aw − 2kw² with w(0) = w0",
        relation=Equality(sp.Matrix([sp.Derivative(BALANCED_GROWTH, u) - 2 * a_r * BALANCED_GROWTH
                                     + 2 * k * BALANCED_GROWTH**2, BALANCED_GROWTH.subs(u, 0)]),
                          sp.Matrix([0, x0_b])),
        strategy=(steps.doit, steps.cancel),
        depends=("wdf.balanced_w_lines",),
    ),
    Claim(
        id="wdf.balanced_w_decay",
        paper_ref="§5, Supp. C (symdae)",
        title="x = x0 g/(1 + kx0D) solves dx/du = −2ax − 2kx² with x(0) = x0",
        relation=Equality(sp.Matrix([sp.Derivative(BALANCED_DECAY, u) + 2 * a_r * BALANCED_DECAY
                                     + 2 * k * BALANCED_DECAY**2, BALANCED_DECAY.subs(u, 0)]),
                          sp.Matrix([0, x0_b])),
        strategy=(steps.doit, steps.cancel),
        depends=("wdf.balanced_w_lines",),
    ),
    Claim(
        id="wdf.balanced_w_critical",
        paper_ref="§5, Supp. C (symdae)",
        title="w = 1/(1/w0 + 2ku) solves dw/du = −2kw² (λ = κ), and is the growth form at g = 1, D = 2u",
        relation=Equality(
            sp.Matrix([sp.Derivative(BALANCED_CRITICAL, u) + 2 * k * BALANCED_CRITICAL**2,
                       BALANCED_CRITICAL.subs(u, 0), BALANCED_GROWTH_KERNEL.subs({g_b: 1, D_b: 2 * u})]),
            sp.Matrix([0, x0_b, BALANCED_CRITICAL]),
        ),
        strategy=(steps.doit, steps.cancel),
        depends=("wdf.balanced_w_lines",),
    ),
    Claim(
        id="wdf.balanced_d_forms",
        paper_ref="§5, Supp. C (symdae)",
        title="the kernel's D: 2u·(−expm1(−2au)/(2au)) and −expm1(−2au)/a both equal (1 − e^{−2au})/a",
        relation=Equality(sp.Matrix([D_SMALL, D_LARGE]), sp.Matrix([D_W, D_W])),
        strategy=(steps.rewrite(sp.exp), steps.cancel),
    ),
    Claim(
        id="wdf.gd_scaled_step",
        paper_ref="§3.2, Eqs. (2)–(4), Supp. C (symdae)",
        title="gradient descent in a frame w = Sŵ: S(ŵ + δ) with δ1 = ŵ2(b − dŵ1ŵ2) − cŵ1, "
              "δ2 = ŵ1(b − dŵ1ŵ2) − cŵ2, b = λ/τ, c = κ/τ, d = (λ + ε)S²/τ, is the step w + (1/τ)(−∇ℓ)",
        relation=Equality(_GD_SCALED, _GD_STEP),
        strategy=(steps.expand,),
        depends=("eq2.gradient_flow", "eq3.gradient_flow"),
    ),
]
