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
