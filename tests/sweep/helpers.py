"""Tasks for the sweep tests that fail on purpose; importable by Dask workers (``tests.sweep.helpers``)."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from symdae.sweep import execute_run

TINY = """
[base]
kind = "linear"
dataset = "mnist"
data_root = "{root}"
model = "dae"
samples = 100
epochs = 20
hidden = 16
every = 2
directions = 8
{extra}

[axes]
{axes}
"""
GRID = "noise_var = [0.1, 0.5, 1.0]\nseed = [0, 1]"


def tiny_spec(root: Path, axes: str = GRID, extra: str = "lr = 0.005") -> str:
    """A specification of tiny MNIST runs (100 images, 20 epochs) crossed over ``axes``, with ``extra`` in
    ``[base]``."""
    return TINY.format(root=root, axes=axes, extra=extra)


class KillWorkerOnce:
    """A task that kills its own worker process (SIGKILL) the first time, then runs normally."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return execute_run(*args, **kwargs)
        os.close(fd)
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("unreachable")


class InterruptAfter:
    """A serial task that raises ``KeyboardInterrupt`` (Ctrl-C) on its ``calls``-th call."""

    def __init__(self, calls: int) -> None:
        self.calls, self.made = calls, 0

    def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.made += 1
        if self.made == self.calls:
            raise KeyboardInterrupt
        return execute_run(*args, **kwargs)


class KillAfterFirstCheckpoint:
    """A task whose first call kills its worker (SIGKILL) just after the run's first checkpoint is written;
    every call writes ``<marker>-<key>`` with the epoch of the checkpoint it found on starting (or ``none``)."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __call__(self, run: Any, out: str, **kwargs: Any) -> dict[str, Any]:
        from symdae.torch._checkpoint import Checkpoint

        saved = run.folder(Path(out)) / "checkpoint.pt"
        found = str(Checkpoint.load(saved).epoch) if saved.exists() else "none"
        Path(f"{self.marker}-{run.key}").write_text(found)
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return execute_run(run, out, **kwargs)
        os.close(fd)
        save = Checkpoint.save

        def save_then_die(self: Any, path: Any) -> None:  # this worker process ends here: no need to restore
            save(self, path)
            os.kill(os.getpid(), signal.SIGKILL)

        Checkpoint.save = save_then_die  # type: ignore[method-assign]
        return execute_run(run, out, **kwargs)


class InterruptOnFirstDone:
    """A ``say`` for :func:`symdae.sweep.run_sweep` that raises ``KeyboardInterrupt`` (Ctrl-C in the sweep's
    process) when the first run is reported done."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        self.lines.append(line)
        if ": done (" in line:
            raise KeyboardInterrupt
