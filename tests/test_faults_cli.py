"""Bad input on the command line (every command but ``symdae data``): a one-line message naming the option and
the rule, the right exit status, no traceback, and no work done -- nothing is loaded, trained or written.

Each case runs :func:`symdae.cli.main` in-process. Loading data, training and drawing are replaced by
functions that fail the test, so a value that slipped through validation is caught at once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from symdae.cli import main

EXPERIMENT = ["experiment", "linear", "--out", "{out}"]
NONLINEAR = ["experiment", "nonlinear", "--out", "{out}"]
PAPER = ["experiment", "paper", "--out", "{out}"]
PREDICT = ["predict", "--dataset", "mnist", "--samples", "1000", "--lr", "0.01"]
FIGURES = ["figures", "--out", "{out}"]


def _cases() -> list[tuple[list[str], str, str]]:
    """``(arguments, option the message must name, text it must hold)``; every one exits with status 2."""
    cases: list[tuple[list[str], str, str]] = []

    def add(base: list[str], extra: list[str], option: str | None = None, rule: str = "") -> None:
        cases.append(([*base, *extra], option or extra[0], rule))

    for value, rule in (("0", ">= 1"), ("-1", ">= 1"), ("abc", "whole number"), ("1.5", "whole number"),
                        ("", "whole number"), ("100000", "<= 256")):
        add(["verify"], ["--jobs", value], rule=rule)
    add(["verify"], ["--json", "{file}/x.json"], rule="not a directory")
    add(["verify"], ["--json", "{tmp}"], rule="is a directory")
    add(["verify"], ["--json", ""], rule="empty")
    add(["kernels"], ["--clear", "extra"], "unrecognized", "extra")

    ints = {"--samples": ("1", "60000"), "--epochs": ("1", None), "--hidden": ("1", "10000"), "--every": ("1", None),
            "--directions": ("1", None), "--seed": ("0", "4294967295"), "--threads": ("1", "1024")}
    for option, (low, high) in ints.items():
        below = str(int(low) - 1)
        for value, rule in ((below, f">= {low}"), ("-7", f">= {low}"), ("abc", "whole number"),
                            ("2.5", "whole number"), ("1e3", "whole number")):
            add(EXPERIMENT, [option, value], rule=rule)
        if high is not None:
            add(EXPERIMENT, [option, str(int(high) + 1)], rule=f"<= {high}")
    add(EXPERIMENT, ["--hidden", "1000000000"], rule="<= 10000")
    reals = {"--lr": "> 0", "--noise-var": ">= 0", "--weight-decay": ">= 0", "--init-std": "> 0"}
    for option, rule in reals.items():
        for value, message in (("-1", rule), ("abc", "a number"), ("nan", "finite"), ("inf", "finite"),
                               ("1e400", "finite")):
            add(EXPERIMENT, [option, value], rule=message)
        add(EXPERIMENT, [f"{option}=-inf"], option, "finite")  # "-inf" alone would read as an option
    add(EXPERIMENT, ["--lr", "0"], rule="> 0")
    add(EXPERIMENT, ["--init-std", "0"], rule="> 0")
    add(EXPERIMENT, ["--init-std", "1e200"], rule="<= 1")
    add(EXPERIMENT, ["--init-std", "2"], rule="<= 1")
    for option, value in (("--dataset", "svhn"), ("--model", "vae"), ("--noise", "uniform"),
                          ("--noise-mode", "fresh"), ("--activation", "sigmoid"), ("--dtype", "float16"),
                          ("--space", "pixels"), ("--device", "gpu"), ("--device", "cuda:x"), ("--device", "")):
        add(EXPERIMENT, [option, value], rule="" if option == "--device" else "invalid choice")
    add(PAPER, ["--figure", "4"], rule="invalid choice")
    for value in ("svhn", "", ","):
        add([*PAPER, "--figure", "5"], ["--datasets", value], rule="")
    for value, rule in (("{file}", "not a directory"), ("{file}/sub", "not a directory"), ("", "empty")):
        cases.append((["experiment", "linear", "--out", value], "--out", rule))
    add(EXPERIMENT, ["--data-root", "/nonexistent/data"], rule="does not exist")
    add(EXPERIMENT, ["--data-root", "{file}"], rule="not a directory")
    # rules across options, checked before any data is read
    add(EXPERIMENT, ["--directions", "785"], "--directions", "<= 784")
    add(EXPERIMENT, ["--dataset", "cifar10", "--directions", "3073"], "--directions", "<= 3072")
    add(EXPERIMENT, ["--dataset", "cifar10", "--samples", "50001"], "--samples", "<= 50000")
    add(EXPERIMENT, ["--epochs", "100000000", "--every", "1"], "--every", "records")
    add(EXPERIMENT, ["--lr", "1e-310", "--samples", "1000"], "--lr", "overflows")
    add(EXPERIMENT, ["--model", "dae", "--noise-var", "1e305", "--samples", "60000"], "--noise-var", "overflows")
    add(EXPERIMENT, ["--model", "wdae", "--weight-decay", "1e305", "--samples", "60000"], "--weight-decay",
        "overflows")
    add(EXPERIMENT, ["--model", "ae", "--noise-var", "0.5"], "--noise-var", "must be 0 for model 'ae'")
    add(EXPERIMENT, ["--model", "ae", "--weight-decay", "0.1"], "--weight-decay", "must be 0 for model 'ae'")
    add(EXPERIMENT, ["--model", "dae"], "--noise-var", "must be > 0 for model 'dae'")
    add(EXPERIMENT, ["--model", "wdae"], "--weight-decay", "must be > 0 for model 'wdae'")
    add(EXPERIMENT, ["--model", "wdae", "--weight-decay", "0.1", "--noise-var", "0.1"], "--noise-var", "'wdae'")
    add(EXPERIMENT, ["--model", "dae", "--noise-var", "0.5", "--noise-mode", "sampled", "--space", "eigen"],
        "--space", "'data' or 'auto'")
    add(EXPERIMENT, ["--figure", "5"], "--figure", "'paper' only")
    add(EXPERIMENT, ["--datasets", "mnist"], "--datasets", "'paper' only")
    for option, value in (("--space", "data"), ("--aligned", None), ("--noise", "laplace"),
                          ("--noise-mode", "sampled")):
        add(NONLINEAR, [option] if value is None else [option, value], option, "linear runs only")
    add(NONLINEAR, ["--directions", "785"], "--directions", "<= 784")
    add(NONLINEAR, ["--model", "ae", "--noise-var", "1"], "--noise-var", "'ae'")
    add(PAPER, [], "--figure", "required")
    for extra in (["--epochs", "10"], ["--model", "dae"], ["--dataset", "cifar10"], ["--lr", "0.1"],
                  ["--aligned"], ["--seed", "3"]):
        add([*PAPER, "--figure", "5"], extra, rule="cannot be used with 'paper'")
    add(PAPER, ["--figure", "8"], rule="invalid choice")
    cases.append((["experiment"], "KIND", "required"))
    cases.append((["experiment", "svm", "--out", "{out}"], "KIND", "invalid choice"))
    cases.append((["experiment", "linear"], "--out", "required"))

    for option, low in (("--samples", 1), ("--hidden", 1), ("--top", 1)):
        for value, rule in ((str(low - 1), f">= {low}"), ("-3", f">= {low}"), ("abc", "whole number"),
                            ("7.5", "whole number")):
            add(PREDICT, [option, value], rule=rule)
    add(PREDICT, ["--samples", "70000"], rule="<= 60000")
    add(PREDICT, ["--hidden", "10000000000"], rule="<= 1000000000")
    add(PREDICT, ["--top", "785"], rule="<= 784")
    add(["predict", "--dataset", "cifar10", "--samples", "1000", "--lr", "0.01"], ["--top", "3073"], rule="<= 3072")
    add(["predict", "--dataset", "cifar10", "--lr", "0.01"], ["--samples", "50001"], rule="<= 50000")
    for option, rule in (("--lr", "> 0"), ("--noise-var", ">= 0"), ("--weight-decay", ">= 0"), ("--init-std", "> 0")):
        for value, message in (("-1", rule), ("nan", "finite"), ("inf", "finite"), ("x", "a number")):
            add(PREDICT, [option, value], rule=message)
    add(PREDICT, ["--lr", "0"], rule="> 0")
    add(PREDICT, ["--init-std", "0"], rule="> 0")
    add(PREDICT, ["--init-std", "1e200"], rule="<= 1")
    add(PREDICT, ["--lr", "1e-310"], rule="overflows")
    add(["predict", "--dataset", "mnist", "--samples", "60000", "--lr", "0.01"], ["--noise-var", "1e305"],
        rule="overflows")
    add(["predict", "--dataset", "mnist", "--samples", "60000", "--lr", "0.01"], ["--weight-decay", "1e305"],
        rule="overflows")
    add(PREDICT, ["--dataset", "svhn"], rule="invalid choice")
    add(PREDICT, ["--data-root", "/nonexistent/data"], rule="does not exist")

    for value in ("0", "8", "9", "a", "3-1", "1,,2", "5-9", "", "-1"):
        add(FIGURES, ["--only", value], rule="" if value in ("a", "1,,2", "", "-1") else "1 to 7")
    for value, rule in (("0", ">= 1"), ("-2", ">= 1"), ("abc", "whole number"), ("100000", "<= 1024")):
        add(FIGURES, ["--threads", value], rule=rule)
    add(FIGURES, ["--device", "tpu"], rule="auto, cpu, cuda")
    add(FIGURES, ["--datasets", "svhn"], rule="mnist, cifar10")
    add(FIGURES, ["--datasets", ""], rule="at least one")
    add(FIGURES, ["--data-root", "/nonexistent/data"], rule="does not exist")
    for value, rule in (("{file}", "not a directory"), ("{file}/sub", "not a directory"), ("", "empty")):
        cases.append((["figures", "--out", value], "--out", rule))
    cases.append(([], "COMMAND", "required"))
    cases.append((["train"], "COMMAND", "invalid choice"))
    return cases


CASES = _cases()


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading data, training or drawing fails the test: bad input must be refused before any work."""

    def work(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("work started although the input is bad")

    import symdae.data
    import symdae.experiments
    import symdae.experiments._run
    import symdae.figures

    monkeypatch.setattr(symdae.experiments._run, "_load", work)
    monkeypatch.setattr(symdae.experiments, "run", work)
    monkeypatch.setattr(symdae.data, "load", work)
    monkeypatch.setattr(symdae.figures, "draw", work)


def _run(arguments: list[str]) -> int:
    try:
        return main(arguments)
    except SystemExit as stop:
        return int(stop.code or 0)


def _id(arguments: list[str]) -> str:
    shown = " ".join(a for a in arguments if a not in ("--out", "{out}"))
    return shown or "(nothing)"


@pytest.mark.parametrize("arguments, option, rule", CASES, ids=[_id(c[0]) for c in CASES])
def test_bad_input_is_a_one_line_usage_error(arguments: list[str], option: str, rule: str, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str], no_work: None) -> None:
    if "cuda" in arguments and _cuda():
        pytest.skip("CUDA is available here")
    afile = tmp_path / "afile"
    afile.write_text("a user's file")
    out = tmp_path / "out"
    values = {"{out}": str(out), "{file}": str(afile), "{tmp}": str(tmp_path)}
    resolved = [values.get(a, a.replace("{file}", str(afile))) for a in arguments]
    assert _run(resolved) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    last = lines[-1]
    assert last.startswith("symdae"), err
    assert option in last, err
    assert rule in last, err
    if not last.startswith("symdae: error") and " error: " not in last:
        assert len(lines) == 1, err  # the command's own message: one line
    assert not out.exists()  # refused before any work: not even the output folder was made
    assert afile.read_text() == "a user's file"


