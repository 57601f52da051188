"""Settle one claim: symbolic proof first, numeric evidence only as a fallback.

Order of strategies, strongest first:

1. the claim's own targeted steps reduce ``lhs − rhs`` to exactly ``0``
   (for a limit: SymPy's ``limit`` and then the steps; for an inequality: the
   steps and then SymPy's sign assumptions);
2. SymPy's ``equals`` on what is left (skipped for very large expressions);
3. mpmath at 40 digits at many points drawn from the claim's domain.

Verdicts 1 and 2 are ``proved``; 3 is ``numeric``; a counterexample or
inconclusive evidence is ``failed``. A proved claim is also cross-checked
numerically: if the numbers disagree with the proof the claim is ``failed``.
When a claim carries the paper's printed form and the numbers refute that
form while the corrected relation holds, the verdict is ``erratum``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

import sympy as sp

from symdae.checking import numeric
from symdae.checking.claim import Claim, Equality, Inequality, Limit, Relation
from symdae.checking.steps import describe

Status = Literal["proved", "numeric", "erratum", "failed"]
Evidence = Literal["symbolic", "numeric", "none"]

EQUALS_MAX_OPS = 400
CROSS_CHECK_POINTS = 8


@dataclass(frozen=True)
class Settlement:
    """How one relation was settled (an intermediate of :func:`check`)."""

    evidence: Evidence
    strategy: str
    result: numeric.NumericResult | None
    residual: str = ""

    @property
    def holds(self) -> bool:
        if self.evidence == "symbolic":
            return self.result is None or self.result.holds is not False
        return self.evidence == "numeric" and self.result is not None and self.result.holds is True

    @property
    def refuted(self) -> bool:
        return self.result is not None and self.result.holds is False


@dataclass
class Verdict:
    """The checker's verdict on one claim, as reported and written to JSON."""

    id: str
    paper_ref: str
    title: str
    kind: str
    status: Status
    strategy: str
    seconds: float
    statement: str
    depends: list[str]
    scope: str | None = None
    numeric_points: int = 0
    numeric_max_error: float | None = None
    counterexample: dict[str, str] | None = None
    printed: str | None = None
    corrected: str | None = None
    printed_srepr: str | None = None
    corrected_srepr: str | None = None
    note: str = ""
    rests_on_numeric: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _entries(relation: Equality) -> list[tuple[sp.Expr, sp.Expr]]:
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


def _is_zero_by_equals(expr: sp.Expr, claim: Claim) -> bool:
    if not claim.use_equals or sp.count_ops(expr) > EQUALS_MAX_OPS:
        return False
    return expr.equals(0) is True


def _symbolic(claim: Claim, relation: Relation) -> tuple[bool, str, str]:
    """Try to prove ``relation`` symbolically: (proved, strategy text, residual)."""
    strategy = describe(claim.strategy)
    if isinstance(relation, Equality):
        residuals = [_reduce(a - b, claim) for a, b in _entries(relation)]
        left = [r for r in residuals if r != 0]
        if not left:
            return True, strategy, ""
        if all(_is_zero_by_equals(r, claim) for r in left):
            return True, f"{strategy} → equals", ""
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
        if residual == 0 or _is_zero_by_equals(residual, claim):
            return True, how, ""
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
        return numeric.check_limit(claim, relation, count=max(2, count // 3))
    return numeric.check_pointwise(claim, relation, count=count)


def settle(claim: Claim, relation: Relation) -> Settlement:
    """Settle ``relation`` under ``claim``'s strategy, domain and definitions."""
    proved, how, residual = _symbolic(claim, relation)
    if proved:
        cross = _numeric(claim, relation, CROSS_CHECK_POINTS)
        return Settlement("symbolic", how, cross)
    result = _numeric(claim, relation, numeric.POINTS)
    evidence: Evidence = "numeric" if result.holds is True else "none"
    text = f"numeric (mpmath {numeric.DPS} digits, {result.points} points)"
    return Settlement(evidence, text, result, residual)


def _srepr(relation: Relation) -> str:
    return sp.srepr(relation.expressions())


def check(claim: Claim) -> Verdict:
    """Check ``claim`` (and its printed form, if any) and return the verdict."""
    start = time.perf_counter()
    main = settle(claim, claim.relation)
    printed = settle(claim, claim.printed) if claim.printed is not None else None

    note = ""
    counterexample = main.result.counterexample if main.result else None
    if not main.holds:
        status: Status = "failed"
        if main.evidence == "symbolic":
            note = "the symbolic proof disagrees with the numbers (counterexample)"
        elif main.result is not None and main.result.note:
            note = main.result.note
        else:
            note = f"not proved; residual {main.residual}" if main.residual else "not proved"
    elif printed is None or printed.holds:
        status = "proved" if main.evidence == "symbolic" else "numeric"
        if printed is not None:
            note = "the printed form holds as printed"
    elif printed.refuted:
        status = "erratum"
        counterexample = printed.result.counterexample if printed.result else None
        kind = "proved" if main.evidence == "symbolic" else "numeric only"
        note = f"printed form refuted by counterexample; corrected form {kind}"
    else:
        status = "failed"
        note = "the printed form was neither proved nor refuted"

    result = main.result
    verdict = Verdict(
        id=claim.id,
        paper_ref=claim.paper_ref,
        title=claim.title,
        kind=claim.kind,
        status=status,
        strategy=main.strategy,
        seconds=time.perf_counter() - start,
        statement=claim.relation.latex(),
        depends=list(claim.depends),
        scope=claim.scope,
        numeric_points=result.points if result else 0,
        numeric_max_error=result.max_error if result else None,
        counterexample=counterexample,
        note=note,
    )
    if claim.printed is not None:
        verdict.printed, verdict.corrected = claim.erratum_forms()
        verdict.printed_srepr = _srepr(claim.printed)
        verdict.corrected_srepr = _srepr(claim.relation)
    return verdict
