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
import importlib.util
import json
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from symdae._io import cache_dir, write_atomic

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
#: Version of the index layout; an index of another version is rebuilt silently.
INDEX_FORMAT = 2

#: A group's generator output: kernel name -> (fingerprint, module text).
Generated = Mapping[str, tuple[str, str]]


class KernelCacheError(ValueError):
    """The kernel cache cannot be repaired (e.g. a damaged file cannot be removed)."""


def report_damaged(path: Path | str, reason: str) -> None:
    """The one line on stderr that says a cached artefact is damaged and will be rebuilt."""
    reason = " ".join(reason.split()) or "unknown reason"
    print(f"symdae: kernel cache: {path} is damaged ({reason}); rebuilding", file=sys.stderr)


def _discard(path: Path) -> None:
    """Remove a damaged file (or a directory standing where a file belongs)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    except OSError as err:
        raise KernelCacheError(f"kernel cache: cannot remove the damaged {path} ({err}); remove it by hand "
                               "or run `symdae kernels --clear`") from err


def _damaged(path: Path, reason: str) -> None:
    report_damaged(path, reason)
    _discard(path)


def _reason(err: BaseException) -> str:
    text = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def kernels_dir() -> Path:
    path = cache_dir() / "kernels"
    if not path.is_dir() and (path.exists() or path.is_symlink()):
        _damaged(path, "not a directory")
    path.mkdir(exist_ok=True)
    return path


def _expression_sources() -> list[Path]:
    """The files that determine the kernels' expressions and generated code."""
    files = [PACKAGE_ROOT / "model.py", PACKAGE_ROOT / "symbols.py"]
    files += sorted((PACKAGE_ROOT / "kernels").glob("_*.py"))  # the engines generated modules import
    folders = [PACKAGE_ROOT / "codegen", PACKAGE_ROOT / "checking"]
    spec = importlib.util.find_spec("symdae.derivations")
    folders += [Path(location) for location in (spec.submodule_search_locations or [])] if spec else []
    for folder in folders:
        files += sorted(p for p in folder.glob("*.py"))
    return files


