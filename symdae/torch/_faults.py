"""What can stop a run part-way, as exceptions that say where it stopped.

* :class:`CheckpointDamaged`: a checkpoint file that cannot be read back
  (truncated, corrupted, not a checkpoint at all) -- as opposed to one written
  for other settings, which is a plain ``ValueError``.
* :class:`TrainingDiverged`: the loss or the weights stopped being finite.
* :class:`Interrupted`: Ctrl-C (``SIGINT``), a ``KeyboardInterrupt`` that says
  the epoch reached and where the state was saved.

:func:`safe_points` defers ``SIGINT`` to the end of the epoch under way, so an
interrupted run is saved in a consistent state (never with one layer updated
and the other not).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType


class CheckpointDamaged(ValueError):
    """A checkpoint file that cannot be read back (its path is ``path``)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"checkpoint: {path} is not a readable symdae checkpoint: damaged, truncated or "
                         f"another file ({reason})")
        self.path = path
        self.reason = reason


class TrainingDiverged(ArithmeticError):
    """Training stopped because the loss or the weights are no longer finite.

    Attributes:
        epoch: the epoch at which the non-finite value was seen.
        last_finite: the latest earlier epoch checked and found finite (0 at the start).
        epochs: the epochs the run was to make.
    """

    def __init__(self, epoch: int, last_finite: int, epochs: int, what: str = "the loss or the weights") -> None:
        super().__init__(f"training diverged: {what} became non-finite (NaN or infinite) between epoch "
                         f"{last_finite} and epoch {epoch} of {epochs}")
        self.epoch, self.last_finite, self.epochs, self.what = epoch, last_finite, epochs, what


class Interrupted(KeyboardInterrupt):
    """Ctrl-C stopped training at ``epoch`` of ``epochs``.

    ``checkpoint`` is the file holding the state of epoch ``saved_epoch``
    (``None`` when the run had no checkpoint file or none was written yet).
    """

    def __init__(self, epoch: int, epochs: int, checkpoint: Path | None, saved_epoch: int | None) -> None:
        where = (f"; state of epoch {saved_epoch} saved in {checkpoint}" if checkpoint is not None
                 and saved_epoch is not None else "; nothing saved")
        super().__init__(f"interrupted at epoch {epoch} of {epochs}{where}")
        self.epoch, self.epochs, self.checkpoint, self.saved_epoch = epoch, epochs, checkpoint, saved_epoch


@dataclass
class InterruptFlag:
    """Set when ``SIGINT`` arrived during the epoch under way (see :func:`safe_points`)."""

    requested: bool = False


@contextmanager
def safe_points() -> Iterator[InterruptFlag]:
    """Defer ``SIGINT`` while the block runs: the first Ctrl-C only sets the flag, a second one interrupts at once.

    The trainer checks the flag after every epoch. Only in the main thread, and
    only when Python's default handler is installed (an application's own
    handler is left alone); otherwise the flag is never set and Ctrl-C raises
    ``KeyboardInterrupt`` where it lands.
    """
    flag = InterruptFlag()
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield flag
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if flag.requested:
            raise KeyboardInterrupt
        flag.requested = True

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)
