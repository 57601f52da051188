"""The scalar mode of a linear (denoising, weight-decayed) autoencoder, in SymPy.

One direction ``j`` of the data, with eigenvalue ``lam``, under aligned
initialisation (``W1 = R D1 Vᵀ``, ``W2 = V D2 Rᵀ``, paper §3.2) evolves as an
independent scalar mode with weights ``w1, w2`` and mapping ``w = w1 w2``.
Its loss, in the units of ``docs/conventions.md`` (``eps = N s²``, ``kappa = N γ``), is::

    ℓ(w1, w2) = lam/2 (1 − w1 w2)² + eps/2 (w1 w2)² + kappa/2 (w1² + w2²)

and gradient descent with learning rate α, one step per epoch, becomes in
continuous time ``tau dw/dt = −∇ℓ`` with ``tau = N/α`` (paper Eqs. 2–4 for
``kappa = 0``; Supp. C for ``eps = 0``). These are the *definitions* every
derivation and kernel starts from.
"""

from __future__ import annotations

import sympy as sp

from symdae.symbols import eps, kappa, lam, w1, w2


def mode_loss(
    a: sp.Expr = w1,
    b: sp.Expr = w2,
    lam_: sp.Expr = lam,
    eps_: sp.Expr = eps,
    kappa_: sp.Expr = kappa,
) -> sp.Expr:
    """``ℓ(w1, w2)`` of one mode (the paper's Eq. 4 times ``tau``, plus weight decay)."""
    return lam_ / 2 * (1 - a * b) ** 2 + eps_ / 2 * (a * b) ** 2 + kappa_ / 2 * (a**2 + b**2)


def mode_flow(
    a: sp.Expr = w1,
    b: sp.Expr = w2,
    lam_: sp.Expr = lam,
    eps_: sp.Expr = eps,
    kappa_: sp.Expr = kappa,
) -> tuple[sp.Expr, sp.Expr]:
    """``(tau dw1/dt, tau dw2/dt) = −∇ℓ``: the right-hand sides of the mode ODE."""
    loss = mode_loss(a, b, lam_, eps_, kappa_)
    return -sp.diff(loss, a), -sp.diff(loss, b)
