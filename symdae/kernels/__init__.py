"""Fast, stable evaluation of the exact learning dynamics (public API).

Every function broadcasts over NumPy arrays in all its arguments, returns
float64, runs in parallel over elements, and raises ``ValueError`` naming the
argument and the rule for invalid input (negative ``lam``/``eps``/``kappa``/
``t``/``steps``, non-positive ``tau``, NaN or infinite values). The
mathematics is generated from verified SymPy expressions
(:mod:`symdae.codegen`); each kernel module records the claims that prove it.

Conventions (paper and ``DESIGN.md``): mode loss
``ℓ = λ/2 (1 − w1w2)² + ε/2 (w1w2)² + κ/2 (w1² + w2²)``, continuous time
``τ dw/dt = −∇ℓ`` with ``τ = N/α`` epochs, mapping ``w = w1 w2``.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from symdae.kernels._arguments import checked, evaluate, result

__all__ = ["dae_trajectory"]


def _load(name: str) -> ModuleType:
    from symdae.codegen import load_kernel

    return load_kernel(name)


def dae_trajectory(
    t: ArrayLike,
    lam: ArrayLike,
    eps: ArrayLike,
    tau: ArrayLike,
    w1_0: ArrayLike,
    w2_0: ArrayLike,
    out: NDArray[np.float64] | None = None,
) -> NDArray[np.float64] | np.float64:
    """Mapping ``w(t) = w1(t) w2(t)`` of the noisy mode without weight decay (paper Eq. 5).

    Exact solution of ``τ ẇ1 = λ w2 (1 − w) − ε w1 w2²`` (and symmetrically
    for ``w2``) from ``(w1_0, w2_0)`` at ``t = 0``, evaluated in the stable
    coordinates of :mod:`symdae.derivations.stable_forms` (proved equal to
    the printed Eq. 5): no overflow for any ``t ≥ 0``, exact for balanced
    starts (``w1_0 = ±w2_0``) and ``λ = 0``, accurate for initial weights down
    to 1e-150.

    Args:
        t: time in epochs, ``>= 0``.
        lam: eigenvalue λ of ``Σ = XᵀX`` (a sum over the data), ``>= 0``.
        eps: noise ε = N s², ``>= 0``.
        tau: τ = N/α, ``> 0``.
        w1_0, w2_0: initial weights of the mode, any finite values.
        out: optional float64 C-contiguous array of the broadcast shape to write into.

    Example:
        >>> import numpy as np
        >>> from symdae.kernels import dae_trajectory
        >>> round(float(dae_trajectory(1e6, 1.0, 1.0, 10.0, 0.01, 0.02)), 12)  # fixed point λ/(λ + ε)
        0.5
    """
    points = [checked("t", t, "nonnegative")]
    modes = [checked("lam", lam, "nonnegative"), checked("eps", eps, "nonnegative"),
             checked("tau", tau, "positive"), checked("w1_0", w1_0), checked("w2_0", w2_0)]
    return result(evaluate(_load("dae_trajectory"), points, modes, out))
