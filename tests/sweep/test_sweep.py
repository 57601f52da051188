"""Sweeps of tiny real MNIST runs: a Dask cluster gives the serial bits, reruns skip, faults are survived."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from symdae.sweep import COLUMNS, parse_spec, plan, run_state, run_sweep
from tests.sweep.helpers import (
    InterruptAfter,
    InterruptOnFirstDone,
    KillAfterFirstCheckpoint,
    KillWorkerOnce,
    tiny_spec,
)

pytestmark = pytest.mark.data
pd = pytest.importorskip("pandas", reason="needs the sweep extra: pip install 'symdae[sweep]'")
pytest.importorskip("pyarrow", reason="needs the sweep extra: pip install 'symdae[sweep]'")
pytest.importorskip("torch", reason="training needs torch")

ARRAYS = ("epochs", "measured", "theory", "theory_discrete", "eigenvalues", "directions")


def _runs(data_root: Path, tmp_path: Path, axes: str | None = None, extra: str = "lr = 0.005") -> list[Any]:
    text = tiny_spec(data_root, extra=extra) if axes is None else tiny_spec(data_root, axes, extra)
    return plan(parse_spec(text, path=tmp_path / "spec.toml"))


def _arrays(folder: Path) -> dict[str, np.ndarray]:
    with np.load(folder / "result.npz", allow_pickle=False) as archive:
        return {name: archive[name] for name in ARRAYS}


def test_cluster_gives_the_serial_bits_and_a_rerun_skips_every_run(data_root: Path, tmp_path: Path,
                                                                    dask_client: Any) -> None:
    runs = _runs(data_root, tmp_path)
    assert len(runs) == 6
    serial = run_sweep(runs, tmp_path / "serial", serial=True)
    spread = run_sweep(runs, tmp_path / "dask", client=dask_client)
    assert not serial.failed and not spread.failed, (serial.failed, spread.failed)
    assert sorted(serial.done) == sorted(spread.done) == sorted(r.key for r in runs)
    for run in runs:
        one, other = _arrays(run.folder(tmp_path / "serial")), _arrays(run.folder(tmp_path / "dask"))
        for name in ARRAYS:
            assert one[name].tobytes() == other[name].tobytes(), (run.key, name)
    again = run_sweep(runs, tmp_path / "dask", client=dask_client)
    assert again.done == [] and sorted(again.skipped) == sorted(r.key for r in runs) and not again.failed
    frame = pd.read_parquet(tmp_path / "dask" / "results.parquet")
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) == 6 * 8 and set(frame["run"]) == {r.key for r in runs}
    assert frame.groupby("run")["direction"].apply(list).map(lambda d: d == list(range(1, 9))).all()
    assert (frame["data_nature"] == "exact").all() and (frame["device_used"] == "cpu").all()
    assert frame["final_measured"].notna().all() and frame["max_error_discrete"].notna().all()
    assert pd.read_csv(tmp_path / "dask" / "results.csv").shape == frame.shape


def test_a_failing_run_is_recorded_and_the_others_finish(data_root: Path, tmp_path: Path, dask_client: Any) -> None:
    runs = _runs(data_root, tmp_path, "lr = [0.002, 500.0, 0.004]", extra="noise_var = 0.5")
    outcome = run_sweep(runs, tmp_path / "out", client=dask_client)
    bad = runs[1].key
    assert list(outcome.failed) == [bad], outcome.failed and "Diverged" in outcome.failed[bad]
    assert sorted(outcome.done) == sorted([runs[0].key, runs[2].key])
    error = (runs[1].folder(tmp_path / "out") / "error.json").read_text()
    assert "Traceback" in error and "--lr" in error
    assert run_state(runs[1], tmp_path / "out") == "failed"
    assert set(pd.read_parquet(tmp_path / "out" / "results.parquet")["run"]) == set(outcome.done)


def test_a_worker_killed_mid_sweep_loses_no_run(data_root: Path, tmp_path: Path, dask_client: Any) -> None:
    runs = _runs(data_root, tmp_path, "noise_var = [0.2, 0.4]")
    marker = tmp_path / "killed-once"
    outcome = run_sweep(runs, tmp_path / "out", client=dask_client, task=KillWorkerOnce(marker))
    assert marker.exists()  # a worker did die
    assert not outcome.failed, outcome.failed
    assert sorted(outcome.done) == sorted(r.key for r in runs)
    assert all(run_state(r, tmp_path / "out") == "done" for r in runs)


def test_a_worker_killed_mid_training_resumes_from_the_checkpoint_to_the_same_bits(
        data_root: Path, tmp_path: Path, dask_client: Any) -> None:
    runs = _runs(data_root, tmp_path, "noise_var = [0.25, 0.45]")
    serial = run_sweep(runs, tmp_path / "serial", serial=True, table=False)
    assert sorted(serial.done) == sorted(r.key for r in runs)
    marker = tmp_path / "killed"
    outcome = run_sweep(runs, tmp_path / "out", client=dask_client, checkpoint_every=5, table=False,
                        task=KillAfterFirstCheckpoint(marker))
    assert marker.exists() and not outcome.failed, outcome.failed
    assert sorted(outcome.done) == sorted(r.key for r in runs)
    found = {r.key: (tmp_path / f"killed-{r.key}").read_text() for r in runs}
    assert sorted(found.values()) == ["5", "none"], found  # the killed run restarted from epoch 5 of 20
    for run in runs:
        one, other = _arrays(run.folder(tmp_path / "serial")), _arrays(run.folder(tmp_path / "out"))
        for name in ARRAYS:
            assert one[name].tobytes() == other[name].tobytes(), (run.key, name)


def test_ctrl_c_on_the_cluster_stops_and_a_rerun_continues(data_root: Path, tmp_path: Path,
                                                           dask_client: Any) -> None:
    text = tiny_spec(data_root, "noise_var = [0.12, 0.32, 0.52, 0.72]").replace("epochs = 20", "epochs = 400")
    runs = plan(parse_spec(text, path=tmp_path / "spec.toml"))
    say = InterruptOnFirstDone()
    stopped = run_sweep(runs, tmp_path / "out", client=dask_client, checkpoint_every=10, say=say)
    assert stopped.interrupted and len(stopped.done) == 1, say.lines
    assert len(pd.read_parquet(tmp_path / "out" / "results.parquet")) == 8 * len(stopped.done)
    assert not any(dask_client.processing().values())  # the sweep's runs were cancelled, none left running
    again = run_sweep(runs, tmp_path / "out", client=dask_client)
    assert not again.interrupted and not again.failed and stopped.done[0] in again.skipped
    assert sorted(again.done + again.skipped) == sorted(r.key for r in runs)


def test_a_corrupted_run_folder_is_recomputed(data_root: Path, tmp_path: Path) -> None:
    runs = _runs(data_root, tmp_path, "noise_var = [0.3, 0.7]")
    run_sweep(runs, tmp_path / "out", serial=True, table=False)
    damaged = runs[0].folder(tmp_path / "out") / "result.npz"
    content = bytearray(damaged.read_bytes())
    content[len(content) // 2] ^= 0xFF  # one flipped byte: still a file, not the recorded one
    damaged.write_bytes(bytes(content))
    assert run_state(runs[0], tmp_path / "out") == "damaged"
    outcome = run_sweep(runs, tmp_path / "out", serial=True, table=False)
    assert outcome.done == [runs[0].key] and outcome.skipped == [runs[1].key]
    assert run_state(runs[0], tmp_path / "out") == "done"


def test_ctrl_c_stops_and_a_rerun_continues(data_root: Path, tmp_path: Path) -> None:
    runs = _runs(data_root, tmp_path, "noise_var = [0.15, 0.35, 0.55]")
    stopped = run_sweep(runs, tmp_path / "out", serial=True, task=InterruptAfter(2))
    assert stopped.interrupted and stopped.done == [runs[0].key]
    assert len(pd.read_parquet(tmp_path / "out" / "results.parquet")) == 8  # the finished run's rows
    again = run_sweep(runs, tmp_path / "out", serial=True)
    assert not again.interrupted and again.skipped == [runs[0].key]
    assert sorted(again.done) == sorted(r.key for r in runs[1:])


def test_a_second_task_of_one_run_waits_for_the_first(data_root: Path, tmp_path: Path) -> None:
    import threading
    import time

    from symdae._io import folder_lock
    from symdae.sweep import execute_run

    run = _runs(data_root, tmp_path, "noise_var = [0.65]")[0]
    holding, release = threading.Event(), threading.Event()

    def first() -> None:  # another task of the same run, still writing its folder
        with folder_lock(run.folder(tmp_path / "out")):
            holding.set()
            release.wait(10)

    other = threading.Thread(target=first)
    other.start()
    holding.wait(10)
    threading.Timer(1.0, release.set).start()
    start = time.perf_counter()
    status = execute_run(run, str(tmp_path / "out"))
    other.join()
    assert time.perf_counter() - start >= 1.0 and status["status"] == "done", status
    assert run_state(run, tmp_path / "out") == "done"


def _worker_facts() -> tuple[str | None, bool, bool]:
    import os
    import signal

    import dask

    return (os.environ.get("MALLOC_TRIM_THRESHOLD_"), bool(dask.config.get("distributed.worker.profile.enabled")),
            signal.getsignal(signal.SIGINT) is signal.SIG_IGN)


def test_embedded_workers_keep_glibc_trimming_skip_the_profiler_and_ignore_ctrl_c(dask_client: Any) -> None:
    """Dask's trim threshold and profiler each cost 0.3-0.5 s of a 0.6 s run (benchmarks/bench_sweep.py)."""
    facts = dask_client.run(_worker_facts)
    assert len(facts) == 2 and set(facts.values()) == {(None, False, True)}, facts
