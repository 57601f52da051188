"""A sweep of 12 small linear runs: in series in one process, then on the embedded Dask cluster.

The runs are MNIST linear DAEs (1000 images, 300 epochs, H = 64, 32 directions;
6 noise levels × 2 seeds), the same :func:`symdae.sweep.run_sweep` call both
ways, so the difference is the execution alone. Printed:

* serial: seconds per run after a warm-up run (torch imported, Numba kernels
  loaded) and runs per minute;
* cluster: start-up (worker processes), the warm-up of every worker, then the
  12 runs: runs per minute and the speed-up over serial, with and without the
  start-up and warm-up, and the scaling efficiency (speed-up / workers);
* per-task overhead: the round trip of 200 empty Dask tasks, and the
  cluster's time not spent inside runs (workers × wall − Σ run time) per run;
* the baseline of the embedded cluster's worker settings: the same cluster
  with Dask's own (``MALLOC_TRIM_THRESHOLD_ = 65536`` in the workers'
  environment, the sampling profiler on), which made a run inside a worker
  about twice as slow as in series.

Both use one thread per run (torch, Numba, BLAS). On cores shared with other
work the figures move with the load: run it twice. From the repository root::

    python benchmarks/bench_sweep.py --data-root ../shared/data
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from symdae.sweep._task import thread_environment

os.environ.update(thread_environment(1))  # the serial baseline gets one BLAS thread too, as every worker does

from symdae.sweep import _cluster, embedded_cluster, execute_run, parse_spec, plan, run_sweep
from symdae.sweep._cluster import machine_cores

SPEC = """
[base]
kind = "linear"
dataset = "mnist"
data_root = "{root}"
model = "dae"
samples = 1000
epochs = {epochs}
hidden = 64
every = 10
directions = 32
lr = 0.01

[axes]
noise_var = [0.01, 0.05, 0.1, 0.25, 0.5, 1.0]
seed = [{seed}, {seed_plus}]
"""


def _runs(root: str, epochs: int, seed: int) -> list[Any]:
    return plan(parse_spec(SPEC.format(root=root, epochs=epochs, seed=seed, seed_plus=seed + 1)))


def _noop(i: int) -> int:
    return i


#: Dask's defaults for the two worker settings symdae's embedded cluster changes (symdae.sweep._cluster).
DASK_DEFAULTS = {"distributed.worker.profile.enabled": True,
                 "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": 65536}


def _cluster_pass(root: str, args: argparse.Namespace, scratch: Path, warm: list[Any], *, seed: int,
                  config: dict[str, Any] | None = None) -> dict[str, Any]:
    """Start the embedded cluster (with ``config`` over symdae's worker settings), warm every worker, time
    200 empty tasks and then the 12 runs."""
    from distributed import Client

    settings = dict(_cluster.WORKER_CONFIG)
    if config:
        _cluster.WORKER_CONFIG.update(config)
    try:
        start = time.perf_counter()
        cluster = embedded_cluster(workers=args.workers, dashboard=False)
        client = Client(cluster)
        startup_s = time.perf_counter() - start
    finally:
        _cluster.WORKER_CONFIG.clear()
        _cluster.WORKER_CONFIG.update(settings)
    try:
        start = time.perf_counter()
        workers = list(client.scheduler_info()["workers"])
        futures = [client.submit(execute_run, run, str(scratch / "warm"), workers=[w], allow_other_workers=False,
                                 pure=False)
                   for run, w in zip(warm[1:], workers, strict=False)]
        client.gather(futures)
        warm_s = time.perf_counter() - start
        start = time.perf_counter()
        client.gather(client.map(_noop, range(200), pure=False))
        noop_ms = (time.perf_counter() - start) / 200 * 1000
        runs = _runs(root, args.epochs, seed=seed)
        start = time.perf_counter()
        spread = run_sweep(runs, scratch / "runs", client=client, table=False)
        wall = time.perf_counter() - start
    finally:
        client.close()
        cluster.close()
    assert len(spread.done) == 12, spread.failed
    return {"workers": len(workers), "startup": startup_s, "warm": warm_s, "noop_ms": noop_ms, "wall": wall,
            "inside": sum(status["seconds"] for status in spread.statuses.values())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-root", default=os.environ.get("SYMDAE_DATA_ROOT", "../shared/data"))
    parser.add_argument("--workers", type=int, default=machine_cores())
    parser.add_argument("--epochs", type=int, default=300)
    args = parser.parse_args()
    root = str(Path(args.data_root).resolve())
    scratch = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    try:
        print(f"12 MNIST linear DAE runs (N = 1000, {args.epochs} epochs, H = 64); {machine_cores()} core(s), "
              f"load average {os.getloadavg()[0]:.1f}")
        warm = _runs(root, args.epochs, seed=100)
        run_sweep(warm[:1], scratch / "serial-warm", serial=True, table=False)
        serial_runs = _runs(root, args.epochs, seed=0)
        start = time.perf_counter()
        serial = run_sweep(serial_runs, scratch / "serial", serial=True, table=False)
        serial_s = time.perf_counter() - start
        assert len(serial.done) == 12, serial.failed
        per_run = serial_s / 12
        print(f"serial: {serial_s:.1f} s, {per_run:.2f} s per run, {60 / per_run:.1f} runs/min")

        tuned = _cluster_pass(root, args, scratch / "tuned", warm, seed=10)
        print(f"cluster: {tuned['workers']} workers × 1 thread; start-up {tuned['startup']:.1f} s, "
              f"warm-up {tuned['warm']:.1f} s")
        print(f"cluster: {tuned['wall']:.1f} s, {60 * 12 / tuned['wall']:.1f} runs/min; mean time inside a run "
              f"{tuned['inside'] / 12:.2f} s (serial {per_run:.2f} s)")
        speedup = serial_s / tuned["wall"]
        cold = serial_s / (tuned["wall"] + tuned["startup"] + tuned["warm"])
        print(f"speed-up over serial: {speedup:.2f}× (scaling efficiency {speedup / tuned['workers']:.0%}); "
              f"{cold:.2f}× counting the cluster's start-up and warm-up")
        overhead = (tuned["workers"] * tuned["wall"] - tuned["inside"]) / 12
        print(f"per-task overhead: {tuned['noop_ms']:.1f} ms per empty task; {overhead:.2f} s per run of worker time "
              "outside runs (workers × wall − Σ run time)")
        stock = _cluster_pass(root, args, scratch / "stock", warm, seed=20, config=DASK_DEFAULTS)
        print(f"the same cluster with Dask's own worker settings (MALLOC_TRIM_THRESHOLD_ = 65536, the profiler on): "
              f"{stock['wall']:.1f} s, {serial_s / stock['wall']:.2f}× serial; mean time inside a run "
              f"{stock['inside'] / 12:.2f} s")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
