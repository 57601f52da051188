"""On-disk cache of generated kernel modules and their compiled code.

Layout under :func:`cache_dir` (``$SYMDAE_CACHE_DIR``, else
``$XDG_CACHE_HOME/symdae``, else ``~/.cache/symdae``)::

    kernels/<name>-<fingerprint[:16]>.py     generated source (content-addressed)
    kernels/__pycache__/                     Numba's compiled code (cache=True)
    kernels/index.json                       source digest -> {kernel: fingerprint}

A kernel's file name carries the fingerprint of its *expressions* (and the
versions involved), so re-deriving an expression differently yields a new
kernel. To load kernels without importing SymPy, ``index.json`` maps a digest
of the source files that define the expressions (model, derivations, checker,
code generator) to the fingerprints they produce; when those
change the expressions are rebuilt and fingerprinted again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from symdae._io import cache_dir, write_atomic

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def kernels_dir() -> Path:
    path = cache_dir() / "kernels"
    path.mkdir(exist_ok=True)
    return path


def _expression_sources() -> list[Path]:
    """The files that determine the kernels' expressions and generated code."""
    files = [PACKAGE_ROOT / "model.py", PACKAGE_ROOT / "symbols.py", PACKAGE_ROOT / "kernels" / "_vmath.py"]
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


def read_index() -> dict[str, dict[str, str]]:
    path = kernels_dir() / "index.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def record(digest: str, fingerprints: dict[str, str]) -> None:
    """Remember which fingerprints ``digest``'s sources produce (latest digest only)."""
    write_atomic(kernels_dir() / "index.json", json.dumps({digest: fingerprints}, indent=1))


def import_generated(path: Path) -> ModuleType:
    """Import a generated module from its file (Numba caches beside it)."""
    module_name = "_symdae_kernel_" + path.stem.replace("-", "_")
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import generated kernel {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


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
    from symdae.codegen import fingerprints
    from symdae.codegen.ode import ode_fingerprints

    rows = []
    for name, fingerprint in {**fingerprints(), **ode_fingerprints()}.items():
        path = module_path(name, fingerprint)
        module = import_generated(path)
        rows.append(CachedKernel(name, fingerprint, tuple(module.CLAIMS), path.exists(), _compiled(module, path)))
    return rows


def _compiled(module: ModuleType, path: Path) -> bool:
    """Whether Numba has cached machine code for ``module`` (wherever NUMBA_CACHE_DIR puts it)."""
    entry = next((getattr(module, n) for n in ("flat", "gd_rows", "trajectory_rows") if hasattr(module, n)), None)
    cache = getattr(entry, "_cache", None)
    folder = Path(getattr(cache, "_cache_path", path.parent / "__pycache__"))
    return any(folder.glob(f"{path.stem}.*.nbi"))


def clear() -> int:
    """Delete every generated kernel and its compiled code; return files removed."""
    path = cache_dir() / "kernels"
    if not path.exists():
        return 0
    count = sum(1 for p in path.rglob("*") if p.is_file())
    shutil.rmtree(path)
    return count
