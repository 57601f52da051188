"""``symdae data info | download | spectrum`` through :func:`add_data_commands`."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pytest

from symdae.data.cli import add_data_commands
from tests.data.helpers import FileServer, write_mnist


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
    assert run("info") == 1
    assert "no data root given" in capsys.readouterr().err
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
    assert run("download", "--dataset", "mnist") == 1
    assert "give --data-root DIR" in capsys.readouterr().err
