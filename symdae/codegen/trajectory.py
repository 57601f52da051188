"""Generated modules of ``dae_trajectory`` and ``time_to_fraction`` (κ = 0, the closed form).

Each module holds functions printed from the programs of
:mod:`symdae.codegen.programs.trajectory` (proved by the claims of
:mod:`symdae.derivations.positive_forms`) in extended-float arithmetic
(:func:`symdae.codegen.printer.xf_function_source`) and a few lines of
loops; everything else -- normalising a mode, choosing the arithmetic,
evaluating the forms -- is the ordinary Numba source of
:mod:`symdae.kernels._trajectory`, which the module imports:

``dae_trajectory``
    ``table_nonneg`` / ``table_neg``: the 21 coefficients (7 forms × 3) of a
    mode with ``w1 w2 >= 0`` / ``< 0`` (:data:`~symdae.codegen.programs.trajectory.FORMS_NONNEG`,
    :data:`~symdae.codegen.programs.trajectory.FORMS_NEG`); ``row`` evaluates one mode at
    its times; ``rows_shared`` (times shared by all rows), ``rows_full`` and ``flat``
    (every element its own mode) run rows in parallel and return a status per row.
``time_to_fraction``
    ``time_ratio``: ``1/g_f − 1`` (:data:`~symdae.codegen.programs.trajectory.TIME_RATIO_KERNEL`);
    ``flat`` evaluates every element.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from symdae.codegen.module_spec import ModuleSpec

if TYPE_CHECKING:
    import sympy as sp

__all__ = ["TableFunction", "dae_trajectory_spec", "time_to_fraction_spec"]

IMPORTS = (
    "from symdae.kernels._trajectory import GENERIC, forms_row, normalise, origin_row, special_row, time_result",
    "from symdae.kernels._xf import xabs, xadd, xdiv, xf, xhypot, xmul, xneg, xsqrt, xsub",
)
#: The engine modules a generated module imports (their source is part of its fingerprint).
ENGINE_MODULES = ("_vmath", "_floats", "_xf", "_trajectory", "_status")

TRAJECTORY_LOOPS = '''
@njit(error_model="numpy", cache=True)
def row(t, lam, eps, tau, w1, w2, out):
    """w at the times t of one mode into out; returns the row's status code."""
    kind, lh, mh, t_w, ph, qh, sh, d, scale, r_hi, r_lo, r_e = normalise(lam, eps, tau, w1, w2)
    if kind != GENERIC:
        return special_row(kind, t, d, t_w, out)
    if ph == 0.0:
        return origin_row(t, scale, qh, t_w, r_hi, r_lo, r_e, out)
    if d[0] >= 0.0:
        c = table_nonneg(lh, mh, t_w, xf(ph), xf(qh), xf(sh), d)
    else:
        c = table_neg(lh, mh, t_w, xf(ph), xf(qh), xf(sh), xabs(d))
    return forms_row(t, c, scale, lh, r_hi, r_lo, r_e, d[0] < 0.0, out)


@njit(parallel=True, error_model="numpy", cache=True)
def rows_shared(t, lam, eps, tau, w1, w2, out, status):
    """One mode per row of out (2-D), all at the times t (1-D)."""
    for i in prange(out.shape[0]):
        status[i] = row(t, lam[i], eps[i], tau[i], w1[i], w2[i], out[i])


@njit(parallel=True, error_model="numpy", cache=True)
def rows_full(t, lam, eps, tau, w1, w2, out, status):
    """One mode per row of out (2-D), each at its own row of times t (2-D)."""
    for i in prange(out.shape[0]):
        status[i] = row(t[i], lam[i], eps[i], tau[i], w1[i], w2[i], out[i])


@njit(parallel=True, error_model="numpy", cache=True)
def flat(t, lam, eps, tau, w1, w2, out, status):
    """Every element its own mode (all arrays 1-D of one length)."""
    times = t.reshape((t.shape[0], 1))
    values = out.reshape((out.shape[0], 1))
    for i in prange(out.shape[0]):
        status[i] = row(times[i], lam[i], eps[i], tau[i], w1[i], w2[i], values[i])
