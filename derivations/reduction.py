"""One direction of a full linear autoencoder, reduced exactly to a scalar mode (symdae).

The paper's scalar dynamics (§3.2) need aligned initialisation. Real training
starts from small *random* weights. For direction ``j`` take the hidden-space
vectors ``a = W1 v_j`` (column ``j`` of ``W̄1 = W1 V``) and ``b = W2ᵀ v_j``
(row ``j`` of ``W̄2 = Vᵀ W2``). If the direction is isolated (the other
directions' weights do not act on it), the rotated matrix dynamics of §3.1
give

    τ ȧ = (λ − k u) b − κ a,   τ ḃ = (λ − k u) a − κ b,   k = λ + ε,

which close on three scalars ``u = aᵀb`` (the mapping ``[Vᵀ W2 W1 V]_jj``),
``p = |a|²`` and ``q = |b|²``. With ``s = p + q``,

    τ u̇ = (λ − k u) s − 2κ u,   τ d(s² − 4u²)/dt = −4κ (s² − 4u²),

exactly the scalar mode's equations for ``w = w1 w2`` and ``w1² + w2² = s``:
the direction *is* a scalar mode with effective weights
``(w1 + w2)² = |a + b|²`` and ``(w2 − w1)² = |a − b|²``, i.e. effective
``c0² = (p − q)² + 4(pq − u²)``. The same holds for gradient descent in
discrete time (one step per epoch): the vector update maps ``(u, s)`` exactly
as the scalar update maps ``(w, w1² + w2²)``. Both ``p − q`` and ``pq − u²``
are conserved without weight decay -- whatever the noise -- and decay as
``e^{−2κt/τ}`` and ``e^{−4κt/τ}`` with it.
"""

from __future__ import annotations

import sympy as sp

from symdae.checking import Claim, Equality, steps
from symdae.model import mode_flow
from symdae.symbols import eps, kappa, lam, tau, w1, w2

H = 3
_a = sp.Matrix(sp.symbols("a1:4", real=True))
_b = sp.Matrix(sp.symbols("b1:4", real=True))
u_, p_, q_ = sp.symbols("u_ab p_aa q_bb", real=True)  # u = a·b, p = a·a, q = b·b
k = lam + eps

U = (_a.T * _b)[0]
P_NORM = (_a.T * _a)[0]
Q_NORM = (_b.T * _b)[0]

# The rotated dynamics of §3.1 with weight decay, for D = 2 directions, the second one empty.
_lam2 = sp.Symbol("lambda_2", positive=True)
_W1bar = sp.Matrix.hstack(_a, sp.zeros(H, 1))  # H × D: column j = 0 is a
_W2bar = sp.Matrix.vstack(_b.T, sp.zeros(1, H))  # D × H: row j = 0 is bᵀ
_Lambda = sp.diag(lam, _lam2)
_M = _W2bar * _W1bar
_RHS_W1 = _W2bar.T * (_Lambda - _M * _Lambda) - eps * _W2bar.T * _M - kappa * _W1bar
_RHS_W2 = (_Lambda - _M * _Lambda) * _W1bar.T - eps * _M * _W1bar.T - kappa * _W2bar

A_DOT = (lam - k * U) * _b - kappa * _a
"""``τ ȧ`` of an isolated direction."""
B_DOT = (lam - k * U) * _a - kappa * _b
"""``τ ḃ`` of an isolated direction."""

U_DOT = (lam - k * u_) * (p_ + q_) - 2 * kappa * u_
P_DOT = 2 * (lam - k * u_) * u_ - 2 * kappa * p_
Q_DOT = 2 * (lam - k * u_) * u_ - 2 * kappa * q_
_UPQ = {u_: U, p_: P_NORM, q_: Q_NORM}

_c = 1 - kappa / tau
_r = (lam - k * u_) / tau
U_NEXT = (_c**2 + _r**2) * u_ + _c * _r * (p_ + q_)
P_NEXT = _c**2 * p_ + 2 * _c * _r * u_ + _r**2 * q_
Q_NEXT = _c**2 * q_ + 2 * _c * _r * u_ + _r**2 * p_
"""One epoch of gradient descent on an isolated direction, in (u, p, q)."""

_A1 = _a + A_DOT.subs(u_, U) / tau
_B1 = _b + B_DOT.subs(u_, U) / tau
_FLOW1, _FLOW2 = mode_flow()
_W_STEP = (w1 + _FLOW1 / tau) * (w2 + _FLOW2 / tau)
_S_STEP = (w1 + _FLOW1 / tau) ** 2 + (w2 + _FLOW2 / tau) ** 2

