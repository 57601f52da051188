"""Claim files of one's own: targets, entry points, bad targets, clashing symbols."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import sympy as sp

from symdae.checking import Claim, Equality, RegistryError, TargetError, build, load_targets, steps
from symdae.checking._loading import ENTRY_POINT_GROUP, entry_points
from symdae.cli import main
from symdae.symbols import lam

GOOD = '''
from symdae.checking import Claim, Definition, Equality, steps
from symdae.derivations.fixed_points import FIXED_POINT
from symdae.symbols import eps, lam

DEFINITIONS = [Definition("{prefix}.def", "note", "a name for w*", lam, FIXED_POINT)]
CLAIMS = [
    Claim("{prefix}.gap", "note, Eq. (1)", "1 - w* = eps/(lam + eps)",
          Equality(1 - FIXED_POINT, eps / (lam + eps)), strategy=(steps.cancel,),
          depends=("s4.fixed_point", "{prefix}.def")),
]
'''

WRONG = '''
from symdae.checking import Claim, Equality, steps
from symdae.symbols import eps, lam

CLAIMS = [
    Claim("mine.wrong", "note", "a wrong identity", Equality(lam + eps, lam), strategy=(steps.expand,),
          depends=("s4.fixed_point",)),
]
'''


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_file_target_depends_on_the_paper_and_only_its_claims_are_selected(tmp_path: Path) -> None:
    path = write(tmp_path, "my_claims.py", GOOD.format(prefix="mine"))
    registry, chosen = load_targets([str(path)])
    assert chosen == ["mine.gap"]
    assert "s4.fixed_point" in registry.claims and "mine.def" in registry.definitions
    assert registry.module_of["mine.gap"] == str(path)


def test_a_dotted_module_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "dotted_claims_mod.py", GOOD.format(prefix="dotted"))
    monkeypatch.syspath_prepend(str(tmp_path))
    _, chosen = load_targets(["dotted_claims_mod"])
    assert chosen == ["dotted.gap"]


def test_the_paper_package_as_a_target_selects_its_claims() -> None:
    registry, chosen = load_targets(["symdae.derivations"])
    assert set(chosen) == set(registry.claims)


def test_an_entry_point_registers_a_claim_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "fake_symdae_plugin.py", GOOD.format(prefix="plugin"))
    info = tmp_path / "fake_symdae_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-symdae-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nfakeplugin = fake_symdae_plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "fakeplugin" in [ep.name for ep in entry_points()]
    registry, chosen = load_targets(["fakeplugin"])
    assert chosen == ["plugin.gap"]
    # a claim file may depend on a registered module's ids
    other = write(tmp_path, "uses_plugin.py", WRONG.replace('"s4.fixed_point"', '"plugin.gap"'))
    registry, chosen = load_targets([str(other)])
    assert chosen == ["mine.wrong"] and "plugin.gap" in registry.claims


@pytest.mark.parametrize(("name", "text", "message"), [
    ("missing.py", None, "missing.py: no such file"),
    ("syntax.py", "CLAIMS = [\n", "syntax.py: syntax error at line 1"),
    ("empty.py", "X = 1\n", "empty.py: exports no CLAIMS"),
    ("boom.py", "import sys\nraise RuntimeError('boom')\n", "boom.py: RuntimeError while importing (line 2): boom"),
    ("notclaims.py", "CLAIMS = [1]\n", "notclaims.py: CLAIMS[0] must be a Claim, got int"),
    ("unknown.py", WRONG.replace("s4.fixed_point", "no.such.id"), "depends on unknown ['no.such.id']"),
    ("dup.py", WRONG.replace("mine.wrong", "s4.fixed_point").replace('"s4.fixed_point",)', ')'),
     "duplicate id 's4.fixed_point'"),
])
def test_a_bad_target_is_one_line_naming_it(tmp_path: Path, name: str, text: str | None, message: str) -> None:
    if text is not None:
        write(tmp_path, name, text)
    with pytest.raises(TargetError) as info:
        load_targets([str(tmp_path / name)])
    assert message in str(info.value) and "\n" not in str(info.value)


def test_a_missing_module_is_a_target_error() -> None:
    with pytest.raises(TargetError, match="no_such_module_xyz: no module of that name"):
        load_targets(["no_such_module_xyz"])


def test_a_symbol_sharing_a_name_with_different_assumptions_is_an_error() -> None:
    own = sp.Symbol("lambda", real=True)
    clash = Claim("mine.clash", "note", "two lambdas", Equality(lam * own, own * lam), strategy=(steps.expand,))
    with pytest.raises(RegistryError) as info:
        build([("m", [clash])])
    text = str(info.value)
    assert "'mine.clash'" in text and "'lambda'" in text
    assert "{positive=True} (symdae.symbols.lam)" in text and "{real=True}" in text


def test_the_clash_is_found_in_the_domain_too() -> None:
    from symdae.checking import Interval

    own = sp.Symbol("lambda", real=True)
    clash = Claim("mine.domain", "note", "domain on the wrong lambda", Equality(lam, lam),
                  domain={own: Interval(0.1, 1.0)})
    with pytest.raises(RegistryError, match="two different symbols named 'lambda'"):
        build([("m", [clash])])


def test_verify_a_file_exits_1_on_failure_and_writes_json_to_stdout(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "wrong.py", WRONG)
    assert main(["verify", str(path), "--json", "-", "--jobs", "1"]) == 1
    captured = capsys.readouterr()
    records = json.loads(captured.out)  # standard output carries the JSON alone
    assert [r["id"] for r in records] == ["mine.wrong"] and records[0]["status"] == "failed"
    assert "FAILED mine.wrong" in captured.err and "1 claim: " in captured.err
    assert "checked 1 claim in" in captured.err and "with 1 process" in captured.err


def test_verify_a_bad_target_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(tmp_path / "nowhere.py")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nowhere.py: no such file" in err and "Traceback" not in err


def test_only_filters_the_targets_claims_and_suggests(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "good.py", GOOD.format(prefix="mine"))
    assert main(["verify", str(path), "--only", "s4.*"]) == 2  # the paper's claims are not the target's
    assert main(["verify", str(path), "--only", "mine"]) == 2
    assert "did you mean 'mine.*'" in capsys.readouterr().err
