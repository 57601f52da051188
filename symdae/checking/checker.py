"""Settle one claim: symbolic proof first, numeric evidence only as a fallback.

Order of strategies, strongest first:

1. the claim's own targeted steps reduce ``lhs − rhs`` to exactly ``0``
   (for a limit: SymPy's ``limit`` and then the steps; for an inequality: the
   steps and then SymPy's sign assumptions);
2. SymPy's ``equals`` on what is left (skipped for very large expressions);
3. mpmath at 40 digits at many points drawn from the claim's domain.

Verdicts 1 and 2 are ``proved``; 3 is ``numeric``; a counterexample or
inconclusive evidence is ``failed``. ``equals`` (2) runs only for claims that
opt in (``use_equals=True``), and the strategy column then names it. A
symbolic reduction is ``proved`` only together with an independent cross-check
at no fewer than :data:`CROSS_CHECK_POINTS` points of the claim's domain
(boundaries such as ε = 0 included, see :mod:`symdae.checking.numeric`): a
claim whose domain and condition admit fewer points, or whose numbers disagree
with the proof, is ``failed``.

Every substitution step must be justified (see :func:`symdae.checking.steps.subs`);
one that is not makes the claim ``failed``. Steps that narrow the claim (a
fixed size, ``ε > 0``) are listed in the verdict's ``scope``. A domain that pins
a symbol to one value is refused: state the value in the relation instead.
When a claim carries the paper's printed form and the numbers refute that
form while the corrected relation holds, the verdict is ``erratum``; for a
claim that tests a premise where the paper applies it (``premise_of``) it is
``finding``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import sympy as sp
from sympy.core.function import AppliedUndef

from symdae.checking import numeric
from symdae.checking.claim import Claim, Definition, Equality, Inequality, Limit, Relation
from symdae.checking.steps import Step, StepRefused, describe

Status = Literal["proved", "numeric", "erratum", "finding", "failed"]
Evidence = Literal["symbolic", "numeric", "none"]

EQUALS_MAX_OPS = 400
CROSS_CHECK_POINTS = 16
"""A proof needs an independent numeric cross-check at this many points."""


@dataclass(frozen=True)
class Settlement:
    """How one relation was settled (an intermediate of :func:`check`)."""

    evidence: Evidence
    strategy: str
    result: numeric.NumericResult | None
    residual: str = ""

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
    cross_check_points: int = 0
    numeric_max_error: float | None = None
    counterexample: dict[str, str] | None = None
    printed: str | None = None
    corrected: str | None = None
    printed_srepr: str | None = None
    corrected_srepr: str | None = None
    note: str = ""
    rests_on_numeric: list[str] = field(default_factory=list)
    premise_of: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def _repr_latex_(self) -> str:
        from symdae.checking._display import repr_latex

        return repr_latex(self)

    def _repr_html_(self) -> str:
        from symdae.checking._display import repr_html

        return repr_html(self)


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


EQUALS_NAME = "equals (opt-in)"


def _is_zero_by_equals(expr: sp.Expr, claim: Claim) -> bool:
    if not claim.use_equals or sp.count_ops(expr) > EQUALS_MAX_OPS:
        return False
    return expr.equals(0) is True


def _cancels(expr: sp.Basic) -> bool:
    """``expr`` is 0 by expand/cancel (no ``simplify``)."""
    expr = sp.sympify(expr)
    if expr == 0:
        return True
    return bool(sp.cancel(sp.expand(expr)) == 0)


def _strategy_steps(claim: Claim) -> list[Step]:
    prepare = list(claim.relation.prepare) if isinstance(claim.relation, Limit) else []
    return [*prepare, *claim.strategy]


_GENERALISATION_ASSUMPTIONS = ("real", "positive", "negative", "nonnegative", "nonpositive", "nonzero", "integer")
_CANCEL_MAX_OPS = 300


def _present(claim: Claim) -> set[sp.Basic]:
    """Symbols and undefined functions the claim already uses (its relations and ``where``)."""
    exprs = [*claim.relation.expressions(), *(claim.printed.expressions() if claim.printed else ()),
             *claim.where.keys(), *claim.where.values()]
    found: set[sp.Basic] = set()
    for expr in exprs:
        expr = sp.sympify(expr)
        found |= expr.free_symbols
        found |= {f.func for f in expr.atoms(AppliedUndef)}
    return found


def _generalises(old: sp.Basic, new: sp.Basic, present: set[sp.Basic]) -> bool:
    """``new`` is a fresh symbol (or undefined function) whose assumptions ``old`` satisfies.

    Proving the identity for every value of a fresh ``new`` proves it at ``new = old``.
    """
    if isinstance(new, sp.Symbol):
        if new in present:
            return False
        # the sign assumptions of ``new`` must hold for ``old``; realness must not be refuted
        # (an identity for every real δ holds where δf is real, which the cross-check samples)
        return all(getattr(old, f"is_{a}") is (True if a != "real" else getattr(old, f"is_{a}"))
                   and getattr(old, f"is_{a}") is not False
                   for a in _GENERALISATION_ASSUMPTIONS if getattr(new, f"is_{a}"))
    return isinstance(new, AppliedUndef) and new.func not in present


def _lookup(item: Any, known: Mapping[str, Claim | Definition] | None, step: Step) -> Claim | Definition:
    if not isinstance(item, str):
        return item
    if known is None or item not in known:
        raise StepRefused(f"step {step.name!r} cites {item!r}, which is not a known claim or definition here")
    return known[item]


def _justified(old: sp.Basic, new: sp.Basic, step: Step, claim: Claim, present: set[sp.Basic],
               known: Mapping[str, Claim | Definition] | None) -> str | None:
    """Why ``old → new`` is sound ("" when nothing narrows), or None when nothing justifies it."""
    where = claim.where
    gap = sp.sympify(old - new)
    if step.proof:
        lemma = gap
        for proof_step in step.proof:
            lemma = proof_step(lemma)
        if lemma == 0:
            return ""
    for cited in step.because:
        cited, at, generic = (cited[0], cited[1], cited[2:]) if isinstance(cited, tuple) else (cited, None, ())
        item = _lookup(cited, known, step)
        if item.id not in claim.depends:
            raise StepRefused(f"step {step.name!r} cites {item.id!r}, which claim {claim.id} does not depend on")
        if isinstance(item, Definition):
            if _cancels(numeric.resolve_where(gap.xreplace({item.symbol: item.value}), where)):
                return ""
        elif isinstance(item.relation, Equality) and not isinstance(item.relation.lhs, sp.MatrixBase):
            theirs = sp.sympify(item.relation.lhs - item.relation.rhs)
            if at is not None:
                # an instance (steps.instance): ``old → new`` is ``generic`` at ``at``, and the generic
                # ``old − new`` is a nonzero multiple of the cited ``lhs − rhs``
                generic_old, generic_new = generic
                if old != generic_old.xreplace(at) or new != generic_new.xreplace(at):
                    continue
                if any(getattr(sp.sympify(value), f"is_{a}") is False for symbol, value in at.items()
                       for a in _GENERALISATION_ASSUMPTIONS if getattr(symbol, f"is_{a}")):
                    raise StepRefused(f"step {step.name!r}: the values it puts into {item.id} contradict "
                                      "the assumptions of that claim's symbols")
                ratio = sp.cancel(sp.sympify(generic_old - generic_new) / theirs)
                if ratio.is_nonzero and not ratio.has(sp.nan, sp.zoo, sp.oo):
                    return ""
                continue
            if theirs == gap or theirs == -gap:
                return ""
            context = {**where, **item.where}
            mine, theirs = numeric.resolve_where(gap, context), numeric.resolve_where(theirs, context)
            if _small(mine, theirs) and (_cancels(mine - theirs) or _cancels(mine + theirs)):
                return ""
    if isinstance(old, sp.Symbol) and isinstance(new, sp.Symbol) and old.name == new.name:
        for test, text in (("positive", "> 0"), ("negative", "< 0"), ("nonzero", "≠ 0"), ("nonnegative", "≥ 0")):
            if getattr(new, f"is_{test}") and not getattr(old, f"is_{test}"):
                return f"{old} {text}"
    if _generalises(old, new, present):
        return ""
    if gap.free_symbols & set(where) and _small(gap) and _cancels(numeric.resolve_where(gap, where)):
        return ""
    return None


def _small(*exprs: sp.Basic) -> bool:
    return all(sp.count_ops(e) <= _CANCEL_MAX_OPS for e in exprs)


def _inverse_covers(step: Step) -> bool:
    """``new(inverse) = old`` for every substituted symbol, and the inverse meets the new symbols' assumptions."""
    assert step.inverse is not None and step.substitution is not None
    back = dict(step.inverse)
    for old, new in step.substitution:
        if not _cancels(sp.sympify(new).xreplace(back) - old):
            return False
    for symbol, value in back.items():
        for test in ("positive", "nonnegative", "negative", "real"):
            if getattr(symbol, f"is_{test}") and getattr(sp.sympify(value), f"is_{test}") is not True:
                return False
    return True


