"""``symdae data info | download | spectrum`` through :func:`add_data_commands`."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pytest

from symdae.cli import main
from symdae.data.cli import add_data_commands
from tests.data.helpers import FileServer, endless, trickle, write_mnist


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="symdae")
    add_data_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["data", *argv])
    return int(args.handler(args))


@pytest.mark.data
def test_info_on_the_real_data_root(data_root: Path, mnist_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("info", "--data-root", str(data_root)) == 0
    out = capsys.readouterr().out
    assert f"mnist (idx) in {mnist_folder}" in out and "mnist-official (exact; registry" in out
    if "cifar10-jpeg-approx" in out:
        assert "nature: JPEG-decoded approximation" in out and "data_batch_4.bin             missing" in out


def test_info_reports_unrecognised_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_mnist(tmp_path / "mnist", np.random.default_rng(0))
    assert run("info", "--data-root", str(tmp_path)) == 1
    out = capsys.readouterr().out
    assert "train-images-idx3-ubyte      UNRECOGNISED unverified" in out and "nature: unverified" in out


def test_info_without_root_or_data(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SYMDAE_DATA_ROOT", raising=False)
    assert run("info") == 2
    assert "give --data-root DIR (or set SYMDAE_DATA_ROOT)" in capsys.readouterr().err
    assert run("info", "--data-root", str(tmp_path)) == 1
    assert "no datasets found" in capsys.readouterr().out


def test_spectrum_command(tmp_path: Path, fresh_cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_mnist(tmp_path, np.random.default_rng(1), n=30)
    assert run("spectrum", "--dataset", "mnist", "--data-root", str(tmp_path)) == 1
    assert "matches no known version" in capsys.readouterr().err
    argv = ("spectrum", "--dataset", "mnist", "--samples", "20", "--data-root", str(tmp_path),
            "--no-verify", "--top", "2")
    assert run(*argv) == 0
    out = capsys.readouterr().out
    assert "spectrum computed" in out and "λ_2 = " in out and "λ_3" not in out and "provenance unverified" in out
    assert run(*argv) == 0
    assert "spectrum read from cache" in capsys.readouterr().out


def test_download_command(file_server: FileServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    assert run("download", "--dataset", "mnist", "--data-root", str(root), "--base-url", file_server.url) == 1
    assert "not found at any location" in capsys.readouterr().err
    monkeypatch.delenv("SYMDAE_DATA_ROOT", raising=False)
    assert run("download", "--dataset", "mnist") == 2
    assert "give --data-root DIR" in capsys.readouterr().err


# --- bad input: every option of `symdae data info | download | spectrum` --------------------------------------

USAGE, FAILURE = 2, 1

BAD_INPUT = [
    # (argv, environment, exit status, what stderr must say)
    (["spectrum", "--top", "-3"], {}, USAGE, "argument --top: must be >= 1, got -3"),
    (["spectrum", "--top", "0"], {}, USAGE, "argument --top: must be >= 1, got 0"),
    (["spectrum", "--top", "2.5"], {}, USAGE, "argument --top: must be a whole number, got '2.5'"),
    (["spectrum", "--samples", "0"], {}, USAGE, "argument --samples/--n: must be >= 1, got 0"),
    (["spectrum", "--n", "-5"], {}, USAGE, "argument --samples/--n: must be >= 1, got -5"),
    (["spectrum", "--samples", "many"], {}, USAGE, "argument --samples/--n: must be a whole number, got 'many'"),
    (["spectrum", "--samples", "1000"], {}, FAILURE, "--samples 1000 exceeds the 40 mnist train images available"),
    (["spectrum", "--split", "valid"], {}, USAGE, "argument --split: invalid choice: 'valid'"),
    (["spectrum", "--transform", "whiten"], {}, USAGE, "argument --transform: invalid choice: 'whiten'"),
    (["spectrum", "--data-root", "{file}"], {}, USAGE, "argument --data-root: '{file}' is not a directory"),
    (["spectrum", "--data-root", "{missing}"], {}, USAGE, "argument --data-root: '{missing}' does not exist"),
    (["spectrum", "--data-root", ""], {}, USAGE, "argument --data-root: must be a path, got an empty string"),
    (["spectrum", "--data-root", "{empty}"], {}, FAILURE, "no mnist files under data root"),
    (["spectrum"], {"SYMDAE_DATA_ROOT": "{file}"}, USAGE, "$SYMDAE_DATA_ROOT: '{file}' is not a directory"),
    (["spectrum"], {"SYMDAE_DATA_ROOT": None}, USAGE, "give --data-root DIR (or set SYMDAE_DATA_ROOT)"),
    (["spectrum", "--no-verify"], {"SYMDAE_DATA_ROOT": "{data}"}, 0, ""),
    (["spectrum", "--no-verify", "--data-root", "{data}"], {}, 0, ""),
    (["spectrum", "--data-root", "{data}"], {}, FAILURE, "matches no known version"),
    (["info", "--data-root", "{file}"], {}, USAGE, "argument --data-root: '{file}' is not a directory"),
    (["info", "--data-root", "{missing}"], {}, USAGE, "argument --data-root: '{missing}' does not exist"),
    (["info"], {"SYMDAE_DATA_ROOT": "{missing}"}, USAGE, "$SYMDAE_DATA_ROOT: '{missing}' does not exist"),
    (["info"], {"SYMDAE_DATA_ROOT": None}, USAGE, "give --data-root DIR (or set SYMDAE_DATA_ROOT)"),
    (["info", "--data-root", "{empty}"], {}, FAILURE, ""),  # "no datasets found", on stdout
    (["download", "--data-root", "{file}"], {}, USAGE, "argument --data-root: '{file}' exists and is not a directory"),
    (["download", "--data-root", "{file}/sub"], {}, USAGE, "argument --data-root: folder '{file}/sub' lies under"),
    (["download", "--data-root", ""], {}, USAGE, "argument --data-root: must be a path, got an empty string"),
    (["download"], {"SYMDAE_DATA_ROOT": "{file}"}, USAGE, "$SYMDAE_DATA_ROOT: '{file}' exists and is not a directory"),
    (["download"], {"SYMDAE_DATA_ROOT": None}, USAGE, "give --data-root DIR (or set SYMDAE_DATA_ROOT)"),
    (["download", "--timeout", "0"], {}, USAGE, "argument --timeout: must be > 0, got 0"),
    (["download", "--timeout", "-1"], {}, USAGE, "argument --timeout: must be > 0, got -1"),
    (["download", "--timeout", "nan"], {}, USAGE, "argument --timeout: must be finite, got 'nan'"),
    (["download", "--timeout", "inf"], {}, USAGE, "argument --timeout: must be finite, got 'inf'"),
    (["download", "--timeout", "soon"], {}, USAGE, "argument --timeout: must be a number, got 'soon'"),
    (["download", "--base-url", "ftp://example.org/"], {}, USAGE, "argument --base-url: must be an http:// or https"),
    (["download", "--base-url", "example.org"], {}, USAGE, "argument --base-url: must be an http:// or https"),
    (["download"], {"SYMDAE_DOWNLOAD_URL": "file:///etc"}, USAGE, "$SYMDAE_DOWNLOAD_URL: must be an http:// or"),
    (["download", "--data-root", "{blocked}"], {}, FAILURE, "the MNIST folder {blocked}/mnist exists and is not a "
                                                            "directory"),
    (["download", "--data-root", "{empty}"], {}, FAILURE, "could not download train-images-idx3-ubyte.gz"),
    (["download", "--dataset", "svhn"], {}, USAGE, "argument --dataset: invalid choice: 'svhn'"),
]


def _case_id(case: tuple[list[str], dict[str, str | None], int, str]) -> str:
    argv, env, _, _ = case
    return " ".join([*argv, *(f"{k}={v}" for k, v in env.items())]) or "none"


@pytest.mark.parametrize("case", BAD_INPUT, ids=[_case_id(case) for case in BAD_INPUT])
def test_bad_input_matrix(case: tuple[list[str], dict[str, str | None], int, str], tmp_path: Path,
                          fresh_cache: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    argv, env, status, says = case
    (tmp_path / "file").write_text("not a folder")
    (tmp_path / "empty").mkdir()
    write_mnist(tmp_path / "data" / "mnist", np.random.default_rng(8), n=40)  # test_spectra's Σ: eigh done once
    (tmp_path / "blocked").mkdir()
    (tmp_path / "blocked" / "mnist").write_text("a file where the dataset folder goes")
    places = {name: str(tmp_path / name) for name in ("file", "missing", "empty", "data", "blocked")}
    monkeypatch.delenv("SYMDAE_DATA_ROOT", raising=False)
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value.format(**places))
    command = argv[0]
    full = ["data", command, *(arg.format(**places) for arg in argv[1:])]
    if command in ("spectrum", "download") and "--dataset" not in full:
        full += ["--dataset", "mnist"]
    if command == "spectrum" and "--data-root" not in full and "SYMDAE_DATA_ROOT" not in env:
        full += ["--data-root", places["data"], "--no-verify"]
    if command == "download" and "--data-root" not in full and "SYMDAE_DATA_ROOT" not in env:
        full += ["--data-root", places["empty"]]
    try:
        code = main(full)
    except SystemExit as exit:  # argparse's usage errors
        code = exit.code
    captured = capsys.readouterr()
    assert code == status, (full, captured.err)
    assert "Traceback" not in captured.err and "Traceback" not in captured.out
    assert says.format(**places) in captured.err, captured.err
    if status == FAILURE and says:
        assert len(captured.err.splitlines()) == 1, captured.err  # one line, naming the problem
    if status == USAGE and "argument" in says:
        assert captured.err.rstrip().splitlines()[-1].startswith("symdae data ")  # argparse: usage, then the error


def test_download_is_cut_at_the_timeout(file_server: FileServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        fresh_cache: Path) -> None:
    file_server.scripts["/train-images-idx3-ubyte.gz"] = trickle(b"x" * 1000, 0.05)
    started = time.monotonic()
    code = main(["data", "download", "--dataset", "mnist", "--data-root", str(tmp_path / "root"),
                 "--base-url", file_server.url, "--timeout", "1"])
    assert code == 1 and time.monotonic() - started < 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "not finished within the timeout of 1 s" in err and "run again to resume" in err


def test_download_refuses_an_endless_body(file_server: FileServer, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    file_server.scripts["/train-images-idx3-ubyte.gz"] = endless()
    code = main(["data", "download", "--dataset", "mnist", "--data-root", str(tmp_path / "root"),
                 "--base-url", file_server.url])
    err = capsys.readouterr().err
    assert code == 1 and len(err.splitlines()) == 1 and "more than the 9912422 bytes of the official file" in err
    assert not list((tmp_path / "root" / "mnist").iterdir())
