"""Figures 5–7 on tiny subsets of the real data: runs are made once, stored and reused."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from symdae.cli import main
from symdae.figures import training

pytest.importorskip("torch")


def test_half_times_and_comparison() -> None:
    epochs = np.arange(0, 100, 10)
    mapping = np.column_stack([np.clip((epochs - 20) / 40, 0, 1), np.linspace(0, 0.5, 10)])
    assert training.half_times(epochs, mapping) == [40.0, 50.0]
    compared = training.compare_with_authors(epochs, mapping, epochs, mapping * 0.5)
    assert compared["final"] == [1.0, 0.5] and compared["final_authors"] == [0.5, 0.25]
    assert compared["half_epoch"] == compared["half_epoch_authors"]


def test_quick_settings_reduce_the_paper_runs(tmp_path: Path) -> None:
    paper = training.experiments(6, training.Context(tmp_path, quick=False))
    quick = training.experiments(6, training.Context(tmp_path, quick=True))
    assert [name for name, _ in paper if "/mnist-" in name] == [name for name, _ in quick]  # MNIST alone
    named = training.experiments(6, training.Context(tmp_path, quick=True, datasets="mnist,cifar10"))
    assert [name for name, _ in named] == [name for name, _ in paper]  # unless the datasets are named
    assert all(exp.epochs == training.QUICK_NONLINEAR["epochs"] for _, exp in named)
    for figure, quick_runs in ((5, training.QUICK_LINEAR), (6, training.QUICK_NONLINEAR)):
        caption = training.quick_settings(figure)
        assert "Quick settings" in caption and f"H = {quick_runs['hidden']}, {quick_runs['epochs']} epochs" in caption
    assert paper[0][1].samples == 50000 and paper[0][1].epochs == 2000 and paper[0][1].hidden == 256
    assert quick[0][1].samples == training.QUICK_NONLINEAR["samples"]
    assert all(exp.lr == 0.9 and exp.init_std is None for _, exp in quick)
    assert {exp.model: exp.noise_var for _, exp in quick} == {"ae": 0.0, "dae": 4.0, "wdae": 0.0}


@pytest.mark.data
def test_training_figures_run_once_then_reuse(data_root: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(training, "QUICK_LINEAR", {"samples": 300, "hidden": 8, "epochs": 30})
    monkeypatch.setattr(training, "QUICK_NONLINEAR", {"samples": 200, "hidden": 8, "epochs": 30})
    ctx = training.Context(tmp_path / "runs", quick=True, data_root=str(data_root), device="cpu",
                           show_progress=False, datasets="mnist")
    first = training.figure5(ctx)
    runs = first.settings["runs"]
    assert [r["name"] for r in runs] == ["figure5/mnist-ae", "figure5/mnist-dae", "figure5/mnist-wdae"]
    assert not any(r["reused"] for r in runs) and runs[0]["data"]["nature"] == "exact"
    again = training.figure5(ctx)
    assert all(r["reused"] for r in again.settings["runs"])
    assert [r["wall_time_s"] for r in again.settings["runs"]] == [r["wall_time_s"] for r in runs]

    # a run stored before a setting existed is still recognised (the setting takes its default)
    record_file = tmp_path / "runs" / "quick" / "figure5" / "mnist-ae" / "result.json"
    record = json.loads(record_file.read_text())
    for added in ("space", "aligned"):
        del record["experiment"][added]
    record_file.write_text(json.dumps(record))
    assert all(r["reused"] for r in training.figure5(ctx).settings["runs"])

    nonlinear = training.figure_nonlinear(6, ctx)
    assert nonlinear.settings["epochs"] == 30 and nonlinear.settings["authors_comparison"] == {}
    stored = tmp_path / "runs" / "quick" / "figure6" / "mnist-dae" / "result.json"
    assert json.loads(stored.read_text())["experiment"]["noise_var"] == 4.0

    # changed settings are not mistaken for the stored run
    monkeypatch.setattr(training, "QUICK_NONLINEAR", {"samples": 200, "hidden": 8, "epochs": 20})
    rerun = training.figure_nonlinear(6, ctx)
    assert not any(r["reused"] for r in rerun.settings["runs"]) and rerun.settings["epochs"] == 20


@pytest.mark.data
def test_authors_curves_are_found_beside_the_data(data_root: Path) -> None:
    folder = training._authors_folder(str(data_root / "mnist"))
    assert folder is not None and (folder / training.AUTHORS_CURVES[("mnist", "ae")]).exists()


@pytest.mark.parametrize("args, message", [
    (["--only", "9"], "argument --only: figures are numbered 1 to 7, got '9'"),
    (["--only", "1", "--threads", "0"], "argument --threads: must be >= 1, got 0"),
])
def test_figures_command_reports_bad_arguments(args: list[str], message: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["figures", *args, "--out", str(tmp_path)])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


def test_figures_command_writes_one_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["figures", "--only", "2", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".symdae.lock", "figure2.json",
                                                                    "figure2.pdf", "figure2.png"]
    assert "figure 2: wrote" in capsys.readouterr().out


def test_missing_data_fails_that_figure_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "nodata"
    empty.mkdir()
    assert main(["figures", "--only", "1,5", "--quick", "--data-root", str(empty), "--out", str(tmp_path / "o"),
                 "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "figure 5:" in err and (tmp_path / "o" / "figure1.png").exists()
