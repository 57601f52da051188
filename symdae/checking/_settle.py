"""Settling one relation: symbolic reduction first, numeric evidence as the fallback and the cross-check.

See :mod:`symdae.checking.checker` for the order of strategies and what
each verdict needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import sympy as sp

from symdae.checking import numeric
from symdae.checking.claim import Claim, Equality, Inequality, Limit, Relation
from symdae.checking.steps import StepRefused, describe

__all__ = ["CROSS_CHECK_POINTS", "EQUALS_MAX_OPS", "EQUALS_NAME", "Evidence", "Settlement", "entries", "settle"]

Evidence = Literal["symbolic", "numeric", "none"]

EQUALS_MAX_OPS = 400
CROSS_CHECK_POINTS = 16
"""A proof needs an independent numeric cross-check at this many points."""


@dataclass(frozen=True)
class Settlement:
    """How one relation was settled (an intermediate of :func:`~symdae.checking.checker.check`)."""

    evidence: Evidence
    strategy: str
    result: numeric.NumericResult | None
    residual: str = ""
    error: str = ""
    """What a strategy step raised (``Type: message``), when one did: the relation was then settled by the
    numbers alone."""

    @property
    def holds(self) -> bool:
        if self.result is None or self.result.holds is not True:
            return False
        if self.evidence == "symbolic":
            return self.result.points >= CROSS_CHECK_POINTS
        return self.evidence == "numeric"

    @property
    def refuted(self) -> bool:
        return self.result is not None and self.result.holds is False


def entries(relation: Equality) -> list[tuple[sp.Expr, sp.Expr]]:
    """The (lhs, rhs) pairs of an equality: one pair, or one per entry of a matrix equality."""
    lhs, rhs = relation.lhs, relation.rhs
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        lhs_m, rhs_m = sp.Matrix(lhs), sp.Matrix(rhs)
        if lhs_m.shape != rhs_m.shape:
            raise ValueError(f"matrix shapes differ: {lhs_m.shape} vs {rhs_m.shape}")
        return list(zip(lhs_m, rhs_m, strict=True))
    return [(sp.sympify(lhs), sp.sympify(rhs))]


def _reduce(expr: sp.Expr, claim: Claim) -> sp.Expr:
    for step in claim.strategy:
        expr = step(expr)
    return expr


EQUALS_NAME = "equals (opt-in)"


def _is_zero_by_equals(expr: sp.Expr, claim: Claim) -> bool:
    if not claim.use_equals or sp.count_ops(expr) > EQUALS_MAX_OPS:
        return False
    return expr.equals(0) is True


def _symbolic(claim: Claim, relation: Relation) -> tuple[bool, str, str]:
    """Try to prove ``relation`` symbolically: (proved, strategy text, residual)."""
    strategy = describe(claim.strategy)
    if isinstance(relation, Equality):
        residuals = [_reduce(a - b, claim) for a, b in entries(relation)]
        left = [r for r in residuals if r != 0]
        if not left:
            return True, strategy, ""
        if all(_is_zero_by_equals(r, claim) for r in left):
            return True, f"{strategy} → {EQUALS_NAME}", ""
        return False, strategy, sp.sstr(left[0])[:300]
    if isinstance(relation, Limit):
        expr = relation.expr
        for step in relation.prepare:
            expr = step(expr)
        value = sp.limit(expr, relation.var, relation.point, relation.direction)
        how = (describe(relation.prepare) + " → " if relation.prepare else "") + "limit"
        if claim.strategy:
            how += " → " + strategy
        if value.has(sp.Limit, sp.AccumBounds, sp.nan, sp.zoo):
            return False, how, sp.sstr(value)[:300]
        residual = _reduce(value - relation.value, claim)
        if residual == 0:
            return True, how, ""
        if _is_zero_by_equals(residual, claim):
            return True, f"{how} → {EQUALS_NAME}", ""
        return False, how, sp.sstr(residual)[:300]
    if isinstance(relation, Inequality):
        gap = relation.rhs - relation.lhs if relation.op in ("<", "<=") else relation.lhs - relation.rhs
        gap = _reduce(gap, claim)
        sign = gap.is_positive if relation.op in ("<", ">") else gap.is_nonnegative
        how = f"{strategy} → sign by assumptions"
        return sign is True, how, sp.sstr(gap)[:300]
    raise TypeError(f"unknown relation {type(relation).__name__}")


def _numeric(claim: Claim, relation: Relation, count: int) -> numeric.NumericResult:
    if isinstance(relation, Limit):
        return numeric.check_limit(claim, relation, count=count)
    return numeric.check_pointwise(claim, relation, count=count)


def settle(claim: Claim, relation: Relation) -> Settlement:
    """Settle ``relation`` under ``claim``'s strategy, domain and definitions.

    A strategy step that raises (SymPy's ``PolynomialError`` on an expression it cannot treat, say) does not
    stop the check: the relation is unproved, the numbers still judge it, and ``error`` says what was raised.
    A :class:`~symdae.checking.steps.StepRefused` (a step refusing the claim on purpose) is raised on.
    """
    error = ""
    try:
        proved, how, residual = _symbolic(claim, relation)
    except StepRefused:
        raise
    except Exception as err:  # a SymPy failure inside a step: not a proof, and not a crash
        message = " ".join(str(err).split())[:200]
        error = f"{type(err).__name__}: {message}" if message else type(err).__name__
        proved, how, residual = False, f"{describe(claim.strategy)} (raised {error})", ""
    if proved:
        cross = _numeric(claim, relation, CROSS_CHECK_POINTS)
        return Settlement("symbolic", how, cross)
    result = _numeric(claim, relation, numeric.POINTS)
    enough = result.points >= CROSS_CHECK_POINTS
    evidence: Evidence = "numeric" if result.holds is True and enough else "none"
    text = f"numeric (mpmath {numeric.DPS} digits, {result.points} points)"
    return Settlement(evidence, text, result, residual, error)
