"""The programs of ``mode_trajectory``: the step functions of three charts, ``φ`` and the balanced closed forms.

The Radau IIA integrator of :mod:`symdae.kernels._charts` steps the mapping's
flow ``dw/du`` in one of three charts, each a function of coefficients the
engine forms with the step ``h`` (every coefficient a product with ``h``, in
extended exponents): ``v = ln|w|`` (:data:`LOG_G`), ``r = w/√E = RY``
(:data:`RATIO_G`) and ``y = 1/w = RY`` (:data:`INV_G`), each with its
derivative. A balanced start (``w1 = ±w2``) is evaluated in closed form
(:data:`BALANCED_GROWTH_KERNEL`, :data:`BALANCED_DECAY_KERNEL`, with
``D = 2u φ(2au)``, :data:`PHI`). Proved by the claims of
:mod:`symdae.derivations.weight_decay_charts` and
:mod:`symdae.derivations.weight_decay_balanced`.
"""

from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import expm1

from symdae.symbols import k

__all__ = ["BALANCED_DECAY_KERNEL", "BALANCED_GROWTH_KERNEL", "INV_DG", "INV_G", "INV_Q", "LOG_DG", "LOG_G", "LOG_Q",
           "PHI", "RATIO_DG", "RATIO_G"]

# --- the log chart v = ln|w| ---------------------------------------------------------------------
e_hat = sp.Symbol("ehat", positive=True)  # ρ²E/w² in the log chart
two_m, B_s = sp.symbols("two_m B_w", real=True)  # the log chart's scaled coefficients (B = hk|w|)
s_aq, B_q = sp.symbols("s_aq B_q", real=True)  # σhλ/ρ and B/ρ
rho_s = sp.Symbol("rho", positive=True)  # the log chart's scale of q: ẽ = ρ²ê keeps it finite for any E/w²

LOG_Q = e_hat / (sp.sqrt(4 * rho_s**2 + e_hat) + 2 * rho_s)
"""``ρq = √(4ρ² + ẽ) − 2ρ`` without cancellation, ``q = (N − 2|w|)/|w|``, ``ẽ = ρ²E/w²`` (here ``ehat``)."""
LOG_G = two_m - 2 * B_s + (s_aq - B_q) * LOG_Q
"""Log chart: ``h dv/du`` for ``v = ln|w|``, with ``two_m = 2σh(λ − σκ)``, ``B = hk|w|``, ``s_aq = σhλ/ρ``,
``B_q = B/ρ`` and ``ehat = ρ²E/w²``, for any ``ρ > 0`` (the kernel takes ``ρ = 1/√max(1, E/w²)``)."""
LOG_DG = -(4 * B_s * rho_s + s_aq * e_hat) / sp.sqrt(4 * rho_s**2 + e_hat)
"""Log chart: ``∂(h dv/du)/∂v`` (at fixed ``u``)."""

# --- the ratio chart r = w/√E = RY -------------------------------------------------------------
Y_s = sp.Symbol("Y", real=True)  # the chart's variable in its frame R
r_a, r_b, r_c = sp.symbols("r_a r_b r_c", real=True)  # the ratio chart's scaled coefficients

RATIO_G = (r_a - r_b * Y_s) * sp.sqrt(r_c * Y_s**2 + 1)
"""Ratio chart: ``(h/R) dr/du`` at ``r = RY``, with ``r_a = hλ/R``, ``r_b = hk√E``, ``r_c = 4R²``."""
RATIO_DG = -r_b * sp.sqrt(r_c * Y_s**2 + 1) + (r_a - r_b * Y_s) * r_c * Y_s / sp.sqrt(r_c * Y_s**2 + 1)
"""Ratio chart: ``∂/∂Y`` of :data:`RATIO_G`."""

# --- the inverse chart y = 1/w = RY ------------------------------------------------------------
i_a, i_b, i_e = sp.symbols("i_a i_b i_e", real=True)  # the inverse chart's scaled coefficients
i_ce = sp.Symbol("i_ce", real=True)  # σhλ·i_e, formed in extended arithmetic: hλ may be huge where E is tiny

INV_Q = i_e * Y_s**2 / (sp.sqrt(4 + i_e * Y_s**2) + 2)
"""``q = √(4 + E/w²) − 2`` in the inverse chart: ``E/w² = Ey² = i_e Y²`` with ``i_e = ER²``."""
INV_G = i_a * (2 + INV_Q) - Y_s * (i_b + i_ce * Y_s**2 / (sp.sqrt(4 + i_e * Y_s**2) + 2))
"""Inverse chart ``y = 1/w = RY``: ``(h/R) dy/du``, with ``i_a = σhk/R``, ``i_b = 2σh(λ − σκ)``,
``i_ce = σhλ·i_e`` and ``i_e = ER²`` (σ the sign of w): ``i_c q`` with ``i_c = σhλ`` as one coefficient, so
that neither ``hλ`` (huge for a long step) nor ``E`` (tiny once decayed) need be representable on its own.
The relaxation from large weights, ``w ≈ 1/(2ku)``, is a straight line here."""
INV_DG = sp.diff(INV_G, Y_s)
"""Inverse chart: ``∂/∂Y`` of :data:`INV_G`."""

# --- balanced starts: the closed forms --------------------------------------------------------
x0_b = sp.Symbol("x0", positive=True)  # |w0|
g_b, D_b = sp.symbols("g D", positive=True)  # the kernel's inputs: g = e^{−2au}, D = (1 − g)/a

BALANCED_GROWTH_KERNEL = 1 / (g_b / x0_b + k * D_b)
"""``w`` on ``w1 = w2`` for ``λ ≥ κ`` (``a = λ − κ``; ``g = 1``, ``D = 2u`` at ``a = 0``): what the kernel evaluates."""
BALANCED_DECAY_KERNEL = x0_b * g_b / (1 + k * x0_b * D_b)
"""``|w|`` for ``w1 = w2``, ``λ < κ`` (``a = κ − λ``) and for ``w1 = −w2`` (``a = λ + κ``)."""

x_phi = sp.Symbol("x_phi", nonnegative=True)  # the argument 2au of φ
PHI = sp.Piecewise((1, sp.Eq(x_phi, 0)), (-expm1(-x_phi) / x_phi, True))
"""``φ(x) = −expm1(−x)/x`` (1 at ``x = 0``): the kernel's ``D = 2u φ(2au)`` for ``2au < 1``."""
