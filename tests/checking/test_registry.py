"""The dependency graph: unknown ids, duplicates and cycles are errors."""

from __future__ import annotations

import pytest
import sympy as sp

from symdae.checking import Claim, Definition, Equality, RegistryError, build, steps
from symdae.checking.report import run, select
from symdae.symbols import lam

x = sp.Symbol("x", real=True)


def claim(cid: str, *depends: str, numeric_only: bool = False) -> Claim:
    if numeric_only:
        relation = Equality(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1)
        return Claim(cid, "test", cid, relation, depends=depends, use_equals=False)
    return Claim(cid, "test", cid, Equality((x + 1) ** 2, x**2 + 2 * x + 1),
                 strategy=(steps.expand,), depends=depends)


def test_valid_graph_orders_dependencies_first() -> None:
    definition = Definition("def.lam", "test", "an eigenvalue", lam, lam)
    registry = build([("m", [definition, claim("c", "b"), claim("b", "a", "def.lam"), claim("a")])])
    order = registry.validate()
    assert order.index("a") < order.index("b") < order.index("c")
    assert registry.ancestors("c") == ["a", "b"]


def test_unknown_dependency_is_an_error() -> None:
    with pytest.raises(RegistryError, match="unknown"):
        build([("m", [claim("a", "nowhere")])])


def test_duplicate_id_is_an_error() -> None:
    with pytest.raises(RegistryError, match="duplicate"):
        build([("m", [claim("a")]), ("n", [claim("a")])])


def test_cycle_is_an_error() -> None:
    with pytest.raises(RegistryError, match="cycle"):
        build([("m", [claim("a", "c"), claim("b", "a"), claim("c", "b")])])


def test_proved_claim_resting_on_numeric_one_is_flagged() -> None:
    registry = build([("m", [claim("base", numeric_only=True), claim("mid", "base"), claim("top", "mid")])])
    verdicts = {v.id: v for v in run(registry, select(registry, None))}
    assert verdicts["base"].status == "numeric"
    assert verdicts["top"].status == "proved"
    assert verdicts["top"].rests_on_numeric == ["base"]
    assert verdicts["mid"].rests_on_numeric == ["base"]


def test_select_by_glob_and_unknown_pattern() -> None:
    registry = build([("m", [claim("s4.a"), claim("s5.b")])])
    assert select(registry, "s4.*") == ["s4.a"]
    with pytest.raises(ValueError, match="matches no claim"):
        select(registry, "zz*")
