"""Running a sweep: skip the verified results, prepare each dataset once, run the rest, write the table.

The runs go to Dask (an embedded cluster by default, see
:mod:`symdae.sweep._cluster`) or, with ``serial=True``, run one after the
other in this process (the baseline of ``benchmarks/bench_sweep.py``; no Dask
needed). Either way a run is the same call, :func:`~symdae.sweep._task.execute_run`,
with torch, Numba and BLAS pinned to one thread, so the two give the same
bits. Ctrl-C stops the sweep (the cluster is closed, runs in progress keep
their checkpoints); the same command then continues where it stopped.
"""

from __future__ import annotations

import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from symdae._io import folder_lock, json_text, write_atomic
from symdae.sweep._plan import Run, describe
from symdae.sweep._task import Measure, execute_run, finished, pin_threads, prepare, record_error, run_data

SWEEP_JSON = "sweep.json"
Task = Callable[..., dict[str, Any]]
Say = Callable[[str], None]


@dataclass
class SweepOutcome:
    """What a sweep did: the keys run (``done``), found done (``skipped``), ``failed`` (key → error), whether
    it was ``interrupted``, the table files written and the seconds it took."""

    runs: int
    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    interrupted: bool = False
    tables: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    dashboard: str | None = None
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)


class _Tally:
    """Counts and one progress line per finished run."""

    def __init__(self, outcome: SweepOutcome, todo: int, say: Say | None) -> None:
        self.outcome, self.todo, self.say, self.finished = outcome, todo, say, 0

    def record(self, run: Run, status: dict[str, Any], running: int | None = None) -> None:
        self.finished += 1
        self.outcome.statuses[run.key] = status
        if status["status"] == "failed":
            self.outcome.failed[run.key] = status["error"]
        elif status["status"] == "skipped":
            self.outcome.skipped.append(run.key)
        else:
            self.outcome.done.append(run.key)
        if self.say is None:
            return
        waiting = self.todo - self.finished - (running or 0)
        what = status["status"] if status["status"] != "failed" else f"FAILED ({status['error']})"
        counts = f"{len(self.outcome.done)} done, {len(self.outcome.failed)} failed"
        if running is not None:
            counts += f", {running} running, {max(waiting, 0)} waiting"
        self.say(f"sweep: [{self.finished}/{self.todo}] {describe(run)}: {what} ({status.get('seconds', 0):.1f} s); "
                 f"{counts}")


def _write_plan(out: Path, runs: Sequence[Run]) -> bool:
    """Write ``out/sweep.json`` (the runs); return whether it changed."""
    from dataclasses import asdict

    text = json_text({"format": "symdae-sweep/1", "runs": [
        {"key": r.key, "label": r.label, "axes": r.axes, "experiment": asdict(r.experiment)} for r in runs]})
    try:
        if (out / SWEEP_JSON).read_text(encoding="utf-8") == text:
            return False
    except OSError:
        pass
    write_atomic(out / SWEEP_JSON, text)
    return True