def audit(claim: Claim, known: Mapping[str, Claim | Definition] | None = None) -> list[str]:
    """The narrowings of ``claim``'s steps and domain; raises :class:`StepRefused` for an unjustified step.

    ``known`` resolves the claim and definition ids that steps cite in ``because``.
    """
    narrowings: list[str] = []
    present = _present(claim)
    symbols = set().union(*(sp.sympify(e).free_symbols for e in claim.relation.expressions()))
    for symbol, interval in claim.domain.items():
        if symbol in symbols and interval.low == interval.high:
            raise StepRefused(
                f"the domain pins {symbol} to {interval.low}: a claim must hold on an interval; "
                f"write {symbol} = {interval.low} into the relation (and its scope) instead")
    for step in _strategy_steps(claim):
        if step.narrows is not None:
            narrowings.append(step.narrows)
            continue
        if step.substitution is None:
            continue
        if step.inverse is not None:
            if not _inverse_covers(step):
                raise StepRefused(f"step {step.name!r}: its inverse does not give the substituted symbols back "
                                  "(or breaks their assumptions), so it is not a change of variables")
            continue
        for old, new in step.substitution:
            why = _justified(old, new, step, claim, present, known)
            if why is None:
                raise StepRefused(
                    f"step {step.name!r} substitutes {old} → {new} with nothing to justify it: pass because=(the "
                    "claim or definition proving it), inverse= for a change of variables, or narrows='…' to "
                    "state the restriction it makes")
            if why:
                narrowings.append(why)
        for _, new in step.substitution:
            new = sp.sympify(new)
            present |= new.free_symbols | {f.func for f in new.atoms(AppliedUndef)}
    for symbol in sorted(symbols, key=sp.default_sort_key):
        default = numeric.DEFAULT_DOMAIN.get(symbol)
        declared = claim.domain.get(symbol)
        if default is not None and declared is not None and default.low == 0 and declared.low > 0:
            narrowings.append(f"{symbol} > 0")
    return list(dict.fromkeys(narrowings))


