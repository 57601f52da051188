"""One name is one symbol: across every claim, every derivation and every kernel program.

SymPy identifies a symbol by its name *and* its assumptions, so two symbols
named ``kappa`` (one non-negative, one positive) are unrelated variables that
print alike. The table :mod:`symdae.symbols` holds the shared symbols; a symbol
of a module's own must have a name no other symbol has (``docs/conventions.md``).
This walks every claim and definition of the registry (relations, printed
forms, shown forms, domains, definitions, conditions and the substitutions and
closures of their steps) and every module-level object of
:mod:`symdae.derivations`, :mod:`symdae.symbols`, :mod:`symdae.model` and the kernels' programs.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Iterable
from types import FunctionType, ModuleType
from typing import Any

import sympy as sp

import symdae.codegen.programs
import symdae.derivations
import symdae.model
import symdae.symbols
from symdae.checking import Claim, Equality, load, steps


def _symbols(obj: Any, seen: set[int], depth: int = 0) -> Iterable[sp.Symbol]:
    """Every symbol (not Dummy or Wild) reachable from ``obj`` through SymPy objects, containers,
    dataclasses (claims, relations, steps) and the closures of the steps' functions."""
    if id(obj) in seen or depth > 12 or isinstance(obj, (str, bytes, int, float, ModuleType, type)):
        return
    seen.add(id(obj))
    if isinstance(obj, (sp.Basic, sp.MatrixBase)):
        yield from (s for s in obj.atoms(sp.Symbol) if not isinstance(s, (sp.Dummy, sp.Wild)))
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from _symbols(key, seen, depth + 1)
            yield from _symbols(value, seen, depth + 1)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for item in obj:
            yield from _symbols(item, seen, depth + 1)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for field in dataclasses.fields(obj):
            yield from _symbols(getattr(obj, field.name), seen, depth + 1)
    elif isinstance(obj, FunctionType) and obj.__closure__:
        for cell in obj.__closure__:
            try:
                content = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            yield from _symbols(content, seen, depth + 1)


def collisions(places: Iterable[tuple[str, Any]]) -> dict[str, dict[sp.Symbol, list[str]]]:
    """Name -> {symbol: where it occurs} for every name that denotes more than one symbol."""
    found: dict[str, dict[sp.Symbol, list[str]]] = {}
    for where, obj in places:
        for symbol in _symbols(obj, set()):
            found.setdefault(symbol.name, {}).setdefault(symbol, []).append(where)
    return {name: table for name, table in found.items() if len(table) > 1}


def _module_objects(module: ModuleType) -> Iterable[tuple[str, Any]]:
    for attribute, value in vars(module).items():
        if not attribute.startswith("__"):
            yield f"{module.__name__}.{attribute}", value


def _modules() -> list[ModuleType]:
    names = [f"symdae.derivations.{name}" for name in symdae.derivations.MODULES]
    names += [f"symdae.codegen.programs.{info.name}" for info in pkgutil.iter_modules(symdae.codegen.programs.__path__)]
    return [symdae.symbols, symdae.model, *(importlib.import_module(name) for name in names)]


def _assumptions(symbol: sp.Symbol) -> dict[str, bool]:
    return dict(sorted(getattr(symbol, "_assumptions_orig", symbol.assumptions0).items()))


def _report(found: dict[str, dict[sp.Symbol, list[str]]]) -> str:
    lines = []
    for name, table in sorted(found.items()):
        variants = "; ".join(f"{_assumptions(symbol)} in {', '.join(sorted(set(where))[:3])}"
                             for symbol, where in table.items())
        lines.append(f"{name!r} denotes {len(table)} symbols: {variants}")
    return "one name must be one symbol (take it from symdae.symbols, or give yours a name of its own):\n" + \
        "\n".join(lines)


def test_one_name_is_one_symbol_in_the_claims_the_derivations_and_the_programs() -> None:
    registry = load()
    places: list[tuple[str, Any]] = [(f"claim {cid}", claim) for cid, claim in registry.claims.items()]
    places += [(f"definition {did}", item) for did, item in registry.definitions.items()]
    for module in _modules():
        places += list(_module_objects(module))
    found = collisions(places)
    assert not found, _report(found)


def test_two_symbols_of_one_name_are_found_wherever_they_hide() -> None:
    """The walk reaches a narrowing step's substitution, a step's closure and a dataclass field."""
    positive = sp.Symbol("kappa", positive=True)
    narrowing = Claim("toy.kappa", "toy", "κ > 0", Equality(symdae.symbols.kappa, symdae.symbols.kappa),
                      strategy=(steps.subs({symdae.symbols.kappa: positive}, "κ > 0"),))
    hidden = steps.modulo([positive**2 - 1], [positive])
    assert set(collisions([("claim", narrowing)])) == {"kappa"}
    assert set(collisions([("table", symdae.symbols.kappa), ("step", hidden)])) == {"kappa"}
    assert collisions([("claim", narrowing.relation), ("table", symdae.symbols.kappa)]) == {}
    report = _report(collisions([("claim", narrowing)]))
    assert "'kappa' denotes 2 symbols" in report and "'positive': True" in report
