"""High-precision numeric evidence for claims (mpmath).

A numeric check is *evidence*, never a proof: the checker reports a claim
settled this way as ``numeric``. Points are drawn from each symbol's
:class:`~symdae.checking.claim.Interval` with a generator seeded by the claim
id (so runs are reproducible), evaluated with mpmath at ``DPS`` significant
digits, and compared with a relative tolerance.

A *counterexample* -- a point where the two sides differ by more than
``REFUTE_TOL`` relative -- is what refutes a printed formula.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from symdae import symbols as S
from symdae.checking.claim import Claim, Equality, Inequality, Interval, Limit, Relation

DPS = 40
AGREE_TOL = mpmath.mpf(10) ** (-(DPS - 12))
REFUTE_TOL = mpmath.mpf(10) ** -6
POINTS = 24
MAX_DRAWS = 400

DEFAULT_DOMAIN: Mapping[sp.Symbol, Interval] = {
    S.N: Interval(1.0, 1e5, log=True),
    S.alpha: Interval(1e-4, 1.0, log=True),
    S.tau: Interval(1e-2, 1e4, log=True),
    S.t: Interval(0.0, 20.0),
    S.lam: Interval(1e-3, 1e3, log=True),
    S.eps: Interval(0.0, 50.0),
    S.s: Interval(1e-3, 10.0, log=True),
    S.gam: Interval(0.0, 5.0),
    S.kappa: Interval(0.0, 50.0),
    S.w1: Interval(-3.0, 3.0),
    S.w2: Interval(-3.0, 3.0),
    S.w: Interval(-3.0, 3.0),
    S.w0: Interval(-3.0, 3.0),
    S.c0: Interval(1e-3, 10.0, log=True),
    S.theta: Interval(-6.0, 6.0),
    S.theta0: Interval(-6.0, 6.0),
    S.beta: Interval(1e-3, 50.0, log=True),
    S.zeta: Interval(2.0, 50.0),
    S.delta: Interval(-0.999, 0.999),
    S.delta0: Interval(-0.999, 0.999),
    S.E: Interval(1.0, 1e6, log=True),
    S.xi: Interval(-3.0, 3.0),
    S.E_gamma: Interval(1e-3, 1e3, log=True),
}
"""Fallback sampling intervals, used for symbols a claim does not name."""

FALLBACK = Interval(0.1, 10.0, log=True)


@dataclass(frozen=True)
class NumericResult:
    """Outcome of evaluating a relation at sampled points.

    ``holds`` is True when every evaluated point agreed within ``AGREE_TOL``,
    False when a counterexample (beyond ``REFUTE_TOL``) was found, and None
    when the evidence is inconclusive (too few points, or errors between the
    two tolerances).
    """

    holds: bool | None
    points: int
    max_error: float
    counterexample: dict[str, str] | None = None
    note: str = ""


def _seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


def _draw(interval: Interval, rng: np.random.Generator) -> mpmath.mpf:
    if interval.log:
        value = math.exp(rng.uniform(math.log(interval.low), math.log(interval.high)))
    else:
        value = rng.uniform(interval.low, interval.high)
    if interval.signed and rng.random() < 0.5:
        value = -value
    return mpmath.mpf(value)


def interval_for(symbol: sp.Symbol, domain: Mapping[sp.Symbol, Interval]) -> Interval:
    if symbol in domain:
        return domain[symbol]
    if symbol in DEFAULT_DOMAIN:
        return DEFAULT_DOMAIN[symbol]
    if symbol.is_positive:
        return FALLBACK
    if symbol.is_nonnegative:
        return Interval(0.0, 10.0)
    return Interval(-10.0, 10.0)


def resolve_where(expr: Any, where: Mapping[sp.Symbol, sp.Expr]) -> Any:
    """Substitute ``where`` definitions until none of their symbols remain."""
    expr = sp.sympify(expr)
    # xreplace is much faster; subs is needed only to substitute inside a derivative's variables
    replace = expr.subs if expr.has(sp.Derivative) else expr.xreplace
    for _ in range(len(where) + 1):
        if not any(sym in expr.free_symbols for sym in where):
            return expr
        expr = replace(dict(where))
        replace = expr.subs if expr.has(sp.Derivative) else expr.xreplace
    raise ValueError(f"circular 'where' definitions: {dict(where)}")


def evaluate_derivatives(expr: Any) -> Any:
    return expr.replace(lambda e: isinstance(e, sp.Derivative), lambda e: e.doit())


def sample_points(
    symbols: list[sp.Symbol],
    claim: Claim,
    count: int = POINTS,
) -> Iterator[dict[sp.Symbol, mpmath.mpf]]:
    """Yield up to ``count`` points satisfying ``claim.condition``."""
    rng = np.random.default_rng(_seed(claim.id))
    condition = claim.condition
    if condition is not None:
        condition = resolve_where(condition, claim.where)
        extra = sorted(condition.free_symbols - set(symbols), key=sp.default_sort_key)
        symbols = symbols + extra
    test = sp.lambdify(symbols, condition, modules="mpmath") if condition is not None else None
    produced = 0
    for _ in range(MAX_DRAWS):
        if produced >= count:
            return
        with mpmath.workdps(DPS):
            point = {sym: _draw(interval_for(sym, claim.domain), rng) for sym in symbols}
            if test is not None and not bool(test(*point.values())):
                continue
        produced += 1
        yield point


def _scalar_pairs(relation: Relation, where: Mapping[sp.Symbol, sp.Expr]) -> list[tuple[Any, Any]]:
    if isinstance(relation, Equality):
        lhs, rhs = relation.lhs, relation.rhs
        if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
            lhs_m, rhs_m = sp.Matrix(lhs), sp.Matrix(rhs)
            pairs = list(zip(lhs_m, rhs_m, strict=True))
        else:
            pairs = [(lhs, rhs)]
    elif isinstance(relation, Inequality):
        pairs = [(relation.lhs, relation.rhs)]
    else:
        raise TypeError(f"no pointwise evaluation for {type(relation).__name__}")
    return [
        (evaluate_derivatives(resolve_where(sp.sympify(a), where)),
         evaluate_derivatives(resolve_where(sp.sympify(b), where)))
        for a, b in pairs
    ]


def _relative_error(a: Any, b: Any) -> Any:
    scale = max(mpmath.mpf(1), abs(a), abs(b))
    return abs(a - b) / scale


def check_pointwise(claim: Claim, relation: Relation, count: int = POINTS) -> NumericResult:
    """Evaluate ``relation`` at ``count`` sampled points of ``claim``'s domain."""
    pairs = _scalar_pairs(relation, claim.where)
    symbols = sorted(
        set().union(*(sp.sympify(a).free_symbols | sp.sympify(b).free_symbols for a, b in pairs)),
        key=sp.default_sort_key,
    )
    functions = [
        (sp.lambdify(symbols, a, modules="mpmath"), sp.lambdify(symbols, b, modules="mpmath"))
        for a, b in pairs
    ]
    worst = mpmath.mpf(0)
    evaluated = 0
    for point in sample_points(symbols, claim, count):
        args = [point[sym] for sym in symbols]
        with mpmath.workdps(DPS):
            try:
                values = [(f(*args), g(*args)) for f, g in functions]
            except (ZeroDivisionError, ValueError, OverflowError):
                continue
            if any(not _finite(v) for pair in values for v in pair):
                continue
            evaluated += 1
            for a, b in values:
                if isinstance(relation, Inequality):
                    bad = _violation(a, relation.op, b)
                    if bad > REFUTE_TOL:
                        return _refuted(point, bad, evaluated)
                    worst = max(worst, bad)
                else:
                    err = _relative_error(a, b)
                    if err > REFUTE_TOL:
                        return _refuted(point, err, evaluated)
                    worst = max(worst, err)
    if evaluated < max(3, count // 3):
        return NumericResult(None, evaluated, float(worst), note="too few evaluable points")
    holds = True if worst <= AGREE_TOL else None
    note = "" if holds else "errors between agreement and refutation tolerances"
    return NumericResult(holds, evaluated, float(worst), note=note)


def _finite(value: Any) -> bool:
    return bool(mpmath.isfinite(value)) and not isinstance(value, mpmath.mpc)


def _violation(a: Any, op: str, b: Any) -> Any:
    """How far ``a op b`` is from holding, relative to the sides' size (0 if it holds)."""
    scale = max(mpmath.mpf(1), abs(a), abs(b))
    gap = (b - a) if op in ("<", "<=") else (a - b)
    return mpmath.mpf(0) if gap >= 0 else -gap / scale


def _refuted(point: Mapping[sp.Symbol, Any], error: Any, evaluated: int) -> NumericResult:
    shown = {str(sym): mpmath.nstr(value, 12) for sym, value in point.items()}
    return NumericResult(False, evaluated, float(error), counterexample=shown)


def check_limit(claim: Claim, relation: Limit, count: int = 8) -> NumericResult:
    """Evidence for a limit: the error shrinks towards the limit point.

    Other symbols are sampled from the domain; ``var`` approaches ``point``
    along a geometric sequence and the last error must be below ``1e-8``
    relative and no larger than the first.
    """
    expr = evaluate_derivatives(resolve_where(relation.expr, claim.where))
    value = resolve_where(relation.value, claim.where)
    others = sorted((expr.free_symbols | value.free_symbols) - {relation.var}, key=sp.default_sort_key)
    f = sp.lambdify([relation.var, *others], expr, modules="mpmath")
    g = sp.lambdify(others, value, modules="mpmath")
    worst = mpmath.mpf(0)
    evaluated = 0
    for point in sample_points(others, claim, count):
        args = [point[sym] for sym in others]
        with mpmath.workdps(DPS * 3):
            try:
                target = g(*args)
                errors = [_relative_error(f(x, *args), target) for x in _approach(relation)]
            except (ZeroDivisionError, ValueError, OverflowError):
                continue
        evaluated += 1
        if errors[-1] > mpmath.mpf(10) ** -8 or errors[-1] > errors[0] + AGREE_TOL:
            return _refuted(point, errors[-1], evaluated)
        worst = max(worst, errors[-1])
    if evaluated < max(2, count // 2):
        return NumericResult(None, evaluated, float(worst), note="too few evaluable points")
    return NumericResult(True, evaluated, float(worst))


def _approach(relation: Limit) -> list[Any]:
    steps = [mpmath.mpf(10) ** -k for k in (4, 12, 30, 60)]
    if relation.point == sp.oo:
        return [1 / h for h in steps]
    if relation.point == -sp.oo:
        return [-1 / h for h in steps]
    centre = mpmath.mpf(sp.N(relation.point, DPS * 3))
    sign = -1 if relation.direction == "-" else 1
    return [centre + sign * h for h in steps]
