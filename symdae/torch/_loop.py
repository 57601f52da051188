"""The resumable training loop shared by the linear and nonlinear trainers.

:func:`train_loop` drives a :class:`Trainee` -- one trainer's weights,
records and step -- from epoch 0, or from a checkpoint of the same run, to
the last epoch: it calls ``progress`` before the first epoch and after every
one, saves the whole state every ``checkpoint_every`` epochs and at the end
(never a non-finite one), turns a record the trainee finds non-finite into
:class:`TrainingDiverged` naming the last epoch found finite, and turns
Ctrl-C into :class:`Interrupted` after saving the state of the last finished
epoch (:func:`safe_points` defers ``SIGINT`` to the end of the epoch under way).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch
from numpy.typing import NDArray

from symdae.torch._checkpoint import Checkpoint
from symdae.torch._faults import Interrupted, TrainingDiverged, safe_points

Progress = Callable[[int, int], None]


class Trainee(Protocol):
    """One trainer's state, driven by :func:`train_loop`."""

    def begin(self, saved: Checkpoint | None) -> None:
        """Set up the weights and records: afresh, or from ``saved`` (already checked to be of this run)."""

    def step(self, epoch: int) -> tuple[int, bool] | None:
        """Train epoch ``epoch`` (the weights after ``epoch`` steps become those after ``epoch + 1``).

        Returns the epoch whose records the step took and whether they are
        finite (returning at once when they are not), or ``None`` when it took none.
        """

    def weights_finite(self) -> bool:
        """Whether the current weights are all finite."""

    def state(self, epoch: int) -> dict[str, NDArray[Any]]:
        """The arrays a checkpoint of the state after ``epoch`` epochs holds."""


@dataclass(frozen=True)
class Run:
    """What identifies a run to its checkpoints: the trainer, its configuration, the data and the device."""

    kind: str
    config: dict[str, Any]
    epochs: int
    n_samples: int
    eigenvalues: NDArray[np.float64]
    device: torch.device
    uses_rng: bool


def train_loop(trainee: Trainee, run: Run, *, progress: Progress | None, checkpoint: str | os.PathLike[str] | None,
               checkpoint_every: int, resume: bool) -> float:
    """Train ``trainee`` to ``run.epochs`` epochs; return the seconds of training, summed over resumed sessions.

    Raises:
        TrainingDiverged: a record or the weights became non-finite.
        Interrupted: Ctrl-C (or a ``KeyboardInterrupt`` from ``progress``), after saving the last finished epoch.
        CheckpointDamaged: ``resume`` found a ``checkpoint`` it cannot read back; ``ValueError`` for one of
            another run.
    """
    saved = Checkpoint.load(checkpoint) if resume and checkpoint and Path(checkpoint).exists() else None
    if saved is not None:
        saved.check_matches(run.kind, run.config, run.n_samples, run.eigenvalues, run.device, run.uses_rng)
    trainee.begin(saved)
    epoch, previous_time = (0, 0.0) if saved is None else (saved.epoch, saved.wall_time)
    started = time.perf_counter()
    checked = epoch  # the latest epoch found finite
    saved_epoch: int | None = None if saved is None else epoch  # the epoch the checkpoint file holds

    def save(path: str | os.PathLike[str]) -> None:
        nonlocal saved_epoch, checked
        if not trainee.weights_finite():
            raise TrainingDiverged(epoch, checked, run.epochs, "the weights")
        checked = epoch
        Checkpoint(run.kind, run.config, epoch, run.n_samples, run.device.type,
                   previous_time + time.perf_counter() - started, trainee.state(epoch)).save(path)
        saved_epoch = epoch

    in_step = False
    try:
        with safe_points() as interrupt:
            if progress is not None:
                progress(epoch, run.epochs)
            while epoch < run.epochs:
                in_step = True
                check = trainee.step(epoch)
                if check is not None:
                    if not check[1]:
                        raise TrainingDiverged(check[0], checked, run.epochs)
                    checked = check[0]
                epoch += 1
                if checkpoint is not None and (epoch % checkpoint_every == 0 or epoch == run.epochs):
                    save(checkpoint)
                in_step = False
                if progress is not None:
                    progress(epoch, run.epochs)
                if interrupt.requested:
                    raise KeyboardInterrupt
    except KeyboardInterrupt as err:
        if isinstance(err, Interrupted):
            raise
        if checkpoint is not None and not in_step and saved_epoch != epoch:
            try:
                save(checkpoint)
            except TrainingDiverged:
                pass  # keep the last good checkpoint
        raise Interrupted(epoch, run.epochs, None if checkpoint is None else Path(checkpoint), saved_epoch) from None
    if checked != epoch and not trainee.weights_finite():
        raise TrainingDiverged(epoch, checked, run.epochs, "the weights")
    if run.device.type == "cuda":
        torch.cuda.synchronize(run.device)
    return previous_time + time.perf_counter() - started
