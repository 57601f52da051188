"""The registry of claims and definitions, and their dependency graph.

Derivation modules (``symdae.derivations.*``, the top-level ``derivations/``
folder of the source tree) each export ``CLAIMS`` and, optionally,
``DEFINITIONS``. :func:`load` collects them in the order of
``symdae.derivations.MODULES`` and validates the graph: ids are unique, every
dependency names a known claim or definition, and there is no cycle.
:meth:`Registry.add` also refuses a claim in which two different symbols
share one name (say the user's own ``Symbol("lambda", real=True)`` next to
``symdae.symbols.lam``, which is positive): SymPy treats them as unrelated
variables, so the claim would not say what it reads as.

Claim modules from outside the package (files, dotted modules, entry points
of the group ``symdae.claims``) are loaded by
:func:`symdae.checking._loading.load_targets`.
"""

from __future__ import annotations

import graphlib
import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from symdae.checking.claim import Claim, Definition


class RegistryError(ValueError):
    """The claims do not form a valid dependency graph."""


@dataclass
class Registry:
    """Claims and definitions by id, with the module each came from."""

    claims: dict[str, Claim] = field(default_factory=dict)
    definitions: dict[str, Definition] = field(default_factory=dict)
    module_of: dict[str, str] = field(default_factory=dict)

    def add(self, module: str, items: Iterable[Claim | Definition]) -> None:
        for item in items:
            if item.id in self.claims or item.id in self.definitions:
                raise RegistryError(f"duplicate id {item.id!r} (in {module})")
            if isinstance(item, Claim):
                check_symbol_names(item)
            target = self.claims if isinstance(item, Claim) else self.definitions
            target[item.id] = item  # type: ignore[assignment]
            self.module_of[item.id] = module

    def validate(self) -> list[str]:
        """Check every dependency exists and the graph is acyclic.

        Returns the claim ids in an order where dependencies come first.
        """
        known = self.claims.keys() | self.definitions.keys()
        sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
        for claim in self.claims.values():
            missing = [d for d in claim.depends if d not in known]
            if missing:
                raise RegistryError(f"claim {claim.id!r} depends on unknown {missing}")
            premise = getattr(claim, "consequence_of", None)
            if premise is not None and premise not in claim.depends:
                raise RegistryError(f"claim {claim.id!r}: consequence_of={premise!r} must be one of its "
                                    f"depends {list(claim.depends)} (the erratum it is a correct step from)")
            unknown = [d for d in getattr(claim, "premise_of", ()) if d not in self.claims]
            if unknown:
                raise RegistryError(f"claim {claim.id!r}: premise_of names unknown claims {unknown}")
            sorter.add(claim.id, *(d for d in claim.depends if d in self.claims))
        try:
            return list(sorter.static_order())
        except graphlib.CycleError as err:
            cycle = " → ".join(err.args[1])
            raise RegistryError(f"dependency cycle: {cycle}") from err

    def ancestors(self, claim_id: str) -> list[str]:
        """All claims ``claim_id`` rests on, transitively (not definitions)."""
        seen: list[str] = []
        stack = list(self.claims[claim_id].depends)
        while stack:
            current = stack.pop()
            if current in seen or current not in self.claims:
                continue
            seen.append(current)
            stack.extend(self.claims[current].depends)
        return sorted(seen)

    def in_module(self, module: str) -> list[Claim | Definition]:
        items: list[Claim | Definition] = [*self.definitions.values(), *self.claims.values()]
        return [x for x in items if self.module_of[x.id] == module]


def _assumptions(symbol: sp.Symbol) -> str:
    given = getattr(symbol, "_assumptions_orig", None)
    if given is None:  # pragma: no cover - SymPy < 1.12
        given = symbol.assumptions0
    text = ", ".join(f"{k}={v}" for k, v in sorted(given.items()))
    return "{" + text + "}"


def _origin(symbol: sp.Symbol) -> str:
    """`` (symdae.symbols.lam)`` when ``symbol`` is one of symdae's shared symbols."""
    import symdae.symbols

    for attribute, value in vars(symdae.symbols).items():
        if isinstance(value, sp.Symbol) and value == symbol and not attribute.startswith("_"):
            return f" (symdae.symbols.{attribute})"
    return ""


def _parts(claim: Claim) -> list[Any]:
    """Every SymPy object a claim is made of (relations, domain, where, condition, shown forms)."""
    parts: list[Any] = []
    for relation in (claim.relation, claim.printed):
        if relation is not None:
            parts += list(relation.expressions())
            parts += [getattr(relation, "var", None), getattr(relation, "point", None)]
    parts += list(claim.domain) + list(claim.where) + list(claim.where.values())
    parts += [claim.condition, *(claim.shown or ())]
    return [p for p in parts if isinstance(p, (sp.Basic, sp.MatrixBase))]


def check_symbol_names(claim: Claim) -> None:
    """Refuse a claim in which two different symbols have the same name.

    Raises :class:`RegistryError` naming the claim, the symbol name and both
    sets of assumptions.
    """
    by_name: dict[str, sp.Symbol] = {}
    for part in _parts(claim):
        for symbol in sorted(part.atoms(sp.Symbol), key=sp.default_sort_key):
            seen = by_name.setdefault(symbol.name, symbol)
            if seen != symbol:
                raise RegistryError(
                    f"claim {claim.id!r}: two different symbols named {symbol.name!r}: "
                    f"{_assumptions(seen)}{_origin(seen)} and {_assumptions(symbol)}{_origin(symbol)}; "
                    "one name must be one symbol (import it from symdae.symbols, or rename yours)")


def build(modules: Sequence[tuple[str, Iterable[Claim | Definition]]]) -> Registry:
    """Build and validate a registry from ``(module name, items)`` pairs."""
    registry = Registry()
    for name, items in modules:
        registry.add(name, items)
    registry.validate()
    return registry


def paper_modules() -> list[tuple[str, list[Claim | Definition]]]:
    """``(module name, items)`` for every derivation module of the paper, in ``MODULES`` order."""
    derivations = importlib.import_module("symdae.derivations")
    pairs = []
    for name in derivations.MODULES:
        module = importlib.import_module(f"symdae.derivations.{name}")
        items = [*getattr(module, "DEFINITIONS", ()), *module.CLAIMS]
        pairs.append((name, items))
    return pairs


def load() -> Registry:
    """Import every derivation module and return the validated registry."""
    return build(paper_modules())
