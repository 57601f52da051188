"""Beyond the paper (its closing future work): the held-out denoising loss of a trained linear AE.

The paper ends: "future work might consider how these insights could actually
be used for tuning noise levels". Tuning needs a quantity to tune for. For a
trained mapping ``M = W2W1`` and a held-out set ``X_t`` (``N_t`` rows, the
training preprocessing), the held-out denoising loss at test-time corruption
``x̃ = x + n`` of variance ``s_t²`` per component, with clean targets, is

    L_test(M) = 1/(2N_t) Σ_i E_n ||x_i − M(x_i + n_i)||²
              = 1/(2N_t) Σ_i ||x_i − M x_i||² + (s_t²/2) ||M||²_F

(the cross term has expectation 0, ``E[nnᵀ] = s_t² I``; ``s_t = 0`` is the plain
held-out reconstruction loss). The fit term is a trace with ``C_t = X_tᵀX_t``
(a sum over the held-out rows, like Σ). In the training eigenbasis ``V``,
with ``M̄ = VᵀMV`` and ``C̄ = VᵀC_tV``:

* when ``M = V diag(m) Vᵀ`` (every direction an isolated mode, as the theory
  predicts), ``L_test = Σ_j [(1 − m_j)² c_j/(2N_t) + (s_t²/2) m_j²]`` with
  ``c_j = v_jᵀC_tv_j``: the held-out data enter only through the diagonal of
  ``C̄``; directions left out of a prediction (``m_j = 0``) add
  ``(tr C_t − Σ_{j ≤ K} c_j)/(2N_t)``;
* a real run's off-diagonal part ``E = M̄ − diag(M̄)`` adds exactly
  ``[tr(E C̄ Eᵀ) − 2 tr(E C̄ (I − D))]/(2N_t) + (s_t²/2)||E||²_F``;
* each direction's term is minimised at ``m_j* = c_j/(c_j + N_t s_t²)``, which
  the training fixed point ``λ_j/(λ_j + N s²)`` reaches at ``s² = s_t²`` when
  the held-out second moment per row matches the training one
  (``c_j/N_t = λ_j/N``): the converged optimum.

Sizes, as in :mod:`symdae.derivations.expected_loss` and
:mod:`symdae.derivations.eigenbasis`: one input and the matrix identities at
``D = 3`` with symbolic entries; the expectation over ``N_t = 2`` held-out
rows; the per-direction forms with every orthogonal ``V`` of size 3; the
invariance of a general ``M̄`` under rotation with ``V`` of size 2 (its Gröbner
reduction at size 3 takes minutes). ``N_t`` is symbolic wherever the rows
enter only through ``C_t``. Each claim states its sizes in ``scope``.
"""

from __future__ import annotations

import sympy as sp

from symdae.checking import Claim, Definition, Equality, Inequality, Interval, steps
from symdae.derivations._held import at
from symdae.derivations.eigenbasis import V2, V3, diagonal, on_orthogonal
from symdae.derivations.expected_loss import (
    NoiseMean,
    frobenius_squared,
    squared_norm,
    symbolic_matrix,
    symbolic_vector,
)
from symdae.symbols import N, lam, s

# The test-time corruption's standard deviation and the held-out rows.
s_t = sp.Symbol("s_t", positive=True)
N_t = sp.Symbol("N_t", positive=True)
m = sp.Symbol("m", real=True)
c = sp.Symbol("c", positive=True)

D_IN = 3
HELD_OUT = 2
IDENTITY = sp.eye(D_IN)


def symmetric_matrix(name: str, size: int) -> sp.Matrix:
    """A symmetric ``size × size`` matrix of independent real symbols ``name_ij`` (``i <= j``)."""
    return sp.Matrix(size, size, lambda i, j: sp.Symbol(f"{name}_{min(i, j) + 1}{max(i, j) + 1}", real=True))


def trace_loss(mapping: sp.Matrix, second: sp.Matrix, rows: sp.Expr = N_t) -> sp.Expr:
    """``tr((I − M)C(I − M)ᵀ)/(2N_t) + (s_t²/2) tr(MMᵀ)``, the held-out loss through ``C = X_tᵀX_t``."""
    eye = sp.eye(mapping.rows)
    fit = ((eye - mapping) * second * (eye - mapping).T).trace() / (2 * rows)
    return fit + s_t**2 / 2 * (mapping * mapping.T).trace()


