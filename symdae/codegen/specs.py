"""The kernels symdae generates, each tied to the claims that prove it.

Importing this module builds the verified SymPy expressions (it imports the
derivations), so only the code generator imports it -- never a warm start.
"""

from __future__ import annotations

from symdae.codegen.kernel import KernelSpec
from symdae.derivations import closed_forms, stable_forms
from symdae.symbols import eps, kappa, t, tau, w1, w2

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
        KernelSpec(
            name="time_to_fraction",
            claims=("stable.time_kernel_form", "stable.time_log1p", "stable.time_to_target", "stable.target_P",
                    "stable.p_solves"),
            row_args=(("fraction", stable_forms.fraction), *MODE_ARGS),
            row=stable_forms.TIME_ROW,
            output=stable_forms.TIME_TO_FRACTION,
        ),
        KernelSpec(
            name="fixed_point",
            claims=("kernels.fixed_point", "wd.logistic_limit", "s4.fixed_point", "s4.origin_eigenvalues"),
            row_args=(("lam", stable_forms.lam_k), ("eps", eps), ("kappa", kappa)),
            output=closed_forms.FIXED_POINT_KERNEL,
        ),
        KernelSpec(
            name="optimal_learning_rate",
            claims=("kernels.optimal_learning_rate", "kernels.hessian_at_one", "suppD.alpha_eps",
                    "suppD.alpha_gamma"),
            row_args=(("lam", stable_forms.lam_k), ("eps", eps), ("kappa", kappa),
                      ("n_samples", closed_forms.n_samples)),
            output=closed_forms.OPTIMAL_LEARNING_RATE_KERNEL,
        ),
        KernelSpec(
            name="equivalent_weight_decay",
            claims=("kernels.equivalent_weight_decay", "suppE.kappa_equivalent"),
            row_args=(("lam", stable_forms.lam_k), ("eps", eps), ("n_samples", closed_forms.n_samples)),
            output=closed_forms.EQUIVALENT_WEIGHT_DECAY_KERNEL,
        ),
    ]
    return {spec.name: spec for spec in specs}
