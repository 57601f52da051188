"""Guard Numba's on-disk cache of a generated module: every file it reads is verified first.

Numba keeps, per function, an index ``<base>.nbi`` (signature -> data file) and
one data file ``<base>.<n>.nbc`` per signature, both pickles read at the first
call of a signature. It treats a missing or stale file as a miss but raises on
a truncated or garbled one, and it would load a swapped or altered data file.
So every cached dispatcher of a generated module is guarded (on the instance):
each file Numba writes gets its SHA-256 recorded in ``<base>.sha256``; a file is
read only if it matches; a file not recorded there is a miss (recompiled
silently); any failure to load is reported, the function's files are removed
and it is compiled afresh.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from types import ModuleType
from typing import Any

from symdae._io import write_atomic
from symdae.codegen._store import discard, is_digest, reason, report_damaged

__all__ = ["DamagedFile", "guard_numba_caches"]

_NUMBA_ATTRIBUTES = ("_cache_path", "_index_path", "_index_name", "_load_index", "_save_index", "_load_data",
                     "_save_data", "_data_path")


class DamagedFile(Exception):
    """A cached file failed verification."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path} is damaged ({why})")
        self.path, self.reason = path, why


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
        raise DamagedFile(digests, reason(err)) from err
    try:
        table = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise DamagedFile(digests, "not valid JSON") from err
    if not (isinstance(table, dict) and all(isinstance(k, str) and is_digest(v) for k, v in table.items())):
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
        raise DamagedFile(path, reason(err)) from err
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
            report_damaged(index, reason(err))
        for path in _numba_files(files):
            discard(path)

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


def guard_numba_caches(module: ModuleType) -> None:
    """Guard the Numba cache of every dispatcher the generated ``module`` defines."""
    for value in vars(module).values():
        func = getattr(value, "py_func", None)
        cache = getattr(value, "_cache", None)
        if func is None or getattr(func, "__module__", None) != module.__name__:
            continue
        if hasattr(cache, "_cache_file") and hasattr(cache, "load_overload"):
            _guard(cache)
