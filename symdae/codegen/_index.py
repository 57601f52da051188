"""The index of the kernel cache (``kernels/index.json``): what lets a warm start find its modules without SymPy.

The index records the digest of the source files that define the kernels
(:func:`source_digest`: model, symbols, derivations, checker, code generator
and the engines generated modules import, and the versions of the packages
involved) and, per kernel, its fingerprint and
the SHA-256 of its generated module. It is a JSON object of a fixed shape
(:data:`INDEX_FORMAT`); one of another version is stale (``None``), one of the
wrong shape damaged (reported, removed).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from symdae._io import write_atomic
from symdae.codegen._store import damaged, is_digest, kernels_dir, reason
from symdae.codegen.spec import package_version

__all__ = ["INDEX_FORMAT", "PACKAGE_ROOT", "Entry", "index_path", "read_index", "source_digest", "write_index"]

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
#: The packages whose versions the source digest covers.
VERSIONED = ("sympy", "mpmath", "numpy", "numba", "symdae")
#: Version of the index layout; an index of another version is rebuilt silently.
INDEX_FORMAT = 3


@dataclass(frozen=True)
class Entry:
    """What an index records for one kernel."""

    fingerprint: str
    sha256: str  # of the generated module's bytes


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


@functools.cache
def _versions() -> str:
    """Python's version and those of the packages the expressions and their proofs depend on."""
    return " ".join([sys.version.split()[0], *(f"{p}=={package_version(p)}" for p in VERSIONED)])


def source_digest() -> str:
    """SHA-256 over the sources that define the kernels (the derivations and the checker included) and the
    versions of the packages that build and prove their expressions: the index is rebuilt (and every kernel's
    claims checked again) when any of them changes."""
    digest = hashlib.sha256(_versions().encode())
    for path in _expression_sources():
        digest.update(f"{path.parent.name}/{path.name}".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def index_path() -> Path:
    return kernels_dir() / "index.json"


def _parse_index(data: object) -> tuple[str, dict[str, Entry]] | None:
    """``(source digest, entries)`` of a decoded index; ``None`` if written by another version."""
    if not isinstance(data, dict):
        raise ValueError(f"a JSON {type(data).__name__} instead of an object")
    if data.get("format") != INDEX_FORMAT:
        if isinstance(data.get("format"), int):
            return None  # another symdae's layout: stale, not damaged
        raise ValueError("no index format")
    sources, kernels = data.get("sources"), data.get("kernels")
    if not is_digest(sources) or not isinstance(kernels, dict):
        raise ValueError("no source digest or kernel table")
    entries = {}
    for name, row in kernels.items():
        if not (name.isidentifier() and name.isascii()):  # a name becomes a file name: no paths
            raise ValueError(f"a bad kernel name {name!r}")
        if not (isinstance(row, dict) and is_digest(row.get("fingerprint")) and is_digest(row.get("sha256"))):
            raise ValueError(f"a bad entry for {name!r}")
        entries[name] = Entry(row["fingerprint"], row["sha256"])
    return str(sources), entries


def read_index() -> tuple[str, dict[str, Entry]] | None:
    """``(source digest, entries)`` recorded in the index, or ``None``.

    ``None`` when there is no index, when another version wrote it, or when it
    is damaged (then it is reported and removed).
    """
    path = index_path()
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:  # a directory in its place, unreadable, ...
        damaged(path, reason(err))
        return None
    try:
        return _parse_index(json.loads(text))
    except (ValueError, RecursionError) as err:  # not UTF-8, not JSON (or absurdly nested), the wrong shape
        damaged(path, str(err) if type(err) is ValueError else "not valid JSON")
        return None


@contextlib.contextmanager
def index_locked() -> Iterator[None]:
    """Hold the index's lock for a read-modify-write, waiting for another process that holds it.

    Processes that generate different kernels at the same time (``symdae figures`` prepares one in
    a second process) would otherwise each write back the index they read, and one entry would be
    lost (regenerated later, at a cost). ``fcntl.flock`` on ``index.lock``; where there is no
    ``fcntl`` (Windows) the block runs unlocked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        yield
        return
    path = index_path().with_name("index.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_index(sources: str, entries: Mapping[str, Entry]) -> None:
    """Record ``entries`` for the source digest ``sources`` (the latest digest only)."""
    data = {"format": INDEX_FORMAT, "sources": sources,
            "kernels": {name: {"fingerprint": e.fingerprint, "sha256": e.sha256} for name, e in entries.items()}}
    write_atomic(index_path(), json.dumps(data, indent=1, sort_keys=True))
