"""Where a sweep runs: an embedded Dask ``LocalCluster`` sized to the machine, or an existing cluster.

The embedded cluster binds 127.0.0.1 only and runs one process per core,
one thread each, with BLAS, OpenMP and Numba capped at one thread through
the workers' environment (and torch's and Numba's thread counts set again
in every task), so ``W`` workers use ``W`` cores and no more. Runs on a CUDA
device ask for the worker resource ``GPU = 1``: an embedded cluster for
such runs has one worker holding one GPU; on a cluster of your own, start
one worker per GPU with ``--resources GPU=1`` (see ``docs/sweeps.md``).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from symdae.sweep._task import thread_environment

#: The embedded cluster's Dask settings, each measured on 12 small linear runs (``benchmarks/bench_sweep.py``).
#: Dask puts ``MALLOC_TRIM_THRESHOLD_ = 65536`` in a worker's environment. Any fixed value there turns off
#: glibc's dynamic mmap threshold, so every allocation over 128 KiB (each tensor of a run) becomes a fresh
#: ``mmap`` whose pages fault in zeroed: in a plain process, 0.63 s per run became 1.16 s (and 0.63 s again
#: with ``MALLOC_MMAP_THRESHOLD_`` raised). The statistical profiler samples the worker's stacks every 10 ms:
#: 1.4 s per run with it, 1.05 s without. A sweep's runs are whole tasks that free what they allocate, so
#: neither is needed; with both off, a run inside a worker takes what it takes in series.
WORKER_CONFIG: dict[str, Any] = {
    "distributed.worker.daemon": False,
    "distributed.logging.distributed": "error",
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.worker.profile.enabled": False,
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}


#: The embedded workers' preload: they ignore the terminal's Ctrl-C, which the sweep's own process handles.
WORKER_SETUP = "symdae.sweep._worker"


class ClusterError(RuntimeError):
    """The cluster named by ``--scheduler`` / ``--scheduler-file`` cannot be reached."""


def machine_cores() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def embedded_cluster(*, workers: int | None = None, gpus: int = 0, dashboard: bool = True) -> Any:
    """A ``LocalCluster`` on 127.0.0.1: ``workers`` processes (default: the cores) of one thread each, or,
    with ``gpus``, that many workers each holding the resource ``GPU = 1``."""
    import dask
    from distributed import LocalCluster

    count = workers if workers is not None else machine_cores()
    options: dict[str, Any] = {}
    if gpus:
        count = gpus if workers is None else min(workers, gpus)
        options["resources"] = {"GPU": 1}
    with dask.config.set(WORKER_CONFIG):
        # A nanny merges its config shallowly over dask.config.config at creation, sharing the nested dicts,
        # which leaving this block restores in place: a worker it restarts (after a crash) would come back
        # with Dask's defaults. A deep copy made here keeps WORKER_CONFIG for every worker it ever starts.
        options["config"] = copy.deepcopy(dask.config.config)
        return LocalCluster(n_workers=count, threads_per_worker=1, processes=True, host="127.0.0.1",
                            dashboard_address="127.0.0.1:0" if dashboard else None, env=thread_environment(1),
                            silence_logs=40, preload=[WORKER_SETUP], **options)


@contextmanager
def connect(*, scheduler: str | None = None, scheduler_file: str | None = None, workers: int | None = None,
            gpus: int = 0, dashboard: bool = True, client: Any = None) -> Iterator[Any]:
    """Yield a ``distributed.Client``: ``client`` as given, one to ``scheduler`` or ``scheduler_file``, or one to
    a new embedded cluster (closed on leaving, however the block ends)."""
    if client is not None:
        yield client
        return
    from distributed import Client

    if scheduler is not None or scheduler_file is not None:
        where = scheduler or scheduler_file
        try:
            made = Client(address=scheduler, scheduler_file=scheduler_file, timeout="20s")
        except (OSError, TimeoutError, ValueError) as err:
            raise ClusterError(f"cannot reach the Dask scheduler at {where}: {err}") from None
        try:
            yield made
        finally:
            made.close()
        return
    cluster = embedded_cluster(workers=workers, gpus=gpus, dashboard=dashboard)
    try:
        with Client(cluster) as made:
            yield made
    finally:
        cluster.close()


def dashboard_link(client: Any) -> str | None:
    """The Dask dashboard's address, or ``None`` when it is off (no ``bokeh``, or disabled)."""
    try:
        link = client.dashboard_link
    except Exception:  # no dashboard
        return None
    if not link:
        return None
    if "cluster" in dir(client) and client.cluster is not None and not getattr(client.cluster, "dashboard_link", ""):
        return None
    return str(link)