def run_sweep(runs: Sequence[Run], out: Path | str, *, serial: bool = False, client: Any = None,
              scheduler: str | None = None, scheduler_file: str | None = None, workers: int | None = None,
              retries: int = 2, checkpoint_every: int = 500, dashboard: bool = True, table: bool = True,
              say: Say | None = None, task: Task = execute_run, measure: Measure | None = None) -> SweepOutcome:
    """Run every run of ``runs`` not already done under ``out/runs/``; write ``out/results.parquet`` and
    ``.csv`` (``table``); return the :class:`SweepOutcome`. ``say`` receives the progress lines.
    ``measure`` (a :class:`~symdae.sweep._task.Measure`) measures every trained run in its folder; a
    run is then done when it is measured too.

    Raises ``KeyboardInterrupt`` never: Ctrl-C ends the sweep with ``interrupted`` set (and the table of
    what finished written).
    """
    from symdae.sweep._table import TABLE_FILES, write_table

    started = time.perf_counter()
    out = Path(out).resolve()
    outcome = SweepOutcome(runs=len(runs))
    with folder_lock(out):
        from symdae._io import remove_leftovers

        remove_leftovers(out, (*TABLE_FILES, SWEEP_JSON))
        same_plan = not _write_plan(out, runs)
        todo = []
        for run in runs:
            if finished(run, out, measure):
                outcome.skipped.append(run.key)
            else:
                todo.append(run)
        if say is not None:
            say(f"sweep: {len(runs)} runs: {len(outcome.skipped)} already done (verified), {len(todo)} to run")
        tally = _Tally(outcome, len(todo), say)
        options: dict[str, Any] = {"checkpoint_every": checkpoint_every, "threads": 1}
        if measure is not None:
            options["measure"] = measure
        try:
            if not todo:
                pass
            elif serial:
                _serial(todo, out, tally, task=task, options=options)
            else:
                _distributed(todo, out, tally, outcome, task=task, options=options,
                             retries=retries, client=client, scheduler=scheduler, scheduler_file=scheduler_file,
                             workers=workers, dashboard=dashboard)
        except KeyboardInterrupt:
            outcome.interrupted = True
        finally:
            tables = [out / name for name in TABLE_FILES]
            if table and same_plan and not outcome.done and not outcome.failed and all(p.is_file() for p in tables):
                outcome.tables = tables  # the same runs, none added: the table written last time stands
            elif table:
                outcome.tables = write_table(out, runs)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _serial(todo: Sequence[Run], out: Path, tally: _Tally, *, task: Task, options: dict[str, Any]) -> None:
    import numba

    torch: Any
    try:
        import torch
    except ImportError:
        torch = None
    torch_threads = None if torch is None else torch.get_num_threads()
    numba_threads = numba.get_num_threads()
    prepared: dict[tuple[str, int, str | None], Any] = {}
    try:
        pin_threads(1)
        for run in todo:
            data = run_data(run.experiment)
            try:
                if data not in prepared:
                    prepared[data] = prepare(*data)
            except Exception as err:
                folder = run.folder(out)
                folder.mkdir(parents=True, exist_ok=True)
                tally.record(run, {"key": run.key, "status": "failed", "seconds": 0.0,
                                   "error": record_error(folder, err, traceback.format_exc())})
                continue
            tally.record(run, task(run, str(out), **options, prepared=prepared[data]))
    finally:
        if torch is not None and torch_threads is not None:
            torch.set_num_threads(torch_threads)
        numba.set_num_threads(numba_threads)


def _distributed(todo: Sequence[Run], out: Path, tally: _Tally, outcome: SweepOutcome, *, task: Task,
                 options: dict[str, Any], retries: int, client: Any, scheduler: str | None,
                 scheduler_file: str | None, workers: int | None, dashboard: bool) -> None:
    from distributed import as_completed

    from symdae.sweep._cluster import connect, dashboard_link

    gpus = 1 if any(r.experiment.device.startswith("cuda") for r in todo) else 0
    token = uuid.uuid4().hex[:8]
    with connect(client=client, scheduler=scheduler, scheduler_file=scheduler_file, workers=workers, gpus=gpus,
                 dashboard=dashboard) as dask:
        outcome.dashboard = dashboard_link(dask)
        if tally.say is not None:
            count = len(dask.scheduler_info().get("workers", {}))
            where = f"; dashboard {outcome.dashboard}" if outcome.dashboard else ""
            tally.say(f"sweep: Dask scheduler {dask.scheduler.address} with {count} worker(s){where}")
        prepared: dict[tuple[str, int, str | None], Any] = {}
        futures: dict[Any, Run] = {}
        for run in todo:
            data = run_data(run.experiment)
            if data not in prepared:
                prepared[data] = dask.submit(prepare, *data, key=f"symdae-prepare-{len(prepared)}-{token}",
                                             retries=retries)
            resources = {"GPU": 1} if run.experiment.device.startswith("cuda") else None
            future = dask.submit(task, run, str(out), **options, prepared=prepared[data],
                                 key=f"symdae-run-{run.key}-{token}", retries=retries,
                                 resources=resources)
            futures[future] = run
        keys = {f.key for f in futures}
        threads = dict(dask.nthreads())
        try:
            for future in as_completed(futures):
                run = futures[future]
                if future.status == "error":
                    err = future.exception()
                    trace = "".join(traceback.format_exception(type(err), err, future.traceback()))
                    folder = run.folder(out)
                    folder.mkdir(parents=True, exist_ok=True)
                    status = {"key": run.key, "status": "failed", "seconds": 0.0,
                              "error": record_error(folder, err, trace)}
                else:
                    status = future.result()
                running = None
                if tally.say is not None:  # assigned to a worker, at most one per thread
                    running = sum(min(len([k for k in tasks if k in keys]), threads.get(w, 1))
                                  for w, tasks in dask.processing().items())
                tally.record(run, status, running)
        except BaseException:
            dask.cancel(list(futures), force=True)
            raise
