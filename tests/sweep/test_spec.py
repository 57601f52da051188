"""The sweep specification: every field checked against Experiment, one-line errors, stable run keys."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from symdae.cli import main
from symdae.experiments import Experiment
from symdae.sweep import SpecError, parse_spec, plan, run_key

BASE = '[base]\nkind = "linear"\nmodel = "dae"\nsamples = 100\nepochs = 5\n'


@pytest.mark.parametrize(("text", "expected"), [
    (BASE + "[axes]\nnoise_vr = [0.1]\n", "axes.noise_vr: unknown field; did you mean noise_var?"),
    (BASE + "[axes]\nnoise_var = []\n", "axes.noise_var: must be a non-empty list"),
    (BASE + "[axes]\nnoise_var = 0.1\n", "axes.noise_var: must be a non-empty list"),
    (BASE + '[axes]\nseed = [0, "one"]\n', "axes.seed[1]: must be a whole number; got 'one'"),
    (BASE + '[axes]\ndataset = ["mnist", "svhn"]\n', "axes.dataset[1]: unknown dataset 'svhn'"),
    (BASE + "hidden = 2.5\n", "base.hidden: must be a whole number; got 2.5"),
    (BASE + '[axis]\nseed = [1]\n', "unknown section [axis]; did you mean axes?"),
    (BASE + "[axes]\nseed = [1, 1]\n", "axes.seed[1]: 1 is listed twice"),
    (BASE + "[axes]\nsamples = [10]\n", "axes.samples: also set in [base]"),
    (BASE + "[axes]\nnoise_var = [0.1, -1.0]\n", "run noise_var = -1.0: noise_var must be >= 0"),
    (BASE + "[sweep]\ncheckpoint_evry = 5\n", "sweep.checkpoint_evry: unknown option; did you mean checkpoint_every?"),
    ("[paper]\nfigure = 4\n", "paper.figure: must be 5, 6 or 7; got 4"),
    ("[base\n", "not valid TOML"),
])
def test_a_bad_spec_is_one_line_naming_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
                                                 expected: str) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text(text)
    assert main(["sweep", str(spec), "--dry-run"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"symdae sweep: {spec}: ") and captured.err.count("\n") == 1
    assert expected in captured.err


def test_dry_run_lists_the_crossed_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "grid.toml"
    spec.write_text(BASE + '[axes]\nnoise_var = [0.1, 0.5, 1]\nseed = [0, 1]\ndataset = ["mnist", "cifar10"]\n')
    assert main(["sweep", str(spec), "--dry-run", "--out", str(tmp_path / "out")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 13 and lines[-1].startswith("12 run(s)")
    assert all(line.startswith("new ") for line in lines[:-1])
    assert "noise_var=0.1, seed=0, dataset=mnist" in lines[0]


def test_keys_are_stable_and_name_the_whole_configuration() -> None:
    runs = plan(parse_spec(BASE + "[axes]\nnoise_var = [0.5, 1]\n"))
    assert [r.key for r in runs] == [run_key(r.experiment) for r in runs]
    assert runs[0].key != runs[1].key and len(runs[0].key) == 16
    same = Experiment(kind="linear", model="dae", samples=100, epochs=5, noise_var=0.5, hidden=256, lr=0.01,
                      data_root="/elsewhere")
    assert run_key(same) == runs[0].key  # the defaults filled in, the data's location left out
    assert run_key(Experiment(kind="linear", model="dae", samples=100, epochs=5, noise_var=0.5, seed=1)) != runs[0].key


def test_paper_runs_are_a_base(tmp_path: Path) -> None:
    spec = parse_spec('[paper]\nfigure = 5\ndatasets = ["mnist"]\n[base]\nepochs = 10\n[axes]\nseed = [0, 1]\n')
    runs = plan(spec)
    assert len(runs) == 6 and {r.experiment.model for r in runs} == {"ae", "dae", "wdae"}
    assert all(r.experiment.epochs == 10 and r.experiment.samples == 50000 for r in runs)
    with pytest.raises(SpecError, match="kind cannot be set with"):
        parse_spec('[paper]\nfigure = 6\n[base]\nkind = "linear"\n')


def test_symdae_and_its_experiment_command_do_not_import_dask() -> None:
    code = ("import sys, symdae, symdae.cli, symdae.experiments, symdae.sweep\n"
            "symdae.cli.build_parser()\n"
            "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed', 'pandas', 'pyarrow'})\n"
            "assert not heavy, heavy\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
