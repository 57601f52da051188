"""Import a generated module only if its bytes are the ones recorded when it was generated.

The verified bytes themselves are compiled (nothing can change between the
check and the execution, and no ``.pyc`` is trusted), with ``__file__`` set to
the module's path so that Numba caches beside it; the Numba cache of every
dispatcher it defines is then guarded (:mod:`symdae.codegen._numba_guard`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from symdae.codegen._numba_guard import guard_numba_caches
from symdae.codegen._store import damaged, reason

__all__ = ["forget_imported", "import_generated", "read_verified"]

_IMPORTED: dict[Path, tuple[str, ModuleType]] = {}


def read_verified(path: Path, sha256: str,
                  mismatch: str = "its content does not match the SHA-256 recorded when it was generated",
                  ) -> bytes | None:
    """The bytes of ``path`` if their SHA-256 is ``sha256``; else ``None`` (damage reported, file removed)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        damaged(path, reason(err))
        return None
    if hashlib.sha256(data).hexdigest() != sha256:
        damaged(path, mismatch)
        return None
    return data


def import_generated(path: Path, sha256: str) -> ModuleType | None:
    """Execute the generated module at ``path`` if its bytes have digest ``sha256``.

    Returns ``None`` (after reporting and removing a damaged file) when the
    file is missing or its content differs.
    """
    known = _IMPORTED.get(path)
    if known is not None and known[0] == sha256:
        return known[1]
    data = read_verified(path, sha256)
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
    guard_numba_caches(module)
    _IMPORTED[path] = (sha256, module)
    return module


def forget_imported() -> None:
    """Drop every module imported in this process (the next import reads and verifies the file again)."""
    for _, module in _IMPORTED.values():
        sys.modules.pop(module.__name__, None)
    _IMPORTED.clear()
