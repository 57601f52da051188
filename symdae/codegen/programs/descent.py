"""The program of ``gd_iterates``: one step of gradient descent in a frame that follows the weights.

With ``w = Sŵ`` (``S`` a power of two) the update ``ŵ ← ŵ + δ`` is a
polynomial in ``ŵ1, ŵ2`` and the coefficients ``b = λ/τ``, ``c = κ/τ``,
``d = (λ + ε)S²/τ``, which the kernel evaluates in double-double arithmetic.
Proved by the claim ``wdf.gd_scaled_step`` of
:mod:`symdae.derivations.weight_decay_descent`.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["GD_DELTA", "GD_G", "b_gd", "c_gd", "d_gd", "w1_hat", "w2_hat"]

w1_hat, w2_hat = sp.symbols("w1_hat w2_hat", real=True)  # the weights in the frame
b_gd, c_gd, d_gd = sp.symbols("b_gd c_gd d_gd", real=True)  # λ/τ, κ/τ, (λ + ε)S²/τ

GD_G = b_gd - d_gd * w1_hat * w2_hat
GD_DELTA = (w2_hat * GD_G - c_gd * w1_hat, w1_hat * GD_G - c_gd * w2_hat)
"""The update of ``(ŵ1, ŵ2)`` in the frame: ``ŵ ← ŵ + δ``."""
