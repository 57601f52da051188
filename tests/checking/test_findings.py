"""Findings: a premise the paper applies where it fails (status ``finding``), with the results resting on it."""

from __future__ import annotations

import json

import pytest
import sympy as sp

from symdae.checking import Cause, Claim, Equality, Limit, build, steps
from symdae.checking.registry import RegistryError
from symdae.checking.report import findings, records, run, select, summary

x = sp.Symbol("x", positive=True)
r = sp.Symbol("r", nonnegative=True)
PREMISE = Cause("toy-premise", "the toy takes the maximum at r = 1, but its path never gets there")


def result() -> Claim:
    """A result that follows from the premise "the peak is 3x": one third of it."""
    return Claim("toy.rate", "§1", "the rate is 1/(3x)", Equality(1 / (3 * x), sp.Rational(1, 3) / x),
                 strategy=(steps.cancel,))


def premise(printed_value: sp.Expr = 3 * x) -> Claim:
    """On the path the expression x(2r − 1)/(1 + r) tends to 2x, not the premise's 3x."""
    path = x * (2 * r - 1) / (1 + r)
    return Claim("toy.path", "§1", "the largest value on the path is 2x", Limit(path, r, sp.oo, 2 * x),
                 printed=Limit(path, r, sp.oo, printed_value), cause=PREMISE, premise_of=("toy.rate",))


def test_a_refuted_premise_is_a_finding_not_an_erratum() -> None:
    registry = build([("toy", [result(), premise()])])
    verdicts = run(registry, select(registry, None))
    by_id = {v.id: v for v in verdicts}
    assert by_id["toy.path"].status == "finding" and by_id["toy.rate"].status == "proved"
    assert by_id["toy.path"].premise_of == ["toy.rate"] and by_id["toy.path"].counterexample
    assert "0 errata, 1 finding, 0 failed" in summary(verdicts, registry)
    text = findings(verdicts, registry)
    assert "toy.path" in text and "toy-premise" in text and "resting on the premise: toy.rate" in text
    record = {d["id"]: d for d in json.loads(json.dumps(records(verdicts, registry)))}["toy.path"]
    assert record["status"] == "finding" and record["cause"]["id"] == "toy-premise"
    assert record["premise_of"] == ["toy.rate"] and record["consequence_of"] is None


def test_a_premise_that_holds_is_proved() -> None:
    registry = build([("toy", [result(), premise(2 * x)])])
    assert {v.id: v.status for v in run(registry, select(registry, None))}["toy.path"] == "proved"


def test_a_finding_needs_its_premise_as_printed_and_known_results() -> None:
    with pytest.raises(ValueError, match="premise_of needs the premise as printed"):
        Claim("toy.bad", "§1", "no printed", Equality(x, x), premise_of=("toy.rate",))
    with pytest.raises(RegistryError, match="premise_of names unknown claims"):
        build([("toy", [premise()])])


def test_the_paper_has_its_supp_d_finding() -> None:
    from symdae.checking import check, load

    registry = load()
    known = {**registry.claims, **registry.definitions}
    for claim_id in ("suppD.path_dae", "suppD.path_wdae"):
        verdict = check(registry.claims[claim_id], known=known)
        assert verdict.status == "finding", (claim_id, verdict.note)
        assert "suppD.alpha_eps" in verdict.premise_of or "suppD.alpha_gamma" in verdict.premise_of