CLAIMS = [
    Claim(
        id="red.isolated_direction",
        paper_ref="§3.1 (symdae)",
        title="for an isolated direction the rotated matrix dynamics give τȧ = (λ − ku)b − κa, τḃ = (λ − ku)a − κb",
        relation=Equality(sp.Matrix.vstack(_RHS_W1[:, 0], _RHS_W2[0, :].T), sp.Matrix.vstack(A_DOT, B_DOT)),
        strategy=(steps.expand,),
        depends=("s31.weight_decay", "s31.rotated_W1", "s31.rotated_W2"),
        scope="H = 3 hidden units, D = 2 directions with the second direction's weights zero",
    ),
    Claim(
        id="red.upq_flow",
        paper_ref="§3.1 (symdae)",
        title="u = aᵀb, p = |a|², q = |b|² obey τu̇ = (λ − ku)(p + q) − 2κu, τṗ = 2(λ − ku)u − 2κp (q alike)",
        relation=Equality(
            sp.Matrix([(A_DOT.T * _b + _a.T * B_DOT)[0], 2 * (_a.T * A_DOT)[0], 2 * (_b.T * B_DOT)[0]]),
            sp.Matrix([U_DOT, P_DOT, Q_DOT]).subs(_UPQ),
        ),
        strategy=(steps.expand,),
        depends=("red.isolated_direction",),
        scope="H = 3 hidden units",
    ),
    Claim(
        id="red.invariants",
        paper_ref="§3.1 (symdae)",
        title="τ d(p − q)/dt = −2κ(p − q) and τ d(pq − u²)/dt = −4κ(pq − u²): both conserved without "
              "weight decay, whatever the noise",
        relation=Equality(
            sp.Matrix([P_DOT - Q_DOT, P_DOT * q_ + p_ * Q_DOT - 2 * u_ * U_DOT]),
            sp.Matrix([-2 * kappa * (p_ - q_), -4 * kappa * (p_ * q_ - u_**2)]),
        ),
        strategy=(steps.expand,),
        depends=("red.upq_flow",),
    ),
    Claim(
        id="red.is_a_scalar_mode",
        paper_ref="§3.2–3.3 (symdae)",
        title="τu̇ = (λ − ku)s − 2κu and τṡ = 4(λ − ku)u − 2κs close on (u, s = p + q), the scalar mode's "
              "equations (red.scalar_mode_rates), with (w1 + w2)² = |a + b|², (w2 − w1)² = |a − b|²",
        relation=Equality(
            sp.Matrix([U_DOT, P_DOT + Q_DOT,
                       ((_a + _b).T * (_a + _b))[0] - (p_ + q_ + 2 * u_).subs(_UPQ),
                       ((_a - _b).T * (_a - _b))[0] - (p_ + q_ - 2 * u_).subs(_UPQ)]),
            sp.Matrix([(lam - k * u_) * (p_ + q_) - 2 * kappa * u_,
                       4 * (lam - k * u_) * u_ - 2 * kappa * (p_ + q_), 0, 0]),
        ),
        strategy=(steps.expand,),
        depends=("red.upq_flow", "red.scalar_mode_rates"),
    ),
    Claim(
        id="red.scalar_mode_rates",
        paper_ref="§3.2–3.3 (symdae)",
        title="the scalar mode has the same equations: τẇ = (λ − kw)(w1² + w2²) − 2κw, "
              "τ d(w1² + w2²)/dt = 4(λ − kw)w − 2κ(w1² + w2²)",
        relation=Equality(
            sp.Matrix([w2 * _FLOW1 + w1 * _FLOW2, 2 * w1 * _FLOW1 + 2 * w2 * _FLOW2]),
            sp.Matrix([(lam - k * w1 * w2) * (w1**2 + w2**2) - 2 * kappa * w1 * w2,
                       4 * (lam - k * w1 * w2) * w1 * w2 - 2 * kappa * (w1**2 + w2**2)]),
        ),
        strategy=(steps.expand,),
        depends=("suppB.eq9", "stable.pq_flow"),
    ),
    Claim(
        id="red.discrete_upq",
        paper_ref="§3.1 (symdae), gradient descent",
        title="one epoch of GD on (a, b) maps (u, p, q) by u' = (c² + r²)u + cr(p + q), "
              "p' = c²p + 2cru + r²q, q' = c²q + 2cru + r²p (c = 1 − κ/τ, r = (λ − ku)/τ)",
        relation=Equality(
            sp.Matrix([(_A1.T * _B1)[0], (_A1.T * _A1)[0], (_B1.T * _B1)[0]]),
            sp.Matrix([U_NEXT, P_NEXT, Q_NEXT]).subs(_UPQ),
        ),
        strategy=(steps.expand,),
        depends=("red.isolated_direction",),
        scope="H = 3 hidden units",
    ),
    Claim(
        id="red.discrete_is_scalar_gd",
        paper_ref="§3.1 (symdae), gradient descent",
        title="in discrete time too (u, s) map exactly as the scalar mode's (w, w1² + w2²) under gradient descent",
        relation=Equality(
            sp.Matrix([U_NEXT, P_NEXT + Q_NEXT]).subs({u_: w1 * w2, p_: w1**2, q_: w2**2}),
            sp.Matrix([_W_STEP, _S_STEP]),
        ),
        strategy=(steps.expand,),
        depends=("red.discrete_upq", "eq2.gradient_flow", "eq3.gradient_flow"),
    ),
]
