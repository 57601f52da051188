"""The fingerprint of a generated kernel module: what names its file in the cache (:mod:`symdae.codegen.cache`).

Every generator (:mod:`symdae.codegen.kernel`, :mod:`symdae.codegen.trajectory`,
:mod:`symdae.codegen.ode`) fingerprints its modules with :func:`fingerprint`, so that a
change to an expression, to the printer, to an engine a module imports or to a version
involved yields a new module (and new compiled code) rather than a stale one.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["fingerprint", "package_version"]


def package_version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def fingerprint(name: str, version: str, sources: Sequence[Path], parts: Sequence[str]) -> str:
    """A generated module's fingerprint (SHA-256): its name, its generator's template ``version``, the
    versions of Python, SymPy, Numba, NumPy and symdae, the digest of the ``sources`` that print it or
    that it imports, and ``parts`` (its expressions and glue)."""
    sources_digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()
    versions = [f"{pkg}=={package_version(pkg)}" for pkg in ("sympy", "numba", "numpy", "symdae")]
    return hashlib.sha256("\n".join([name, version, sys.version.split()[0], *versions, sources_digest,
                                      *parts]).encode()).hexdigest()
