"""Checkpoint and resume: an interrupted run continues exactly where it stopped."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("torch")

from symdae.torch import (
    LinearConfig,
    NonlinearConfig,
    TrainingData,
    train_linear,
    train_nonlinear,
)
from tests.torch.synthetic import synthetic_rows


class Interrupt(Exception):
    """Raised from the progress callback to stop a run part-way."""


def _stop_at(epoch: int) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        if done == epoch:
            raise Interrupt

    return progress


def _assert_same(first: Any, second: Any) -> None:
    for field in dataclasses.fields(first):
        if field.name not in ("wall_time", "config"):
            a, b = getattr(first, field.name), getattr(second, field.name)
            np.testing.assert_array_equal(a, b, err_msg=field.name)


LINEAR = [
    LinearConfig(model="ae", lr=0.5, epochs=50, hidden=3, every=7, dtype="float32"),
    LinearConfig(model="dae", noise_var=0.1, noise_mode="sampled", noise="laplace", lr=0.5, epochs=50, hidden=3,
                 every=7, dtype="float32"),
    LinearConfig(model="wdae", weight_decay=0.01, lr=0.5, epochs=50, hidden=3, every=7, space="covariance",
                 dtype="float64"),
]


@pytest.mark.parametrize("config", LINEAR, ids=["eigen-ae", "data-sampled-dae", "covariance-wdae"])
def test_linear_resume_is_bit_for_bit(data: TrainingData, config: LinearConfig, tmp_path: Path) -> None:
    whole = train_linear(data, config)
    path = tmp_path / "state.npz"
    with pytest.raises(Interrupt):
        train_linear(data, config, checkpoint=path, checkpoint_every=10, progress=_stop_at(25))
    seen: list[int] = []
    resumed = train_linear(data, config, checkpoint=path, checkpoint_every=10, resume=True,
                           progress=lambda done, total: seen.append(done))
    assert seen[0] == 20
    _assert_same(whole, resumed)
    finished = train_linear(data, config, checkpoint=path, resume=True)  # the final state: nothing left to do
    _assert_same(whole, finished)


def test_nonlinear_resume_is_bit_for_bit(data: TrainingData, tmp_path: Path) -> None:
    config = NonlinearConfig(model="dae", noise_var=1.0, hidden=3, epochs=40, every=3, lr=0.5)
    whole = train_nonlinear(data, config)
    path = tmp_path / "state.npz"
    with pytest.raises(Interrupt):
        train_nonlinear(data, config, checkpoint=path, checkpoint_every=10, progress=_stop_at(17))
    resumed = train_nonlinear(data, config, checkpoint=path, checkpoint_every=10, resume=True)
    _assert_same(whole, resumed)


def test_resume_without_checkpoint_starts_afresh(data: TrainingData, tmp_path: Path) -> None:
    config = LINEAR[0]
    run = train_linear(data, config, checkpoint=tmp_path / "new.npz", resume=True)
    _assert_same(train_linear(data, config), run)
    assert (tmp_path / "new.npz").exists()


def test_resume_refuses_other_runs(data: TrainingData, tmp_path: Path) -> None:
    path = tmp_path / "state.npz"
    train_linear(data, LINEAR[0], checkpoint=path)
    with pytest.raises(ValueError, match="lr"):
        train_linear(data, dataclasses.replace(LINEAR[0], lr=0.4), checkpoint=path, resume=True)
    other = TrainingData.from_samples(synthetic_rows(seed=9))
    with pytest.raises(ValueError, match="other data"):
        train_linear(other, LINEAR[0], checkpoint=path, resume=True)
    with pytest.raises(ValueError, match="linear trainer"):
        train_nonlinear(data, NonlinearConfig(hidden=3, epochs=5), checkpoint=path, resume=True)
    path.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a readable symdae checkpoint"):
        train_linear(data, LINEAR[0], checkpoint=path, resume=True)
