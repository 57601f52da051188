"""Eq. (5) as a ratio of sign-definite forms, in units that fit any float64 input (symdae; not in the paper).

The stable form of :mod:`~symdae.derivations.stable_forms` evaluates
``w = (P − Q)/4``: a difference, which loses every digit of a small mapping
(``w1 = 1, w2 = 1e-12``, or the fixed point λ/(λ + ε) = 1e-8 reached from an
unbalanced start), and its coefficients (``P0 = (w1 + w2)²``, ``b``, ``e^{−x}``)
under- or overflow float64 for weights beyond 1e±154 or times past
``x = Rt/τ ≈ 745``. The kernels evaluate the same solution as

    w = S² E F / (4 D_P D_Q),

with ``P = p² D_Q/D_P`` and ``Q = q² D_P/D_Q`` (``p = |w1 + w2|``, ``q = |w2 − w1|``),
``E = p D_Q − q D_P`` and ``F = p D_Q + q D_P``, everything written in
*normalised* variables: a power of two ``S`` of the size of the weights
(``p̂ = p/S``, ``q̂ = q/S``, ``ŝ = p̂ + q̂``, ``d̂ = p̂ − q̂``), and

    λ̂ = 2λ/R,   m̂ = kc0/R,   T = kS²/(2R)    (λ̂² + m̂² = 1, m̂ = 2p̂q̂T),

so that each of ``D_P``, ``D_Q``, ``F`` and ``E`` is a form ``u·(1 − g) + v + w·g``
in ``g = e^{−Rt/τ}`` whose coefficients are sums of non-negative terms when
``d̂ >= 0``; for ``d̂ < 0`` (a start with ``w1 w2 < 0``, which crosses zero) ``E``
is a difference of two such forms, written one way for ``Rt/τ <= 1`` and
another for later times, each free of cancellation except at the crossing
itself. The kernel carries each coefficient as an extended float (a float64
mantissa and an unbounded exponent, :mod:`symdae.kernels._xf`), so the only
rounding to float64 is that of the result.

The coefficient tables the kernel is generated from are the programs
``FORMS_NONNEG`` and ``FORMS_NEG`` of :mod:`symdae.codegen.programs.trajectory`;
the claims below prove that they are the stable form (hence the printed
Eq. (5)), that every coefficient is non-negative, and that the normalisation
the kernel computes gives ``λ̂``, ``m̂``, ``T``. The time to reach a fraction of
the fixed point is treated the same way (``TIME_RATIO_KERNEL`` there).
"""

from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import hypot

from symdae.checking import Claim, Equality, Inequality, Interval, steps
from symdae.codegen.programs.trajectory import FORMS_NEG, FORMS_NONNEG, GAP_START, GAP_TARGET, PI_TARGET
from symdae.derivations.stable_forms import P0, Q0, W_OF_G, R, g, time_ratio
from symdae.symbols import T_w, a_hat, d_hat, fraction, k, lam, lam_hat, m_hat, p_hat, q_hat, s_hat, tau

# --- normalised variables (λ̂, m̂, T, p̂, q̂, ŝ, d̂, â: symdae.symbols) ----------------------------
S_w = sp.Symbol("S_w", positive=True)  # the power of two of the weights' size
kc0 = sp.Symbol("kc0", real=True)  # k c0

UNIT_CIRCLE = lam_hat**2 + m_hat**2 - 1
"""``λ̂² + m̂² = 1``: from ``R² = 4λ² + (kc0)²``."""
_M_OF_T = {m_hat: 2 * p_hat * q_hat * T_w}

em = 1 - g
"""``1 − e^{−Rt/τ}``: the kernel computes it with ``expm1`` (no cancellation at small times)."""


def form(u: sp.Expr, v: sp.Expr, w: sp.Expr) -> sp.Expr:
    """``u (1 − g) + v + w g``."""
    return u * em + v + w * g


# The generic forms (identities for either sign of d̂).
_A = (1 + lam_hat) / 2
_B = (1 - lam_hat) / 2
D_P = form(p_hat**2 * T_w, _B, _A)
D_Q = form(q_hat**2 * T_w, _A, _B)
E_FORM = (lam_hat * s_hat * em + d_hat * ((1 - m_hat) + (1 + m_hat) * g)) / 2
F_FORM = (m_hat * s_hat * em + s_hat * (1 + g) + lam_hat * d_hat * em) / 2
W_FORMS = S_w**2 * E_FORM * F_FORM / (4 * D_P * D_Q)
"""``w = S² E F / (4 D_P D_Q)`` in normalised variables."""

