"""Supp. F: the mapping estimator used for nonlinear networks, checked on linear ones.

The supplement estimates the mapping of each direction from reconstructions:
``Σ̂xx = Σ_i x_i x̂_iᵀ``, ``Λ̂ = VᵀΣ̂xxV`` and ``λ̂_j/λ_j``. For a linear
autoencoder ``x̂ = W2W1x`` we check that ``Σ̂xx = Σxx(W2W1)ᵀ``, that
``Λ̂ = Λ(W̄2W̄1)ᵀ`` for any weights, and that under aligned weights (§3.2)
``Λ̂ = Λ D2D1`` so ``λ̂_j/λ_j = w1_j w2_j = w_j``: the estimator recovers the
mapping exactly. (The printed range ``λ̂_j/λ_j ∈ [0, 1]`` is not an identity: it
holds where the mappings ``w_j`` stay in ``[0, 1]``, as they do from a small
initialisation.)

The claims with an orthogonal ``V`` use ``D = H = 2``: at ``D = 3`` the
reduction modulo ``VᵀV = I`` and its numeric cross-check take several seconds.
"""

from __future__ import annotations

import sympy as sp

from symdae.checking import Claim, Equality, steps
from symdae.derivations._held import matmul
from symdae.derivations.eigenbasis import LAMBDAS, R2, V2, W1_DIAG, W2_DIAG, on_orthogonal
from symdae.derivations.expected_loss import SIGMA_XX, W1_MAT, W2_MAT, X_SAMPLES, symbolic_matrix

# Reconstructions x̂_i = W2W1x_i of the N = 2 samples (D = 3, H = 2).
RECONSTRUCTIONS = [W2_MAT * W1_MAT * x for x in X_SAMPLES]
SIGMA_HAT = sum((x * xh.T for x, xh in zip(X_SAMPLES, RECONSTRUCTIONS, strict=True)), sp.zeros(3, 3))

# D = H = 2: Σxx = VΛVᵀ with V orthogonal, and Σ̂xx = Σxx Mᵀ for a mapping M.
SIZE = 2
V, R = V2.matrix, R2.matrix
LAMBDA = sp.diag(*LAMBDAS[:SIZE])
SIGMA = V * LAMBDA * V.T
M_MAP = symbolic_matrix("M", SIZE, SIZE)


def estimated_spectrum(mapping: sp.Matrix) -> sp.Matrix:
    """``Λ̂ = VᵀΣ̂xxV`` with ``Σ̂xx = Σxx mappingᵀ`` and ``Σxx = VΛVᵀ``."""
    return V.T * SIGMA * mapping.T * V


# Aligned weights W1 = R D1 Vᵀ, W2 = V D2 Rᵀ (§3.2).
D1 = sp.diag(*W1_DIAG)
D2 = sp.diag(*W2_DIAG)
W_ALIGNED = (V * D2 * R.T) * (R * D1 * V.T)
LAMBDA_HAT_ALIGNED_PRINTED = LAMBDA * D2 * D1  # Λ̂ = Λ D2D1 = diag(λ_j w_j)
#: The estimator's right side Λ D2 D1 (suppF.estimator), its products held.
_LAMBDA_HAT_HELD = matmul(matmul(LAMBDA, D2), D1)
MAPPINGS = [a * b for a, b in zip(W1_DIAG, W2_DIAG, strict=True)]

CLAIMS = [
    Claim(
        id="suppF.linear_sigma_hat",
        paper_ref="Supp. F",
        title="for a linear AE, x̂_i = W2W1x_i gives Σ̂xx = Σ_i x_i x̂_iᵀ = Σxx(W2W1)ᵀ",
        relation=Equality(SIGMA_HAT, SIGMA_XX * (W2_MAT * W1_MAT).T),
        strategy=(steps.expand,),
        scope="N = 2 samples, D = 3, H = 2, symbolic entries",
    ),
    Claim(
        id="suppF.rotated_estimate",
        paper_ref="Supp. F",
        title="with Σxx = VΛVᵀ, Λ̂ = VᵀΣxxMᵀV = Λ(VᵀMV)ᵀ = Λ(W̄2W̄1)ᵀ for M = W2W1",
        relation=Equality(estimated_spectrum(M_MAP), LAMBDA * (V.T * M_MAP * V).T),
        strategy=(on_orthogonal(V2),),
        where=V2.where,
        domain=V2.domain,
        depends=("suppF.linear_sigma_hat", "def.eigendecomposition", "s31.orthogonal_family_V2_R2"),
        scope="D = 2, any mapping M (2 × 2), every orthogonal V (2 × 2)",
    ),
    Claim(
        id="suppF.estimator",
        paper_ref="Supp. F",
        title="with aligned weights W1 = R D1 Vᵀ, W2 = V D2 Rᵀ the estimate is Λ̂ = Λ D2D1 = diag(λ_j w_j)",
        relation=Equality(estimated_spectrum(W_ALIGNED), LAMBDA_HAT_ALIGNED_PRINTED),
        strategy=(on_orthogonal(V2, R2),),
        where={**V2.where, **R2.where},
        domain={**V2.domain, **R2.domain},
        depends=("suppF.linear_sigma_hat", "def.aligned_init", "s31.orthogonal_family_V2_R2"),
        scope="D = H = 2, symbolic λ_j, w1_j, w2_j, every orthogonal V and R (2 × 2)",
    ),
    Claim(
        id="suppF.mapping",
        paper_ref="Supp. F",
        title="so the estimated mapping λ̂_j/λ_j equals w_j = w1_j w2_j exactly",
        relation=Equality(
            sp.Matrix([sp.Mul(_LAMBDA_HAT_HELD[j, j], 1 / LAMBDAS[j], evaluate=False) for j in range(SIZE)]),
            sp.Matrix(MAPPINGS),
        ),
        strategy=(steps.cancel,),
        depends=("suppF.estimator",),
        scope="D = H = 2",
    ),
]
