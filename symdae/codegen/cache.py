"""On-disk cache of generated kernel modules and their compiled code.

Layout under :func:`cache_dir` (``$SYMDAE_CACHE_DIR``, else
``$XDG_CACHE_HOME/symdae``, else ``~/.cache/symdae``)::

    kernels/<name>-<fingerprint[:16]>.py     generated source (content-addressed)
    kernels/index.json                       the source digest, and per kernel its
                                             fingerprint and the SHA-256 of its module
    kernels/__pycache__/*.nbi, *.nbc         Numba's compiled code (cache=True; under
                                             $NUMBA_CACHE_DIR instead when that is set)
    kernels/__pycache__/*.sha256             the SHA-256 of each of those files

A kernel's file name carries the fingerprint of its *expressions* (and the
versions involved, :func:`symdae.codegen.spec.fingerprint`), so re-deriving an
expression differently yields a new kernel. To load kernels without importing
SymPy, the index maps a digest of the source files that define the expressions
(model, derivations, checker, code generator) to the fingerprints they produce;
when those change, a kernel is rebuilt and fingerprinted again at its next load
(:func:`symdae.codegen.load_kernel`, one loader for every kernel), and only
after the claims its spec names are checked and found proved.

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

import shutil
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from symdae._io import cache_dir
from symdae.codegen._catalogue import KERNELS
from symdae.codegen._index import INDEX_FORMAT, Entry, read_index, source_digest
from symdae.codegen._loader import entry, fingerprints, forget_loaded, load_kernel
from symdae.codegen._store import KernelCacheError, kernels_dir, module_path, report_damaged
from symdae.codegen._verified import import_generated

__all__ = ["INDEX_FORMAT", "KERNELS", "CachedKernel", "Entry", "KernelCacheError", "cache_dir", "clear", "describe",
           "fingerprints", "forget_loaded", "import_generated", "kernels_dir", "load_kernel", "module_path",
           "read_index", "report_damaged", "source_digest"]


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
    digest = source_digest()
    for name in KERNELS:
        found = entry(name, digest)
        module = load_kernel(name)
        path = module_path(name, found.fingerprint)
        rows.append(CachedKernel(name, found.fingerprint, tuple(module.CLAIMS), path.exists(),
                                 _compiled(module, path)))
    return rows


def _compiled(module: ModuleType, path: Path) -> bool:
    """Whether Numba has cached machine code for ``module`` (wherever NUMBA_CACHE_DIR puts it)."""
    folders = {Path(value._cache._cache_path) for value in vars(module).values()
               if getattr(getattr(value, "py_func", None), "__module__", None) == module.__name__
               and hasattr(getattr(value, "_cache", None), "_cache_path")} or {path.parent / "__pycache__"}
    return any(True for folder in folders for _ in folder.glob(f"{path.stem}.*.nbi"))


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