'''

TIME_LOOPS = '''
@njit(error_model="numpy", cache=True)
def time_point(fraction, lam, eps, tau, w1, w2):
    kind, lh, mh, t_w, ph, qh, sh, d, scale, r_hi, r_lo, r_e = normalise(lam, eps, tau, w1, w2)
    ratio = (0.0, 0.0)
    if kind == GENERIC and ph > 0.0 and fraction < 1.0 and lh[0] != 0.0:
        ratio = time_ratio(lh, mh, t_w, xf(ph), xf(qh), xf(sh), d, xf(fraction))[0]
    return time_result(kind, fraction, lam, lh, t_w, d, sh, ph, ratio, r_hi, r_lo, r_e)


@njit(parallel=True, error_model="numpy", cache=True)
def flat(fraction, lam, eps, tau, w1, w2, out):
    """Every element its own mode (all arrays 1-D of one length)."""
    for i in prange(out.shape[0]):
        out[i] = time_point(fraction[i], lam[i], eps[i], tau[i], w1[i], w2[i])
'''


@dataclass(frozen=True)
class TableFunction:
    """A function of extended floats returning the tuple ``outputs``, printed from SymPy."""

    name: str
    args: tuple[sp.Symbol, ...]
    outputs: tuple[sp.Expr, ...]

    def source(self) -> str:
        from symdae.codegen.printer import safe_name, xf_function_source

        names = {s: safe_name(str(s)) for s in self.args}
        renamed = [e.xreplace({s: type(s)(n, **s.assumptions0) for s, n in names.items()}) for e in self.outputs]
        return xf_function_source(self.name, list(names.values()), renamed)

    def signature(self) -> str:
        import sympy as sp

        return "\n".join([self.name, *(sp.srepr(s) for s in self.args), *(sp.srepr(e) for e in self.outputs)])


def dae_trajectory_spec() -> ModuleSpec:
    """``dae_trajectory``: the coefficient tables of both signs of ``w1 w2`` and the loops over modes."""
    from symdae.codegen.programs import trajectory as program
    from symdae.symbols import a_hat, d_hat

    flat_nonneg = tuple(c for row in program.FORMS_NONNEG for c in row)
    flat_neg = tuple(c for row in program.FORMS_NEG for c in row)
    return ModuleSpec(
        name="dae_trajectory",
        claims=("pf.table_nonneg", "pf.table_neg", "pf.ratio_of_forms", "pf.coefficients_nonnegative",
                "pf.normalisation", "pf.unit_circle", "pf.product_form", "stable.equals_eq5",
                "stable.p_solves", "stable.q_solves", "stable.degenerate_solution"),
        functions=(TableFunction("table_nonneg", (*program.KERNEL_ARGS, d_hat), flat_nonneg),
                   TableFunction("table_neg", (*program.KERNEL_ARGS, a_hat), flat_neg)),
        imports=IMPORTS,
        glue=TRAJECTORY_LOOPS,
        generator="trajectory",
        engines=ENGINE_MODULES,
        constants=(("STATUS", True),),  # the loops take an array ``status`` and report a code per row
    )


def time_to_fraction_spec() -> ModuleSpec:
    """``time_to_fraction``: the ratio ``1/g_f − 1`` and the loop over points."""
    from symdae.codegen.programs import trajectory as program

    return ModuleSpec(
        name="time_to_fraction",
        claims=("pf.time_ratio", "pf.time_gap", "pf.time_target", "pf.target_normalised", "pf.normalisation",
                "stable.time_log1p", "stable.time_to_target", "stable.target_P", "stable.p_solves"),
        functions=(TableFunction("time_ratio", program.TIME_RATIO_ARGS, (program.TIME_RATIO_KERNEL,)),),
        imports=IMPORTS,
        glue=TIME_LOOPS,
        generator="trajectory",
        engines=ENGINE_MODULES,
        constants=(("STATUS", False),),
    )

