"""Code generation: verified SymPy expressions → cached Numba kernels.

Every kernel is a :class:`~symdae.codegen.spec.Spec` listed by name in
:data:`KERNELS` and loaded by the one loader :func:`load_kernel` from the
cache of :mod:`symdae.codegen.cache`: content-addressed modules named by one
:func:`~symdae.codegen.spec.fingerprint`, recorded in one index. A kernel is
generated only after every claim its spec names is checked and found proved.
Importing this package does not import SymPy, and neither does loading a
kernel the cache holds.
"""

from __future__ import annotations

from symdae.codegen._catalogue import KERNELS, build_spec
from symdae.codegen._loader import fingerprints, load_kernel

__all__ = ["KERNELS", "build_spec", "fingerprints", "load_kernel"]
