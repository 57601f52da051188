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
