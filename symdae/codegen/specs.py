"""The kernels symdae generates, each tied to the claims that prove it.

Importing this module builds the verified SymPy expressions (it imports the
derivations), so only the code generator imports it -- never a warm start.
"""

from __future__ import annotations

from symdae.codegen.kernel import KernelSpec
from symdae.derivations import stable_forms
from symdae.symbols import eps, t, tau, w1, w2

MODE_ARGS = (("lam", stable_forms.lam_k), ("eps", eps), ("tau", tau), ("w1", w1), ("w2", w2))


def kernel_specs() -> dict[str, KernelSpec]:
    """Every generated kernel by name."""
    specs = [
        KernelSpec(
            name="dae_trajectory",
            claims=("stable.kernel_form", "stable.equals_eq5", "stable.p_solves", "stable.q_solves",
                    "stable.balanced", "stable.degenerate_solution"),
            row_args=MODE_ARGS,
            row=stable_forms.KERNEL_ROW,
            element_args=(("t", t),),
            element=stable_forms.KERNEL_ELEMENT,
            output=stable_forms.KERNEL_OUTPUT,
        ),
    ]
    return {spec.name: spec for spec in specs}
