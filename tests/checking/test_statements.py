"""Statements show the mathematics: no claim's two sides are identical as built.

SymPy evaluates as it builds, so ``M.subs(w, 0)`` or ``P * Q`` can leave a claim
reading ``[0, 0] = [0, 0]`` or ``P0 Q0 = P0 Q0``: the table would not show what
was checked. Claims hold the step (``Derivative``, ``Subs``, unevaluated
products) and their strategy performs it.
"""

from __future__ import annotations

import sympy as sp

from symdae.checking import load
from symdae.checking.claim import Limit, Relation


def _sides(relation: Relation) -> tuple[object, object]:
    if isinstance(relation, Limit):
        return relation.expr, relation.value
    return relation.lhs, relation.rhs


def identical_as_built(relation: Relation) -> bool:
    """Both sides are structurally equal (matrices: entry by entry)."""
    lhs, rhs = _sides(relation)
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        lhs_m, rhs_m = sp.Matrix(lhs), sp.Matrix(rhs)
        return lhs_m.shape == rhs_m.shape and all(a == b for a, b in zip(lhs_m, rhs_m, strict=True))
    return bool(sp.sympify(lhs) == sp.sympify(rhs))


def test_the_detector_sees_an_evaluated_statement() -> None:
    from symdae.checking import Equality
    from symdae.symbols import w1, w2

    assert identical_as_built(Equality(sp.Matrix([w1 * w2]).subs(w1, 0), sp.zeros(1, 1)))
    assert not identical_as_built(Equality(sp.Matrix([sp.Subs(w1 * w2, w1, 0)]), sp.zeros(1, 1)))


def test_no_claim_has_identical_sides_as_built() -> None:
    registry = load()
    identical = [
        f"{claim.id} ({which})"
        for claim in registry.claims.values()
        for which, relation in (("relation", claim.relation), ("printed", claim.printed))
        if relation is not None and identical_as_built(relation)
    ]
    assert not identical, "claims whose two sides are identical as built: " + ", ".join(identical)