_STABLE_NORMALISED = W_OF_G.subs(
    {P0: S_w**2 * p_hat**2, Q0: S_w**2 * q_hat**2, lam: lam_hat * R / 2, k: 2 * R * T_w / S_w**2},
    simultaneous=True,
)
"""The stable form with ``P0 = S²p̂²``, ``Q0 = S²q̂²``, ``λ = λ̂R/2``, ``k = 2RT/S²``."""

# The kernel's coefficient tables (FORMS_NONNEG, FORMS_NEG of symdae.codegen.programs.trajectory): each
# entry is (u, v, w) of a form u (1 − g) + v + w g; the forms are, in order, D_P, D_Q, F, E+ (early,
# Rt/τ <= 1), E− (early), E+ (late), E− (late), with E = E+ − E−.


def _ratio(table: tuple[tuple[sp.Expr, sp.Expr, sp.Expr], ...], late: bool) -> sp.Expr:
    d_p, d_q, f, ep_early, em_early, ep_late, em_late = (form(*c) for c in table)
    e = ep_late - em_late if late else ep_early - em_early
    return S_w**2 * e * f / (4 * d_p * d_q)


_NEG_SUBS = {a_hat: q_hat - p_hat, d_hat: p_hat - q_hat, s_hat: p_hat + q_hat}
_NONNEG_SUBS = {s_hat: p_hat + q_hat, d_hat: p_hat - q_hat}
_MOD_CIRCLE = steps.modulo([UNIT_CIRCLE.subs(_M_OF_T)], [lam_hat])
_MOD_CIRCLE_M = steps.modulo([UNIT_CIRCLE], [lam_hat])
_DOMAIN = {p_hat: Interval(1e-3, 2.0, log=True), q_hat: Interval(1e-3, 2.0, log=True),
           T_w: Interval(1e-3, 1e2, log=True), a_hat: Interval(1e-3, 2.0, log=True),
           S_w: Interval(1e-3, 1e3, log=True), g: Interval(1e-6, 1.0, log=True)}
_WHERE_CIRCLE = {lam_hat: sp.sqrt(1 - 4 * p_hat**2 * q_hat**2 * T_w**2), m_hat: 2 * p_hat * q_hat * T_w}
_CIRCLE_CONDITION = 2 * p_hat * q_hat * T_w < 1

# --- normalisation ----------------------------------------------------------------------------
A_ratio = 2 * lam / (k * S_w**2)
"""``A = 2λ/(kS²)``: the kernel computes it (and everything below) in extended floats."""
H_norm = sp.sqrt(A_ratio**2 + p_hat**2 * q_hat**2)
R_NORMALISED = sp.sqrt(4 * lam**2 + k**2 * (S_w**2 * p_hat * q_hat) ** 2)
"""``R = √(4λ² + (kc0)²)`` with ``c0 = pq = S² p̂ q̂``."""

# --- time to a fraction of the fixed point ----------------------------------------------------
pi_0 = p_hat**2 * T_w  # k P0 / (2R)
nu_0 = q_hat**2 * T_w  # k Q0 / (2R)
pi_f = sp.Symbol("pi_f", positive=True)  # k P_f / (2R) at the target
G_f = sp.Symbol("G_f", positive=True)  # (R + 2λ − k P_f)/R
# The kernel's π_f, G_f and π_f − π, written without cancellation: PI_TARGET, GAP_TARGET and GAP_START of
# symdae.codegen.programs.trajectory, whose TIME_RATIO_KERNEL is TIME_RATIO_GENERIC with π_f − π = GAP_START
# and G_f = GAP_TARGET.
TIME_RATIO_GENERIC = (pi_f - pi_0) * ((1 + lam_hat) ** 2 + m_hat**2) / (pi_0 * G_f * (1 + lam_hat + 2 * nu_0))
W0_NORMALISED = d_hat * s_hat
"""``w1 w2 / (S²/4)``: compared with ``f w* / (S²/4) = f λ̂ / T``."""
W_STAR_NORMALISED = lam_hat / T_w
_HYPOT_SQRT = steps.Step("hypot(a, b) → √(a² + b²)",
                         lambda e: e.replace(hypot, lambda a, b: sp.sqrt(a**2 + b**2)))

_w1h, _w2h = sp.symbols("w1_hat w2_hat", real=True)

