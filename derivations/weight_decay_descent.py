"""Discrete gradient descent on the weight-decayed mode, in a frame that follows the weights (symdae).

:func:`symdae.kernels.gd_iterates` runs the steps ``w ← w − (1/τ)∇ℓ`` of
full-batch gradient descent. In a frame ``w = Sŵ`` (``S`` a power of two, so
the scaling is exact) the update ``δ`` of ``ŵ`` is a polynomial with
coefficients ``b = λ/τ``, ``c = κ/τ`` and ``d = (λ + ε)S²/τ``, which the kernel
evaluates in double-double arithmetic (the program of
:mod:`symdae.codegen.programs.descent`); the claim proves it is the step.
"""

from __future__ import annotations

import sympy as sp

from symdae.checking import Claim, Equality, steps
from symdae.codegen.programs.descent import GD_DELTA, b_gd, c_gd, d_gd, w1_hat, w2_hat
from symdae.model import mode_flow
from symdae.symbols import eps, kappa, lam_k, tau, w1, w2

S_gd = sp.Symbol("S", positive=True)  # the frame: w = S ŵ, a power of two


def _gd_step_sides() -> tuple[sp.Matrix, sp.Matrix]:
    flow1, flow2 = mode_flow(w1, w2, lam_k, eps, kappa)
    frame = {w1_hat: w1 / S_gd, w2_hat: w2 / S_gd, b_gd: lam_k / tau, c_gd: kappa / tau,
             d_gd: (lam_k + eps) * S_gd**2 / tau}
    scaled = sp.Matrix([S_gd * (w1_hat + GD_DELTA[0]), S_gd * (w2_hat + GD_DELTA[1])]).subs(frame)
    return scaled, sp.Matrix([w1 + flow1 / tau, w2 + flow2 / tau])


_GD_SCALED, _GD_STEP = _gd_step_sides()

CLAIMS = [
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