def _symbolic(claim: Claim, relation: Relation) -> tuple[bool, str, str]:
    """Try to prove ``relation`` symbolically: (proved, strategy text, residual)."""
    strategy = describe(claim.strategy)
    if isinstance(relation, Equality):
        residuals = [_reduce(a - b, claim) for a, b in _entries(relation)]
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
    """Settle ``relation`` under ``claim``'s strategy, domain and definitions."""
    proved, how, residual = _symbolic(claim, relation)
    if proved:
        cross = _numeric(claim, relation, CROSS_CHECK_POINTS)
        return Settlement("symbolic", how, cross)
    result = _numeric(claim, relation, numeric.POINTS)
    enough = result.points >= CROSS_CHECK_POINTS
    evidence: Evidence = "numeric" if result.holds is True and enough else "none"
    text = f"numeric (mpmath {numeric.DPS} digits, {result.points} points)"
    return Settlement(evidence, text, result, residual)


def _srepr(relation: Relation) -> str:
    return sp.srepr(relation.expressions())


def _refused(claim: Claim, reason: str, seconds: float) -> Verdict:
    return Verdict(
        id=claim.id, paper_ref=claim.paper_ref, title=claim.title, kind=claim.kind, status="failed",
        strategy=describe(_strategy_steps(claim)), seconds=seconds, statement=claim.relation.latex(),
        depends=list(claim.depends), scope=claim.scope, note=f"refused: {reason}",
    )


def check(claim: Claim, *, known: Mapping[str, Claim | Definition] | None = None) -> Verdict:
    """Check ``claim`` (and its printed form, if any) and return the verdict.

    ``known`` (claims and definitions by id, e.g. a registry's) resolves the
    ids that substitution steps cite in ``because``.
    """
    start = time.perf_counter()
    try:
        narrowings = audit(claim, known)
        main = settle(claim, claim.relation)
        printed = settle(claim, claim.printed) if claim.printed is not None else None
    except StepRefused as refusal:
        return _refused(claim, str(refusal), time.perf_counter() - start)

    note = ""
    counterexample = main.result.counterexample if main.result else None
    if not main.holds:
        status: Status = "failed"
        points = main.result.points if main.result else 0
        if main.refuted and main.evidence == "symbolic":
            note = "the symbolic proof disagrees with the numbers (counterexample)"
        elif main.evidence == "symbolic" and points < CROSS_CHECK_POINTS:
            note = (f"the steps reduce it to 0, but the independent cross-check found only {points} of the "
                    f"{CROSS_CHECK_POINTS} points of the domain it needs: not proved (widen the domain or condition)")
        elif main.evidence == "none" and main.result is not None and not main.refuted and points < CROSS_CHECK_POINTS:
            note = f"not proved, and only {points} points of the domain could be evaluated"
        elif main.result is not None and main.result.note:
            note = main.result.note
        else:
            note = f"not proved; residual {main.residual}" if main.residual else "not proved"
    elif printed is None or printed.holds:
        status = "proved" if main.evidence == "symbolic" else "numeric"
        if printed is not None:
            note = "the printed form holds as printed"
    elif printed.refuted:
        status = "finding" if claim.premise_of else "erratum"
        counterexample = printed.result.counterexample if printed.result else None
        kind = "proved" if main.evidence == "symbolic" else "numeric only"
        if claim.premise_of:
            note = (f"the premise as the paper applies it is refuted by counterexample; what holds there is {kind}; "
                    f"it bears on {', '.join(claim.premise_of)}")
        else:
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
        scope="; ".join([claim.scope, *narrowings] if claim.scope else narrowings) or None,
        numeric_points=result.points if result else 0,
        cross_check_points=result.points if result and main.evidence == "symbolic" else 0,
        numeric_max_error=result.max_error if result else None,
        counterexample=counterexample,
        note=note,
        premise_of=list(claim.premise_of),
    )
    if claim.printed is not None:
        verdict.printed, verdict.corrected = claim.erratum_forms()
        verdict.printed_srepr = _srepr(claim.printed)
        verdict.corrected_srepr = _srepr(claim.relation)
    return verdict
