"""Every proved identity also holds numerically at Hypothesis-drawn points.

A second, independent line of evidence: it shares no code with the checker.
The points come from Hypothesis (:mod:`symdae.strategies`, not the checker's
sampler), the claim's ``where`` definitions are substituted, its derivatives
and held limits evaluated and its matrix entries paired by the functions
below, and both sides are evaluated with mpmath at 50 digits. What it takes
from ``symdae.checking`` is data: the claims themselves and the table of
default sampling intervals (``DEFAULT_DOMAIN``) their domains are written
against. A claim's domain must keep its expressions within what 50 digits
resolve.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symdae.checking import Equality, Inequality, Interval, load
from symdae.checking.numeric import DEFAULT_DOMAIN
from symdae.strategies import from_interval

REGISTRY = load()
POINTWISE = [c.id for c in REGISTRY.claims.values() if isinstance(c.relation, (Equality, Inequality))]


def _pairs(relation: Equality | Inequality) -> list[tuple[sp.Expr, sp.Expr]]:
    """``(lhs, rhs)``, or one pair per entry when the sides are matrices."""
    lhs, rhs = relation.lhs, relation.rhs
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        left, right = sp.Matrix(lhs), sp.Matrix(rhs)
        assert left.shape == right.shape, (left.shape, right.shape)
        return [(left[i], right[i]) for i in range(len(left))]
    return [(sp.sympify(lhs), sp.sympify(rhs))]


def _substitute(expr: object, where: Mapping[sp.Symbol, sp.Expr]) -> sp.Expr:
    """``expr`` with the ``where`` definitions substituted until none of their symbols is left."""
    expr = sp.sympify(expr)
    for _ in range(len(where) + 1):
        if not expr.free_symbols & set(where):
            return expr
        expr = expr.subs(dict(where))
    raise AssertionError(f"the where definitions are circular: {dict(where)}")


def _evaluated(expr: sp.Expr) -> sp.Expr:
    """Derivatives, substitutions and limits held by the claim, carried out by SymPy."""
    held = (sp.Derivative, sp.Subs, sp.Limit)
    return expr.replace(lambda e: isinstance(e, held), lambda e: e.doit()) if expr.has(*held) else expr


def _interval(symbol: sp.Symbol, domain: Mapping[sp.Symbol, Interval]) -> Interval:
    """The claim's interval for ``symbol``, else the default table's, else one its assumptions allow."""
    if symbol in domain:
        return domain[symbol]
    if symbol in DEFAULT_DOMAIN:
        return DEFAULT_DOMAIN[symbol]
    if symbol.is_positive:
        return Interval(0.1, 10.0, log=True)
    return Interval(0.0, 10.0) if symbol.is_nonnegative else Interval(-10.0, 10.0)


@functools.cache
def compiled(claim_id: str) -> tuple[list[sp.Symbol], list[tuple[object, object]], object]:
    claim = REGISTRY.claims[claim_id]
    pairs = [(_evaluated(_substitute(a, claim.where)), _evaluated(_substitute(b, claim.where)))
             for a, b in _pairs(claim.relation)]
    condition = _substitute(claim.condition, claim.where) if claim.condition is not None else None
    symbols = set().union(*(a.free_symbols | b.free_symbols for a, b in pairs))
    if condition is not None:
        symbols |= condition.free_symbols
    ordered = sorted(symbols, key=sp.default_sort_key)
    funcs = [(sp.lambdify(ordered, a, "mpmath"), sp.lambdify(ordered, b, "mpmath")) for a, b in pairs]
    test = sp.lambdify(ordered, condition, "mpmath") if condition is not None else None
    return ordered, funcs, test


SLOW = {"s33.eps_gaussian", "s33.eps_logistic", "s33.eps_laplace"}
"""Claims whose 50-digit evaluation takes 10–20 s for 25 points (integrals over the noise): in the slow run."""


@pytest.mark.parametrize("claim_id", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW else c for c in POINTWISE])
@given(data=st.data())
# a claim's condition (e.g. Nγ < λ, w0 λ < λ − Nγ) rejects most of its box by design
@settings(suppress_health_check=[HealthCheck.filter_too_much])
def test_claim_holds_at_hypothesis_points(claim_id: str, data: st.DataObject) -> None:
    claim = REGISTRY.claims[claim_id]
    symbols, funcs, test = compiled(claim_id)
    point = []
    for sym in symbols:
        interval = _interval(sym, claim.domain)
        point.append(mpmath.mpf(data.draw(from_interval(interval), label=str(sym))))
    with mpmath.workdps(50):
        if test is not None:
            assume(bool(test(*point)))
        for f, g in funcs:  # type: ignore[misc]
            try:
                a, b = f(*point), g(*point)
            except (ZeroDivisionError, ValueError, OverflowError):
                assume(False)
            assume(mpmath.isfinite(a) and mpmath.isfinite(b))
            scale = max(mpmath.mpf(1), abs(a), abs(b))
            if isinstance(claim.relation, Inequality):
                op = claim.relation.op
                gap = (b - a) if op in ("<", "<=") else (a - b)
                assert gap >= -mpmath.mpf(10) ** -30 * scale, (claim_id, point)
            else:
                assert abs(a - b) <= mpmath.mpf(10) ** -30 * scale, (claim_id, point, a, b)
