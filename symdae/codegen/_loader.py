"""The one loader of generated kernels: index, generation on a miss, verified import.

:func:`load_kernel` returns a kernel's module. On a warm cache it reads the
index (:mod:`symdae.codegen._index`) and imports the verified module without
SymPy; when the index is missing, stale (the sources that define the kernels
changed) or lacks the kernel, or the module is missing or damaged, it builds
the kernel's spec (:mod:`symdae.codegen._catalogue`), checks that every claim
it names is proved (:mod:`symdae.codegen._claims`), renders it, writes the
module (content-addressed by its fingerprint) and records it in the index.
Only the kernel asked for is generated.
"""

from __future__ import annotations

import hashlib
from types import ModuleType

from symdae._io import write_atomic
from symdae.codegen._catalogue import KERNELS, build_spec
from symdae.codegen._index import Entry, index_locked, read_index, source_digest, write_index
from symdae.codegen._store import KernelCacheError, module_path
from symdae.codegen._verified import forget_imported, import_generated, read_verified

__all__ = ["entry", "fingerprints", "forget_loaded", "generate", "load_kernel"]

_LOADED: dict[str, ModuleType] = {}


def generate(name: str, digest: str | None = None) -> Entry:
    """Build kernel ``name``'s spec, check its claims, render and write its module and record it in the index.

    Imports SymPy and the checker; raises :class:`~symdae.codegen._claims.UnprovedKernel` (and writes
    nothing) unless every claim the spec names is proved. A module already at its path that is not the
    text its fingerprint generates is damaged: it is reported, removed and written afresh.
    """
    from symdae.codegen._claims import require_proved
    from symdae.codegen.spec import fingerprint

    digest = digest or source_digest()
    spec = build_spec(name)
    require_proved(spec)
    data = spec.render().encode()
    record = Entry(fingerprint(spec), hashlib.sha256(data).hexdigest())
    path = module_path(name, record.fingerprint)
    if path.exists() or path.is_symlink():
        read_verified(path, record.sha256, "its content is not the module its fingerprint generates")
    if not path.exists():
        write_atomic(path, data)
    with index_locked():
        recorded = read_index()
        entries = dict(recorded[1]) if recorded is not None and recorded[0] == digest else {}
        entries[name] = record
        write_index(digest, entries)
    return record


def entry(name: str, digest: str | None = None, regenerate: bool = False) -> Entry:
    """What the index records for kernel ``name``, generating it when it is not recorded for ``digest``
    (the current :func:`~symdae.codegen._index.source_digest`) or its module is missing."""
    if name not in KERNELS:
        raise KeyError(f"no generated kernel named {name!r} (the kernels: {', '.join(KERNELS)})")
    digest = digest or source_digest()
    if not regenerate:
        recorded = read_index()
        known = recorded[1].get(name) if recorded is not None and recorded[0] == digest else None
        if known is not None and module_path(name, known.fingerprint).is_file():
            return known
    return generate(name, digest)


def fingerprints(regenerate: bool = False) -> dict[str, str]:
    """Fingerprint of every kernel, generating missing or damaged modules (all of them with ``regenerate``).

    On a warm cache this reads the index only; otherwise it builds the
    expressions with SymPy, fingerprints them and writes the modules.
    """
    digest = source_digest()
    return {name: entry(name, digest, regenerate).fingerprint for name in KERNELS}


def load_kernel(name: str) -> ModuleType:
    """The generated (and, after its first call, compiled) module of kernel ``name``, verified before import."""
    module = _LOADED.get(name)
    if module is not None:
        return module
    digest = source_digest()
    found = entry(name, digest)
    module = import_generated(module_path(name, found.fingerprint), found.sha256)
    if module is None:  # missing or damaged (reported, removed): generate it again
        found = generate(name, digest)
        path = module_path(name, found.fingerprint)
        module = import_generated(path, found.sha256)
        if module is None:
            raise KernelCacheError(f"kernel cache: {path} does not match what was just written "
                                   "(is another process writing the cache?)")
    _LOADED[name] = module
    return module


def forget_loaded() -> None:
    """Drop every module loaded in this process (the next load reads and verifies the files again)."""
    forget_imported()
    _LOADED.clear()
