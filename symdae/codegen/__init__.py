"""Code generation: verified SymPy expressions → cached Numba kernels."""

from __future__ import annotations

from types import ModuleType

from symdae._io import write_atomic
from symdae.codegen.cache import import_generated, module_path, read_index, record, source_digest

__all__ = ["fingerprints", "load_kernel"]

_LOADED: dict[str, ModuleType] = {}


def fingerprints(regenerate: bool = False) -> dict[str, str]:
    """Fingerprint of every kernel, generating missing modules.

    On a warm cache this reads ``index.json`` only; otherwise (or with
    ``regenerate``) it builds the expressions with SymPy, fingerprints them
    and writes any module not yet on disk.
    """
    digest = source_digest()
    known = read_index().get(digest)
    if known and not regenerate and all(module_path(n, f).exists() for n, f in known.items()):
        return known
    from symdae.codegen.kernel import module_source
    from symdae.codegen.specs import kernel_specs

    result = {}
    for name, spec in kernel_specs().items():
        fingerprint = spec.fingerprint()
        path = module_path(name, fingerprint)
        if regenerate or not path.exists():
            write_atomic(path, module_source(spec))
        result[name] = fingerprint
    record(digest, result)
    return result


def load_kernel(name: str) -> ModuleType:
    """The generated (and, after its first call, compiled) module of kernel ``name``."""
    if name not in _LOADED:
        prints = fingerprints()
        if name not in prints:
            raise KeyError(f"no kernel named {name!r}; known: {sorted(prints)}")
        _LOADED[name] = import_generated(module_path(name, prints[name]))
    return _LOADED[name]