def direction_loss(m_: sp.Expr, c_: sp.Expr) -> sp.Expr:
    """One direction's term ``(1 − m)² c/(2N_t) + (s_t²/2) m²``."""
    return (1 - m_) ** 2 * c_ / (2 * N_t) + s_t**2 / 2 * m_**2


# ---------------------------------------------------------------------------
# One held-out input x, its test-time corruption x + n, any M (D × D).
X_VEC = symbolic_vector("x", D_IN)
NOISE_VEC = symbolic_vector("n", D_IN)
M_MAT = symbolic_matrix("m", D_IN, D_IN)
SE_TEST = squared_norm(X_VEC - M_MAT * (X_VEC + NOISE_VEC))  # ||x − M(x + n)||², clean target x

# N_t = 2 held-out rows with independent corruptions; C_t = Σ_i x_i x_iᵀ (a sum, like Σ).
X_ROWS = [symbolic_vector(f"xt{i + 1}", D_IN) for i in range(HELD_OUT)]
NOISE_ROWS = [symbolic_vector(f"nt{i + 1}", D_IN) for i in range(HELD_OUT)]
NOISE_ALL = [n for noise in NOISE_ROWS for n in noise]
C_ROWS = sum((x * x.T for x in X_ROWS), sp.zeros(D_IN, D_IN))
LOSS_TEST_NOISY = sp.Add(*(squared_norm(x - M_MAT * (x + n))
                           for x, n in zip(X_ROWS, NOISE_ROWS, strict=True))) / (2 * HELD_OUT)
FIT_ROWS = sp.Add(*(squared_norm(x - M_MAT * x) for x in X_ROWS)) / (2 * HELD_OUT)

# The eigenbasis: M̄ = VᵀMV, C̄ = VᵀC_tV; D = diag(m_j), E the off-diagonal part (zero diagonal).
C_SYM = symmetric_matrix("C", D_IN)
M_DIAG = [sp.Symbol(f"m_{j + 1}", real=True) for j in range(D_IN)]
D_MAT = diagonal(M_DIAG, D_IN, D_IN)
E_MAT = sp.Matrix(D_IN, D_IN, lambda i, j: 0 if i == j else sp.Symbol(f"e_{i + 1}{j + 1}", real=True))

# Rotations, every orthogonal V: a general M̄ with V of size 2 (at size 3 the reduction takes minutes);
# M = V diag(m) Vᵀ, c_j = v_jᵀ C_t v_j with V of size 3.
C_ROT = symmetric_matrix("C", V2.matrix.rows)
MB_ROT = symbolic_matrix("mb", V2.matrix.rows, V2.matrix.rows)
V = V3.matrix
M_ALIGNED = V * D_MAT * V.T
C_BAR = V.T * C_SYM * V
C_DIAG = [C_BAR[j, j] for j in range(D_IN)]
PREDICTED = 2  # directions of a prediction, K, in heldout.unpredicted

# One direction: m* = c/(c + N_t s_t²) and the training fixed point at matched second moments.
BEST_MAPPING = c / (c + N_t * s_t**2)
CURVATURE = c / N_t + s_t**2
LAMBDA_MATCHED = N * c / N_t  # λ/N = c/N_t: the held-out rows have the training rows' second moment

NOISE_SCOPE = "; any test noise with independent components of mean 0 and variance s_t²"
SCOPE_ONE = "one held-out input of size D = 3, any real D × D matrix M" + NOISE_SCOPE
SCOPE_ROWS = "N_t = 2 held-out rows, D = 3, any real 3 × 3 M, symbolic entries" + NOISE_SCOPE
SCOPE_DIAG = "D = 3, N_t symbolic, C̄ any symmetric 3 × 3 matrix"
SCOPE_ALIGNED = "D = 3, N_t symbolic, C_t any symmetric 3 × 3 matrix, every orthogonal V (3 × 3)"
ON_V = on_orthogonal(V3)
COUNT_DOMAIN = {N_t: Interval(1.0, 1e5, log=True), s_t: Interval(1e-3, 10.0, log=True)}

DEFINITIONS = [
    Definition(
        "def.heldout_loss", "§7 future work (symdae)",
        "held-out denoising loss of a mapping M: N_t held-out rows x_i (the training preprocessing), "
        "each corrupted by independent noise of variance s_t² per component, clean targets",
        sp.Symbol("L_test"), NoiseMean(LOSS_TEST_NOISY, NOISE_ALL, s_t),
    ),
]

