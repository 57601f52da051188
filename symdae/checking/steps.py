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
from typing import Any

import sympy as sp


class StepRefused(ValueError):
    """A step cannot be applied soundly here (the message says why and what to declare)."""


@dataclass(frozen=True)
class Step:
    """A named transformation ``Expr -> Expr``.

    Steps that replace part of an expression by something else record it, so
    that the checker can ask what justifies them: ``substitution`` holds the
    pairs, ``narrows`` the restriction of the claim's scope the step makes
    (shown in the report's scope column), ``because`` the claims or definitions
    that prove each ``old = new`` and ``inverse`` a change of variables' inverse.
    """

    name: str
    fn: Callable[[sp.Expr], sp.Expr]
    substitution: tuple[tuple[sp.Basic, sp.Basic], ...] | None = None
    narrows: str | None = None
    because: tuple[Any, ...] = ()
    inverse: tuple[tuple[sp.Basic, sp.Basic], ...] | None = None
    proof: tuple[Step, ...] = ()

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


def subs(
    mapping: Mapping[sp.Basic, sp.Basic],
    label: str | None = None,
    *,
    narrows: str | None = None,
    because: Iterable[Any] = (),
    inverse: Mapping[sp.Basic, sp.Basic] | None = None,
    proof: Iterable[Step] = (),
) -> Step:
    """Substitute ``mapping`` (simultaneously); ``label`` names it in reports.

    A substitution must be justified, or the checker refuses the claim. Each
    ``old → new`` is accepted when

    * the claim's ``where`` definitions make ``old − new`` reduce to 0, or the
      steps of ``proof`` do (a lemma proved in place);
    * ``because`` names claims (proved equalities) or definitions, listed in
      the claim's ``depends``, whose relation is ``old = new``; a pair
      ``(claim id, {symbol: value})`` cites an instance of the claim, and
      ``old − new`` written back in the claim's symbols must then be a nonzero
      multiple of its ``lhs − rhs``;
    * ``new`` is a fresh symbol, or an undefined function, that the claim does
      not use and whose sign assumptions ``old`` meets (a generalisation: an
      identity for every δ holds at δ = δf);
    * ``old`` is a symbol and ``new`` a symbol of the same name with stronger
      assumptions (``ε → ε > 0``): the claim is then proved only there, and the
      scope says so;
    * ``inverse`` gives a change of variables back (``{q: (β + ζ)/2 − 1}`` for
      ``β → q + 1 − 1/(q + 1)``): the checker proves that substituting the
      inverse into ``new`` gives ``old`` back and that the inverse satisfies the
      new symbols' assumptions, so every point of the domain is covered;
    * or ``narrows`` states the restriction the step makes (``"N = 2"``), which
      the report shows in the claim's scope.
    """
    items = dict(mapping)
    name = label or "subs(" + ", ".join(f"{k}→{v}" for k, v in items.items()) + ")"
    return Step(
        name,
        lambda e: e.subs(items, simultaneous=True),
        substitution=tuple(items.items()),
        narrows=narrows,
        because=tuple(because),
        inverse=tuple(inverse.items()) if inverse is not None else None,
        proof=tuple(proof),
    )


def instance(
    cited: str,
    at: Mapping[sp.Symbol, sp.Basic],
    old: sp.Basic,
    new: sp.Basic,
    label: str | None = None,
) -> Step:
    """Substitute ``old → new`` at ``at``: an instance of the equality the claim ``cited`` proves.

    ``old = new`` must follow from the cited claim's relation in its own
    symbols (its ``lhs − rhs`` times a nonzero factor); the step substitutes
    ``old.xreplace(at) → new.xreplace(at)``. The checker verifies both, and that
    the values in ``at`` do not contradict the assumptions of the cited symbols.
    The claim must depend on ``cited``.
    """
    items = dict(at)
    name = label or f"{cited} at " + ", ".join(f"{k} = …" for k in items)
    return subs({old.xreplace(items): new.xreplace(items)}, name, because=((cited, items, old, new),))


def generic_branch(label: str, *, narrows: str | None = None) -> Step:
    """Replace each ``Piecewise`` by its last (otherwise) branch.

    Sound only where every earlier condition is false. The step checks that
    each earlier condition is ``False`` under the symbols' assumptions; where
    one is not (``Eq(ε, 0)`` for ``ε >= 0``), ``narrows`` must state the
    restriction (``"ε > 0"``), which the report shows in the claim's scope, or
    the step raises :class:`StepRefused`. ``label`` says why the branch is the
    generic one.
    """

    def generic(expr: sp.Expr) -> sp.Expr:
        def last(piecewise: sp.Piecewise) -> sp.Expr:
            open_conditions = [c for _, c in piecewise.args[:-1] if c is not sp.false]
            if open_conditions and narrows is None:
                raise StepRefused(
                    f"generic branch ({label}): the earlier condition {open_conditions[0]} is not false "
                    "under the symbols' assumptions; pass narrows='…' to state where the claim is proved")
            return piecewise.args[-1].expr

        return expr.replace(lambda x: isinstance(x, sp.Piecewise), last)

    return Step(f"generic branch ({label})", generic, narrows=narrows)


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
