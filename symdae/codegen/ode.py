"""The generated modules of ``mode_trajectory`` and ``gd_iterates``: what is printed from SymPy.

Each module holds the functions printed from the programs of :mod:`symdae.codegen.programs.mode`
and :mod:`symdae.codegen.programs.descent` (proved by the claims of
:mod:`symdae.derivations.weight_decay_charts`, ``weight_decay_balanced`` and
``weight_decay_descent``) and a few lines that bind them to the ordinary
Numba engines of :mod:`symdae.kernels` and loop over rows; it is cached and compiled like
the other kernels (:mod:`symdae.codegen.cache`: content-addressed files, verified Numba
``cache=True`` files):

``gd_iterates``
    ``gd_delta``: the update of one step ``w ← w − (1/τ)∇ℓ`` in a frame that follows the
    weights, printed in double-double arithmetic (claim ``wdf.gd_scaled_step``), bound to the
    loop of :mod:`symdae.kernels._gd` (``gd_row``); ``gd_rows`` runs rows in parallel,
    ``gd_rows_serial`` in one thread (a single mode: no thread-pool start-up).
``mode_trajectory``
    ``log_chart_rhs`` / ``ratio_chart_rhs`` / ``inverse_chart_rhs``: the mapping's flow
    ``dw/du`` and its derivative in the charts ``ln|w|``, ``w/√E`` and ``1/w``, bound to the
    Radau IIA step of :mod:`symdae.kernels._charts`; ``phi``, ``balanced_growth``,
    ``balanced_decay``: the closed forms on ``w1 = ±w2``
    (:data:`~symdae.codegen.programs.mode.BALANCED_GROWTH_KERNEL`) in extended exponents,
    bound with it to the driver of :mod:`symdae.kernels._integrator` (``ode_row``);
    ``run_rows`` / ``run_rows_serial`` run rows, each call a bounded amount of work.

Every formula is printed by :mod:`symdae.codegen.printer`; the fingerprint covers the
expressions, the printer, this file and the engine modules the generated code imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from symdae.codegen.module_spec import ModuleSpec
from symdae.kernels._layout import MODE_FLOATS, MODE_INTS, STATE_FLOATS, STATE_INTS
from symdae.kernels._status import Status

if TYPE_CHECKING:
    import sympy as sp

    from symdae.codegen.printer import Arithmetic

__all__ = ["GD_OK", "GD_OVERFLOW", "MODE_FLOATS", "MODE_INTS", "STATE_FLOATS", "STATE_INTS", "STATUS_OK",
           "STATUS_OVERFLOW", "STATUS_STEP_UNDERFLOW", "gd_iterates_spec",
           "mode_trajectory_spec"]

#: Status codes of the rows (:class:`symdae.kernels._status.Status`), by their former names.
STATUS_OK, STATUS_STEP_UNDERFLOW, STATUS_OVERFLOW = int(Status.OK), int(Status.STEP_UNDERFLOW), int(Status.OVERFLOW)
GD_OK, GD_OVERFLOW = int(Status.OK), int(Status.GD_OVERFLOW)

#: The engine modules a generated module imports (their source is part of its fingerprint).
ENGINE_MODULES = ("_floats", "_xf", "_vmath", "_xint", "_status", "_layout", "_gd", "_radau", "_modes", "_charts",
                  "_integrator")

_ROWS = '''
@njit({parallel}error_model="numpy", cache=True)
def {name}({args}, budget):
    """{doc}"""
    left = 0
    for i in {loop}({first}.shape[0]):
        if {finished} == 0:
            {row}({rows}, budget)
            left += 1 - {finished}
    return left
'''


def _row_loops(name: str, row: str, args: tuple[str, ...], finished: str, what: str) -> str:
    """``name`` (rows in parallel) and ``name_serial`` (one thread), calling ``row`` on each unfinished row."""
    rows = ", ".join(f"{a}[i]" for a in args)
    common = {"args": ", ".join(args), "first": args[0], "finished": finished.format(i="i"), "row": row, "rows": rows}
    return "\n\n".join([
        _ROWS.format(name=name, parallel="parallel=True, ", loop="prange",
                     doc=f"Rows of {args[0]} (2-D) are the {what} of one mode each; returns how many rows are left.",
                     **common),
        _ROWS.format(name=f"{name}_serial", parallel="", loop="range",
                     doc=f"{name} in one thread (no thread-pool start-up for a single mode).", **common),
    ])


GD_GLUE = f'''
gd_row = gd_stepper(gd_delta)


@njit(error_model="numpy", cache=True)
def gd_prepare(lam, eps, kappa, tau, w1, w2, coef, expo, state, frame):
    prepare(lam, eps, kappa, tau, w1, w2, coef, expo, state, frame)

{_row_loops("gd_rows", "gd_row", ("counts", "order", "coef", "expo", "lam_le_kappa", "state", "frame", "progress",
                                  "out1", "out2"), "progress[{i}, FINISHED]", "step counts")}'''

ODE_GLUE = f'''
advance = chart_steps(log_chart_rhs, ratio_chart_rhs, inverse_chart_rhs)
ode_row = integrator(advance, phi, balanced_growth, balanced_decay)


@njit(error_model="numpy", cache=True)
def prepare_rows(lam, eps, kappa, w1, w2, mode, imode, state, istate):
    prepare(lam, eps, kappa, w1, w2, mode, imode, state, istate)

{_row_loops("run_rows", "ode_row", ("t", "order", "tau", "mode", "imode", "state", "istate", "out"),
            "istate[{i}, FINISHED_S]", "times")}'''

GD_IMPORTS = (
    "from symdae.kernels._gd import gd_stepper",
    "from symdae.kernels._layout import FINISHED",
    "from symdae.kernels._gd import gd_prepare as prepare",
    "from symdae.kernels._xint import dd_add, dd_mul, dd_neg, dd_sub",
)

ODE_IMPORTS = (
    "from symdae.kernels._charts import chart_steps",
    "from symdae.kernels._integrator import integrator",
    "from symdae.kernels._layout import FINISHED_S",
    "from symdae.kernels._modes import prepare_rows as prepare",
    "from symdae.kernels._vmath import vexp, vexpm1",
    "from symdae.kernels._xint import xadd, xdiv, xmul",
)


@dataclass(frozen=True)
class GeneratedFunction:
    """One ``@njit(inline="always")`` function printed from SymPy (float64 arithmetic)."""

    name: str
    args: tuple[tuple[str, sp.Symbol], ...]
    assignments: tuple[tuple[str, sp.Expr], ...]
    returns: tuple[str, ...]

    def source(self) -> str:
        from symdae.codegen.printer import function_source

        return function_source(self.name, [arg for arg, _ in self.args], self._assignments(), list(self.returns))

    def _assignments(self) -> list[tuple[str, sp.Expr]]:
        """The assignments with every argument symbol renamed to its Python name."""
        from symdae.codegen.printer import rename

        exprs = rename([e for _, e in self.assignments], {sym: arg for arg, sym in self.args})
        return list(zip([target for target, _ in self.assignments], exprs, strict=True))

    def _printed(self, arithmetic: Arithmetic) -> str:
        from symdae.codegen.printer import arithmetic_source

        return arithmetic_source(self.name, [arg for arg, _ in self.args], self._assignments(), list(self.returns),
                                 arithmetic)

    def signature(self) -> str:
        import sympy as sp

        parts = [type(self).__name__, self.name, *(f"{arg}={sp.srepr(s)}" for arg, s in self.args),
                 *(f"{target}:={sp.srepr(e)}" for target, e in self.assignments), *self.returns]
        return "\n".join(parts)


@dataclass(frozen=True)
class DoubleDoubleFunction(GeneratedFunction):
    """A polynomial printed as double-double arithmetic (each value an unevaluated sum ``hi + lo``).

    Every argument ``x`` becomes the pair ``x_hi, x_lo`` and every result likewise; sums and
    products are the error-free ``dd_add``/``dd_mul`` of :mod:`symdae.kernels._xint` (relative error ~1e-32
    per operation), so the expression is evaluated as written, to twice float64's precision.
    """

    def source(self) -> str:
        from symdae.codegen.printer import DD

        return self._printed(DD)


@dataclass(frozen=True)
class ExtendedFunction(GeneratedFunction):
    """A positive expression printed in extended-exponent arithmetic (``m·2^e``, ``e`` an int64).

    Every argument ``x`` is the pair ``x_m, x_e``; sums of positive terms, products and
    quotients never overflow or underflow (``xadd``/``xmul``/``xdiv`` of :mod:`symdae.kernels._xint`), so a
    closed form whose terms are all positive is evaluated to float64's relative precision for
    any magnitudes of its inputs.
    """

    def source(self) -> str:
        from symdae.codegen.printer import XF

        return self._printed(XF)


# --- the generated functions ----------------------------------------------------------------


def gd_iterates_spec() -> ModuleSpec:
    """The update ``δ`` of gradient descent in a scaled frame, in double-double (claim ``wdf.gd_scaled_step``)."""
    from symdae.codegen.programs import descent as gd

    delta = DoubleDoubleFunction(
        name="gd_delta",
        args=(("w1", gd.w1_hat), ("w2", gd.w2_hat), ("b", gd.b_gd), ("c", gd.c_gd), ("d", gd.d_gd)),
        assignments=(("delta1", gd.GD_DELTA[0]), ("delta2", gd.GD_DELTA[1])),
        returns=("delta1", "delta2"),
    )
    claims = ("wdf.gd_scaled_step", "eq2.gradient_flow", "eq3.gradient_flow")
    return ModuleSpec("gd_iterates", claims, (delta,), GD_IMPORTS, GD_GLUE, "ode", ENGINE_MODULES)


def mode_trajectory_spec() -> ModuleSpec:
    """The charts of the mapping's flow, ``φ`` and the balanced closed forms (:mod:`symdae.codegen.programs.mode`)."""
    from symdae.codegen.programs import mode
    from symdae.symbols import k

    balanced = (("x0", mode.x0_b), ("k", k), ("g", mode.g_b), ("D", mode.D_b))
    functions: tuple[GeneratedFunction, ...] = (
        GeneratedFunction(
            "log_chart_rhs", (("two_m", mode.two_m), ("s_aq", mode.s_aq), ("B", mode.B_s), ("B_q", mode.B_q),
                              ("ehat", mode.e_hat), ("rho", mode.rho_s)),
            (("g", mode.LOG_G), ("dg", mode.LOG_DG)), ("g", "dg")),
        GeneratedFunction(
            "inverse_chart_rhs",
            (("i_a", mode.i_a), ("i_b", mode.i_b), ("i_ce", mode.i_ce), ("i_e", mode.i_e), ("Y", mode.Y_s)),
            (("G", mode.INV_G), ("dG", mode.INV_DG)), ("G", "dG")),
        GeneratedFunction(
            "ratio_chart_rhs", (("r_a", mode.r_a), ("r_b", mode.r_b), ("Y", mode.Y_s), ("r_c", mode.r_c)),
            (("G", mode.RATIO_G), ("dG", mode.RATIO_DG)), ("G", "dG")),
        GeneratedFunction("phi", (("x", mode.x_phi),), (("p", mode.PHI),), ("p",)),
        ExtendedFunction("balanced_growth", balanced, (("w", mode.BALANCED_GROWTH_KERNEL),), ("w",)),
        ExtendedFunction("balanced_decay", balanced, (("w", mode.BALANCED_DECAY_KERNEL),), ("w",)),
    )
    claims = ("wdf.w_flow", "wdf.w_flow_split", "wdf.log_q", "wdf.log_chart", "wdf.inverse_chart", "wdf.ratio_flow",
              "wdf.ratio_chart",
              "wdf.product_solution", "wdf.balanced_w_lines", "wdf.balanced_w_growth", "wdf.balanced_w_decay",
              "wdf.balanced_w_critical", "wdf.balanced_d_forms")
    return ModuleSpec("mode_trajectory", claims, functions, ODE_IMPORTS, ODE_GLUE, "ode", ENGINE_MODULES)
