"""Auditing a claim's steps: every substitution justified, every narrowing of the claim listed.

A substitution ``old → new`` is sound when a cited claim or definition
proves it (``because``), when ``new`` is a fresh symbol whose assumptions
``old`` meets (proving the identity for every value proves it at ``old``),
when an ``inverse`` turns it into a change of variables, or when the step
states the restriction it makes (``narrows``). :func:`audit` raises
:class:`~symdae.checking.steps.StepRefused` for any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symdae.checking import numeric
from symdae.checking.claim import Claim, Definition, Equality, Limit
from symdae.checking.steps import Step, StepRefused

__all__ = ["audit", "strategy_steps"]


def _cancels(expr: sp.Basic) -> bool:
    """``expr`` is 0 by expand/cancel (no ``simplify``)."""
    expr = sp.sympify(expr)
    if expr == 0:
        return True
    return bool(sp.cancel(sp.expand(expr)) == 0)


def strategy_steps(claim: Claim) -> list[Step]:
    """Every step the claim takes: a limit's preparation, then its strategy."""
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
    for step in strategy_steps(claim):
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
