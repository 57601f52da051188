"""What a worker does: prepare a dataset's spectrum once, and run one experiment into its folder.

These functions run on Dask workers (or in the sweep's own process with
``--serial``); they import nothing from Dask. :func:`execute_run` never raises
for a failing run: the error and its traceback go to ``error.json`` in the
run's folder and the status says ``failed``, so one bad run does not stop a
sweep. Every run resumes from its ``checkpoint.pt`` when there is one, so a
run whose worker was lost continues on another worker.
"""

from __future__ import annotations

import os
import socket
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from symdae._io import FolderBusy, json_text, write_atomic
from symdae.experiments import Experiment

if TYPE_CHECKING:
    from symdae.experiments import Result
from symdae.sweep._plan import CONFIG_JSON, ERROR_JSON, Run, configuration, run_state

THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS")

#: How often a task whose run folder is locked tries again. Two tasks of one run meet when a sweep is
#: interrupted on a cluster of your own (Dask cannot stop a task's thread: the cancelled run goes on to its
#: end) and the same command runs again, or when a worker the scheduler gave up for lost is still running.
#: The later task waits, then finds the run done (or resumes its checkpoint), instead of both writing.
LOCK_POLL_S = 0.5


def thread_environment(threads: int = 1) -> dict[str, str]:
    """Environment variables that cap BLAS, OpenMP and Numba at ``threads`` threads in a new process."""
    return {name: str(threads) for name in THREAD_VARIABLES}


def pin_threads(threads: int = 1) -> None:
    """Cap torch's and Numba's threads in this process (Numba's per calling thread) at ``threads``."""
    try:
        import torch
    except ImportError:
        pass
    else:
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
    import numba

    if getattr(numba.config, "NUMBA_NUM_THREADS", 1) >= threads:
        numba.set_num_threads(threads)


def prepare(dataset: str, samples: int, data_root: str | None) -> dict[str, Any]:
    """Compute (or read, verified) the spectrum of the first ``samples`` images of ``dataset`` into the cache,
    so that the runs using it read it instead of recomputing it."""
    from symdae.data import load, spectrum

    start = time.perf_counter()
    data = load(dataset, n=samples, data_root=data_root)
    found = spectrum(data)
    return {"dataset": dataset, "samples": samples, "checksum": found.checksum, "from_cache": found.from_cache,
            "cache": None if found.path is None else str(found.path), "seconds": time.perf_counter() - start}


def write_config(run: Run, folder: Path) -> None:
    """``folder/config.json``: the run's key, configuration and axes values (rewritten only if different)."""
    text = json_text({"key": run.key, "label": run.label, "axes": run.axes,
                      "experiment": configuration(run.experiment)})
    path = folder / CONFIG_JSON
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    write_atomic(path, text)


def record_error(folder: Path, err: BaseException | str, trace: str | None = None) -> str:
    """Write ``folder/error.json`` (type, message, traceback, host, process); return ``Type: message``."""
    kind = type(err).__name__ if isinstance(err, BaseException) else "Error"
    message = " ".join(str(err).split()) or kind
    write_atomic(folder / ERROR_JSON, json_text({
        "type": kind, "message": message, "traceback": trace or "", "host": socket.gethostname(),
        "pid": os.getpid(), "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}))
    return f"{kind}: {message}"


class Measure(Protocol):
    """A measurement a sweep makes of every run's trained result, in the run's folder (picklable, for Dask).

    :mod:`symdae.tuning`'s held-out loss is one: it needs the final weights,
    which only a run just trained has (``Result.weights``), so a run whose
    result is stored but not measured is taken up again from its final
    checkpoint (no epochs left to train) to measure it.
    """

    def done(self, folder: Path) -> bool:
        """Whether ``folder`` holds this measurement of the result stored there."""

    def __call__(self, result: Result, folder: Path) -> None:
        """Measure ``result`` (just trained, stored in ``folder``) and write the measurement there."""


def execute_run(run: Run, out: str, *, checkpoint_every: int = 500, threads: int = 1,
                prepared: Any = None, measure: Measure | None = None) -> dict[str, Any]:
    """Run ``run`` into ``out/runs/<key>`` unless a verified result is there; return its status.

    The status is a dict: ``key``, ``status`` (``done``, ``skipped`` or
    ``failed``), ``seconds`` and, for a failure, ``error``. ``prepared`` is
    the output of :func:`prepare` for the run's data (passed by the sweep so
    that the run waits for it); it is not used otherwise.
    """
    from symdae.experiments import run as run_experiment

    del prepared
    start = time.perf_counter()
    folder = run.folder(Path(out))
    folder.mkdir(parents=True, exist_ok=True)
    write_config(run, folder)
    pin_threads(threads)
    notes: list[str] = []
    while True:
        if finished(run, Path(out), measure):  # a retried task whose first attempt had finished
            return {"key": run.key, "status": "skipped", "seconds": time.perf_counter() - start}
        try:
            record = run_experiment(run.experiment, folder, resume=True, checkpoint_every=checkpoint_every,
                                    note=notes.append)
            if measure is not None:
                measure(record, folder)
            break
        except FolderBusy:  # another task of this run is still writing: wait for it, then look again
            time.sleep(LOCK_POLL_S)
        except Exception as err:  # a failing run is recorded, never fatal to the sweep
            error = record_error(folder, err, traceback.format_exc())
            return {"key": run.key, "status": "failed", "error": error, "seconds": time.perf_counter() - start}
    (folder / ERROR_JSON).unlink(missing_ok=True)
    return {"key": run.key, "status": "done", "seconds": time.perf_counter() - start,
            "wall_time_s": record.get("wall_time_s"), "device": record.get("device"), "notes": notes}


def finished(run: Run, out: Path, measure: Measure | None = None) -> bool:
    """Whether ``run`` is done (a verified result of its configuration) and, with ``measure``, measured."""
    return run_state(run, out) == "done" and (measure is None or measure.done(run.folder(out)))


def run_data(exp: Experiment) -> tuple[str, int, str | None]:
    """What :func:`prepare` needs for ``exp``: dataset, samples, data root."""
    return exp.dataset, exp.samples, exp.data_root
