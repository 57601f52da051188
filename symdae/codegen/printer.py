"""SymPy → Numba-compatible Python source, with common-subexpression elimination.

The printer maps ``exp``/``expm1`` to the vectorisable versions of
:mod:`symdae.kernels._vmath`, ``hypot``/``log``/``sqrt`` to :mod:`math`,
``Piecewise`` to conditional expressions and integer powers to the products
Numba compiles them to (so that ``NUMBA_DISABLE_JIT=1`` computes the same bits).
:func:`function_source` emits one ``@njit(inline="always")`` function computing
named quantities in order; :func:`xf_function_source` the same in the
extended floats of :mod:`symdae.kernels._xf`, and :func:`arithmetic_source` in
the double-double (:data:`DD`) or int64-exponent (:data:`XF`) arithmetic of
:mod:`symdae.kernels._xint`, every value two scalars.
"""

from __future__ import annotations

import graphlib
import keyword
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

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

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        """Integer powers as the products Numba compiles ``x**n`` to, so that plain Python computes the same.

        Numba unrolls ``x**n`` for a constant integer ``n`` by binary exponentiation (``x**3`` is
        ``x*(x*x)``, ``x**-2`` is ``1/(x*x)``), while Python's ``**`` is C's ``pow``, which can differ
        in the last bit: printing the products makes ``NUMBA_DISABLE_JIT=1`` give the compiled results.
        """
        base, exponent = expr.as_base_exp()
        if not (exponent.is_Integer and abs(int(exponent)) >= 2):
            return str(super()._print_Pow(expr, rational=rational))
        factor = self._print(base) if base.is_Symbol else f"({self._print(base)})"
        result, factors, n = "", 0, abs(int(exponent))
        while n:
            if n & 1:
                result, factors = (f"{result}*{factor}" if result else factor), factors + 1
            n >>= 1
            if n:
                factor = f"({factor}*{factor})"
        result = result if factors == 1 else f"({result})"
        return result if exponent > 0 else f"(1/{result})"


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


# --- double-double and int64-exponent arithmetic (symdae.kernels._xint) ---------------------------


@dataclass(frozen=True)
class Arithmetic:
    """How one number system prints: the suffixes of a value's two parts and its operations."""

    parts: tuple[str, str]
    add: str
    sub: str | None  # None: only sums of positive terms
    mul: str
    div: str | None
    neg: str | None

    def constant(self, value: float) -> tuple[str, str]:
        if self is DD:
            return repr(value), "0.0"
        mantissa, exponent = math.frexp(value)
        return repr(mantissa), repr(exponent)


DD = Arithmetic(("_hi", "_lo"), "dd_add", "dd_sub", "dd_mul", None, "dd_neg")
XF = Arithmetic(("_m", "_e"), "xadd", None, "xmul", "xdiv", None)


def arithmetic_source(name: str, args: Sequence[str], assignments: Sequence[tuple[str, sp.Expr]],
                       returns: Sequence[str], arithmetic: Arithmetic) -> str:
    """Source of an inlined Numba function evaluating ``assignments`` in ``arithmetic``.

    The expressions are reduced to common subexpressions (``sympy.cse``) and every node is
    printed as one call of the number system's operation on its operands' two parts.
    """
    hi, lo = arithmetic.parts
    lines = ['@njit(inline="always", error_model="numpy", cache=True)',
             f"def {name}({', '.join(f'{a}{hi}, {a}{lo}' for a in args)}):"]
    counter = iter(range(10**6))

    def temp(call: str) -> tuple[str, str]:
        n = f"_t{next(counter)}"
        lines.append(f"    {n}{hi}, {n}{lo} = {call}")
        return f"{n}{hi}", f"{n}{lo}"

    def number(value: sp.Expr) -> tuple[str, str]:
        as_float = float(value)
        if sp.Rational(as_float) != value or (arithmetic is XF and as_float <= 0):
            raise ValueError(f"{value} is not an exactly representable (positive, for {name}) constant")
        return arithmetic.constant(as_float)

    def emit(expr: sp.Expr) -> tuple[str, str]:
        if expr.is_Symbol:
            return f"{expr.name}{hi}", f"{expr.name}{lo}"
        if expr.is_Number:
            return number(expr)
        if expr.is_Add:
            terms = sorted(expr.args, key=sp.default_sort_key)
            positive = [t for t in terms if not t.could_extract_minus_sign()]
            negative = [-t for t in terms if t.could_extract_minus_sign()]
            if negative and arithmetic.sub is None:
                raise ValueError(f"{name}: {expr} has a negative term; {arithmetic.add} adds positive terms only")
            if not positive:
                return temp(f"{arithmetic.neg}({_pair(emit(sp.Add(*negative)))})")
            value = emit(positive[0])
            for term in positive[1:]:
                value = temp(f"{arithmetic.add}({_pair(value)}, {_pair(emit(term))})")
            for term in negative:
                value = temp(f"{arithmetic.sub}({_pair(value)}, {_pair(emit(term))})")
            return value
        if expr.is_Mul or expr.is_Pow:
            coeff, rest = expr.as_coeff_Mul()
            if coeff < 0:
                if arithmetic.neg is None:
                    raise ValueError(f"{name}: {expr} is negative")
                return temp(f"{arithmetic.neg}({_pair(emit(-expr))})")
            numerators: list[sp.Expr] = []
            denominators: list[sp.Expr] = []
            for factor in sp.Mul.make_args(rest):
                base, exponent = factor.as_base_exp()
                if not (exponent.is_Integer and exponent != 0):
                    raise ValueError(f"{name}: cannot print the power {factor}")
                (numerators if exponent > 0 else denominators).extend([base] * abs(int(exponent)))
            if coeff != 1:
                numerators.insert(0, coeff)
            if denominators and arithmetic.div is None:
                raise ValueError(f"{name}: {expr} has a quotient; {arithmetic.mul} multiplies only")
            value = emit(numerators[0]) if numerators else number(sp.Integer(1))
            for factor in numerators[1:]:
                value = temp(f"{arithmetic.mul}({_pair(value)}, {_pair(emit(factor))})")
            for factor in denominators:
                value = temp(f"{arithmetic.div}({_pair(value)}, {_pair(emit(factor))})")
            return value
        raise ValueError(f"{name}: cannot print {expr!r} in {arithmetic.add}-arithmetic")

    replacements, reduced = sp.cse([e for _, e in assignments], symbols=sp.numbered_symbols("_cse"),
                                   order="none")
    for symbol, value in replacements:
        h, low = emit(value)
        lines.append(f"    {symbol.name}{hi}, {symbol.name}{lo} = {h}, {low}")
    for (target, _), value in zip(assignments, reduced, strict=True):
        h, low = emit(value)
        lines.append(f"    {target}{hi}, {target}{lo} = {h}, {low}")
    lines.append(f"    return {', '.join(f'{r}{hi}, {r}{lo}' for r in returns)}")
    return "\n".join(lines) + "\n"


def _pair(value: tuple[str, str]) -> str:
    return f"{value[0]}, {value[1]}"
