"""The folder of the kernel cache, and how a damaged file in it is reported and removed.

Every artefact of :mod:`symdae.codegen.cache` lives under :func:`kernels_dir`
(``<cache_dir>/kernels``). A file that fails verification is reported in one
line on stderr (:func:`report_damaged`) and removed (:func:`discard`), so that
it is rebuilt; one that cannot be removed is a :class:`KernelCacheError`.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from symdae._io import cache_dir

__all__ = ["KernelCacheError", "damaged", "discard", "is_digest", "kernels_dir", "module_path", "reason",
           "report_damaged"]


class KernelCacheError(ValueError):
    """The kernel cache cannot be repaired (e.g. a damaged file cannot be removed)."""


def report_damaged(path: Path | str, why: str) -> None:
    """The one line on stderr that says a cached artefact is damaged and will be rebuilt."""
    why = " ".join(why.split()) or "unknown reason"
    print(f"symdae: kernel cache: {path} is damaged ({why}); rebuilding", file=sys.stderr)


def discard(path: Path) -> None:
    """Remove a damaged file (or a directory standing where a file belongs)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    except OSError as err:
        raise KernelCacheError(f"kernel cache: cannot remove the damaged {path} ({err}); remove it by hand "
                               "or run `symdae kernels --clear`") from err


def damaged(path: Path, why: str) -> None:
    """Report ``path`` as damaged and remove it."""
    report_damaged(path, why)
    discard(path)


def reason(err: BaseException) -> str:
    """``Type: message`` of an error, for a damage report."""
    text = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def is_digest(value: object) -> bool:
    """Whether ``value`` is a SHA-256 in lower-case hex."""
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def kernels_dir() -> Path:
    """``<cache_dir>/kernels``, created (a file in its place is reported and replaced)."""
    path = cache_dir() / "kernels"
    if not path.is_dir() and (path.exists() or path.is_symlink()):
        damaged(path, "not a directory")
    path.mkdir(exist_ok=True)
    return path


def module_path(name: str, fingerprint: str) -> Path:
    """Where the generated module of kernel ``name`` with ``fingerprint`` is kept (content-addressed)."""
    return kernels_dir() / f"{name}-{fingerprint[:16]}.py"
