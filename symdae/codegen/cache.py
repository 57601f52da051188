"""On-disk cache of generated kernel modules and their compiled code.

Layout under :func:`cache_dir` (``$SYMDAE_CACHE_DIR``, else
``$XDG_CACHE_HOME/symdae``, else ``~/.cache/symdae``)::

    kernels/<name>-<fingerprint[:16]>.py     generated source (content-addressed)
    kernels/index-<group>.json               per group: source digest, and per kernel
                                             its fingerprint and the SHA-256 of its module
    kernels/__pycache__/*.nbi, *.nbc         Numba's compiled code (cache=True; under
                                             $NUMBA_CACHE_DIR instead when that is set)
    kernels/__pycache__/*.sha256             the SHA-256 of each of those files

A kernel's file name carries the fingerprint of its *expressions* (and the
versions involved), so re-deriving an expression differently yields a new
kernel. To load kernels without importing SymPy, each group's index maps a
digest of the source files that define the expressions (model, derivations,
checker, code generator) to the fingerprints they produce; when those change
the expressions are rebuilt and fingerprinted again. A :class:`KernelGroup`
is a set of kernels generated together (:mod:`symdae.codegen` and
:mod:`symdae.codegen.ode` each define one).

Every artefact is verified when it is read, and a damaged one is reported in
one line on stderr (``symdae: kernel cache: <path> is damaged (<reason>);
rebuilding``), removed and rebuilt -- never a traceback:

* an index must be a JSON object of the expected shape;
* a module is executed only if the SHA-256 of its bytes equals the digest the
  index recorded when it was generated (the verified bytes themselves are
  compiled, so nothing can change between the check and the execution, and
  no ``.pyc`` is trusted);
* Numba reads its index and data files lazily, at the first call of each
  signature, and treats a missing or stale file as a miss but raises on a
  truncated or garbled one (and would load an altered one). Every cached
  dispatcher of a generated module is therefore guarded: each file Numba
  writes has its SHA-256 recorded beside it and is read only if it matches,
  and any failure to load removes that function's Numba files and compiles it
  afresh (at the first call, which then takes as long as a cold start's).

The digests guard against damage (a truncated write, a full disk, a stray
edit, a file swapped for another); they are no defence against someone who
can write the cache folder, who could equally replace Numba's machine code.
"""

from __future__ import annotations

import hashlib
import importlib
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from symdae._io import cache_dir, write_atomic
from symdae.codegen._index import Entry, read_index, source_digest, write_index
from symdae.codegen._store import KernelCacheError, kernels_dir, module_path, report_damaged
from symdae.codegen._verified import forget_imported, import_generated, read_verified

__all__ = ["GROUPS", "GROUP_MODULES", "CachedKernel", "Entry", "KernelCacheError", "KernelGroup", "all_groups",
           "cache_dir", "clear", "describe", "forget_loaded", "import_generated", "kernels_dir", "module_path",
           "read_index", "report_damaged", "source_digest"]

#: A group's generator output: kernel name -> (fingerprint, module text).
Generated = Mapping[str, tuple[str, str]]


def forget_loaded() -> None:
    """Drop every module imported in this process (the next load reads and verifies the files again)."""
    forget_imported()
    for group in GROUPS.values():
        group._loaded.clear()


# --- groups of kernels --------------------------------------------------------------------------

#: Every group defined so far, by name.
GROUPS: dict[str, KernelGroup] = {}
#: Modules that define a group, imported by :func:`all_groups` (``symdae.codegen`` names them), so that
#: loading one kernel imports only the module of its own group.
GROUP_MODULES: list[str] = []


def all_groups() -> list[KernelGroup]:
    """Every group of kernels (importing the modules in :data:`GROUP_MODULES`)."""
    for name in GROUP_MODULES:
        importlib.import_module(name)
    return list(GROUPS.values())


