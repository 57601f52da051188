"""Faults around experiment results: one atomic unit, one writer per folder, leftovers cleaned, damaged
checkpoints recovered, divergence a clear failure with valid JSON, Ctrl-C one line and exit status 130.

The runs train on tiny synthetic data (``symdae.experiments._run._load`` is replaced), so each takes milliseconds.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("torch")

from symdae._io import folder_lock
from symdae.cli import main
from symdae.experiments import Experiment, ResultMissing, _run, _store, read_result
from symdae.figures import training
from tests.torch.synthetic import fake_load, synthetic_rows

N = 40
BASE = ["experiment", "linear", "--samples", str(N), "--epochs", "20", "--hidden", "3", "--lr", "0.3",
        "--every", "5", "--dtype", "float64", "--quiet"]


@pytest.fixture
def synthetic(monkeypatch: pytest.MonkeyPatch) -> np.ndarray:
    rows = synthetic_rows(n=N)
    monkeypatch.setattr(_run, "_load", fake_load(rows))
    return rows


def _strict_json(path: Path) -> Any:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{path} holds the non-JSON constant {constant}")

    return json.loads(path.read_text(), parse_constant=refuse)


def _error_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return [line for line in err.splitlines() if line.strip()]


def test_result_pair_names_its_arrays(synthetic: np.ndarray, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main([*BASE, "--out", str(out)]) == 0
    record = _strict_json(out / "result.json")
    import hashlib

    assert record["result_npz"]["sha256"] == hashlib.sha256((out / "result.npz").read_bytes()).hexdigest()
    with np.load(out / "result.npz") as archive:
        assert str(archive["run_id"]) == record["run_id"]
        assert json.loads(str(archive["metadata"]))["experiment"]["seed"] == 0
    stored = read_result(out)
    assert stored.arrays["measured"].shape == (5, 6) and "run_id" not in stored.arrays
    assert stored.record["run_id"] == record["run_id"]


class _Killed(BaseException):
    """Stands for the process being killed between the two writes."""


def test_a_kill_between_the_two_writes_leaves_no_reusable_pair(synthetic: np.ndarray, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "runs" / "quick" / "figure5" / "tiny"
    assert main([*BASE, "--seed", "0", "--out", str(out)]) == 0
    first = read_result(out).record

    def killed(folder: Path, record: dict[str, Any]) -> None:
        raise _Killed

    monkeypatch.setattr(_store, "_commit", killed)
    with pytest.raises(_Killed):
        main([*BASE, "--seed", "1", "--out", str(out)])
    assert _strict_json(out / "result.json")["run_id"] == first["run_id"]  # the old record, a new npz
    with pytest.raises(ResultMissing, match=r"not the file result\.json records") as caught:
        read_result(out)
    assert caught.value.damaged

    notes: list[str] = []
    ctx = training.Context(tmp_path / "runs", quick=True, show_progress=False, note=notes.append)
    exp = Experiment(samples=N, epochs=20, hidden=3, lr=0.3, every=5, dtype="float64", seed=0)
    assert training._stored(out, exp, ctx) is None  # not reused, although result.json records these settings
    assert len(notes) == 1 and "recomputing" in notes[0]
    monkeypatch.undo()
    monkeypatch.setattr(_run, "_load", fake_load(synthetic))
    run = training.obtain("figure5/tiny", exp, ctx)  # recomputed, and then a whole unit again
    assert not run.reused and read_result(out).record["run_id"] == run.record["run_id"]


def test_results_from_before_digests_are_checked_by_their_numbers(synthetic: np.ndarray, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    assert main([*BASE, "--seed", "0", "--out", str(one)]) == 0
    assert main([*BASE, "--seed", "1", "--out", str(two)]) == 0
    for folder in (one, two):  # as an older symdae wrote them
        record = json.loads((folder / "result.json").read_text())
        del record["run_id"], record["result_npz"]
        (folder / "result.json").write_text(json.dumps(record))
    assert read_result(one).record["experiment"]["seed"] == 0
    (one / "result.npz").write_bytes((two / "result.npz").read_bytes())  # another run's arrays
    with pytest.raises(ResultMissing, match="do not give the agreement"):
        read_result(one)


def test_a_second_writer_is_refused_while_the_first_runs(synthetic: np.ndarray, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    with folder_lock(out):
        assert main([*BASE, "--out", str(out)]) == 1
    lines = _error_lines(capsys)
    assert len(lines) == 1 and "in use by another symdae run" in lines[0] and "--out" in lines[0]
    assert not (out / "result.json").exists()
    assert main([*BASE, "--out", str(out)]) == 0  # released


def test_a_lock_held_by_another_process_is_refused_and_freed_when_it_dies(synthetic: np.ndarray, tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent("""
            import fcntl, os, sys, time
            fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, str(os.getpid()).encode())
            print("locked", flush=True)
            time.sleep(60)
        """), str(out / ".symdae.lock")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert main([*BASE, "--out", str(out)]) == 1
        assert f"(process {holder.pid})" in _error_lines(capsys)[0]
    finally:
        holder.kill()
        holder.wait()
    assert main([*BASE, "--out", str(out)]) == 0  # no stale lock after a kill


def test_leftovers_of_a_killed_write_are_removed_and_nothing_else(synthetic: np.ndarray, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    out.mkdir()
    leftovers = [out / ".result.npz.k3j2h1g0.tmp", out / ".result.json.a1b2c3d4.tmp",
                 out / ".checkpoint.pt.zzzzzzzz.tmp"]
    kept = [out / "notes.txt", out / ".mine.tmp", out / "result.npz.tmp", out / ".lock"]
    for path in [*leftovers, *kept]:
        path.write_bytes(b"partial")
    assert main([*BASE, "--out", str(out)]) == 0
    assert not any(path.exists() for path in leftovers)
    assert all(path.read_bytes() == b"partial" for path in kept)
    assert "removed 3 temporary file(s)" in capsys.readouterr().err


def _interrupting_bar(at: int) -> Callable[..., Any]:
    @contextmanager
    def progress_bar(label: str, total: int, disable: bool = False) -> Iterator[Callable[[int, int], None]]:
        def progress(done: int, total: int) -> None:
            if done == at:
                raise KeyboardInterrupt

        yield progress

    return progress_bar


def test_ctrl_c_saves_prints_one_line_and_the_resume_command_finishes(
    synthetic: np.ndarray, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*BASE, "--out", str(tmp_path / "whole")]) == 0
    out = tmp_path / "run"
    args = [*BASE, "--out", str(out)]
    with monkeypatch.context() as patch:
        import symdae._progress

        patch.setattr(symdae._progress, "progress_bar", _interrupting_bar(13))
        capsys.readouterr()
        assert main(args) == 130
    lines = _error_lines(capsys)
    assert len(lines) == 1, lines
    assert f"interrupted at epoch 13 of 20; state of epoch 13 saved in {out / 'checkpoint.pt'}" in lines[0]
    command = lines[0].split("continue with: ", 1)[1]
    again = shlex.split(command)
    assert again[0] == "symdae" and again[1:] == [*args, "--resume"]
    assert main(again[1:]) == 0
    with np.load(tmp_path / "whole" / "result.npz") as whole, np.load(out / "result.npz") as resumed:
        np.testing.assert_array_equal(whole["measured"], resumed["measured"])


def test_ctrl_c_in_any_command_is_one_line_and_130(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import symdae.prediction

    def interrupted(*args: Any, **kwargs: Any) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(symdae.prediction, "predictions", interrupted)
    assert main(["predict", "--dataset", "mnist", "--samples", "10", "--lr", "0.1"]) == 130
    assert _error_lines(capsys) == ["symdae predict: interrupted"]


def test_sigint_to_a_training_process_saves_and_exits_130(tmp_path: Path) -> None:
    out = tmp_path / "run"
    script = textwrap.dedent(f"""
        import signal, sys, time
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a background shell ignores SIGINT
        from contextlib import contextmanager
        import numpy as np
        import symdae._progress, symdae.experiments._run
        from tests.torch.synthetic import fake_load, synthetic_rows
        symdae.experiments._run._load = fake_load(synthetic_rows(n={N}))

        @contextmanager
        def bar(label, total, disable=False):
            def progress(done, total):
                if done == 5:
                    print("training", flush=True)
                time.sleep(0.002)
            yield progress

        symdae._progress.progress_bar = bar
        from symdae.cli import main
        sys.exit(main(sys.argv[1:]))
    """)
    args = [*BASE[:5], "1000000", *BASE[6:], "--every", "1000", "--out", str(out)]
    child = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=Path(__file__).resolve().parents[1],
                             env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "training"
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 130, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err and "--resume" in lines[0], err
    from symdae.torch._checkpoint import Checkpoint

    assert Checkpoint.load(out / "checkpoint.pt").epoch >= 5


def test_a_truncated_checkpoint_is_set_aside_and_the_run_starts_afresh(
    synthetic: np.ndarray, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*BASE, "--out", str(tmp_path / "whole")]) == 0
    out = tmp_path / "run"
    with monkeypatch.context() as patch:
        import symdae._progress

        patch.setattr(symdae._progress, "progress_bar", _interrupting_bar(10))
        assert main([*BASE, "--out", str(out)]) == 130
    checkpoint = out / "checkpoint.pt"
    content = checkpoint.read_bytes()
    checkpoint.write_bytes(content[: len(content) // 3])
    capsys.readouterr()
    assert main([*BASE, "--out", str(out), "--resume"]) == 0
    lines = _error_lines(capsys)
    assert len(lines) == 1 and "not a readable symdae checkpoint" in lines[0] and "checkpoint.pt.damaged" in lines[0]
    assert (out / "checkpoint.pt.damaged").read_bytes() == content[: len(content) // 3]
    with np.load(tmp_path / "whole" / "result.npz") as whole, np.load(out / "result.npz") as fresh:
        np.testing.assert_array_equal(whole["measured"], fresh["measured"])


def test_figures_recover_from_a_damaged_checkpoint(synthetic: np.ndarray, tmp_path: Path) -> None:
    exp = Experiment(samples=N, epochs=20, hidden=3, lr=0.3, every=5, dtype="float64")
    folder = tmp_path / "runs" / "quick" / "figure5" / "tiny"
    folder.mkdir(parents=True)
    (folder / "checkpoint.pt").write_bytes(b"PK\x03\x04 truncated")
    notes: list[str] = []
    ctx = training.Context(tmp_path / "runs", quick=True, show_progress=False, note=notes.append)
    run = training.obtain("figure5/tiny", exp, ctx)
    assert not run.reused and run.arrays["measured"].shape == (5, 6)
    assert len(notes) == 1 and "damaged" in notes[0]
    assert training.obtain("figure5/tiny", exp, ctx).reused


def test_divergence_is_a_failure_naming_the_epoch_and_the_rate_to_use(
    synthetic: np.ndarray, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    assert main([*BASE, "--out", str(out)]) == 0
    before = (out / "result.json").read_bytes()
    capsys.readouterr()
    assert main([*BASE[:-1], "--lr", "1e6", "--quiet", "--out", str(out)]) == 1
    lines = _error_lines(capsys)
    assert len(lines) == 1
    assert "training diverged" in lines[0] and "of 20 with --lr 1e+06; use a smaller --lr" in lines[0]
    lam1 = np.linalg.eigvalsh(synthetic.T @ synthetic)[-1]
    rate = float(lines[0].split("α* = N/(2λ1 + 3ε + κ) = ")[1].split()[0])
    assert rate == pytest.approx(N / (2 * lam1), rel=1e-3)
    assert (out / "result.json").read_bytes() == before  # the earlier result stays, whole
    assert read_result(out).record["experiment"]["lr"] == 0.3


def test_json_is_valid_where_values_are_nan(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rows = synthetic_rows(n=N, dim=4)
    rows[:, 3] = 0.0  # direction 4 is null: the Supplement F estimate is NaN there
    monkeypatch.setattr(_run, "_load", fake_load(rows))
    out = tmp_path / "run"
    assert main(["experiment", "nonlinear", "--samples", str(N), "--epochs", "10", "--hidden", "3", "--every", "5",
                 "--directions", "4", "--lr", "0.5", "--quiet", "--out", str(out)]) == 0
    record = _strict_json(out / "result.json")
    assert record["agreement"]["figure5_directions"]["4"]["final_measured"] is None
    with np.load(out / "result.npz") as result:
        assert np.isnan(result["measured"][:, 3]).all()
