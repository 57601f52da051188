"""Claims and definitions: the checkable statements of the paper.

A :class:`Claim` is one relation between SymPy expressions (an equality, a
limit or an inequality) together with everything needed to settle it: the
paper reference it checks, the claims and definitions it rests on, the domain
of its symbols (for numeric sampling) and the strategy -- a short sequence of
targeted SymPy transformations -- that should reduce it to ``0``.

When the paper prints a formula that is wrong, the claim carries the formula
*as printed* in ``printed`` and the proved form in ``relation``; the checker
then reports an erratum with both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import sympy as sp

from symdae.checking.steps import Step

Direction = Literal["+", "-", "+-"]
Comparison = Literal["<", "<=", ">", ">="]


@dataclass(frozen=True)
class Interval:
    """Where a symbol is sampled for numeric checks.

    ``log=True`` samples ``|x|`` log-uniformly in ``[low, high]`` (both > 0);
    ``signed=True`` then gives each sample a random sign.
    """

    low: float
    high: float
    log: bool = False
    signed: bool = False

    def __post_init__(self) -> None:
        if not self.low <= self.high:
            raise ValueError(f"Interval needs low <= high, got [{self.low}, {self.high}]")
        if self.log and self.low <= 0:
            raise ValueError(f"a log-sampled Interval needs low > 0, got {self.low}")


Expression: TypeAlias = "sp.Expr | sp.MatrixBase"


@dataclass(frozen=True)
class Equality:
    """``lhs = rhs`` (scalars or matrices of equal shape, compared entrywise)."""

    lhs: Expression
    rhs: Expression

    def latex(self) -> str:
        return f"{sp.latex(self.lhs)} = {sp.latex(self.rhs)}"

    def expressions(self) -> tuple[Expression, ...]:
        return (self.lhs, self.rhs)


@dataclass(frozen=True)
class Limit:
    """``lim_{var → point} expr = value``, approached from ``direction``.

    ``prepare`` steps rewrite ``expr`` before the limit is taken (for example
    into exponentials); they are part of the recorded strategy.
    """

    expr: sp.Expr
    var: sp.Symbol
    point: sp.Expr
    value: sp.Expr
    direction: Direction = "+"
    prepare: tuple[Step, ...] = ()

    def latex(self) -> str:
        arrow = f"{sp.latex(self.var)} \\to {sp.latex(self.point)}"
        if self.direction != "+-" and self.point not in (sp.oo, -sp.oo):
            arrow += f"^{{{self.direction}}}"
        return f"\\lim_{{{arrow}}} {sp.latex(self.expr)} = {sp.latex(self.value)}"

    def expressions(self) -> tuple[Expression, ...]:
        return (self.expr, self.value)


@dataclass(frozen=True)
class Inequality:
    """``lhs op rhs`` for every point of the domain the symbols' assumptions allow."""

    lhs: sp.Expr
    op: Comparison
    rhs: sp.Expr

    def latex(self) -> str:
        symbol = {"<": "<", "<=": "\\le", ">": ">", ">=": "\\ge"}[self.op]
        return f"{sp.latex(self.lhs)} {symbol} {sp.latex(self.rhs)}"

    def expressions(self) -> tuple[Expression, ...]:
        return (self.lhs, self.rhs)


Relation: TypeAlias = "Equality | Limit | Inequality"


@dataclass(frozen=True)
class Cause:
    """The root cause of one or more errata: a short ``id`` and a ``sentence`` that explains it."""

    id: str
    sentence: str

    def __post_init__(self) -> None:
        if not self.id or " " in self.id:
            raise ValueError(f"Cause id must be non-empty without spaces, got {self.id!r}")


def _repr_latex(obj: object) -> str:
    from symdae.checking._display import repr_latex

    return repr_latex(obj)


def _repr_html(obj: object) -> str:
    from symdae.checking._display import repr_html

    return repr_html(obj)


