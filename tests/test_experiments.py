"""``symdae experiment`` and ``symdae predict`` end to end on small subsets of the real data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from symdae.cli import main

pytest.importorskip("torch")
pytestmark = pytest.mark.data


def test_linear_experiment_writes_results_and_matches_discrete_theory(
    data_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    args = ["experiment", "linear", "--dataset", "mnist", "--data-root", str(data_root), "--samples", "1000",
            "--epochs", "60", "--lr", "0.01", "--hidden", "32", "--model", "dae", "--noise-var", "0.5",
            "--every", "5", "--dtype", "float64", "--quiet", "--out", str(out)]
    assert main(args) == 0
    assert "direction  1" in capsys.readouterr().out
    with np.load(out / "result.npz") as result:
        epochs, measured, discrete = result["epochs"], result["measured"], result["theory_discrete"]
        assert result["eigenvalues"].shape == (784,)
        assert measured.shape == result["theory"].shape == (epochs.size, 784)
    record = json.loads((out / "result.json").read_text())
    assert record["data"]["nature"] == "exact" and record["experiment"]["model"] == "dae"
    assert {"numpy", "torch", "symdae"} <= record["versions"].keys()
    # small random init: each direction is a scalar mode to the accuracy of isolation
    assert np.max(np.abs(measured - discrete)[:, :8]) < 5e-3
    assert not list(out.glob("*.tmp"))


def test_aligned_runs_follow_the_discrete_theory_to_rounding_in_every_space(data_root: Path, tmp_path: Path) -> None:
    base = ["experiment", "linear", "--dataset", "mnist", "--data-root", str(data_root), "--samples", "500",
            "--epochs", "50", "--lr", "0.02", "--hidden", "12", "--model", "wdae", "--weight-decay", "0.01",
            "--every", "5", "--dtype", "float64", "--aligned", "--quiet"]
    mappings = {}
    for space in ("eigen", "covariance", "data"):
        out = tmp_path / space
        assert main([*base, "--space", space, "--out", str(out)]) == 0
        assert json.loads((out / "result.json").read_text())["space"] == space
        with np.load(out / "result.npz") as result:
            mappings[space] = result["measured"]
            # aligned start: each direction is exactly a scalar mode, so exact discrete time is exact
            np.testing.assert_allclose(result["measured"], result["theory_discrete"], rtol=0, atol=1e-9)
            assert result["measured"][-1, 0] > 0.5
    np.testing.assert_allclose(mappings["covariance"], mappings["eigen"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(mappings["data"], mappings["eigen"], rtol=0, atol=1e-10)


def test_nonlinear_experiment_records_its_sampled_noise(data_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "tanh"
    args = ["experiment", "nonlinear", "--dataset", "mnist", "--data-root", str(data_root), "--samples", "200",
            "--epochs", "20", "--hidden", "8", "--model", "dae", "--noise-var", "2", "--activation", "tanh",
            "--every", "10", "--quiet", "--out", str(out)]
    assert main(args) == 0
    record = json.loads((out / "result.json").read_text())
    assert record["input_noise"] == "gaussian, sampled afresh every epoch"
    assert record["experiment"]["activation"] == "tanh"
    with np.load(out / "result.npz") as result:
        assert result["measured"].shape == (2, 4)
        assert np.all(np.isfinite(result["measured"]))


def test_resume_continues_to_the_same_result(data_root: Path, tmp_path: Path) -> None:
    base = ["experiment", "linear", "--dataset", "mnist", "--data-root", str(data_root), "--samples", "500",
            "--lr", "0.01", "--hidden", "16", "--every", "5", "--quiet"]
    assert main([*base, "--epochs", "40", "--out", str(tmp_path / "whole")]) == 0
    assert main([*base, "--epochs", "40", "--out", str(tmp_path / "resumed"), "--resume"]) == 0
    with np.load(tmp_path / "whole" / "result.npz") as a, np.load(tmp_path / "resumed" / "result.npz") as b:
        np.testing.assert_array_equal(a["measured"], b["measured"])


def test_predict_prints_per_direction_table(data_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["predict", "--dataset", "mnist", "--data-root", str(data_root), "--samples", "1000", "--lr", "0.01",
            "--noise-var", "0.5", "--top", "5"]
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:3] == ["dir", "λ", "fixed"]
    rows = [line.split() for line in lines[2:7]]
    assert [int(r[0]) for r in rows] == [1, 2, 3, 4, 5]
    lam, fixed = float(rows[0][1]), float(rows[0][2])
    assert fixed == pytest.approx(lam / (lam + 1000 * 0.5), rel=1e-4)


def test_bad_experiment_settings_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["experiment", "linear", "--epochs", "0", "--out", str(tmp_path)])
    assert stop.value.code == 2
    assert "argument --epochs: must be >= 1, got 0" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["experiment", "paper", "--figure", "6", "--epochs", "10"], "--epochs cannot be used with 'paper'"),
    (["experiment", "paper", "--figure", "5", "--model", "dae"], "--model cannot be used with 'paper'"),
    (["experiment", "nonlinear", "--noise", "laplace"], "--noise applies to linear runs only"),
    (["experiment", "nonlinear", "--space", "data"], "--space applies to linear runs only"),
    (["experiment", "nonlinear", "--aligned"], "--aligned applies to linear runs only"),
    (["experiment", "paper", "--figure", "5", "--aligned"], "--aligned cannot be used with 'paper'"),
    (["experiment", "linear", "--noise-var", "0.5", "--model", "dae", "--noise-mode", "sampled", "--space", "eigen"],
     "--space must be 'data' or 'auto' for --noise-mode sampled"),
])
def test_ignored_options_are_refused(args: list[str], message: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*args, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_nonlinear_runs_default_to_the_authors_settings() -> None:
    from symdae.cli import _experiment_settings, build_parser

    args = build_parser().parse_args(["experiment", "nonlinear", "--out", "x"])
    settings = _experiment_settings(args)
    assert (settings["lr"], settings["epochs"], settings["directions"]) == (0.9, 2000, 4)
    args = build_parser().parse_args(["experiment", "linear", "--dataset", "cifar10", "--out", "x"])
    assert _experiment_settings(args)["lr"] == 0.001
