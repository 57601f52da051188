"""Every proved identity also holds numerically at Hypothesis-drawn points.

A second, independent line of evidence: the points come from Hypothesis (not
the checker's own sampler) and both sides are evaluated with mpmath at 50
digits, after the claim's ``where`` definitions are substituted.
A claim's domain must keep its expressions within what 50 digits resolve.
"""

from __future__ import annotations

import functools

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symdae.checking import Equality, Inequality, load
from symdae.checking._settle import entries
from symdae.checking.numeric import evaluate_derivatives, interval_for, resolve_where
from tests.strategies import from_interval

REGISTRY = load()
POINTWISE = [c.id for c in REGISTRY.claims.values() if isinstance(c.relation, (Equality, Inequality))]


def _limits(expr: object) -> object:
    """Held limits taken by SymPy (the checker takes them numerically: the two lines of evidence differ)."""
    expr = sp.sympify(expr)
    return expr.replace(lambda e: isinstance(e, sp.Limit), lambda e: e.doit()) if expr.has(sp.Limit) else expr


@functools.cache
def compiled(claim_id: str) -> tuple[list[sp.Symbol], list[tuple[object, object]], object]:
    claim = REGISTRY.claims[claim_id]
    rel = claim.relation
    pairs = entries(rel) if isinstance(rel, Equality) else [(rel.lhs, rel.rhs)]
    pairs = [(_limits(evaluate_derivatives(resolve_where(a, claim.where))),
              _limits(evaluate_derivatives(resolve_where(b, claim.where))))
             for a, b in pairs]
    condition = resolve_where(claim.condition, claim.where) if claim.condition is not None else None
    symbols = set().union(*(sp.sympify(a).free_symbols | sp.sympify(b).free_symbols for a, b in pairs))
    if condition is not None:
        symbols |= condition.free_symbols
    ordered = sorted(symbols, key=sp.default_sort_key)
    funcs = [(sp.lambdify(ordered, a, "mpmath"), sp.lambdify(ordered, b, "mpmath")) for a, b in pairs]
    test = sp.lambdify(ordered, condition, "mpmath") if condition is not None else None
    return ordered, funcs, test


@pytest.mark.parametrize("claim_id", POINTWISE)
@given(data=st.data())
# a claim's condition (e.g. Nγ < λ, w0 λ < λ − Nγ) rejects most of its box by design
@settings(suppress_health_check=[HealthCheck.filter_too_much])
def test_claim_holds_at_hypothesis_points(claim_id: str, data: st.DataObject) -> None:
    claim = REGISTRY.claims[claim_id]
    symbols, funcs, test = compiled(claim_id)
    point = []
    for sym in symbols:
        interval = interval_for(sym, claim.domain)
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
