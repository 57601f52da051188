"""Every generated kernel by name, and the function that builds its spec.

The table is plain strings so that a warm start finds a kernel's name without
importing the spec modules (which build the verified SymPy expressions); the
spec is built only when a kernel is generated (:mod:`symdae.codegen._loader`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from symdae.codegen.spec import Spec

__all__ = ["KERNELS", "build_spec"]

#: Kernel name -> ``"module:function"``, the function (no arguments) returning its spec.
KERNELS: dict[str, str] = {
    "fixed_point": "symdae.codegen.specs:fixed_point_spec",
    "optimal_tau": "symdae.codegen.specs:optimal_tau_spec",
    "equivalent_kappa": "symdae.codegen.specs:equivalent_kappa_spec",
    "dae_trajectory": "symdae.codegen.trajectory:dae_trajectory_spec",
    "time_to_fraction": "symdae.codegen.trajectory:time_to_fraction_spec",
    "gd_iterates": "symdae.codegen.ode:gd_iterates_spec",
    "mode_trajectory": "symdae.codegen.ode:mode_trajectory_spec",
}


def build_spec(name: str) -> Spec:
    """The spec of kernel ``name`` (imports SymPy and the derivations it rests on)."""
    try:
        where = KERNELS[name]
    except KeyError:
        raise KeyError(f"no generated kernel named {name!r} (the kernels: {', '.join(KERNELS)})") from None
    module, function = where.split(":")
    spec: Spec = getattr(importlib.import_module(module), function)()
    if spec.name != name:
        raise ValueError(f"{where} builds the spec of {spec.name!r}, not of {name!r}: a kernel's spec must carry "
                         "the name it is listed under")
    return spec