CLAIMS = [
    Claim(
        id="heldout.noise_average",
        paper_ref="§7 future work (symdae)",
        title="one held-out input: E_n||x − M(x + n)||² = ||x − Mx||² + s_t²||M||²_F (the cross term averages "
              "to 0, E[nnᵀ] = s_t² I)",
        relation=Equality(NoiseMean(SE_TEST, NOISE_VEC, s_t),
                          squared_norm(X_VEC - M_MAT * X_VEC) + s_t**2 * frobenius_squared(M_MAT)),
        strategy=(steps.doit, steps.expand),
        depends=("def.noise_moments", "def.heldout_loss", "suppA.decomposition", "suppA.trace_term"),
        scope=SCOPE_ONE,
    ),
    Claim(
        id="heldout.loss",
        paper_ref="§7 future work (symdae)",
        title="L_test(M) = 1/(2N_t) Σ_i ||x_i − Mx_i||² + (s_t²/2)||M||²_F: the clean held-out fit plus the "
              "test noise times the mapping's Frobenius norm",
        relation=Equality(NoiseMean(LOSS_TEST_NOISY, NOISE_ALL, s_t),
                          FIT_ROWS + s_t**2 / 2 * frobenius_squared(M_MAT)),
        strategy=(steps.doit, steps.expand),
        depends=("heldout.noise_average",),
        scope=SCOPE_ROWS,
    ),
    Claim(
        id="heldout.trace_form",
        paper_ref="§7 future work (symdae)",
        title="through C_t = Σ_i x_ix_iᵀ = X_tᵀX_t: L_test(M) = tr((I − M)C_t(I − M)ᵀ)/(2N_t) + (s_t²/2) tr(MMᵀ) "
              "(a sum of one-row identities, s31.fit_trace, so for every N_t)",
        relation=Equality(NoiseMean(LOSS_TEST_NOISY, NOISE_ALL, s_t), trace_loss(M_MAT, C_ROWS, HELD_OUT)),
        strategy=(steps.doit, steps.expand),
        depends=("heldout.loss", "s31.fit_trace"),
        scope=SCOPE_ROWS,
    ),
    Claim(
        id="heldout.rotation",
        paper_ref="§7 future work (symdae)",
        title="L_test is unchanged by a rotation: L_test(VM̄Vᵀ; VC̄Vᵀ) = L_test(M̄; C̄), so it can be evaluated in "
              "the training eigenbasis with M̄ = VᵀMV and C̄ = VᵀC_tV",
        relation=Equality(trace_loss(V2.matrix * MB_ROT * V2.matrix.T, V2.matrix * C_ROT * V2.matrix.T),
                          trace_loss(MB_ROT, C_ROT)),
        strategy=(steps.numerator, on_orthogonal(V2)),
        where=V2.where,
        domain={**V2.domain, **COUNT_DOMAIN},
        depends=("heldout.trace_form", "s31.orthogonal_rows"),
        scope="D = 2, N_t symbolic, any M̄ and symmetric C̄ (2 × 2), every orthogonal V (2 × 2)",
    ),
    Claim(
        id="heldout.diagonal",
        paper_ref="§7 future work (symdae)",
        title="for a diagonal mapping D = diag(m_j) in the eigenbasis, L_test = Σ_j [(1 − m_j)² C̄_jj/(2N_t) + "
              "(s_t²/2) m_j²]: the off-diagonal entries of C̄ drop out",
        relation=Equality(trace_loss(D_MAT, C_SYM), sp.Add(*(direction_loss(M_DIAG[j], C_SYM[j, j])
                                                             for j in range(D_IN)))),
        strategy=(steps.expand,),
        domain=COUNT_DOMAIN,
        depends=("heldout.trace_form",),
        scope=SCOPE_DIAG,
    ),
    Claim(
        id="heldout.per_direction",
        paper_ref="§7 future work (symdae)",
        title="M = V diag(m) Vᵀ gives L_test = Σ_j [(1 − m_j)² c_j/(2N_t) + (s_t²/2) m_j²] with c_j = v_jᵀC_tv_j: "
              "the held-out data enter only through the diagonal of VᵀC_tV",
        relation=Equality(trace_loss(M_ALIGNED, C_SYM),
                          sp.Add(*(direction_loss(M_DIAG[j], C_DIAG[j]) for j in range(D_IN)))),
        strategy=(steps.numerator, ON_V),
        where=V3.where,
        domain={**V3.domain, **COUNT_DOMAIN},
        depends=("heldout.rotation", "heldout.diagonal", "s31.orthogonal_rows"),
        scope=SCOPE_ALIGNED,
    ),
    Claim(
        id="heldout.unpredicted",
        paper_ref="§7 future work (symdae)",
        title="directions left out of a prediction (m_j = 0 for j > K) add (tr C_t − Σ_{j ≤ K} c_j)/(2N_t), as "
              "Σ_j c_j = tr(VᵀC_tV) = tr C_t",
        relation=Equality(
            at(sp.Add(*(direction_loss(M_DIAG[j], C_DIAG[j]) for j in range(D_IN))),
               {M_DIAG[j]: 0 for j in range(PREDICTED, D_IN)}),
            sp.Add(*(direction_loss(M_DIAG[j], C_DIAG[j]) for j in range(PREDICTED)))
            + (C_SYM.trace() - sp.Add(*C_DIAG[:PREDICTED])) / (2 * N_t)),
        strategy=(steps.doit, steps.numerator, ON_V),
        where=V3.where,
        domain={**V3.domain, **COUNT_DOMAIN},
        depends=("heldout.per_direction", "s31.orthogonal_rows"),
        scope="D = 3 with K = 2 directions predicted, N_t symbolic, C_t any symmetric 3 × 3 matrix, every "
              "orthogonal V (3 × 3)",
    ),
    Claim(
        id="heldout.off_diagonal",
        paper_ref="§7 future work (symdae)",
        title="a mapping M̄ = D + E with off-diagonal part E adds exactly [tr(E C̄ Eᵀ) − 2 tr(E C̄ (I − D))]/(2N_t) "
              "+ (s_t²/2)||E||²_F to the loss of its diagonal D",
        relation=Equality(trace_loss(D_MAT + E_MAT, C_SYM) - trace_loss(D_MAT, C_SYM),
                          ((E_MAT * C_SYM * E_MAT.T).trace() - 2 * (E_MAT * C_SYM * (IDENTITY - D_MAT)).trace())
                          / (2 * N_t) + s_t**2 / 2 * frobenius_squared(E_MAT)),
        strategy=(steps.expand,),
        domain=COUNT_DOMAIN,
        depends=("heldout.trace_form",),
        scope=SCOPE_DIAG + ", any E with zero diagonal",
    ),
    Claim(
        id="heldout.best_mapping",
        paper_ref="§7 future work (symdae)",
        title="each direction's term is minimised at m* = c/(c + N_t s_t²): ℓ(m) − ℓ(m*) = (c/N_t + s_t²)/2 "
              "(m − m*)²",
        relation=Equality(direction_loss(m, c) - at(direction_loss(m, c), {m: BEST_MAPPING}),
                          CURVATURE / 2 * (m - BEST_MAPPING) ** 2),
        strategy=(steps.doit, steps.cancel),
        domain=COUNT_DOMAIN,
        depends=("heldout.per_direction",),
        scope="one direction, c = v_jᵀC_tv_j > 0",
    ),
    Claim(
        id="heldout.best_is_minimum",
        paper_ref="§7 future work (symdae)",
        title="... with curvature c/N_t + s_t² > 0, so m* is the unique minimum",
        relation=Inequality(CURVATURE, ">", 0),
        domain=COUNT_DOMAIN,
        depends=("heldout.best_mapping",),
        scope="one direction, c > 0",
    ),
    Claim(
        id="heldout.matched_noise",
        paper_ref="§7 future work (symdae), §4",
        title="when the held-out rows have the training rows' second moment (c/N_t = λ/N), the training fixed "
              "point λ/(λ + N s²) at s² = s_t² is m*: the converged (T → ∞) optimum is s² = s_t²",
        relation=Equality(at(lam / (lam + N * s**2), {lam: LAMBDA_MATCHED, s: s_t}), BEST_MAPPING),
        strategy=(steps.doit, steps.cancel),
        domain=COUNT_DOMAIN,
        depends=("heldout.best_mapping", "s4.fixed_point"),
        scope="one direction; at finite training time the directions have not reached their fixed points and "
              "the optimum moves",
    ),
]
