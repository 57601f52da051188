"""The programs of the elementwise kernels ``fixed_point``, ``optimal_tau`` and ``equivalent_kappa``.

Every input is a rate in mode units (:mod:`symdae.units`); ``lam_k``
(:data:`symdae.symbols.lam_k`) is the kernels' eigenvalue, which may be 0 (a
direction without variance), where :data:`symdae.symbols.lam` is positive. Proved by the ``kernels.*`` claims of
:mod:`symdae.derivations.closed_forms`.
"""

from __future__ import annotations

import sympy as sp

from symdae.symbols import eps, kappa, lam_k

__all__ = ["EQUIVALENT_KAPPA_KERNEL", "FIXED_POINT_KERNEL", "KAPPA_SMALL_EPS", "KAPPA_SMALL_LAM",
           "OPTIMAL_TAU_KERNEL", "lam_k"]

FIXED_POINT_KERNEL = sp.Piecewise((0, lam_k <= kappa), ((lam_k - kappa) / (lam_k + eps), True))
"""Attracting mapping of a mode: ``(λ − κ)/(λ + ε)`` when ``λ > κ``, else the origin."""

OPTIMAL_TAU_KERNEL = 2 * lam_k + 3 * eps + kappa
"""``τ* = 2λ + 3ε + κ`` (``α* = N/τ*``): the DAE (κ = 0) and WDAE (ε = 0) rates of Supp. D, corrected."""

KAPPA_SMALL_LAM = lam_k / (1 + lam_k / eps)
"""The branch ``λ <= ε`` of :data:`EQUIVALENT_KAPPA_KERNEL`."""
KAPPA_SMALL_EPS = eps / (1 + eps / lam_k)
"""The branch ``λ > ε`` of :data:`EQUIVALENT_KAPPA_KERNEL`."""
EQUIVALENT_KAPPA_KERNEL = sp.Piecewise(
    (0, sp.Eq(lam_k + eps, 0)), (KAPPA_SMALL_LAM, lam_k <= eps), (KAPPA_SMALL_EPS, True)
)
"""``κ = Nγ = λε/(λ + ε)`` (Supp. E, corrected) as ``m/(1 + m/M)`` with ``m = min(λ, ε)``, ``M = max(λ, ε)``:
no intermediate exceeds ``m`` (``λε`` would overflow for rates near 1e308); 0 when λ = ε = 0."""
