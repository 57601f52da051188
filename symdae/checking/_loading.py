"""Claim modules from outside the package: files, dotted modules and entry points.

A *target* names a claim module exactly like those of ``derivations/``: it
exports ``CLAIMS`` (a list of :class:`~symdae.checking.claim.Claim`) and,
optionally, ``DEFINITIONS``. It is

- a path to a ``.py`` file (``my_claims.py``, ``../ext/claims.py``), imported
  with its folder first on ``sys.path`` so that it can import its neighbours;
- a dotted module name importable from ``sys.path`` (``mypkg.claims``); a
  package that instead lists submodules in ``MODULES`` (as
  ``symdae.derivations`` does) contributes each of them in that order;
- the name of an entry point in the group ``symdae.claims``, by which an
  installed distribution registers a claim module::

      [project.entry-points."symdae.claims"]
      mypkg = "mypkg.claims"

:func:`load_targets` builds one registry from the paper's modules, every
registered entry point and the targets, so a target's claims may depend on
any of their claim and definition ids, and returns the ids of the targets'
own claims: those are the ones ``symdae verify TARGET`` checks.

Every way a target can be unusable (missing file, syntax error, an exception
while importing, no ``CLAIMS``, items that are not claims) raises
:class:`TargetError` with a one-line message naming the target.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import traceback
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

from symdae.checking.claim import Claim, Definition
from symdae.checking.registry import Registry, RegistryError

ENTRY_POINT_GROUP = "symdae.claims"
_FILE_PREFIX = "symdae_claim_file_"


class TargetError(ValueError):
    """A claim target cannot be loaded (the message names it and says why)."""


def entry_points() -> list[metadata.EntryPoint]:
    """The entry points registered in :data:`ENTRY_POINT_GROUP`, sorted by name."""
    return sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)


def _where(err: BaseException, path: Path | None) -> str:
    """``file:line`` of the innermost frame in the target (or anywhere), for import errors."""
    frames = traceback.extract_tb(err.__traceback__)
    mine = [f for f in frames if path is not None and Path(f.filename) == path] or frames[-1:]
    return f" (line {mine[-1].lineno})" if mine and mine[-1].lineno else ""


def _import_file(text: str) -> ModuleType:
    path = Path(text)
    if path.suffix != ".py":
        raise TargetError(f"{text}: a claim file must end in .py")
    if not path.exists():
        raise TargetError(f"{text}: no such file")
    if not path.is_file():
        raise TargetError(f"{text}: not a regular file")
    path = path.resolve()
    name = _FILE_PREFIX + "".join(c if c.isalnum() else "_" for c in path.stem)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - .py files always have a loader
        raise TargetError(f"{text}: cannot be imported as a Python file")
    module = importlib.util.module_from_spec(spec)
    folder = str(path.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)  # like ``python my_claims.py``: its neighbours can be imported
    sys.modules[name] = module  # dataclasses and pickling look the module up by name
    try:
        spec.loader.exec_module(module)
    except SyntaxError as err:
        del sys.modules[name]
        raise TargetError(f"{text}: syntax error at line {err.lineno}: {err.msg}") from None
    except Exception as err:
        del sys.modules[name]
        raise TargetError(f"{text}: {type(err).__name__} while importing{_where(err, path)}: {err}") from None
    return module


def _import_dotted(text: str) -> ModuleType:
    if not all(part.isidentifier() for part in text.split(".")):
        raise TargetError(f"{text}: not a .py file, a dotted module name or a registered entry point "
                          f"(group {ENTRY_POINT_GROUP!r})")
    try:
        return importlib.import_module(text)
    except ModuleNotFoundError as err:
        if err.name is not None and (text == err.name or text.startswith(err.name + ".")):
            raise TargetError(f"{text}: no module of that name (a TARGET is a .py file, an importable dotted "
                              f"module name or an entry point of group {ENTRY_POINT_GROUP!r})") from None
        raise TargetError(f"{text}: ModuleNotFoundError while importing: {err}") from None
    except SyntaxError as err:
        raise TargetError(f"{text}: syntax error in {err.filename} at line {err.lineno}: {err.msg}") from None
    except Exception as err:
        raise TargetError(f"{text}: {type(err).__name__} while importing{_where(err, None)}: {err}") from None


def _load_entry_point(ep: metadata.EntryPoint) -> Any:
    try:
        return ep.load()
    except Exception as err:
        raise TargetError(f"entry point {ep.name!r} ({ep.value}, group {ENTRY_POINT_GROUP!r}): "
                          f"{type(err).__name__} while importing: {err}") from None


def _items(label: str, module: Any) -> list[Claim | Definition]:
    """``DEFINITIONS`` then ``CLAIMS`` of ``module``, each item checked."""
    if not hasattr(module, "CLAIMS"):
        raise TargetError(f"{label}: exports no CLAIMS (a list of symdae.checking.Claim)")
    found: list[Claim | Definition] = []
    for attribute, kind in (("DEFINITIONS", Definition), ("CLAIMS", Claim)):
        value = getattr(module, attribute, ())
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise TargetError(f"{label}: {attribute} must be a list of {kind.__name__}, got {type(value).__name__}")
        for index, item in enumerate(value):
            if not isinstance(item, kind):
                raise TargetError(f"{label}: {attribute}[{index}] must be a {kind.__name__}, "
                                  f"got {type(item).__name__}")
            found.append(item)
    return found


def modules_of(label: str, module: Any) -> list[tuple[str, list[Claim | Definition]]]:
    """The ``(module name, items)`` pairs a loaded target contributes.

    ``module`` is a module (or any object) with ``CLAIMS``, a package with
    ``MODULES``, or -- from an entry point such as ``"mypkg.claims:CLAIMS"`` --
    the list of claims itself.
    """
    if isinstance(module, (list, tuple)):
        module = SimpleNamespace(CLAIMS=module)
    if not hasattr(module, "CLAIMS") and isinstance(getattr(module, "MODULES", None), (tuple, list)):
        pairs = []
        for sub in module.MODULES:
            name = f"{module.__name__}.{sub}"
            pairs.append((name, _items(name, _import_dotted(name))))
        return pairs
    return [(label, _items(label, module))]


def resolve(target: str) -> list[tuple[str, list[Claim | Definition]]]:
    """Import one target and return the ``(module name, items)`` pairs it contributes."""
    if not target.strip():
        raise TargetError("an empty TARGET: give a .py file, a dotted module name or an entry point name")
    if target.endswith(".py") or "/" in target or "\\" in target:
        return modules_of(target, _import_file(target))
    registered = {ep.name: ep for ep in entry_points()}
    if target in registered:
        ep = registered[target]
        return modules_of(ep.value, _load_entry_point(ep))
    return modules_of(target, _import_dotted(target))


def _loaded(registry: Registry, module: str, item: Claim | Definition) -> bool:
    """Whether ``item`` is already in ``registry`` (the same module again, or the very same object)."""
    return registry.module_of.get(item.id) == module or any(
        table.get(item.id) is item for table in (registry.claims, registry.definitions))


def load_targets(targets: Iterable[str]) -> tuple[Registry, list[str]]:
    """The paper's registry extended by every entry point and ``targets``.

    Returns the validated registry and the ids of the claims the targets
    define, in the order they were given. A target that is already part of
    the registry (``symdae.derivations``, a registered entry point) is not
    added twice: its claims are selected.
    """
    from symdae.checking.registry import paper_modules

    pairs = paper_modules()
    for ep in entry_points():
        pairs += modules_of(ep.value, _load_entry_point(ep))
    registry = Registry()
    try:
        for name, items in pairs:
            registry.add(name, items)
    except RegistryError as err:
        raise TargetError(f"registered claim modules: {err}") from None
    chosen: list[str] = []
    for target in targets:
        for name, items in resolve(target):
            known = [item for item in items if _loaded(registry, name, item)]
            fresh = [item for item in items if not _loaded(registry, name, item)]
            try:
                registry.add(name, fresh)
            except RegistryError as err:
                raise TargetError(f"{target}: {err}") from None
            chosen += [item.id for item in [*known, *fresh] if isinstance(item, Claim) and item.id not in chosen]
    try:
        registry.validate()
    except RegistryError as err:
        raise TargetError(str(err)) from None
    return registry, chosen
