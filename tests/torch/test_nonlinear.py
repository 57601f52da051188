"""Nonlinear trainer: Supplement F's estimator, and the authors' settings."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

pytest.importorskip("torch")

from symdae.torch import LinearConfig, NonlinearConfig, TrainingData, train_linear, train_nonlinear

EPOCHS, EVERY, HIDDEN, LR = 150, 10, 4, 0.9


@pytest.mark.parametrize(("model", "gamma"), [("ae", 0.0), ("wdae", 0.01)])
def test_estimator_equals_linear_mapping(data: TrainingData, model: Any, gamma: float) -> None:
    """With a linear activation, Σ̂ = Σ Mᵀ and λ̂_j/λ_j is exactly diag(VᵀMV)_j.

    The mean-squared-error loss over N·D entries with rate lr is linear
    gradient descent with α = 2 lr/D and γ = weight_decay·D/2, from the same
    initial weights.
    """
    dim = data.dim
    nonlinear = train_nonlinear(data, NonlinearConfig(
        model=model, activation="linear", hidden=HIDDEN, lr=LR, epochs=EPOCHS, weight_decay=gamma, every=EVERY,
        dtype="float64", init_std=0.01))
    linear = train_linear(data, LinearConfig(
        model=model, lr=2 * LR / dim, weight_decay=gamma * dim / 2, epochs=EPOCHS, hidden=HIDDEN, every=EVERY,
        dtype="float64", init_std=0.01))
    np.testing.assert_array_equal(nonlinear.epochs, linear.epochs[:-1])
    np.testing.assert_allclose(nonlinear.mapping, linear.mapping[:-1], rtol=0, atol=1e-12)
    np.testing.assert_allclose(nonlinear.w1, linear.w1, rtol=0, atol=1e-12)
    assert nonlinear.mapping[-1, 0] > 0.5


def test_linear_dae_equals_sampled_linear_dae(data: TrainingData) -> None:
    """Same seed, same noise draws: the linear-activation DAE is the linear sampled-noise DAE."""
    dim = data.dim
    nonlinear = train_nonlinear(data, NonlinearConfig(
        model="dae", activation="linear", hidden=HIDDEN, lr=LR, epochs=EPOCHS, noise_var=0.1, dtype="float64",
        init_std=0.01))
    linear = train_linear(data, LinearConfig(
        model="dae", noise_var=0.1, noise_mode="sampled", lr=2 * LR / dim, epochs=EPOCHS, hidden=HIDDEN,
        dtype="float64", init_std=0.01))
    np.testing.assert_allclose(nonlinear.w1, linear.w1, rtol=0, atol=1e-12)
    np.testing.assert_allclose(nonlinear.w2, linear.w2, rtol=0, atol=1e-12)


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_nonlinear_runs(data: TrainingData, activation: Any) -> None:
    config = NonlinearConfig(activation=activation, hidden=8, epochs=300, every=50, directions=3,
                             init_std=0.05)
    run = train_nonlinear(data, config)
    assert run.mapping.shape == (6, 3)
    np.testing.assert_array_equal(run.epochs, np.arange(0, 300, 50))
    assert np.all(np.isfinite(run.mapping))
    assert run.loss[-1] < run.loss[0]
    assert 0.3 < run.mapping[-1, 0] < 1.1


def test_null_directions_are_nan() -> None:
    rows = np.random.default_rng(0).random((20, 4))
    rows[:, 3] = 0.0  # a pixel that is always off: λ_4 = 0
    data = TrainingData.from_samples(rows)
    run = train_nonlinear(data, NonlinearConfig(hidden=3, epochs=2))
    assert np.isnan(run.mapping[:, 3]).all() and np.isfinite(run.mapping[:, :3]).all()


def test_paper_settings() -> None:
    dae = NonlinearConfig.paper("dae")
    assert (dae.lr, dae.epochs, dae.hidden, dae.noise_var, dae.init_std, dae.every) == (0.9, 2000, 256, 4.0, 1e-3, 10)
    assert NonlinearConfig.paper("wdae", dataset="cifar10").weight_decay == 0.0045
    assert NonlinearConfig.paper("wdae", dataset="cifar10").hidden == 512
    tanh = NonlinearConfig.paper("dae", activation="tanh", epochs=10)
    assert (tanh.noise_var, tanh.every, tanh.epochs) == (2.0, 100, 10)
