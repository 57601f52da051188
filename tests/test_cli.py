"""``symdae verify`` end to end: table, JSON, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

import symdae.checking
from symdae.checking import Claim, Equality, build, steps
from symdae.cli import main
from symdae.symbols import lam, w1, w2


def test_verify_subset_prints_table_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sub" / "verdicts.json"
    assert main(["verify", "--only", "eq2.*", "--json", str(out), "--jobs", "1"]) == 0
    text = capsys.readouterr().out
    assert "claim" in text and "status" in text and "eq2.gradient_flow" in text
    assert "Errata" in text
    records = json.loads(out.read_text())
    assert [r["id"] for r in records] == ["eq2.gradient_flow"]
    assert {"id", "paper_ref", "status", "strategy", "printed", "corrected"} <= records[0].keys()
    assert records[0]["status"] == "proved"


def test_verify_exits_nonzero_when_a_claim_fails(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    wrong = Claim("bad.claim", "Eq. (9)", "a wrong identity",
                  Equality(lam * w1 * w2, lam * w1 * w2 + w1), strategy=(steps.expand,))
    right = Claim("good.claim", "Eq. (9)", "a right identity",
                  Equality((w1 + w2) ** 2, w1**2 + 2 * w1 * w2 + w2**2), strategy=(steps.expand,))
    monkeypatch.setattr(symdae.checking, "load", lambda: build([("m", [right, wrong])]))
    assert main(["verify", "--jobs", "1"]) == 1
    text = capsys.readouterr().out
    assert "FAILED bad.claim" in text and "counterexample" in text


def test_verify_reports_errata_with_both_forms(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    x = sp.Symbol("x", positive=True)
    claim = Claim("typo.claim", "Eq. (7)", "a misprinted derivative",
                  Equality(sp.Derivative(x**2, x), 2 * x), printed=Equality(sp.Derivative(x**2, x), x),
                  strategy=(steps.doit,))
    monkeypatch.setattr(symdae.checking, "load", lambda: build([("m", [claim])]))
    out = tmp_path / "v.json"
    assert main(["verify", "--json", str(out), "--jobs", "1"]) == 0
    assert "printed:" in capsys.readouterr().out
    record = json.loads(out.read_text())[0]
    assert record["status"] == "erratum"
    assert record["printed"] and record["corrected"] and record["printed_srepr"]


def test_unknown_pattern_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--only", "no-such-claim*"]) == 2
    assert "matches no claim" in capsys.readouterr().err


def test_python_dash_m_runs_from_the_installed_package(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "symdae", "verify", "--only", "eq3.*", "--jobs", "1"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "eq3.gradient_flow" in result.stdout