def _cuda() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def test_cuda_where_there_is_none_is_refused_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             no_work: None) -> None:
    pytest.importorskip("torch")
    if _cuda():
        pytest.skip("CUDA is available here")
    assert main(["experiment", "linear", "--device", "cuda", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("symdae experiment: --device cuda: ") and "CUDA is not available" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [["experiment", "linear", "--out"], ["figures", "--out"],
                                     ["verify", "--json"]])
def test_unwritable_output_is_refused_before_any_work(command: list[str], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str], no_work: None) -> None:
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    real_access = os.access

    def access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:  # as on read-only storage (or not root)
        if Path(path) == readonly and mode & os.W_OK:
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    target = readonly / ("out" if command[-1] == "--out" else "v.json")
    assert _run([*command, str(target)]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert command[-1] in last and "not writable" in last
    assert not target.exists()


@pytest.mark.data
def test_more_samples_than_the_data_holds_names_the_option(data_root: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("torch")
    from symdae.data import locate

    try:
        folder = locate("cifar10", data_root).folder
    except (FileNotFoundError, ValueError):
        pytest.skip("no CIFAR-10 here")
    batches = {path.name.split(".")[0] for path in folder.glob("data_batch_*")}
    if not batches or len(batches) >= 5:
        pytest.skip("no partial CIFAR-10 training set here")
    available = 10000 * len(batches)  # each training batch holds 10000 images
    args = ["--dataset", "cifar10", "--data-root", str(data_root), "--samples", str(available + 1)]
    assert main(["predict", *args, "--lr", "0.01"]) == 2
    assert main(["experiment", "linear", *args, "--epochs", "1", "--quiet", "--out", str(tmp_path / "o")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2 and all(f"--samples {available + 1} exceeds the {available}" in line for line in lines)
