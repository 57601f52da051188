"""SymPy → Numba-compatible Python source, with common-subexpression elimination.

The printer maps ``exp``/``expm1`` to the vectorisable versions of
:mod:`symdae.kernels._vmath`, ``hypot``/``log``/``sqrt`` to :mod:`math`, and
``Piecewise`` to conditional expressions. :func:`function_source` emits one
``@njit(inline="always")`` function computing named quantities in order.
"""

from __future__ import annotations

import graphlib
import keyword
import re
from collections.abc import Sequence

import sympy as sp
from sympy.printing.pycode import PythonCodePrinter


class NumbaPrinter(PythonCodePrinter):
    """Python source that Numba compiles to vectorisable code."""

    def _print_exp(self, expr: sp.Expr) -> str:
        return f"vexp({self._print(expr.args[0])})"

    def _print_expm1(self, expr: sp.Expr) -> str:
        return f"vexpm1({self._print(expr.args[0])})"

    def _print_hypot(self, expr: sp.Expr) -> str:
        return f"math.hypot({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _print_Rational(self, expr: sp.Rational) -> str:
        return repr(float(expr))

    def _print_Half(self, expr: sp.Rational) -> str:
        return "0.5"

    def _print_Infinity(self, expr: sp.Expr) -> str:
        return "math.inf"


def safe_name(name: str) -> str:
    """A Python identifier for a SymPy symbol name (``lambda`` → ``lambda_``)."""
    cleaned = re.sub(r"\W", "_", name)
    if not cleaned or cleaned[0].isdigit():
        cleaned = "_" + cleaned
    return cleaned + "_" if keyword.iskeyword(cleaned) else cleaned


def rename(exprs: Sequence[sp.Expr], names: dict[sp.Symbol, str]) -> list[sp.Expr]:
    """Replace symbols by same-assumption symbols with the given Python names."""
    mapping = {sym: sp.Symbol(name, **sym.assumptions0) for sym, name in names.items()}
    return [sp.sympify(e).xreplace(mapping) for e in exprs]


def function_source(
    name: str,
    args: Sequence[str],
    assignments: Sequence[tuple[str, sp.Expr]],
    returns: Sequence[str],
) -> str:
    """Source of an inlined Numba function.

    ``assignments`` are ``(local name, expression)`` pairs evaluated in order
    (expressions may use the arguments and earlier locals); common
    subexpressions across all of them are computed once.
    """
    printer = NumbaPrinter({"fully_qualified_modules": True, "inline": True})
    targets = [target for target, _ in assignments]
    temps = sp.numbered_symbols("_cse")
    replacements, reduced = sp.cse([expr for _, expr in assignments], symbols=temps, order="none")
    nodes = {str(temp): value for temp, value in replacements}
    nodes.update(zip(targets, reduced, strict=True))
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for node, value in nodes.items():
        sorter.add(node, *(str(s) for s in value.free_symbols if str(s) in nodes))
    lines = [
        '@njit(inline="always", error_model="numpy", cache=True)',
        f"def {name}({', '.join(args)}):",
    ]
    lines += [f"    {node} = {printer.doprint(nodes[node])}" for node in sorter.static_order()]
    joined = ", ".join(returns)
    lines.append(f"    return {joined}" if len(returns) == 1 else f"    return ({joined},)")
    return "\n".join(lines) + "\n"


# --- extended-float arithmetic ------------------------------------------------------------------
#: The helpers of :mod:`symdae.kernels._xf` that :func:`xf_function_source` emits.
XF_HELPERS = ("xabs", "xadd", "xdiv", "xf", "xhypot", "xmul", "xneg", "xsqrt", "xsub")


def _xf_number(value: sp.Expr) -> str:
    number = float(value)
    return "(0.0, 0.0)" if number == 0.0 else f"xf({number!r})"


def xf_code(expr: sp.Expr) -> str:
    """``expr`` as nested calls of the extended-float helpers (every symbol an extended float).

    Sums fold left (``xadd``/``xsub``), products with negative powers become
    one ``xdiv``; only ``+ − × ÷``, integer powers, ``√``, ``Abs`` and ``hypot``
    occur in the kernels' coefficient tables, and anything else is refused.
    """
    from sympy.codegen.cfunctions import hypot

    if expr.is_Symbol:
        return str(expr)
    if expr.is_Number:
        return _xf_number(expr)
    if expr.is_Add:
        terms = list(expr.as_ordered_terms())
        first = terms[0]
        code = f"xneg({xf_code(-first)})" if first.could_extract_minus_sign() else xf_code(first)
        for term in terms[1:]:
            code = (f"xsub({code}, {xf_code(-term)})" if term.could_extract_minus_sign()
                    else f"xadd({code}, {xf_code(term)})")
        return code
    if expr.is_Mul:
        coefficient, factors = expr.as_coeff_mul()
        if coefficient < 0:
            return f"xneg({xf_code(-expr)})"
        numerator = [f for f in factors if not (f.is_Pow and f.exp.is_negative)]
        denominator = [f.base ** (-f.exp) for f in factors if f.is_Pow and f.exp.is_negative]
        parts = ([] if coefficient == 1 else [_xf_number(coefficient)]) + [xf_code(f) for f in numerator]
        code = parts[0] if parts else "xf(1.0)"
        for part in parts[1:]:
            code = f"xmul({code}, {part})"
        if denominator:
            code = f"xdiv({code}, {xf_code(sp.Mul(*denominator))})"
        return code
    if expr.is_Pow:
        base, exponent = expr.args
        if exponent == sp.S.Half:
            return f"xsqrt({xf_code(base)})"
        if exponent.is_Integer and exponent < 0:
            return f"xdiv(xf(1.0), {xf_code(base ** (-exponent))})"
        if exponent.is_Integer and exponent > 0:
            inner = xf_code(base)
            code = inner
            for _ in range(int(exponent) - 1):
                code = f"xmul({code}, {inner})"
            return code
    if isinstance(expr, sp.Abs):
        return f"xabs({xf_code(expr.args[0])})"
    if isinstance(expr, hypot):
        return f"xhypot({xf_code(expr.args[0])}, {xf_code(expr.args[1])})"
    raise ValueError(f"no extended-float code for {type(expr).__name__}: {expr}")


def xf_function_source(name: str, args: Sequence[str], outputs: Sequence[sp.Expr]) -> str:
    """Source of an inlined Numba function of extended floats returning ``outputs`` as a tuple.

    Common subexpressions of all outputs are computed once, in dependency order.
    """
    temps = sp.numbered_symbols("_cse")
    replacements, reduced = sp.cse(list(outputs), symbols=temps, order="none")
    lines = [
        '@njit(error_model="numpy", cache=True)',
        f"def {name}({', '.join(args)}):",
    ]
    lines += [f"    {temp} = {xf_code(value)}" for temp, value in replacements]
    lines.append(f"    return ({', '.join(xf_code(e) for e in reduced)},)")
    return "\n".join(lines) + "\n"
