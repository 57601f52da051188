"""Targeted SymPy transformations that make up a claim's strategy.

A strategy is a short, explicit sequence of :class:`Step` objects applied to
``lhs − rhs``; the claim is *proved* when the result is exactly ``0``. Each
step is a named, deterministic SymPy transformation, so a report can say how
every claim was settled ("doit → rewrite(exp) → cancel"). Blanket
``simplify`` is deliberately absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import sympy as sp


@dataclass(frozen=True)
class Step:
    """A named transformation ``Expr -> Expr``."""

    name: str
    fn: Callable[[sp.Expr], sp.Expr]

    def __call__(self, expr: sp.Expr) -> sp.Expr:
        return self.fn(expr)

    def __repr__(self) -> str:
        return f"Step({self.name})"


expand = Step("expand", sp.expand)
cancel = Step("cancel", sp.cancel)
together = Step("together", sp.together)
factor = Step("factor", sp.factor)
factor_deep = Step("factor(deep)", lambda e: sp.factor(e, deep=True))
doit = Step("doit", lambda e: e.doit())
expand_log = Step("expand_log", lambda e: sp.expand_log(e, force=True))
expand_trig = Step("expand_trig", sp.expand_trig)
powsimp = Step("powsimp", sp.powsimp)
numerator = Step("numerator", lambda e: sp.fraction(sp.together(e))[0])


def rewrite(target: type) -> Step:
    """Rewrite functions in terms of ``target`` (``sp.exp``, ``sp.tanh``, ...)."""
    return Step(f"rewrite({target.__name__})", lambda e: e.rewrite(target))


def subs(mapping: Mapping[sp.Basic, sp.Basic], label: str | None = None) -> Step:
    """Substitute ``mapping`` (simultaneously); ``label`` names it in reports."""
    items = dict(mapping)
    name = label or "subs(" + ", ".join(f"{k}→{v}" for k, v in items.items()) + ")"
    return Step(name, lambda e: e.subs(items, simultaneous=True))


def generic_branch(label: str) -> Step:
    """Replace each ``Piecewise`` by its last (otherwise) branch.

    Sound only where every earlier condition is false on the claim's domain;
    ``label`` says why (name the claims that show it) and the claim must
    depend on them.
    """
    return Step(
        f"generic branch ({label})",
        lambda e: e.replace(lambda x: isinstance(x, sp.Piecewise), lambda x: x.args[-1].expr),
    )


def modulo(relations: Iterable[sp.Expr], leading: Iterable[sp.Symbol]) -> Step:
    """Reduce the numerator modulo polynomial ``relations`` (each ``= 0``).

    The numerator of ``together(expr)`` is divided by a lexicographic Gröbner
    basis of ``relations`` in which the ``leading`` symbols come first, and
    the remainder is returned (``0`` proves the identity on the variety, for
    instance on ``zeta**2 = beta**2 + 4``). Denominators must not vanish on
    the domain; claims state that in their domain.
    """
    rels = tuple(relations)
    lead = tuple(leading)
    name = "modulo(" + ", ".join(f"{sp.sstr(r)} = 0" for r in rels) + ")"

    def reduce(expr: sp.Expr) -> sp.Expr:
        num = sp.fraction(sp.together(expr))[0]
        num = sp.expand(num)
        if num == 0:
            return sp.S.Zero
        rest = sorted(
            (num.free_symbols | set().union(*(r.free_symbols for r in rels))) - set(lead),
            key=sp.default_sort_key,
        )
        gens = (*lead, *rest)
        basis = sp.groebner(rels, *gens, order="lex")
        _, remainder = sp.reduced(num, list(basis.exprs), *gens, order="lex")
        return sp.expand(remainder)

    return Step(name, reduce)


def describe(strategy: Iterable[Step]) -> str:
    """``"doit → cancel"``; ``"identity"`` for an empty strategy."""
    names = [step.name for step in strategy]
    return " → ".join(names) if names else "identity"