CLAIMS = [
    Claim(
        id="pf.ratio_of_forms",
        paper_ref="Eq. (5), stable form",
        title="w = (P − Q)/4 of the stable form is S² E F/(4 D_P D_Q) in normalised variables",
        relation=Equality(W_FORMS.subs(_M_OF_T).subs(_NONNEG_SUBS), _STABLE_NORMALISED.subs(_NONNEG_SUBS)),
        strategy=(steps.cancel,),
        depends=("stable.equals_eq5", "stable.pq_product"),
        domain=_DOMAIN,
        scope="λ̂ = 2λ/R is left free here: the identity holds without R² = 4λ² + (kc0)²",
    ),
    Claim(
        id="pf.table_nonneg",
        paper_ref="Eq. (5), stable form",
        title="for w1 w2 >= 0 the kernel's coefficient table gives S² E F/(4 D_P D_Q), early and late",
        relation=Equality(
            sp.Matrix([_ratio(FORMS_NONNEG, False), _ratio(FORMS_NONNEG, True)]).subs(_M_OF_T).subs(_NONNEG_SUBS),
            sp.Matrix([W_FORMS, W_FORMS]).subs(_M_OF_T).subs(_NONNEG_SUBS),
        ),
        strategy=(_MOD_CIRCLE,),
        depends=("pf.ratio_of_forms",),
        where=_WHERE_CIRCLE,
        domain=_DOMAIN,
        condition=_CIRCLE_CONDITION,
    ),
    Claim(
        id="pf.table_neg",
        paper_ref="Eq. (5), stable form",
        title="for w1 w2 < 0 the kernel's table (â = q̂ − p̂) gives S² E F/(4 D_P D_Q), early and late forms",
        relation=Equality(
            sp.Matrix([_ratio(FORMS_NEG, False), _ratio(FORMS_NEG, True)]).subs(_M_OF_T).subs(_NEG_SUBS),
            sp.Matrix([W_FORMS, W_FORMS]).subs(_M_OF_T).subs(_NEG_SUBS),
        ),
        strategy=(_MOD_CIRCLE,),
        depends=("pf.ratio_of_forms",),
        where=_WHERE_CIRCLE,
        domain=_DOMAIN,
        condition=sp.And(_CIRCLE_CONDITION, p_hat < q_hat),
    ),
    Claim(
        id="pf.coefficients_nonnegative",
        paper_ref="Eq. (5), stable form",
        title="every coefficient of both tables is >= 0 (for d̂ >= 0, and â = |d̂| > 0): no form cancels",
        relation=Inequality(
            sp.Min(*(c.subs(d_hat, sp.Symbol("d_nonneg", nonnegative=True))
                     for row in (*FORMS_NONNEG, *FORMS_NEG) for c in row), evaluate=False), ">=", 0),
        strategy=(steps.doit,),
        domain=_DOMAIN,
        scope="the minimum of the coefficients is >= 0 when every coefficient's sign follows from the "
        "symbols' assumptions (λ̂, m̂, d̂ >= 0; T, p̂, q̂, ŝ, â > 0)",
    ),
    Claim(
        id="pf.normalisation",
        paper_ref="Eq. (5), stable form",
        title="with A = 2λ/(kS²) and H = √(A² + p̂²q̂²): λ̂ = A/H, m̂ = p̂q̂/H, T = 1/(2H), R/τ = kS²H/τ",
        relation=Equality(
            sp.Matrix([A_ratio / H_norm, p_hat * q_hat / H_norm, 1 / (2 * H_norm), k * S_w**2 * H_norm / tau]),
            sp.Matrix([2 * lam / R_NORMALISED, k * S_w**2 * p_hat * q_hat / R_NORMALISED,
                       k * S_w**2 / (2 * R_NORMALISED), R_NORMALISED / tau]),
        ),
        strategy=(steps.together, steps.factor_deep),
        domain={k: Interval(1e-3, 1e3, log=True), S_w: Interval(1e-3, 1e3, log=True),
                p_hat: Interval(1e-3, 2.0, log=True), q_hat: Interval(1e-3, 2.0, log=True)},
    ),
    Claim(
        id="pf.unit_circle",
        paper_ref="Eq. (5), stable form",
        title="λ̂² + m̂² = 1 and m̂ = 2p̂q̂T for the normalised λ̂ = 2λ/R, m̂ = kc0/R, T = kS²/(2R)",
        relation=Equality(
            sp.Matrix([(2 * lam / R_NORMALISED) ** 2 + (k * S_w**2 * p_hat * q_hat / R_NORMALISED) ** 2,
                       k * S_w**2 * p_hat * q_hat / R_NORMALISED]),
            sp.Matrix([1, 2 * p_hat * q_hat * k * S_w**2 / (2 * R_NORMALISED)]),
        ),
        strategy=(steps.cancel,),
        depends=("pf.normalisation",),
    ),
    Claim(
        id="pf.product_form",
        paper_ref="Eq. (5), stable form",
        title="d̂ = p̂ − q̂ = 4ŵ1ŵ2/ŝ for p̂ = |ŵ1 + ŵ2|, q̂ = |ŵ2 − ŵ1|: the kernel forms it from w1 w2",
        relation=Equality(
            sp.Abs(_w1h + _w2h) - sp.Abs(_w2h - _w1h),
            4 * _w1h * _w2h / (sp.Abs(_w1h + _w2h) + sp.Abs(_w2h - _w1h)),
        ),
        strategy=(steps.numerator, steps.expand),
        domain={_w1h: Interval(1e-3, 2.0, log=True, signed=True), _w2h: Interval(1e-3, 2.0, log=True, signed=True)},
        scope="the numerator vanishes; the denominator |ŵ1 + ŵ2| + |ŵ2 − ŵ1| = 2 max(|ŵ1|, |ŵ2|) is positive "
        "off the origin",
    ),
    Claim(
        id="pf.time_ratio",
        paper_ref="§8 (training time), stable form",
        title="1/g_f − 1 = (π_f − π)((1+λ̂)² + m̂²)/(π G_f (1 + λ̂ + 2ν)), π = p̂²T, ν = q̂²T, π_f = kP_f/(2R)",
        relation=Equality(
            time_ratio(R + 2 * lam, k, P0, Q0, k * sp.sqrt(P0 * Q0), 2 * R * pi_f / k)
            .subs({P0: S_w**2 * p_hat**2, Q0: S_w**2 * q_hat**2, lam: lam_hat * R / 2,
                   k: 2 * R * T_w / S_w**2}, simultaneous=True),
            TIME_RATIO_GENERIC.subs(G_f, 1 + lam_hat - 2 * pi_f).subs(_M_OF_T),
        ),
        strategy=(steps.cancel,),
        depends=("stable.time_log1p",),
        domain={**_DOMAIN, pi_f: Interval(1e-3, 0.5, log=True), lam_hat: Interval(0.0, 0.999)},
        condition=2 * pi_f < 1 + lam_hat,
    ),
    Claim(
        id="pf.time_target",
        paper_ref="§8 (training time), stable form",
        title="π_f = kP_f/(2R) = (fλ̂ + hypot(fλ̂, m̂))/2 and G_f = 1 + λ̂ − 2π_f, written without cancellation",
        relation=Equality(
            sp.Matrix([(k * (2 * fraction * lam / k + sp.sqrt(4 * fraction**2 * lam**2 / k**2 + (kc0 / k) ** 2))
                        / (2 * R)).subs({lam: lam_hat * R / 2, kc0: m_hat * R}, simultaneous=True),
                       1 + lam_hat - 2 * PI_TARGET]),
            sp.Matrix([PI_TARGET, GAP_TARGET]),
        ),
        strategy=(_HYPOT_SQRT, steps.factor_deep, _MOD_CIRCLE_M),
        depends=("stable.target_P", "pf.unit_circle"),
        where={lam_hat: sp.sqrt(1 - m_hat**2)},
        domain={m_hat: Interval(1e-3, 0.999), fraction: Interval(0.0, 0.999)},
    ),
    Claim(
        id="pf.time_gap",
        paper_ref="§8 (training time), stable form",
        title="π_f − π = 2T(ŵ_f − ŵ0)(P̂_f + P̂0)/(ŝ_f + ŝ0), ŵ = w/S², P̂ = P/S² = 2ŵ + ŝ, ŝ = √(4ŵ² + p̂²q̂²)",
        relation=Equality(PI_TARGET.subs(m_hat, 2 * p_hat * q_hat * T_w) - pi_0,
                          GAP_START.subs({d_hat: p_hat - q_hat, s_hat: p_hat + q_hat})),
        strategy=(_HYPOT_SQRT, steps.together, steps.numerator, steps.expand),
        depends=("pf.time_target", "pf.target_normalised"),
        domain={**_DOMAIN, lam_hat: Interval(0.0, 1.0), fraction: Interval(0.0, 0.999)},
        scope="the numerator vanishes; the denominator ŝ_f + ŝ0 is positive",
    ),
    Claim(
        id="pf.target_normalised",
        paper_ref="§8 (training time), stable form",
        title="w1w2 >= f λ/k exactly when d̂ŝ >= f λ̂/T (both sides divided by S²/4 > 0)",
        relation=Equality(
            sp.Matrix([(S_w**2 / 4) * W0_NORMALISED.subs({d_hat: p_hat - q_hat, s_hat: p_hat + q_hat}),
                       (S_w**2 / 4) * W_STAR_NORMALISED]),
            sp.Matrix([S_w**2 * (p_hat**2 - q_hat**2) / 4, (lam_hat * R / 2) / (2 * R * T_w / S_w**2)]),
        ),
        strategy=(steps.cancel, steps.expand),
        depends=("pf.product_form",),
    ),
]
