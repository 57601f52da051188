"""The experiments stage: its description against the CLI, its result files, plots, and ``symdae experiment`` /
``symdae predict`` end to end on small subsets of the real data (tests marked ``data``) or on synthetic rows."""

from __future__ import annotations

import argparse
import io
import json
import typing
from dataclasses import asdict, fields, replace
from pathlib import Path

import numpy as np
import pytest

from symdae.cli import main

pytest.importorskip("torch")

from symdae.experiments import (
    DIRECTION_INDEXING,
    FORMAT,
    Experiment,
    ResultMissing,
    SettingsError,
    _run,
    plot_run,
    read_result,
    run,
)
from symdae.experiments._description import CHOICES, LINEAR_ONLY, NONLINEAR_ONLY
from tests.torch.synthetic import SYNTHETIC_ROOT, fake_load, synthetic_rows

N = 40


@pytest.mark.data
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
    assert record["data"]["root"] == str(data_root.resolve()) and Path(record["data"]["folder"]).is_absolute()
    assert {"numpy", "torch", "symdae"} <= record["versions"].keys()
    # small random init: each direction is a scalar mode to the accuracy of isolation
    assert np.max(np.abs(measured - discrete)[:, :8]) < 5e-3
    assert not list(out.glob("*.tmp"))


@pytest.mark.data
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


