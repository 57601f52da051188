"""§3.1 (rotation to the eigenbasis) and §3.2 (orthogonal initialisation).

With ``Σxx = VΛVᵀ`` and ``V`` orthogonal, the §3.1 updates are rewritten in
the rotated weights ``W̄1 = W1V``, ``W̄2 = VᵀW2``. §3.2 then initialises
``W1 = R D1 Vᵀ``, ``W2 = V D2 Rᵀ`` (``R`` orthogonal, ``D1``, ``D2`` diagonal):
``W̄2W̄1 = D2D1`` is diagonal, the rotated dynamics keep the form
``W̄1 = R D1``, ``W̄2 = D2 Rᵀ``, and each pair of diagonal entries follows the
scalar Eqs. (2)–(3) -- with weight decay, the mode flow with ``κ``.

Orthogonal matrices are matrices of independent symbols constrained by
``VᵀV = I`` (:class:`Orthogonal`): identities are proved by reducing modulo a
Gröbner basis of those relations, so a proof covers *every* orthogonal matrix
of that size (rotations and reflections). Numeric checks sample a rational
Cayley family ``(I − S)(I + S)⁻¹ diag(ρ, 1, …)`` (``S`` skew, ``ρ = ±1``), which
is checked to be orthogonal too. The rotation claims use ``D = H = 2`` (at
``D = 3`` the reduction takes seconds per entry); the others ``D = 3``, ``H = 2``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, NamedTuple

import sympy as sp

from symdae.checking import Claim, Definition, Equality, Interval, steps
from symdae.checking.steps import Step
from symdae.derivations.expected_loss import symbolic_matrix, update_w1_printed, update_w2_printed
from symdae.derivations.scalar_dynamics import EQ2_PRINTED, EQ3_PRINTED
from symdae.model import mode_flow
from symdae.symbols import eps, kappa, lam, w1, w2


class Orthogonal(NamedTuple):
    """A symbolic orthogonal matrix and what the checker needs to use it.

    Attributes:
        name: the matrix's name (``V``, ``R``).
        matrix: ``n × n`` independent real symbols ``{name}{n}_ij``.
        relations: the entries of ``matrixᵀ matrix − I`` (each ``= 0``).
        family: the Cayley family ``(I − S)(I + S)⁻¹ diag(ρ, 1, …)`` sampled numerically.
        rho: the family's reflection sign ``ρ``, sampled as ``sign(u)``.
        where: the entries (and ``ρ``) in terms of the family's parameters.
        domain: sampling intervals of the family's parameters.
    """

    name: str
    matrix: sp.Matrix
    relations: tuple[sp.Expr, ...]
    family: sp.Matrix
    rho: sp.Symbol
    where: dict[sp.Symbol, sp.Expr]
    domain: dict[sp.Symbol, Interval]


def _skew(name: str, size: int) -> sp.Matrix:
    """A skew-symmetric matrix with independent real entries above the diagonal."""
    upper = {(i, j): sp.Symbol(f"S_{name}_{i + 1}{j + 1}", real=True)
             for i in range(size) for j in range(i + 1, size)}
    return sp.Matrix(size, size, lambda i, j: upper.get((i, j), -upper.get((j, i), 0)))


def orthogonal(name: str, size: int) -> Orthogonal:
    """A ``size × size`` orthogonal matrix named ``name`` (see :class:`Orthogonal`)."""
    label = f"{name}{size}"
    matrix = symbolic_matrix(label, size, size)
    relations = tuple(sorted({sp.expand(r) for r in (matrix.T * matrix - sp.eye(size))} - {0},
                             key=sp.default_sort_key))
    skew = _skew(label, size)
    plus = sp.eye(size) + skew
    cayley = ((sp.eye(size) - skew) * plus.adjugate()).applyfunc(sp.expand) / sp.expand(plus.det())
    rho, u = sp.Symbol(f"rho_{label}", real=True), sp.Symbol(f"u_{label}", real=True)
    family = cayley * sp.diag(rho, *([1] * (size - 1)))
    where: dict[sp.Symbol, sp.Expr] = dict(zip(matrix, family, strict=True))
    where[rho] = sp.sign(u)
    domain = {u: Interval(0.5, 1.0, signed=True)}
    return Orthogonal(name, matrix, relations, family, rho, where, domain)


def on_orthogonal(*groups: Orthogonal) -> Step:
    """Step: expand and reduce modulo ``QᵀQ = I`` for every orthogonal ``Q`` in ``groups``.

    The lexicographic Gröbner basis (the matrices' entries first) is computed
    once, on first use; the remainder ``0`` proves the identity for every
    orthogonal matrix of these sizes.
    """
    relations = [r for g in groups for r in g.relations]
    leading = [x for g in groups for x in g.matrix]
    label = ", ".join(f"{g.name}ᵀ{g.name} = I ({g.matrix.rows}×{g.matrix.rows})" for g in groups)

    @cache
    def basis() -> list[sp.Expr]:
        return list(sp.groebner(relations, *leading, order="lex").exprs)

    def reduce(expr: sp.Expr) -> sp.Expr:
        poly = sp.expand(expr)
        if poly == 0:
            return sp.S.Zero
        rest = sorted(poly.free_symbols - set(leading), key=sp.default_sort_key)
        _, remainder = sp.reduced(poly, basis(), *leading, *rest, order="lex")
        return sp.expand(remainder)

    return Step(f"modulo({label})", reduce)


def diagonal(entries: Sequence[sp.Expr], rows: int, cols: int) -> sp.Matrix:
    """A ``rows × cols`` matrix with ``entries`` on its diagonal, zero elsewhere."""
    out = sp.zeros(rows, cols)
    for j, value in enumerate(entries):
        out[j, j] = value
    return out


def rotated_update_w1_printed(wb1: sp.Matrix, wb2: sp.Matrix, lam_: sp.Matrix, eps_: sp.Expr = eps) -> sp.Matrix:
    """§3.1 as printed: ``τ dW̄1/dt = W̄2ᵀ(Λ − W̄2W̄1Λ) − εW̄2ᵀW̄2W̄1``."""
    return wb2.T * (lam_ - wb2 * wb1 * lam_) - eps_ * wb2.T * wb2 * wb1


def rotated_update_w2_printed(wb1: sp.Matrix, wb2: sp.Matrix, lam_: sp.Matrix, eps_: sp.Expr = eps) -> sp.Matrix:
    """§3.1 as printed: ``τ dW̄2/dt = (Λ − W̄2W̄1Λ)W̄1ᵀ − εW̄2W̄1W̄1ᵀ``."""
    return (lam_ - wb2 * wb1 * lam_) * wb1.T - eps_ * wb2 * wb1 * wb1.T


def per_direction(expr: sp.Expr, j: int) -> sp.Expr:
    """A scalar-mode expression for direction ``j`` (0-based): ``w1 → w1_j``, ``w2 → w2_j``, ``λ → λ_j``."""
    return expr.subs({w1: W1_DIAG[j], w2: W2_DIAG[j], lam: LAMBDAS[j]}, simultaneous=True)


# Sizes: the rotation claims use D = H = 2, the aligned claims D = 3, H = 2.
D_ROT, H_ROT = 2, 2
D_IN, HIDDEN = 3, 2

V2 = orthogonal("V", D_ROT)
V3 = orthogonal("V", D_IN)
R2 = orthogonal("R", HIDDEN)
LAMBDAS = [sp.Symbol(f"lambda_{j + 1}", positive=True) for j in range(D_IN)]
W1_DIAG = [sp.Symbol(f"w1_{j + 1}", real=True) for j in range(HIDDEN)]
W2_DIAG = [sp.Symbol(f"w2_{j + 1}", real=True) for j in range(HIDDEN)]

# §3.1 rotation, D = H = 2: any W1, W2, Σxx = VΛVᵀ.
LAMBDA_ROT = sp.diag(*LAMBDAS[:D_ROT])
W1_ROT = symbolic_matrix("W1", H_ROT, D_ROT)
W2_ROT = symbolic_matrix("W2", D_ROT, H_ROT)
V_ROT = V2.matrix
SIGMA_ROT = V_ROT * LAMBDA_ROT * V_ROT.T
WB1_ROT = W1_ROT * V_ROT
WB2_ROT = V_ROT.T * W2_ROT
# The printed intermediate rewrite τ dW1/dt = W2ᵀV(Λ − VᵀW2W1VΛ)Vᵀ − εW2ᵀW2W1.
EIGEN_REWRITE_PRINTED = (W2_ROT.T * V_ROT * (LAMBDA_ROT - V_ROT.T * W2_ROT * W1_ROT * V_ROT * LAMBDA_ROT)
                         * V_ROT.T - eps * W2_ROT.T * W2_ROT * W1_ROT)

# §3.2, D = 3, H = 2: D1 (H × D) and D2 (D × H) rectangular diagonal.
LAMBDA = sp.diag(*LAMBDAS)
D1 = diagonal(W1_DIAG, HIDDEN, D_IN)
D2 = diagonal(W2_DIAG, D_IN, HIDDEN)
V, R = V3.matrix, R2.matrix
W1_ALIGNED = R * D1 * V.T
W2_ALIGNED = V * D2 * R.T
WB1_ALIGNED = R * D1  # = W1_ALIGNED V
WB2_ALIGNED = D2 * R.T  # = Vᵀ W2_ALIGNED
MAPPING = diagonal([a * b for a, b in zip(W1_DIAG, W2_DIAG, strict=True)], D_IN, D_IN)  # D2 D1 = diag(w_j, 0)

MODE_W1 = [per_direction(EQ2_PRINTED, j) for j in range(HIDDEN)]
MODE_W2 = [per_direction(EQ3_PRINTED, j) for j in range(HIDDEN)]
MODE_DECAY_W1 = [per_direction(mode_flow()[0], j) for j in range(HIDDEN)]
MODE_DECAY_W2 = [per_direction(mode_flow()[1], j) for j in range(HIDDEN)]

ON_V_ROT = on_orthogonal(V2)
ON_R = on_orthogonal(R2)

SCOPE_ROT = "D = H = 2, symbolic W1, W2, Λ; every orthogonal V (2 × 2)"
ROTATED: dict[str, Any] = {"strategy": (ON_V_ROT,), "where": V2.where, "domain": V2.domain, "scope": SCOPE_ROT}
"""What the three claims about the rotated updates share: the 2 × 2 orthogonal V and how it is eliminated."""
SCOPE_ALIGNED = "D = 3, H = 2 (D1, D2 rectangular diagonal), every orthogonal R (2 × 2)"

DEFINITIONS = [
    Definition(
        "def.eigendecomposition", "§3.1",
        "Σxx = VΛVᵀ with V orthogonal (VᵀV = I) and Λ = diag(λ_1, …, λ_D)",
        sp.Symbol("Sigma_xx"), V * LAMBDA * V.T,
    ),
    Definition(
        "def.aligned_init", "§3.2",
        "orthogonal initialisation W1 = R D1 Vᵀ, W2 = V D2 Rᵀ (R orthogonal, D1, D2 diagonal)",
        sp.Tuple(sp.Symbol("W1"), sp.Symbol("W2")),
        sp.Tuple(sp.ImmutableMatrix(W1_ALIGNED), sp.ImmutableMatrix(W2_ALIGNED)),
    ),
]


def _family_claim(group: Orthogonal, other: Orthogonal | None = None) -> Claim:
    """QᵀQ = I for the Cayley family sampled for ``group`` (and ``other``)."""
    groups = [group] if other is None else [group, other]
    size = sum(g.matrix.rows for g in groups)
    ids = "_".join(f"{g.name}{g.matrix.rows}" for g in groups)
    return Claim(
        id=f"s31.orthogonal_family_{ids}",
        paper_ref="§3.1",
        title="the sampled Cayley family (I − S)(I + S)⁻¹ diag(ρ, 1, …) is orthogonal (S skew, ρ² = 1)",
        relation=Equality(sp.diag(*(g.family.T * g.family for g in groups)), sp.eye(size)),
        strategy=(steps.modulo([g.rho**2 - 1 for g in groups], [g.rho for g in groups]),),
        where={g.rho: g.where[g.rho] for g in groups},
        domain={k: v for g in groups for k, v in g.domain.items()},
        scope=" and ".join(f"{g.matrix.rows} × {g.matrix.rows}" for g in groups) + " matrices, every skew S",
    )


CLAIMS = [
    _family_claim(V2, R2),
    _family_claim(V3),
    Claim(
        id="s31.orthogonal_rows",
        paper_ref="§3.1",
        title="VᵀV = I implies VVᵀ = I (the rotations below use both)",
        relation=Equality(sp.diag(V2.matrix * V2.matrix.T, V3.matrix * V3.matrix.T), sp.eye(D_ROT + D_IN)),
        strategy=(on_orthogonal(V2, V3),),
        where={**V2.where, **V3.where},
        domain={**V2.domain, **V3.domain},
        depends=("s31.orthogonal_family_V2_R2", "s31.orthogonal_family_V3"),
        scope="every orthogonal V of size 2 and of size 3",
    ),
    Claim(
        id="s31.eigen_rewrite",
        paper_ref="§3.1",
        title="with Σxx = VΛVᵀ the W1 update reads W2ᵀV(Λ − VᵀW2W1VΛ)Vᵀ − εW2ᵀW2W1",
        relation=Equality(EIGEN_REWRITE_PRINTED, update_w1_printed(W1_ROT, W2_ROT, SIGMA_ROT)),
        depends=("s31.update_W1", "def.eigendecomposition", "s31.orthogonal_rows"),
        **ROTATED,
    ),
    Claim(
        id="s31.rotated_W1",
        paper_ref="§3.1",
        title="V is constant, so τ dW̄1/dt = (τ dW1/dt)V, which is the printed W̄2ᵀ(Λ − W̄2W̄1Λ) − εW̄2ᵀW̄2W̄1",
        relation=Equality(update_w1_printed(W1_ROT, W2_ROT, SIGMA_ROT) * V_ROT,
                          rotated_update_w1_printed(WB1_ROT, WB2_ROT, LAMBDA_ROT)),
        depends=("s31.update_W1", "def.eigendecomposition", "s31.orthogonal_rows"),
        **ROTATED,
    ),
    Claim(
        id="s31.rotated_W2",
        paper_ref="§3.1",
        title="τ dW̄2/dt = Vᵀ(τ dW2/dt), which is the printed (Λ − W̄2W̄1Λ)W̄1ᵀ − εW̄2W̄1W̄1ᵀ",
        relation=Equality(V_ROT.T * update_w2_printed(W1_ROT, W2_ROT, SIGMA_ROT),
                          rotated_update_w2_printed(WB1_ROT, WB2_ROT, LAMBDA_ROT)),
        depends=("s31.update_W2", "def.eigendecomposition", "s31.orthogonal_rows"),
        **ROTATED,
    ),
    Claim(
        id="s32.aligned_form",
        paper_ref="§3.2",
        title="the aligned weights are W̄1 = W1V = R D1 and W̄2 = VᵀW2 = D2 Rᵀ",
        relation=Equality(sp.Matrix([*(W1_ALIGNED * V), *(V.T * W2_ALIGNED)]),
                          sp.Matrix([*WB1_ALIGNED, *WB2_ALIGNED])),
        strategy=(on_orthogonal(V3),),
        where=V3.where,
        domain=V3.domain,
        depends=("def.aligned_init", "s31.orthogonal_family_V3"),
        scope="D = 3, H = 2, every orthogonal V (3 × 3), any R",
    ),
    Claim(
        id="s32.diagonal_product",
        paper_ref="§3.2",
        title="W2 = V D2 Rᵀ, W1 = R D1 Vᵀ give W̄2W̄1 = (D2Rᵀ)(R D1) = D2D1, diagonal",
        relation=Equality(WB2_ALIGNED * WB1_ALIGNED, MAPPING),
        strategy=(ON_R,),
        where=R2.where,
        domain=R2.domain,
        depends=("s32.aligned_form", "s31.orthogonal_family_V2_R2"),
        scope="D = 3, H = 2 (D1, D2 rectangular diagonal), every orthogonal V (3 × 3) and R (2 × 2)",
    ),
    Claim(
        id="s32.aligned_W1",
        paper_ref="§3.2, Eq. (2)",
        title="at W̄1 = R D1, W̄2 = D2 Rᵀ: τ dW̄1/dt = R diag(Eq. (2)_j), so R stays and each w1_j follows Eq. (2)",
        relation=Equality(rotated_update_w1_printed(WB1_ALIGNED, WB2_ALIGNED, LAMBDA),
                          R * diagonal(MODE_W1, HIDDEN, D_IN)),
        strategy=(ON_R,),
        where=R2.where,
        domain=R2.domain,
        depends=("s31.rotated_W1", "s32.aligned_form", "s32.diagonal_product", "eq2.gradient_flow"),
        scope=SCOPE_ALIGNED,
    ),
    Claim(
        id="s32.aligned_W2",
        paper_ref="§3.2, Eq. (3)",
        title="at W̄1 = R D1, W̄2 = D2 Rᵀ: τ dW̄2/dt = diag(Eq. (3)_j) Rᵀ, so R stays and each w2_j follows Eq. (3)",
        relation=Equality(rotated_update_w2_printed(WB1_ALIGNED, WB2_ALIGNED, LAMBDA),
                          diagonal(MODE_W2, D_IN, HIDDEN) * R.T),
        strategy=(ON_R,),
        where=R2.where,
        domain=R2.domain,
        depends=("s31.rotated_W2", "s32.aligned_form", "s32.diagonal_product", "eq3.gradient_flow"),
        scope=SCOPE_ALIGNED,
    ),
    Claim(
        id="s32.aligned_weight_decay",
        paper_ref="§3.2, §5",
        title="with weight decay (extra −κW̄1, −κW̄2) the aligned entries follow the mode flow with κ",
        relation=Equality(
            sp.Matrix([*(rotated_update_w1_printed(WB1_ALIGNED, WB2_ALIGNED, LAMBDA) - kappa * WB1_ALIGNED),
                       *(rotated_update_w2_printed(WB1_ALIGNED, WB2_ALIGNED, LAMBDA) - kappa * WB2_ALIGNED)]),
            sp.Matrix([*(R * diagonal(MODE_DECAY_W1, HIDDEN, D_IN)), *(diagonal(MODE_DECAY_W2, D_IN, HIDDEN) * R.T)]),
        ),
        strategy=(ON_R,),
        where=R2.where,
        domain=R2.domain,
        depends=("s31.weight_decay", "s32.aligned_W1", "s32.aligned_W2", "def.mode_loss"),
        scope=SCOPE_ALIGNED,
    ),
]