@dataclass(frozen=True)
class Definition:
    """A named definition the claims rest on (taken as given, not checked)."""

    id: str
    paper_ref: str
    text: str
    symbol: sp.Expr
    value: sp.Expr

    def latex(self) -> str:
        return f"{sp.latex(self.symbol)} := {sp.latex(self.value)}"

    def _repr_latex_(self) -> str:
        return _repr_latex(self)

    def _repr_html_(self) -> str:
        return _repr_html(self)


@dataclass(frozen=True)
class Claim:
    """One checkable statement of the paper.

    Attributes:
        id: unique, dotted, e.g. ``"suppB.theta_ode"``.
        paper_ref: what it checks, e.g. ``"Supp. B"`` or ``"Eq. (5)"``.
        title: the statement in words.
        relation: the (corrected, if need be) relation that is proved.
        strategy: transformations applied to ``lhs − rhs`` that should give 0.
        depends: ids of the claims and definitions this claim rests on.
        domain: sampling intervals for numeric checks, per symbol; symbols not
            named here get :data:`symdae.checking.numeric.DEFAULT_DOMAIN`.
        where: symbols defined by others (``zeta: sqrt(beta**2 + 4)``); numeric
            checks substitute them, symbolic strategies may reduce modulo them.
        condition: extra restriction of the domain (a SymPy boolean).
        printed: the relation exactly as the paper prints it, when that differs.
        scope: what a symbolic proof covers when less than fully general
            (e.g. "matrices of size D = 3, H = 2").
        use_equals: opt in to SymPy's ``equals`` after the strategy (a blanket
            simplification; the strategy column then names it).
        shown: ``(as printed, corrected)`` formulas an erratum report displays, when the
            relations themselves (e.g. "the derivative vanishes at w*") do not show them.
        cause: for an erratum, its root :class:`Cause` (errata are grouped by it).
        consequence_of: for an erratum that is a correct step from an earlier wrong
            premise, the id of the erratum it follows from.
        premise_of: for a *finding*: the ids of the printed results that rest on a
            premise this claim tests where the paper applies it. ``printed`` is the
            premise as the paper uses it, ``relation`` what holds there; when the
            numbers refute the first and the second is proved, the verdict is
            ``finding`` (the results follow from their premise, which fails where
            they are applied), not ``erratum``.
    """

    id: str
    paper_ref: str
    title: str
    relation: Relation
    strategy: tuple[Step, ...] = ()
    depends: tuple[str, ...] = ()
    domain: Mapping[sp.Symbol, Interval] = field(default_factory=dict)
    where: Mapping[sp.Symbol, sp.Expr] = field(default_factory=dict)
    condition: sp.Basic | None = None
    printed: Relation | None = None
    scope: str | None = None
    use_equals: bool = False
    shown: tuple[sp.Expr, sp.Expr] | None = None
    cause: Cause | None = None
    consequence_of: str | None = None
    premise_of: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.id or " " in self.id:
            raise ValueError(f"claim id must be non-empty without spaces, got {self.id!r}")
        if self.premise_of and self.printed is None:
            raise ValueError(f"claim {self.id}: premise_of needs the premise as printed (printed=...)")
        if self.printed is not None and type(self.printed) is not type(self.relation):
            raise ValueError(f"claim {self.id}: printed and relation must be the same kind")

    @property
    def kind(self) -> str:
        return type(self.relation).__name__.lower()

    def _repr_latex_(self) -> str:
        return _repr_latex(self)

    def _repr_html_(self) -> str:
        return _repr_html(self)

    def erratum_forms(self) -> tuple[str, str]:
        """LaTeX of the printed and corrected formulas (only their differing sides)."""
        if self.printed is None:
            raise ValueError(f"claim {self.id} has no printed form")
        if self.shown is not None:
            return sp.latex(self.shown[0]), sp.latex(self.shown[1])
        printed, relation = self.printed, self.relation
        if isinstance(printed, Equality) and isinstance(relation, Equality) and printed.lhs == relation.lhs:
            return sp.latex(printed.rhs), sp.latex(relation.rhs)
        return printed.latex(), relation.latex()

