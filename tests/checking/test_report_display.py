"""Presentation: table widths, plurals, errata by root cause, pretty forms, JSON fields, notebook display."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sympy as sp

from symdae.checking import Cause, Claim, Equality, build, display, steps
from symdae.checking._display import cause_of, plural, pretty_relation, srepr_pretty
from symdae.checking.report import Table, errata, records, run, select, summary, write_json

x = sp.Symbol("x", positive=True)


def typo(cid: str, factor: int, **extra: Any) -> Claim:
    """An erratum: ``d(x^2)/dx`` printed as ``factor·x/(x + 1)``, corrected ``2x``."""
    derivative = sp.Derivative(x**2, x)
    return Claim(cid, "Eq. (7)", f"misprint {cid}", Equality(derivative, 2 * x),
                       printed=Equality(derivative, factor * x / (x + 1)), strategy=(steps.doit,), **extra)


def good(cid: str) -> Claim:
    return Claim(cid, "§1", cid, Equality((x + 1) ** 2, x**2 + 2 * x + 1), strategy=(steps.expand,))


@pytest.fixture(scope="module")
def checked() -> tuple[Any, list[Any]]:
    cause = Cause("n-dropped", "one N dropped from Eq. (6)")
    registry = build([("m", [
        typo("a.root", 3, cause=cause),
        typo("a.follows", 5, consequence_of="a.root", depends=("a.root",)),
        typo("b.alone", 7),
        good("a.very.long.identifier.that.must.never.be.cut.in.the.table"),
    ])])
    return registry, run(registry, select(registry, None))


def test_errata_are_grouped_by_root_cause_with_pretty_forms(checked: tuple[Any, list[Any]]) -> None:
    registry, verdicts = checked
    assert [v.status for v in verdicts].count("erratum") == 3
    text = summary(verdicts, registry)
    assert text.startswith("4 claims: 1 proved, 0 numeric, 3 errata from 2 root causes, 0 failed")
    section = errata(verdicts, registry)
    assert section.startswith("Errata: 3 errata from 2 root causes")
    cause_at, alone_at = section.index("cause n-dropped: one N dropped"), section.index("no cause declared")
    assert cause_at < section.index("a.root") < section.index("a.follows") < alone_at < section.index("b.alone")
    assert "[a correct step from the wrong premise a.root]" in section
    assert "─" in section and "\\frac" not in section  # 2-D Unicode, not LaTeX
    assert "refuted at: x = " in section
    ascii_only = errata(verdicts, registry, unicode=False)
    assert "─" not in ascii_only and "-----" in ascii_only


def test_table_columns_fit_the_ids(checked: tuple[Any, list[Any]]) -> None:
    registry, verdicts = checked
    table = Table.for_claims(registry.claims.values())
    long_id = "a.very.long.identifier.that.must.never.be.cut.in.the.table"
    row = next(table.row(v) for v in verdicts if v.id == long_id)
    assert row.startswith(long_id + "  ") and "…" not in row
    assert row.rstrip().endswith("general") and "expand" in row
    header = table.header().splitlines()[0]
    assert header.index("paper") == row.index("§1")


def test_plurals() -> None:
    assert plural(1, "claim") == "1 claim" and plural(2, "claim") == "2 claims"
    assert plural(1, "erratum", "errata") == "1 erratum" and plural(0, "erratum", "errata") == "0 errata"
    registry = build([("m", [good("one")])])
    assert summary(run(registry, ["one"]), registry).startswith("1 claim: 1 proved, 0 numeric, 0 errata, 0 failed")


def test_json_fields(checked: tuple[Any, list[Any]], tmp_path: Path) -> None:
    registry, verdicts = checked
    by_id = {r["id"]: r for r in records(verdicts, registry)}
    for record in by_id.values():
        assert {"id", "paper_ref", "status", "strategy", "printed", "corrected", "statement", "scope",
                "cross_check_points", "cause", "consequence_of"} <= record.keys()
        assert record["scope"] == "general" and record["statement"]
        assert isinstance(record["cross_check_points"], int)
    assert by_id["a.root"]["cause"] == {"id": "n-dropped", "sentence": "one N dropped from Eq. (6)"}
    assert by_id["a.follows"]["cause"]["id"] == "n-dropped" and by_id["a.follows"]["consequence_of"] == "a.root"
    assert by_id["b.alone"]["cause"] is None and by_id["b.alone"]["consequence_of"] is None
    assert "─" in by_id["a.root"]["printed_pretty"]
    out = tmp_path / "v.json"
    write_json(str(out), verdicts, registry)
    assert json.loads(out.read_text())[0]["id"] == verdicts[0].id


def test_json_to_stdout(checked: tuple[Any, list[Any]], capsys: pytest.CaptureFixture[str]) -> None:
    registry, verdicts = checked
    write_json("-", verdicts, registry)
    assert len(json.loads(capsys.readouterr().out)) == len(verdicts)


def test_only_suggests_close_patterns() -> None:
    registry = build([("m", [good("eq5.a"), good("eq5.b"), good("suppB.c")])])
    with pytest.raises(ValueError, match=r"did you mean 'eq5\.\*'"):
        select(registry, "eq5")
    with pytest.raises(ValueError, match=r"did you mean 'suppB\.\*'"):
        select(registry, "supB.*")


def test_cause_given_in_any_shape() -> None:
    @dataclass
    class Cause:
        id: str
        sentence: str

    @dataclass
    class Holder:
        cause: Any

    for given in (Cause("c", "why"), ("c", "why"), {"id": "c", "sentence": "why"}):
        assert cause_of(Holder(given)) == {"id": "c", "sentence": "why"}
    assert cause_of(Holder("c")) == {"id": "c", "sentence": ""}
    assert cause_of(Holder(None)) is None and cause_of(object()) is None


def test_pretty_forms_of_relations_and_stored_srepr() -> None:
    relation = Equality(sp.Matrix([[x, 1]]), sp.Matrix([[x, 1]]))
    text = pretty_relation(relation)
    assert "=" in text and "x" in text
    stored = sp.srepr((sp.Derivative(x**2, x), 2 * x))
    assert "dx" in (srepr_pretty(stored) or "") and "= 2⋅x" in (srepr_pretty(stored) or "")


def test_notebook_display(checked: tuple[Any, list[Any]]) -> None:
    registry, verdicts = checked
    claim = registry.claims["a.root"]
    verdict = next(v for v in verdicts if v.id == "a.root")
    assert claim._repr_latex_().startswith("$\\displaystyle") and "2 x" in claim._repr_latex_()
    assert "erratum" in verdict._repr_latex_() and "printed" in verdict._repr_latex_()
    page = verdict._repr_html_()
    assert "<code>a.root</code>" in page and "erratum" in page and "counterexample" in page
    assert "n-dropped" in claim._repr_html_()  # the cause, where the object carries one
    wrapped = display(verdict)
    assert wrapped._repr_html_() == page and "a.root [erratum]" in repr(wrapped)
