"""The programs of ``dae_trajectory`` and ``time_to_fraction``: coefficient tables and the time ratio.

In the normalised variables of :mod:`symdae.derivations.positive_forms`
(``λ̂, m̂, T, p̂, q̂, ŝ, d̂, â``, in :mod:`symdae.symbols`) the kernel evaluates
``w = S² E F/(4 D_P D_Q)`` from seven forms ``u (1 − g) + v + w g``; the tables
below give each form's ``(u, v, w)``, every coefficient a sum of non-negative
terms (``_B_KERNEL`` is ``(1 − λ̂)/2`` on the unit circle ``λ̂² + m̂² = 1``
without cancellation). Proved by the ``pf.table_*`` and
``pf.coefficients_nonnegative`` claims; the time ratio by ``pf.time_*``.
"""

from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import hypot

from symdae.symbols import T_w, a_hat, d_hat, fraction, lam_hat, m_hat, p_hat, q_hat, s_hat

__all__ = ["FORMS_NEG", "FORMS_NONNEG", "FORM_NAMES", "GAP_START", "GAP_TARGET", "KERNEL_ARGS", "PI_TARGET",
           "TIME_RATIO_ARGS", "TIME_RATIO_KERNEL"]

#: The forms of a table, in order; ``E = E+ − E−`` (early: ``Rt/τ <= 1``; late: after).
FORM_NAMES = ("D_P", "D_Q", "F", "E_plus_early", "E_minus_early", "E_plus_late", "E_minus_late")

_A = (1 + lam_hat) / 2
_B_KERNEL = m_hat**2 / (2 * (1 + lam_hat))  # = (1 − λ̂)/2 on the unit circle, without cancellation
_E_NONNEG = (lam_hat * s_hat / 2, d_hat * lam_hat**2 / (2 * (1 + m_hat)), d_hat * (1 + m_hat) / 2)
_ZERO = (sp.S.Zero, sp.S.Zero, sp.S.Zero)

FORMS_NONNEG: tuple[tuple[sp.Expr, sp.Expr, sp.Expr], ...] = (
    (p_hat**2 * T_w, _B_KERNEL, _A),
    (q_hat**2 * T_w, _A, _B_KERNEL),
    ((m_hat * s_hat + lam_hat * d_hat) / 2, s_hat / 2, s_hat / 2),
    _E_NONNEG,
    _ZERO,
    _E_NONNEG,
    _ZERO,
)
"""Coefficients for ``d̂ >= 0`` (``w1 w2 >= 0``): ``E`` is a form itself, ``E− = 0``."""

FORMS_NEG: tuple[tuple[sp.Expr, sp.Expr, sp.Expr], ...] = (
    (p_hat**2 * T_w, _B_KERNEL, _A),
    (q_hat**2 * T_w, _A, _B_KERNEL),
    (m_hat * s_hat / 2, (2 * p_hat + a_hat * m_hat**2 / (1 + lam_hat)) / 2, (s_hat + lam_hat * a_hat) / 2),
    ((lam_hat * s_hat + a_hat * m_hat) / 2, sp.S.Zero, sp.S.Zero),
    (sp.S.Zero, a_hat / 2, a_hat / 2),
    (sp.S.Zero, lam_hat * p_hat + a_hat * lam_hat * m_hat / (1 + lam_hat + m_hat), sp.S.Zero),
    (sp.S.Zero, sp.S.Zero, (lam_hat * s_hat + a_hat * (1 + m_hat)) / 2),
)
"""Coefficients for ``d̂ < 0`` in terms of ``â = |d̂| = q̂ − p̂`` (so ``p̂ < q̂``)."""

KERNEL_ARGS = (lam_hat, m_hat, T_w, p_hat, q_hat, s_hat)
"""The normalised inputs of both tables (then ``d̂``, or ``â`` for :data:`FORMS_NEG`)."""

# --- time to a fraction f of the fixed point ---------------------------------------------------
PI_TARGET = (fraction * lam_hat + hypot(fraction * lam_hat, m_hat)) / 2
"""``π_f = k P_f/(2R)`` for the target ``w_f = f λ/k``."""
GAP_TARGET = (1 - fraction) * lam_hat * (1 + lam_hat * (1 + fraction) / (1 + hypot(fraction * lam_hat, m_hat)))
"""``G_f = (R + 2λ − k P_f)/R``, written without cancellation (it is 0 exactly when f = 1 or λ = 0)."""
# π_f − π without cancellation: with ŵ = w/S², ĉ = p̂q̂, ŝ_w = √(4ŵ² + ĉ²) and P/S² = 2ŵ + ŝ_w,
# P_f − P0 = 2(w_f − w0)(P_f + P0)/(ŝ_f + ŝ_0): every factor positive, w_f − w0 > 0 before the target.
_w_hat_f = fraction * lam_hat / (4 * T_w)
_w_hat_0 = d_hat * s_hat / 4
_s_f = hypot(2 * _w_hat_f, p_hat * q_hat)
_s_0 = (p_hat**2 + q_hat**2) / 2
GAP_START = 2 * T_w * (_w_hat_f - _w_hat_0) * (2 * _w_hat_f + _s_f + p_hat**2) / (_s_f + _s_0)
"""``π_f − π = k(P_f − P0)/(2R)``, the distance to the target, from ``w_f − w0`` (no cancellation)."""
_pi_0 = p_hat**2 * T_w  # k P0 / (2R)
_nu_0 = q_hat**2 * T_w  # k Q0 / (2R)
TIME_RATIO_KERNEL = GAP_START * ((1 + lam_hat) ** 2 + m_hat**2) / (_pi_0 * GAP_TARGET * (1 + lam_hat + 2 * _nu_0))
"""``1/g_f − 1`` in normalised variables; the kernel returns ``(τ/R) ln(1 + ratio)``."""
TIME_RATIO_ARGS = (lam_hat, m_hat, T_w, p_hat, q_hat, s_hat, d_hat, fraction)
"""The inputs of :data:`TIME_RATIO_KERNEL`, in the order the kernel passes them."""
