"""Trainer faults: divergence stops training, a damaged checkpoint is named as such, Ctrl-C saves the state."""

from __future__ import annotations

import dataclasses
import signal
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")

from symdae.torch import LinearConfig, NonlinearConfig, TrainingData, train_linear, train_nonlinear
from symdae.torch._checkpoint import Checkpoint
from symdae.torch._faults import CheckpointDamaged, Interrupted, TrainingDiverged

LINEAR = LinearConfig(model="ae", lr=0.5, epochs=40, hidden=3, every=7, dtype="float32")
NONLINEAR = NonlinearConfig(model="dae", noise_var=1.0, hidden=3, epochs=40, every=3, lr=0.5)


@pytest.mark.parametrize("space", ["eigen", "covariance", "data"])
def test_linear_divergence_stops_and_keeps_the_last_good_checkpoint(data: TrainingData, space: str,
                                                                    tmp_path: Path) -> None:
    path = tmp_path / "state.npz"
    train_linear(data, dataclasses.replace(LINEAR, epochs=10, every=5, space=space), checkpoint=path,
                 checkpoint_every=5)
    good = Checkpoint.load(path)
    config = dataclasses.replace(LINEAR, lr=1e6, epochs=200, every=50, space=space)
    with pytest.raises(TrainingDiverged) as caught:
        train_linear(data, config, checkpoint=path, checkpoint_every=3)
    # caught at the first check after blow-up: a checkpoint (epoch 3) or a record, before the 200 epochs
    assert 0 < caught.value.epoch < 200 and caught.value.last_finite < caught.value.epoch
    assert "non-finite" in str(caught.value) and f"epoch {caught.value.epoch} of 200" in str(caught.value)
    saved = Checkpoint.load(path)  # a diverged state never replaces a saved one
    assert np.isfinite(saved.arrays["w1"]).all() and np.isfinite(saved.arrays["w2"]).all()
    if saved.config["lr"] == config.lr:  # a state the diverging run saved while still finite
        assert saved.epoch <= caught.value.last_finite
    else:  # the earlier run's state, untouched
        assert saved.epoch == good.epoch == 10


def test_nonlinear_divergence_stops(data: TrainingData) -> None:
    with pytest.raises(TrainingDiverged, match="between epoch"):
        train_nonlinear(data, dataclasses.replace(NONLINEAR, lr=1e8, epochs=12, every=4))


def _damage(kind: str, path: Path) -> None:
    content = path.read_bytes()
    if kind == "truncated":
        path.write_bytes(content[: len(content) // 2])
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "flipped":  # one byte of the weights changed: the archive's CRC-32 no longer matches
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("w1.npy")
        middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
        path.write_bytes(content[:middle] + bytes([content[middle] ^ 0xFF]) + content[middle + 1:])
    elif kind == "text":
        path.write_text("not a checkpoint")
    else:  # a readable archive whose contents do not fit the run
        with np.load(path) as archive:
            arrays = {name: archive[name] for name in archive.files}
        if kind == "no-weights":
            del arrays["w1"]
        elif kind == "wrong-shape":
            arrays["w1"] = arrays["w1"][:, :2]
        elif kind == "nan-weights":
            arrays["w2"] = np.full_like(arrays["w2"], np.nan)
        elif kind == "bad-meta":
            arrays["meta"] = np.array("[1, 2]")
        np.savez(path, **arrays)  # the name ends in .npz: kept as it is


DAMAGE = ["truncated", "empty", "flipped", "text", "no-weights", "wrong-shape", "nan-weights", "bad-meta"]


@pytest.mark.parametrize("kind", DAMAGE)
@pytest.mark.parametrize("trainer", ["linear", "nonlinear"])
def test_damaged_checkpoint_is_reported_as_damaged(data: TrainingData, tmp_path: Path, kind: str,
                                                   trainer: str) -> None:
    path = tmp_path / "state.npz"
    train: Callable[..., object]
    train, config = (train_linear, LINEAR) if trainer == "linear" else (train_nonlinear, NONLINEAR)
    train(data, dataclasses.replace(config, epochs=10), checkpoint=path, checkpoint_every=5)
    _damage(kind, path)
    with pytest.raises(CheckpointDamaged, match="not a readable symdae checkpoint"):
        train(data, dataclasses.replace(config, epochs=10), checkpoint=path, resume=True)


def test_other_settings_are_not_mistaken_for_damage(data: TrainingData, tmp_path: Path) -> None:
    path = tmp_path / "state.npz"
    train_linear(data, LINEAR, checkpoint=path)
    with pytest.raises(ValueError, match="lr") as caught:
        train_linear(data, dataclasses.replace(LINEAR, lr=0.4), checkpoint=path, resume=True)
    assert not isinstance(caught.value, CheckpointDamaged)


def _interrupt_at(epoch: int) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        if done == epoch:
            raise KeyboardInterrupt

    return progress


@pytest.mark.parametrize("trainer", ["linear", "nonlinear"])
def test_ctrl_c_saves_the_epoch_reached_and_resumes_bit_for_bit(data: TrainingData, tmp_path: Path,
                                                                trainer: str) -> None:
    train: Callable[..., object]
    train, config = (train_linear, LINEAR) if trainer == "linear" else (train_nonlinear, NONLINEAR)
    whole = train(data, config)
    path = tmp_path / "state.npz"
    with pytest.raises(Interrupted) as caught:  # 23 is no checkpoint epoch: saved because of the interrupt
        train(data, config, checkpoint=path, checkpoint_every=10, progress=_interrupt_at(23))
    assert (caught.value.epoch, caught.value.saved_epoch, caught.value.checkpoint) == (23, 23, path)
    assert isinstance(caught.value, KeyboardInterrupt)
    assert Checkpoint.load(path).epoch == 23
    resumed = train(data, config, checkpoint=path, checkpoint_every=10, resume=True)
    for field in ("mapping", "loss", "w1", "w2"):
        np.testing.assert_array_equal(getattr(whole, field), getattr(resumed, field), err_msg=field)


def test_ctrl_c_without_a_checkpoint_file_says_nothing_was_saved(data: TrainingData) -> None:
    with pytest.raises(Interrupted) as caught:
        train_linear(data, LINEAR, progress=_interrupt_at(5))
    assert caught.value.checkpoint is None and "nothing saved" in str(caught.value)


def test_sigint_during_training_is_deferred_to_the_end_of_the_epoch(data: TrainingData, tmp_path: Path) -> None:
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("SIGINT has a custom handler here")
    path = tmp_path / "state.npz"

    def progress(done: int, total: int) -> None:
        if done == 12:
            signal.raise_signal(signal.SIGINT)  # as Ctrl-C would; the handler only sets a flag

    with pytest.raises(Interrupted) as caught:
        train_linear(data, LINEAR, checkpoint=path, checkpoint_every=100, progress=progress)
    assert caught.value.saved_epoch == 12 and Checkpoint.load(path).epoch == 12
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored
