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
from sympy.printing.pycode import MpmathPrinter

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


def _boundaries(symbols: list[sp.Symbol], claim: Claim) -> list[sp.Symbol]:
    """The symbols whose sampling interval is closed at 0 (ε, κ, γ, t = 0: boundaries the paper uses)."""
    return [sym for sym in symbols if (iv := interval_for(sym, claim.domain)).low == 0 and not iv.log]


def sample_points(
    symbols: list[sp.Symbol],
    claim: Claim,
    count: int = POINTS,
) -> Iterator[dict[sp.Symbol, mpmath.mpf]]:
    """Yield points of ``claim``'s domain that satisfy its condition, at most ``MAX_DRAWS`` of them.

    Each symbol whose interval is closed at 0 is set to exactly 0 at one of the
    first points (one symbol at a time, then all of them together) and at a
    tenth of the later ones: a claim must hold on its boundary, or exclude it
    with its domain or condition. The caller stops when it has evaluated
    ``count`` points; up to ``MAX_DRAWS`` are offered.
    """
    del count  # the caller decides how many it needs; kept for the signature
    rng = np.random.default_rng(_seed(claim.id))
    condition = claim.condition
    if condition is not None:
        condition = resolve_where(condition, claim.where)
        extra = sorted(condition.free_symbols - set(symbols), key=sp.default_sort_key)
        symbols = symbols + extra
    test = sp.lambdify(symbols, condition, modules="mpmath") if condition is not None else None
    boundaries = _boundaries(symbols, claim)
    forced = [[sym] for sym in boundaries] + ([boundaries] if len(boundaries) > 1 else [])
    for draw in range(MAX_DRAWS):
        with mpmath.workdps(DPS):
            point = {sym: _draw(interval_for(sym, claim.domain), rng) for sym in symbols}
            zeros = forced[draw] if draw < len(forced) else [b for b in boundaries if rng.random() < 0.1]
            point.update({sym: mpmath.mpf(0) for sym in zeros})
            try:
                if test is not None and not bool(test(*point.values())):
                    continue
            except (ZeroDivisionError, ValueError, TypeError):
                continue
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


def _held_limit(f: Any, point: Any, direction: str) -> Any:
    """The value of a held ``Limit`` of ``f`` at ``point``: ``f`` at 10^-60 and 10^-120 from it (10^60 and
    10^120 towards ±∞), each with enough digits; the two must agree, else the limit is not evaluable here."""
    values = []
    base = mpmath.mp.dps
    for k in (60, 120):
        with mpmath.workdps(base + 2 * k + 10):
            h = mpmath.mpf(10) ** -k
            if point == mpmath.inf or point == -mpmath.inf:
                x = (1 / h) if point > 0 else (-1 / h)
            else:
                x = point - h if direction == "-" else point + h
            values.append(f(x))
    if not all(_finite(v) for v in values):
        raise ValueError("held limit not finite")
    scale = max(mpmath.mpf(1), abs(values[1]))
    if abs(values[0] - values[1]) > scale * mpmath.mpf(10) ** -(base - 10):
        raise ValueError("held limit does not settle")
    return +values[1]


class _Printer(MpmathPrinter):
    """mpmath code for held ``Limit`` (:func:`_held_limit`); the rest as SymPy prints it."""

    def _print_Limit(self, expr: sp.Limit) -> str:
        body, var, point, direction = expr.args
        return (f"_held_limit(lambda {self._print(var)}: {self._print(body)}, {self._print(point)}, "
                f"{str(direction)!r})")


def _exact_points(expr: Any) -> Any:
    """Held ``Subs`` at integer values get those values as exact Floats: lambdify would assign Python ints,
    and ``1/x`` at ``x = 3`` would then be computed in float64."""
    def exact(subs: sp.Subs) -> sp.Subs:
        point = tuple(sp.Float(v, 3 * DPS) if isinstance(v, sp.Integer) else v for v in subs.point)
        return sp.Subs(subs.expr, subs.variables, point)

    return expr.replace(lambda e: isinstance(e, sp.Subs), exact)


def _compile(symbols: list[sp.Symbol], expr: Any) -> Any:
    """An mpmath function of ``symbols`` that evaluates ``expr`` as built.

    ``lambdify`` renames symbols that are not Python identifiers (``lambda``)
    by an ``xreplace`` that re-evaluates the expression, which would turn an
    unevaluated ``ελ/(ελ)`` into ``1`` before any point is tried; the renaming is
    done here without evaluation. Held ``Subs`` are evaluated in mpmath at their
    exact points, held ``Limit`` by :func:`_held_limit`.
    """
    plain = [sp.Symbol(f"_x{i}") for i in range(len(symbols))]
    with sp.evaluate(False):
        renamed = _exact_points(sp.sympify(expr).xreplace(dict(zip(symbols, plain, strict=True))))
    printer = _Printer({"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True,
                        "user_functions": {}})
    return sp.lambdify(plain, renamed, modules=[{"_held_limit": _held_limit}, "mpmath"], printer=printer)


def _side(f: Any, args: list[Any]) -> Any:
    """The value of one side, or None where it is undefined (a division by 0, a complex value, ...)."""
    try:
        value = f(*args)
    except (ZeroDivisionError, ValueError, OverflowError, TypeError):
        return None
    return value if _finite(value) else None


def check_pointwise(claim: Claim, relation: Relation, count: int = POINTS) -> NumericResult:
    """Evaluate ``relation`` at ``count`` sampled points of ``claim``'s domain.

    A point where one side is defined and the other is not is a
    counterexample (the claim does not hold there: ``ελ/(ελ) = 1`` at ε = 0);
    points where neither side is defined are skipped.
    """
    pairs = _scalar_pairs(relation, claim.where)
    symbols = sorted(
        set().union(*(sp.sympify(a).free_symbols | sp.sympify(b).free_symbols for a, b in pairs)),
        key=sp.default_sort_key,
    )
    functions = [
        (_compile(symbols, a), _compile(symbols, b))
        for a, b in pairs
    ]
    worst = mpmath.mpf(0)
    evaluated = 0
    for point in sample_points(symbols, claim, count):
        if evaluated >= count:
            break
        args = [point[sym] for sym in symbols]
        with mpmath.workdps(DPS):
            values = [(_side(f, args), _side(g, args)) for f, g in functions]
            if any((a is None) != (b is None) for a, b in values):
                return _refuted(point, mpmath.inf, evaluated + 1,
                                note="one side is undefined where the other is defined")
            if any(a is None for a, _ in values):
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
    if evaluated < count:
        return NumericResult(None, evaluated, float(worst), note=f"only {evaluated} of {count} points evaluable")
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


def _refuted(point: Mapping[sp.Symbol, Any], error: Any, evaluated: int, note: str = "") -> NumericResult:
    shown = {str(sym): mpmath.nstr(value, 12) for sym, value in point.items()}
    return NumericResult(False, evaluated, float(error), counterexample=shown, note=note)


def check_limit(claim: Claim, relation: Limit, count: int = POINTS) -> NumericResult:
    """Evidence for a limit: the error shrinks towards the limit point.

    Other symbols are sampled from the domain (boundaries included); ``var``
    approaches ``point`` along a geometric sequence over 1000 orders of
    magnitude (:data:`APPROACH_DIGITS`, each evaluated with enough digits),
    and the last error must be below ``1e-8`` relative and no larger than the
    first. ``count`` points must be evaluable.
    """
    expr = evaluate_derivatives(resolve_where(relation.expr, claim.where))
    value = resolve_where(relation.value, claim.where)
    others = sorted((expr.free_symbols | value.free_symbols) - {relation.var}, key=sp.default_sort_key)
    f = _compile([relation.var, *others], expr)
    g = _compile(others, value)
    worst = mpmath.mpf(0)
    evaluated = 0
    for point in sample_points(others, claim, count):
        if evaluated >= count:
            break
        args = [point[sym] for sym in others]
        with mpmath.workdps(DPS * 3):
            target = _side(g, args)
        approach = []
        for digits in APPROACH_DIGITS:
            # enough digits that the point (1 + 10^-digits, say) is not rounded onto the limit point
            with mpmath.workdps(DPS * 3 + digits):
                approach.append(_side(f, [_approach_point(relation, digits), *args]))
        if target is None and all(a is None for a in approach):
            continue
        if target is None or any(a is None for a in approach):
            return _refuted(point, mpmath.inf, evaluated + 1,
                            note="the limit or the expression approaching it is undefined here")
        with mpmath.workdps(DPS * 3):
            errors = [_relative_error(a, target) for a in approach]
        evaluated += 1
        if errors[-1] > mpmath.mpf(10) ** -8 or errors[-1] > errors[0] + AGREE_TOL:
            return _refuted(point, errors[-1], evaluated)
        worst = max(worst, errors[-1])
    if evaluated < count:
        return NumericResult(None, evaluated, float(worst), note=f"only {evaluated} of {count} points evaluable")
    return NumericResult(True, evaluated, float(worst))


APPROACH_DIGITS = (4, 12, 30, 60, 200, 1000)
"""The limit variable approaches its point as 10^-d for these d (1/10^-d towards ∞): far enough
for limits that set in only once the distance is below e^{-λt/τ}, as nearly balanced starts do."""


def _approach_point(relation: Limit, digits: int) -> Any:
    h = mpmath.mpf(10) ** -digits
    if relation.point == sp.oo:
        return 1 / h
    if relation.point == -sp.oo:
        return -1 / h
    centre = mpmath.mpf(sp.N(relation.point, mpmath.mp.dps))
    sign = -1 if relation.direction == "-" else 1
    return centre + sign * h
