"""Building blocks for statements that are shown unevaluated.

SymPy evaluates as it builds: ``M.subs(w, 0)`` or ``A * B`` would leave a
claim reading ``[0, 0] = [0, 0]``. These helpers hold the step (a value at a
point, a matrix product) so that the statement shows the paper's mathematics
and the claim's strategy (``doit``, ``expand``) performs it.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp


def at(expr: sp.Expr, point: Mapping[sp.Symbol, sp.Basic]) -> sp.Expr:
    """``expr`` evaluated at ``point``, held: ``Subs(expr, (x, …), (value, …))``."""
    return sp.Subs(expr, tuple(point.keys()), tuple(point.values()))


def at_matrix(matrix: sp.MatrixBase, point: Mapping[sp.Symbol, sp.Basic]) -> sp.Matrix:
    """Each entry of ``matrix`` at ``point``, held."""
    return sp.Matrix(matrix).applyfunc(lambda entry: at(entry, point))


def matmul(a: sp.MatrixBase, b: sp.MatrixBase) -> sp.Matrix:
    """The product ``a b`` with each entry held as its sum of products."""
    a, b = sp.Matrix(a), sp.Matrix(b)
    if a.cols != b.rows:
        raise ValueError(f"cannot multiply {a.shape} by {b.shape}")

    def entry(i: int, j: int) -> sp.Expr:
        terms = [sp.Mul(a[i, k], b[k, j], evaluate=False) for k in range(a.cols) if a[i, k] != 0 and b[k, j] != 0]
        return sp.Add(*terms, evaluate=False) if terms else sp.S.Zero

    return sp.Matrix(a.rows, b.cols, entry)