@pytest.mark.data
def test_nonlinear_experiment_records_its_sampled_noise(data_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "tanh"
    args = ["experiment", "nonlinear", "--dataset", "mnist", "--data-root", str(data_root), "--samples", "200",
            "--epochs", "20", "--hidden", "8", "--model", "dae", "--noise-var", "2", "--activation", "tanh",
            "--every", "10", "--quiet", "--out", str(out)]
    assert main(args) == 0
    record = json.loads((out / "result.json").read_text())
    assert record["input_noise"] == "gaussian, sampled afresh every epoch"
    assert record["experiment"]["activation"] == "tanh"
    assert not {"noise", "noise_mode", "space", "aligned"} & record["experiment"].keys()  # linear options
    with np.load(out / "result.npz") as result:
        assert result["measured"].shape == (2, 4)
        assert np.all(np.isfinite(result["measured"]))


@pytest.mark.data
def test_resume_continues_to_the_same_result(data_root: Path, tmp_path: Path) -> None:
    base = ["experiment", "linear", "--dataset", "mnist", "--data-root", str(data_root), "--samples", "500",
            "--lr", "0.01", "--hidden", "16", "--every", "5", "--quiet"]
    assert main([*base, "--epochs", "40", "--out", str(tmp_path / "whole")]) == 0
    assert main([*base, "--epochs", "40", "--out", str(tmp_path / "resumed"), "--resume"]) == 0
    with np.load(tmp_path / "whole" / "result.npz") as a, np.load(tmp_path / "resumed" / "result.npz") as b:
        np.testing.assert_array_equal(a["measured"], b["measured"])


@pytest.mark.data
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


def test_nonlinear_runs_default_to_the_authors_settings(tmp_path: Path) -> None:
    from symdae._cli_experiment import planned_runs
    from symdae.cli import build_parser

    args = build_parser().parse_args(["experiment", "nonlinear", "--out", str(tmp_path)])
    [(exp, _)] = planned_runs(args)
    assert (exp.lr, exp.epochs, exp.directions) == (0.9, 2000, 4)
    args = build_parser().parse_args(["experiment", "linear", "--dataset", "cifar10", "--out", str(tmp_path)])
    assert planned_runs(args)[0][0].lr == 0.001


# --- the description and the command line --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["linear", "nonlinear"])
@pytest.mark.parametrize("dataset", [None, "mnist", "cifar10"])
def test_the_command_line_runs_what_the_description_describes(kind: str, dataset: str | None,
                                                               tmp_path: Path) -> None:
    from symdae._cli_experiment import planned_runs
    from symdae.cli import build_parser

    chosen = [] if dataset is None else ["--dataset", dataset]
    args = build_parser().parse_args(["experiment", kind, *chosen, "--out", str(tmp_path / "run")])
    [(planned, out)] = planned_runs(args)
    described = Experiment(kind=kind, **({} if dataset is None else {"dataset": dataset}))  # type: ignore[arg-type]
    assert planned == described and out == tmp_path / "run"


def test_every_setting_is_an_option_of_symdae_experiment_with_the_same_choices() -> None:
    from symdae.cli import build_parser

    def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices

    experiment = subcommands(build_parser())["experiment"]
    assert list(subcommands(experiment)) == [*CHOICES["kind"], "paper"]
    hints = typing.get_type_hints(Experiment)
    for kind in CHOICES["kind"]:
        parser = subcommands(experiment)[kind]
        options = {action.dest: action for action in parser._actions}
        shown = {action.dest for action in parser._actions if action.help != argparse.SUPPRESS}
        for field in fields(Experiment):
            if field.name == "kind":
                continue
            assert field.name in options, f"--{field.name.replace('_', '-')} is no option of experiment {kind}"
            other = {"linear": NONLINEAR_ONLY, "nonlinear": LINEAR_ONLY}[kind]
            assert (field.name in shown) == (field.name not in other), (kind, field.name)  # the help: its own only
            literal = [arg for arg in typing.get_args(hints[field.name])] if typing.get_origin(hints[field.name]) \
                is typing.Literal else None
            if literal is not None:
                assert tuple(options[field.name].choices) == tuple(literal) == CHOICES[field.name], field.name
            if field.name in shown and field.name not in ("data_root", "device"):
                assert "default" in options[field.name].help, f"experiment {kind} --{field.name}: no default shown"


def test_defaults_follow_the_dataset_and_the_kind() -> None:
    cifar = Experiment(dataset="cifar10")
    assert (cifar.samples, cifar.hidden, cifar.lr, cifar.epochs, cifar.directions) == (30000, 512, 0.001, 5000, None)
    nonlinear = Experiment(kind="nonlinear", dataset="cifar10")
    assert (nonlinear.samples, nonlinear.hidden, nonlinear.lr, nonlinear.epochs, nonlinear.directions) == \
        (30000, 512, 0.9, 2000, 4)
    mnist = Experiment()
    assert (mnist.samples, mnist.hidden, mnist.lr) == (50000, 256, 0.01)
    given = Experiment(dataset="cifar10", samples=100, lr=0.5, directions=None, kind="nonlinear")
    assert (given.samples, given.lr, given.hidden, given.directions) == (100, 0.5, 512, None)
    assert replace(mnist, dataset="cifar10").samples == 50000  # replace keeps the values already there


@pytest.mark.parametrize("settings, message", [
    ({"activation": "tanh"}, "--activation applies to nonlinear runs only"),
    ({"kind": "nonlinear", "noise": "laplace"}, "--noise applies to linear runs only"),
    ({"kind": "nonlinear", "noise_mode": "sampled"}, "--noise-mode applies to linear runs only"),
    ({"kind": "nonlinear", "aligned": True}, "--aligned applies to linear runs only"),
    ({"dataset": "svhn"}, "--dataset must be one of mnist, cifar10"),
    ({"dataset": "cifar10", "samples": 50001}, "--samples must be <= 50000"),
])
def test_options_of_the_other_kind_and_bad_values_are_refused(settings: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Experiment(**settings)  # type: ignore[arg-type]


# --- results on synthetic rows ------------------------------------------------------------------------------


@pytest.fixture
def synthetic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_run, "_load", fake_load(synthetic_rows(n=N)))


def _tiny(**settings: object) -> Experiment:
    base: dict[str, object] = {"samples": N, "epochs": 20, "hidden": 3, "lr": 0.3, "every": 5, "dtype": "float64"}
    return Experiment(**{**base, **settings})  # type: ignore[arg-type]


def test_result_files_describe_themselves(synthetic: None, tmp_path: Path) -> None:
    exp = _tiny(model="dae", noise_var=0.01)
    result = run(exp, tmp_path / "linear")
    record = json.loads((tmp_path / "linear" / "result.json").read_text())
    assert record["format"] == FORMAT and record["experiment"] == json.loads(json.dumps(exp.settings()))
    assert "activation" not in record["experiment"]
    assert record["mode"]["tau"] == pytest.approx(N / 0.3) and record["mode"]["eps"] == pytest.approx(N * 0.01)
    assert record["mode"]["kappa"] == 0 and record["data"]["root"] == str(SYNTHETIC_ROOT)
    assert record["directions"] == {"indexing": DIRECTION_INDEXING, "kept": 6}
    with np.load(tmp_path / "linear" / "result.npz") as archive:
        metadata = json.loads(str(archive["metadata"]))
        np.testing.assert_array_equal(archive["directions"], np.arange(1, 7))
    assert {key: metadata[key] for key in ("format", "experiment", "mode", "data", "directions")} == \
        {key: record[key] for key in ("format", "experiment", "mode", "data", "directions")}
    assert metadata["run_id"] == record["run_id"]
    again = read_result(tmp_path / "linear")
    assert again.experiment == exp and again.record == result.record == dict(result)
    np.testing.assert_array_equal(again.measured, result.measured)
    best = again.record["agreement"]["figure5_directions"]["4"]["discrete"]
    assert best == pytest.approx(float(np.max(np.abs(again.measured[:, 3] - again.theory_discrete[:, 3]))))

    nonlinear = _tiny(kind="nonlinear", model="wdae", weight_decay=0.01, lr=0.5)
    record = run(nonlinear, tmp_path / "nonlinear").record
    assert record["experiment"]["activation"] == "relu" and record["experiment"]["directions"] == 4
    assert not {"noise", "noise_mode", "space", "aligned"} & record["experiment"].keys()
    assert record["mode"]["tau"] == pytest.approx(N / (2 * 0.5 / 6))  # α = 2 lr/D of the equivalent linear net
    assert record["mode"]["kappa"] == pytest.approx(N * 0.01 * 6 / 2)
    assert read_result(tmp_path / "nonlinear").experiment == nonlinear


def _as_older_symdae_wrote_it(folder: Path, exp: Experiment) -> None:
    """Rewrite a result as symdae wrote it before ``format``: every field, 0-based directions, no metadata."""
    from symdae._io import sha256_hex

    record = json.loads((folder / "result.json").read_text())
    for key in ("format", "mode", "directions"):
        del record[key]
    settings = asdict(exp)
    if exp.kind == "nonlinear":
        settings["directions"] = None  # older symdae kept the first 4 when given none
    record["experiment"] = settings
    with np.load(folder / "result.npz") as archive:
        arrays = {name: archive[name] for name in archive.files if name != "metadata"}
    arrays["directions"] = arrays["directions"] - 1
    arrays["experiment"] = np.array(json.dumps(settings))
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    (folder / "result.npz").write_bytes(buffer.getvalue())
    record["result_npz"] = {"sha256": sha256_hex(buffer.getvalue()), "bytes": len(buffer.getvalue())}
    (folder / "result.json").write_text(json.dumps(record))


@pytest.mark.parametrize("kind", ["linear", "nonlinear"])
def test_results_of_older_symdae_are_read_in_todays_conventions(synthetic: None, tmp_path: Path, kind: str) -> None:
    exp = _tiny(kind=kind, lr=0.3 if kind == "linear" else 0.5)
    written = run(exp, tmp_path)
    _as_older_symdae_wrote_it(tmp_path, exp)
    older = read_result(tmp_path)
    assert older.experiment == exp and "format" not in older.record
    np.testing.assert_array_equal(older.directions, written.directions)
    np.testing.assert_array_equal(older.measured, written.measured)


def test_a_result_in_an_unknown_format_or_indexing_is_no_result(synthetic: None, tmp_path: Path) -> None:
    run(_tiny(), tmp_path)
    record = json.loads((tmp_path / "result.json").read_text())
    (tmp_path / "result.json").write_text(json.dumps({**record, "format": "symdae-result/99"}))
    with pytest.raises(ResultMissing, match="symdae-result/99") as caught:
        read_result(tmp_path)
    assert caught.value.damaged
    _as_older_symdae_wrote_it(tmp_path, _tiny())
    record = json.loads((tmp_path / "result.json").read_text())
    (tmp_path / "result.json").write_text(json.dumps({**record, "format": FORMAT}))  # 0-based arrays, new format
    with pytest.raises(ResultMissing, match=r"directions must be 1, …, 6 \(1-based\)"):
        read_result(tmp_path)


def test_a_run_without_a_folder_returns_its_result_and_writes_nothing(synthetic: None, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(_tiny())
    assert result.folder is None and list(tmp_path.iterdir()) == []
    assert result.measured.shape == result.theory.shape == (5, 6) and result.epochs[-1] == 20
    assert result["agreement"]["max_discrete"] < 1e-3
    with pytest.raises(SettingsError, match="--resume needs an output folder"):
        run(_tiny(), resume=True)


# --- plots ----------------------------------------------------------------------------------------------------


def test_plot_run_draws_one_run_to_png_and_pdf(synthetic: None, tmp_path: Path) -> None:
    run(_tiny(), tmp_path / "run")
    paths = plot_run(tmp_path / "run", formats=("png", "pdf"))
    assert paths == [tmp_path / "run" / "plot.png", tmp_path / "run" / "plot.pdf"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and paths[1].read_bytes()[:5] == b"%PDF-"
    [chosen] = plot_run(tmp_path / "run", tmp_path / "figs" / "first", directions=[1, 2])
    assert chosen == tmp_path / "figs" / "first.png" and chosen.stat().st_size > 0
    with pytest.raises(SettingsError, match="--directions must be 1-based directions of this run, 1 to 6; got 7"):
        plot_run(tmp_path / "run", directions=[7])
    with pytest.raises(SettingsError, match="--format must be"):
        plot_run(tmp_path / "run", formats=("svg",))
    with pytest.raises(ResultMissing, match=r"no result\.json"):
        plot_run(tmp_path)


def test_the_plot_command_helpers(synthetic: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from symdae.experiments import add_plot_parser, plot_main

    parser = argparse.ArgumentParser(prog="symdae")
    add_plot_parser(parser.add_subparsers(dest="command", required=True))
    run(_tiny(kind="nonlinear", lr=0.5), tmp_path / "run")

    def command(*arguments: str) -> int:
        args = parser.parse_args(["plot", *arguments])
        assert args.handler is plot_main
        return int(args.handler(args))

    assert command(str(tmp_path / "run"), "--format", "pdf,png", "--directions", "1,3") == 0
    assert "plot.pdf" in capsys.readouterr().out and (tmp_path / "run" / "plot.png").exists()
    assert command(str(tmp_path / "missing")) == 1
    assert capsys.readouterr().err.startswith("symdae plot: no result.json")
    assert command(str(tmp_path / "run"), "--directions", "9") == 2
    with pytest.raises(SystemExit):
        parser.parse_args(["plot", str(tmp_path / "run"), "--format", "svg"])
