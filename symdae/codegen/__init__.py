"""Code generation: verified SymPy expressions → cached Numba kernels.

Two groups of generated modules share the cache of :mod:`symdae.codegen.cache`:
the elementwise kernels of :mod:`symdae.codegen.specs` (:func:`load_kernel`)
and the ODE/GD modules of :mod:`symdae.codegen.ode` (``load_ode_kernel``).
Importing this package imports neither SymPy nor the ODE module.
"""

from __future__ import annotations

from types import ModuleType

from symdae.codegen.cache import GROUP_MODULES, KernelGroup

__all__ = ["KERNELS", "fingerprints", "load_kernel"]


def _generate() -> dict[str, tuple[str, str]]:
    from symdae.codegen.kernel import module_source
    from symdae.codegen.specs import kernel_specs

    return {name: (spec.fingerprint(), module_source(spec)) for name, spec in kernel_specs().items()}


#: The elementwise kernels' group in the kernel cache (index ``index-elementwise.json``).
KERNELS = KernelGroup("elementwise", _generate)
# The modules defining the other groups, imported only when all groups are listed (``symdae kernels``).
GROUP_MODULES.extend(["symdae.codegen.ode", "symdae.codegen.trajectory"])


def fingerprints(regenerate: bool = False) -> dict[str, str]:
    """Fingerprint of every kernel, generating missing or damaged modules.

    On a warm cache this reads the group's index only; otherwise (or with
    ``regenerate``) it builds the expressions with SymPy, fingerprints them
    and writes any module that is missing or not what it should be.
    """
    return KERNELS.fingerprints(regenerate)


def load_kernel(name: str) -> ModuleType:
    """The generated (and, after its first call, compiled) module of kernel ``name``, verified before import."""
    return KERNELS.load(name)
