"""Bad input raises ValueError naming the field and the rule, never a torch traceback."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")
import torch

from symdae.torch import (
    LinearConfig,
    NonlinearConfig,
    TrainingData,
    aligned_weights,
    train_linear,
    train_nonlinear,
)
from tests.torch.synthetic import synthetic_rows

LINEAR_BAD = [
    ({"model": "vae"}, "model must be one of"),
    ({"lr": 0.0}, "lr must be > 0"),
    ({"lr": float("nan")}, "lr must be a finite real number"),
    ({"lr": "0.1"}, "lr must be a finite real number"),
    ({"epochs": -1}, "epochs must be >= 0"),
    ({"epochs": 2.5}, "epochs must be an integer"),
    ({"hidden": 0}, "hidden must be >= 1"),
    ({"hidden": True}, "hidden must be an integer"),
    ({"model": "dae", "noise_var": -0.1}, "noise_var must be >= 0"),
    ({"noise": "uniform"}, "noise must be one of"),
    ({"noise_mode": "exact"}, "noise_mode must be one of"),
    ({"weight_decay": -1.0}, "weight_decay must be >= 0"),
    ({"every": 0}, "every must be >= 1"),
    ({"seed": -3}, "seed must be >= 0"),
    ({"device": "tpu"}, "device must be"),
    ({"dtype": "float16"}, "dtype must be one of"),
    ({"init_std": 0.0}, "init_std must be > 0"),
    ({"aligned": 1}, "aligned must be True or False"),
    ({"space": "fourier"}, "space must be one of"),
    ({"noise_var": 0.5}, "noise_var must be 0 for model 'ae'"),
    ({"weight_decay": 0.5}, "weight_decay must be 0 for model 'ae'"),
    ({"model": "dae"}, "noise_var must be > 0 for model 'dae'"),
    ({"model": "wdae"}, "weight_decay must be > 0 for model 'wdae'"),
    ({"model": "wdae", "weight_decay": 0.1, "noise_var": 0.1}, "noise_var must be 0 for model 'wdae'"),
    ({"model": "dae", "noise_var": 0.1, "noise_mode": "sampled", "space": "eigen"}, "space must be 'data'"),
]


@pytest.mark.parametrize(("fields", "message"), LINEAR_BAD)
def test_linear_config_rejects(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LinearConfig(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("fields", "message"), [
    ({"activation": "gelu"}, "activation must be one of"),
    ({"directions": 0}, "directions must be >= 1"),
    ({"lr": -0.9}, "lr must be > 0"),
    ({"model": "dae"}, "noise_var must be > 0"),
])
def test_nonlinear_config_rejects(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        NonlinearConfig(**fields)  # type: ignore[arg-type]


def test_paper_preset_rejects() -> None:
    with pytest.raises(ValueError, match="dataset must be one of"):
        NonlinearConfig.paper("ae", dataset="svhn")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lr must be > 0"):
        NonlinearConfig.paper("ae", lr=0)


def test_training_data_rejects() -> None:
    rows = synthetic_rows(10, 3)
    good = TrainingData.from_samples(rows)
    lam, vecs = good.eigenvalues, good.eigenvectors
    with pytest.raises(ValueError, match="descending"):
        TrainingData(lam[::-1], vecs, 10)
    with pytest.raises(ValueError, match="eigenvalues must be >= 0"):
        TrainingData(lam - 1.0, vecs, 10)
    with pytest.raises(ValueError, match="orthogonal"):
        TrainingData(lam, vecs * 2, 10)
    with pytest.raises(ValueError, match=r"eigenvectors must have shape \(3, 3\)"):
        TrainingData(lam, vecs[:2], 10)
    with pytest.raises(ValueError, match="eigenvalues must be finite"):
        TrainingData(np.array([np.nan, 1.0, 0.0]), vecs, 10)
    with pytest.raises(ValueError, match="n_samples must be an integer >= 1"):
        TrainingData(lam, vecs, 0)
    with pytest.raises(ValueError, match=r"samples must have shape \(n_samples, D\)"):
        TrainingData(lam, vecs, 10, rows[:5])
    with pytest.raises(ValueError, match="samples must be finite"):
        TrainingData.from_samples(np.full((3, 2), np.inf))
    with pytest.raises(ValueError, match="non-empty 2-D"):
        TrainingData.from_samples(np.ones(3))


def test_training_calls_reject(data: TrainingData) -> None:
    spectrum_only = TrainingData(data.eigenvalues, data.eigenvectors, data.n_samples)
    with pytest.raises(ValueError, match=r"data\.samples must hold the rows"):
        train_linear(spectrum_only, LinearConfig(space="data", epochs=1))
    with pytest.raises(ValueError, match=r"data\.samples must hold the rows"):
        train_nonlinear(spectrum_only, NonlinearConfig(epochs=1))
    with pytest.raises(ValueError, match="data must be a TrainingData"):
        train_linear(data.samples, LinearConfig())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"init: W1 must have shape \(2, 6\)"):
        train_linear(data, LinearConfig(hidden=2), init=(np.ones((3, 6)), np.ones((6, 2))))
    with pytest.raises(ValueError, match="not both"):
        train_linear(data, LinearConfig(hidden=2, aligned=True), init=(np.ones((2, 6)), np.ones((6, 2))))
    with pytest.raises(ValueError, match="checkpoint_every must be an integer >= 1"):
        train_linear(data, LinearConfig(hidden=2), checkpoint_every=0)
    with pytest.raises(ValueError, match="resume needs a checkpoint file"):
        train_linear(data, LinearConfig(hidden=2), resume=True)
    with pytest.raises(ValueError, match="directions must be <= D = 6"):
        train_nonlinear(data, NonlinearConfig(directions=7))
    with pytest.raises(ValueError, match="rotation must be an orthogonal"):
        aligned_weights(data.eigenvectors, [1.0], [1.0], np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"d2 must hold min\(H, D\) = 2"):
        aligned_weights(data.eigenvectors, [1.0, 1.0], [1.0], np.eye(2))


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message on machines without CUDA")
def test_absent_cuda_is_a_value_error(data: TrainingData) -> None:
    with pytest.raises(ValueError, match="CUDA is not available"):
        train_linear(data, LinearConfig(device="cuda", epochs=1))


def test_numpy_scalars_are_normalised() -> None:
    config = LinearConfig(lr=np.float32(0.5), epochs=np.int64(3), hidden=np.int32(2))  # type: ignore[arg-type]
    assert type(config.lr) is float and type(config.epochs) is int and type(config.hidden) is int
    assert NonlinearConfig(directions=np.int64(2)).directions == 2  # type: ignore[arg-type]


def test_inputs_are_not_modified(data: TrainingData) -> None:
    """Explicit initial weights and read-only rows are used, never written to."""
    assert data.samples is not None
    rows = data.samples.copy()
    rows.flags.writeable = False
    frozen = TrainingData(data.eigenvalues, data.eigenvectors, data.n_samples, rows)
    rng = np.random.default_rng(0)
    w1, w2 = rng.standard_normal((2, 6)), rng.standard_normal((6, 2))
    before = w1.copy(), w2.copy()
    config = LinearConfig(hidden=2, epochs=5, space="data", dtype="float64")
    train_linear(frozen, config, init=(w1, w2))
    np.testing.assert_array_equal(w1, before[0])
    np.testing.assert_array_equal(w2, before[1])
    train_nonlinear(frozen, NonlinearConfig(hidden=2, epochs=2, dtype="float64"))
