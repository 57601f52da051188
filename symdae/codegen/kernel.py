"""Kernel specifications and the Numba module generated from each.

A :class:`KernelSpec` names a kernel, the claims that prove its expression,
its per-mode inputs (``row_args``), its per-point inputs (``element_args``,
e.g. the time ``t``) and the verified expressions: ``row`` quantities
computed once per mode, ``element`` quantities per point, and the ``output``.
:meth:`KernelSpec.render` turns it into a Python module of Numba functions:

* ``row(...)`` and ``element(...)``: the generated mathematics (CSE'd);
* ``flat(*args, out)``: every input a 1-D array of the output's length;
* ``rows_shared(t, *row_args, out)``: 2-D output, one mode per row, ``t`` a
  1-D array shared by all rows (the trajectory layout), and
  ``rows_full(t, *row_args, out)`` with ``t`` 2-D.

Only the loop scaffolding is a template; every formula comes from SymPy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

from symdae.codegen.printer import function_source, rename, safe_name
from symdae.codegen.spec import CODEGEN, ENGINES, header


@dataclass(frozen=True)
class KernelSpec:
    """An elementwise kernel (a :class:`~symdae.codegen.spec.Spec`): verified expressions and the claims that
    prove them."""

    name: str
    claims: tuple[str, ...]
    row_args: tuple[tuple[str, sp.Symbol], ...]
    output: sp.Expr
    row: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()
    element_args: tuple[tuple[str, sp.Symbol], ...] = ()
    element: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()

    def names(self) -> dict[sp.Symbol, str]:
        """Python names of every symbol in the generated code."""
        mapping = {sym: arg for arg, sym in (*self.row_args, *self.element_args)}
        for sym, _ in (*self.row, *self.element):
            mapping[sym] = safe_name(str(sym))
        return mapping

    def sources(self) -> Sequence[Path]:
        return [CODEGEN / "printer.py", CODEGEN / "kernel.py", ENGINES / "_vmath.py"]

    def parts(self) -> Sequence[str]:
        return [
            sp.srepr(self.output),
            *(f"{sp.srepr(s)}:={sp.srepr(e)}" for s, e in (*self.row, *self.element)),
            *(f"{arg}={sp.srepr(s)}" for arg, s in (*self.row_args, *self.element_args)),
        ]

    def render(self) -> str:
        """The generated module: ``row``, ``element`` and the loops (see the module's docstring)."""
        names = self.names()
        row_args = [arg for arg, _ in self.row_args]
        element_inputs = [arg for arg, _ in self.element_args]
        row_targets = [names[s] for s, _ in self.row]
        element_targets = [names[s] for s, _ in self.element]

        row_exprs = rename([e for _, e in self.row], names)
        element_exprs = rename([e for _, e in self.element], names)
        (output,) = rename([self.output], names)

        consumed = [*element_exprs, output]
        row_out = _uses(consumed, row_targets)
        element_params = _uses(consumed, row_targets + row_args) + element_inputs
        parts = [header(self, ["from symdae.kernels._vmath import vexp, vexpm1"]) + "\n"]
        parts.append(function_source("row", row_args, list(zip(row_targets, row_exprs, strict=True)),
                                     row_out or ["0.0"]))
        parts.append(function_source(
            "element", [p for p in element_params],
            [*zip(element_targets, element_exprs, strict=True), ("result", output)], ["result"]))
        parts.append(_loops(row_args, element_inputs, row_out, element_params))
        return "\n\n".join(parts)


def _uses(exprs: list[sp.Expr], names: list[str]) -> list[str]:
    free = {str(s) for e in exprs for s in e.free_symbols}
    return [n for n in names if n in free]


def _loops(row_args: list[str], element_inputs: list[str], row_out: list[str],
           element_params: list[str]) -> str:
    unpack = ", ".join(row_out) if row_out else "_unused"
    unpack += "," if len(row_out) == 1 else ""

    def call(index: str, time_index: str) -> str:
        params = [f"{p}[{time_index}]" if p in element_inputs
                  else f"{p}[{index}]" if p in row_args and p not in row_out else p
                  for p in element_params]
        return f"element({', '.join(params)})"

    row_call = f"row({', '.join(f'{a}[i]' for a in row_args)})"
    all_args = ", ".join([*element_inputs, *row_args, "out"])
    flat = [
        '@njit(parallel=True, error_model="numpy", cache=True)',
        f"def flat({all_args}):",
        "    for i in prange(out.shape[0]):",
        f"        {unpack} = {row_call}",
        f"        out[i] = {call('i', 'i')}",
    ]
    blocks = ["\n".join(flat) + "\n"]
    if element_inputs:
        for name, time_index in (("rows_shared", "j"), ("rows_full", "i, j")):
            blocks.append("\n".join([
                '@njit(parallel=True, error_model="numpy", cache=True)',
                f"def {name}({all_args}):",
                "    for i in prange(out.shape[0]):",
                f"        {unpack} = {row_call}",
                "        for j in range(out.shape[1]):",
                f"            out[i, j] = {call('i', time_index)}",
            ]) + "\n")
    return "\n\n".join(blocks)