class KernelGroup:
    """Kernels generated together and recorded in one index.

    ``generate`` builds the verified expressions (importing SymPy) and returns
    each kernel's fingerprint and module text; it runs only when the index is
    missing, stale or damaged, or a module is missing or damaged.
    """

    def __init__(self, name: str, generate: Callable[[], Generated]) -> None:
        self.name = name
        self._generate = generate
        self._loaded: dict[str, ModuleType] = {}
        GROUPS[name] = self

    def entries(self, regenerate: bool = False) -> dict[str, Entry]:
        """Each kernel's recorded entry, generating the group when needed.

        On a warm cache this reads the index only (no SymPy); otherwise (or
        with ``regenerate``) it builds the expressions, writes every module
        that is missing or differs from what it should be, and records them.
        """
        digest = source_digest()
        if not regenerate:
            recorded = read_index(self.name)
            if recorded is not None and recorded[0] == digest and all(
                    module_path(n, e.fingerprint).is_file() for n, e in recorded[1].items()):
                return recorded[1]
        entries = {}
        for name, (fingerprint, text) in self._generate().items():
            data = text.encode()
            entry = Entry(fingerprint, hashlib.sha256(data).hexdigest())
            path = module_path(name, fingerprint)
            if path.exists() or path.is_symlink():
                # a module of this fingerprint that is not this text is damaged: reported, removed
                read_verified(path, entry.sha256, "its content is not the module its fingerprint generates")
            if not path.exists():
                write_atomic(path, data)
            entries[name] = entry
        write_index(self.name, digest, entries)
        return entries

    def fingerprints(self, regenerate: bool = False) -> dict[str, str]:
        return {name: entry.fingerprint for name, entry in self.entries(regenerate).items()}

    def load(self, name: str) -> ModuleType:
        """The generated (and, after its first call, compiled) module of kernel ``name``, verified."""
        module = self._loaded.get(name)
        if module is not None:
            return module
        entries = self.entries()
        if name not in entries:
            raise KeyError(f"no kernel named {name!r}; known: {sorted(entries)}")
        module = import_generated(module_path(name, entries[name].fingerprint), entries[name].sha256)
        if module is None:  # missing or damaged (reported, removed): generate it again
            entries = self.entries(regenerate=True)
            path = module_path(name, entries[name].fingerprint)
            module = import_generated(path, entries[name].sha256)
            if module is None:
                raise KernelCacheError(f"kernel cache: {path} does not match what was just written "
                                       "(is another process writing the cache?)")
        self._loaded[name] = module
        return module


# --- listing and clearing -----------------------------------------------------------------------


@dataclass(frozen=True)
class CachedKernel:
    """What ``symdae kernels`` shows for one kernel."""

    name: str
    fingerprint: str
    claims: tuple[str, ...]
    generated: bool
    compiled: bool


def describe() -> list[CachedKernel]:
    """Every kernel with its provenance and whether it is generated / compiled."""
    rows = []
    for group in all_groups():
        for name, entry in group.entries().items():
            module = group.load(name)
            path = module_path(name, entry.fingerprint)
            rows.append(CachedKernel(name, entry.fingerprint, tuple(module.CLAIMS), path.exists(),
                                     _compiled(module, path)))
    return rows


def _compiled(module: ModuleType, path: Path) -> bool:
    """Whether Numba has cached machine code for ``module`` (wherever NUMBA_CACHE_DIR puts it)."""
    entry = next((getattr(module, n) for n in ("flat", "gd_rows", "trajectory_rows") if hasattr(module, n)), None)
    cache = getattr(entry, "_cache", None)
    folder = Path(getattr(cache, "_cache_path", path.parent / "__pycache__"))
    return any(folder.glob(f"{path.stem}.*.nbi"))


def _numba_cache_folder(folder: Path) -> Path | None:
    """Where ``$NUMBA_CACHE_DIR`` puts the compiled code of modules in ``folder`` (``None`` if unset)."""
    try:
        from numba.core import caching, config
    except ImportError:
        return None
    root = getattr(config, "CACHE_DIR", "")
    locator = getattr(caching, "_CacheLocator", None)
    if not root or locator is None:
        return None
    return Path(root) / locator.get_suitable_cache_subpath(str(folder / "kernel.py"))


def clear() -> int:
    """Delete every generated kernel and its compiled code (under ``$NUMBA_CACHE_DIR`` too); return files removed."""
    path = cache_dir() / "kernels"
    count = 0
    for folder in (path, _numba_cache_folder(path)):
        if folder is None or not (folder.exists() or folder.is_symlink()):
            continue
        if folder.is_dir() and not folder.is_symlink():
            count += sum(1 for p in folder.rglob("*") if p.is_file())
            shutil.rmtree(folder)
        else:
            count += 1
            folder.unlink()
    forget_loaded()
    return count
