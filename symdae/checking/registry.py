"""The registry of claims and definitions, and their dependency graph.

Derivation modules (``symdae.derivations.*``, the top-level ``derivations/``
folder of the source tree) each export ``CLAIMS`` and, optionally,
``DEFINITIONS``. :func:`load` collects them in the order of
``symdae.derivations.MODULES`` and validates the graph: ids are unique, every
dependency names a known claim or definition, and there is no cycle.
"""

from __future__ import annotations

import graphlib
import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

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


def build(modules: Sequence[tuple[str, Iterable[Claim | Definition]]]) -> Registry:
    """Build and validate a registry from ``(module name, items)`` pairs."""
    registry = Registry()
    for name, items in modules:
        registry.add(name, items)
    registry.validate()
    return registry


def load() -> Registry:
    """Import every derivation module and return the validated registry."""
    derivations = importlib.import_module("symdae.derivations")
    pairs = []
    for name in derivations.MODULES:
        module = importlib.import_module(f"symdae.derivations.{name}")
        items = [*getattr(module, "DEFINITIONS", ()), *module.CLAIMS]
        pairs.append((name, items))
    return build(pairs)