def source_digest() -> str:
    """SHA-256 over the sources that define the kernels (the derivations included)."""
    digest = hashlib.sha256()
    for path in _expression_sources():
        digest.update(f"{path.parent.name}/{path.name}".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def module_path(name: str, fingerprint: str) -> Path:
    return kernels_dir() / f"{name}-{fingerprint[:16]}.py"


# --- the index ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What an index records for one kernel."""

    fingerprint: str
    sha256: str  # of the generated module's bytes


def _is_digest(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def index_path(group: str) -> Path:
    return kernels_dir() / f"index-{group}.json"


def _parse_index(data: object) -> tuple[str, dict[str, Entry]] | None:
    """``(source digest, entries)`` of a decoded index; ``None`` if written by another version."""
    if not isinstance(data, dict):
        raise ValueError(f"a JSON {type(data).__name__} instead of an object")
    if data.get("format") != INDEX_FORMAT:
        if isinstance(data.get("format"), int):
            return None  # another symdae's layout: stale, not damaged
        raise ValueError("no index format")
    sources, kernels = data.get("sources"), data.get("kernels")
    if not _is_digest(sources) or not isinstance(kernels, dict):
        raise ValueError("no source digest or kernel table")
    entries = {}
    for name, row in kernels.items():
        if not (name.isidentifier() and name.isascii()):  # a name becomes a file name: no paths
            raise ValueError(f"a bad kernel name {name!r}")
        if not (isinstance(row, dict) and _is_digest(row.get("fingerprint")) and _is_digest(row.get("sha256"))):
            raise ValueError(f"a bad entry for {name!r}")
        entries[name] = Entry(row["fingerprint"], row["sha256"])
    return str(sources), entries


def read_index(group: str) -> tuple[str, dict[str, Entry]] | None:
    """``(source digest, entries)`` recorded for ``group``, or ``None``.

    ``None`` when there is no index, when another version wrote it, or when it
    is damaged (then it is reported and removed).
    """
    path = index_path(group)
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:  # a directory in its place, unreadable, ...
        _damaged(path, _reason(err))
        return None
    try:
        return _parse_index(json.loads(text))
    except (ValueError, RecursionError) as err:  # not UTF-8, not JSON (or absurdly nested), the wrong shape
        reason = str(err) if type(err) is ValueError else "not valid JSON"
        _damaged(path, reason)
        return None


def write_index(group: str, sources: str, entries: Mapping[str, Entry]) -> None:
    """Record ``group``'s entries for the source digest ``sources`` (the latest digest only)."""
    data = {"format": INDEX_FORMAT, "group": group, "sources": sources,
            "kernels": {name: {"fingerprint": e.fingerprint, "sha256": e.sha256} for name, e in entries.items()}}
    write_atomic(index_path(group), json.dumps(data, indent=1, sort_keys=True))


# --- verified import ----------------------------------------------------------------------------

_IMPORTED: dict[Path, tuple[str, ModuleType]] = {}


def _read_verified(path: Path, sha256: str,
                   mismatch: str = "its content does not match the SHA-256 recorded when it was generated",
                   ) -> bytes | None:
    """The bytes of ``path`` if their SHA-256 is ``sha256``; else ``None`` (damage reported, file removed)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        _damaged(path, _reason(err))
        return None
    if hashlib.sha256(data).hexdigest() != sha256:
        _damaged(path, mismatch)
        return None
    return data


def import_generated(path: Path, sha256: str) -> ModuleType | None:
    """Execute the generated module at ``path`` if its bytes have digest ``sha256``.

    Returns ``None`` (after reporting and removing a damaged file) when the
    file is missing or its content differs. The verified bytes are compiled
    directly, with ``__file__`` set to ``path`` so that Numba caches beside it.
    """
    known = _IMPORTED.get(path)
    if known is not None and known[0] == sha256:
        return known[1]
    data = _read_verified(path, sha256)
    if data is None:
        return None
    module_name = "_symdae_kernel_" + path.stem.replace("-", "_")
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None:
        raise ImportError(f"cannot import generated kernel {path}")
    module = importlib.util.module_from_spec(spec)
    code = compile(data, str(path), "exec", dont_inherit=True)
    sys.modules[module_name] = module
    try:
        exec(code, module.__dict__)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    _guard_numba_caches(module)
    _IMPORTED[path] = (sha256, module)
    return module


def forget_loaded() -> None:
    """Drop every module imported in this process (the next load reads and verifies the files again)."""
    for _, module in _IMPORTED.values():
        sys.modules.pop(module.__name__, None)
    _IMPORTED.clear()
    for group in GROUPS.values():
        group._loaded.clear()


# --- Numba's cache ------------------------------------------------------------------------------
#
# Numba keeps, per function, an index ``<base>.nbi`` (signature -> data file) and
# one data file ``<base>.<n>.nbc`` per signature, both pickles read at the first
# call of a signature. It treats a missing or stale file as a miss but raises on
# a truncated or garbled one, and it would load a swapped or altered data file.
# So every cached dispatcher of a generated module is guarded (on the instance):
# each file Numba writes gets its SHA-256 recorded in ``<base>.sha256``; a file is
# read only if it matches; a file not recorded there is a miss (recompiled
# silently); any failure to load is reported, the function's files are removed
# and it is compiled afresh.

_NUMBA_ATTRIBUTES = ("_cache_path", "_index_path", "_index_name", "_load_index", "_save_index", "_load_data",
                     "_save_data", "_data_path")


class DamagedFile(Exception):
    """A cached file failed verification."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path} is damaged ({reason})")
        self.path, self.reason = path, reason


def _numba_files(files: Any) -> list[Path]:
    """Every file of one Numba ``IndexDataCacheFile``: index, data files and recorded digests."""
    base = files._index_name[: -len(".nbi")]
    folder = Path(files._cache_path)
    data = [p for p in folder.glob("*.nbc") if p.name.startswith(base + ".")] if folder.is_dir() else []
    return [Path(files._index_path), folder / f"{base}.sha256", *data]


def _recorded(digests: Path) -> dict[str, str]:
    """File name -> SHA-256 as recorded in ``digests`` (empty if absent; :class:`DamagedFile` if damaged)."""
    try:
        text = digests.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as err:
        raise DamagedFile(digests, _reason(err)) from err
    try:
        table = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise DamagedFile(digests, "not valid JSON") from err
    if not (isinstance(table, dict) and all(isinstance(k, str) and _is_digest(v) for k, v in table.items())):
        raise DamagedFile(digests, "not a table of digests")
    return table


def _record(digests: Path, path: Path) -> None:
    try:
        table = _recorded(digests)
    except DamagedFile:
        table = {}  # rewritten; files recorded only there become misses
    table[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    write_atomic(digests, json.dumps(table, indent=1, sort_keys=True))


def _verify(digests: Path, path: Path) -> None:
    """Return if ``path`` matches its recorded digest; ``FileNotFoundError`` if absent or unrecorded."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as err:  # a directory in its place, unreadable, ...
        raise DamagedFile(path, _reason(err)) from err
    recorded = _recorded(digests).get(path.name)
    if recorded is None:
        raise FileNotFoundError(f"{path} was not written by this cache")  # Numba: a miss, compiled again
    if hashlib.sha256(data).hexdigest() != recorded:
        raise DamagedFile(path, "its content does not match the SHA-256 recorded when it was saved")


def _guard(cache: Any) -> None:
    """Verify every file ``cache`` (a Numba ``FunctionCache``) reads; on any failure rebuild it (see above)."""
    files = cache._cache_file
    if not all(hasattr(files, name) for name in _NUMBA_ATTRIBUTES):
        return  # another Numba: keep its own behaviour
    index = Path(files._index_path)
    digests = index.parent / f"{files._index_name[: -len('.nbi')]}.sha256"
    load, save = cache.load_overload, cache.save_overload
    load_index, save_index = files._load_index, files._save_index
    load_data, save_data = files._load_data, files._save_data

    def checked_load_index() -> Any:
        try:
            _verify(digests, index)
        except FileNotFoundError:
            return {}  # what Numba answers for a missing index
        return load_index()

    def checked_load_data(name: str) -> Any:
        _verify(digests, Path(files._data_path(name)))  # FileNotFoundError: Numba treats it as a miss
        return load_data(name)

    def recorded_save_index(overloads: Any) -> None:
        save_index(overloads)
        _record(digests, index)

    def recorded_save_data(name: str, data: Any) -> None:
        save_data(name, data)
        _record(digests, Path(files._data_path(name)))

    def rebuild(err: Exception) -> None:
        if isinstance(err, DamagedFile):
            report_damaged(err.path, err.reason)
        else:  # verified, yet Numba could not load it (e.g. written by an incompatible build)
            report_damaged(index, _reason(err))
        for path in _numba_files(files):
            _discard(path)

    def load_overload(sig: Any, target_context: Any) -> Any:
        try:
            return load(sig, target_context)
        except Exception as err:
            rebuild(err)
            return None  # a miss: Numba compiles and saves afresh

    def save_overload(sig: Any, data: Any) -> None:
        try:
            save(sig, data)
        except Exception as err:  # a file damaged since it was read
            rebuild(err)
            try:
                save(sig, data)
            except Exception:  # the compiled code works; only the next start's disk cache is lost
                pass

    files._load_index, files._save_index = checked_load_index, recorded_save_index
    files._load_data, files._save_data = checked_load_data, recorded_save_data
    cache.load_overload, cache.save_overload = load_overload, save_overload


def _guard_numba_caches(module: ModuleType) -> None:
    """Guard the Numba cache of every dispatcher the generated ``module`` defines."""
    for value in vars(module).values():
        func = getattr(value, "py_func", None)
        cache = getattr(value, "_cache", None)
        if func is None or getattr(func, "__module__", None) != module.__name__:
            continue
        if hasattr(cache, "_cache_file") and hasattr(cache, "load_overload"):
            _guard(cache)


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
                _read_verified(path, entry.sha256, "its content is not the module its fingerprint generates")
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
