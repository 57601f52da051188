"""Sampled noise: the right distribution, and its gradient averages to the marginalised one (Eq. 1)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

pytest.importorskip("torch")
import torch

from symdae.torch import LinearConfig, TrainingData, train_linear
from symdae.torch._noise import NoiseSampler
from symdae.torch._steps import DataStep

S2 = 0.3


@pytest.mark.parametrize(("kind", "excess_kurtosis"), [("gaussian", 0.0), ("laplace", 3.0)])
def test_sampler_moments(kind: Any, excess_kurtosis: float) -> None:
    zeros = torch.zeros(400, 500, dtype=torch.float64)
    gen = torch.Generator().manual_seed(0)
    noise = NoiseSampler(kind, S2, zeros, gen).corrupt(zeros).numpy().ravel()
    # 2e5 draws: standard errors about 0.002 (mean), 0.3% (variance), 0.03 / 0.1 (kurtosis)
    assert abs(noise.mean()) < 0.01
    assert noise.var() == pytest.approx(S2, rel=0.02)
    assert noise.var() ** -2 * np.mean(noise**4) - 3 == pytest.approx(excess_kurtosis, abs=0.5)


@pytest.mark.parametrize("kind", ["gaussian", "laplace"])
def test_sampled_gradient_is_unbiased(data: TrainingData, kind: Any) -> None:
    """E over the noise of the sampled-noise gradient equals the marginalised gradient exactly.

    The gradient is quadratic in the noise, so the average of K draws has a
    standard error of (sample std)/√K per entry; all entries must lie within
    5 standard errors (a false alarm has probability < 1e-4 over the 48 entries).
    """
    rng = np.random.default_rng(2)
    w1 = torch.tensor(rng.standard_normal((4, data.dim)))
    w2 = torch.tensor(rng.standard_normal((data.dim, 4)))
    x = torch.tensor(data.samples)
    marginal = torch.cat([g.ravel() for g in DataStep(x, S2, 0.01).gradients(w1, w2)])
    sampler = NoiseSampler(kind, S2, x, torch.Generator().manual_seed(4))
    sampled_step = DataStep(x, 0.0, 0.01, sampler)
    draws = torch.stack([torch.cat([g.ravel() for g in sampled_step.gradients(w1, w2)]) for _ in range(1500)])
    z = (draws.mean(0) - marginal) / (draws.std(0) / draws.shape[0] ** 0.5)
    assert z.abs().max() < 5
    assert (draws.mean(0) - marginal).abs().max() < 0.1 * marginal.abs().max()


def test_sampled_training_follows_marginal(data: TrainingData) -> None:
    """Mean mapping of sampled-noise runs over seeds stays within the seed-to-seed spread of the marginal run."""
    base: dict[str, Any] = {"model": "dae", "noise_var": S2, "lr": 0.5, "epochs": 200, "hidden": 3, "every": 50,
            "dtype": "float64", "init_std": 0.05}
    marginal = train_linear(data, LinearConfig(**base)).mapping
    runs = np.stack([train_linear(data, LinearConfig(noise_mode="sampled", seed=seed, **base)).mapping
                     for seed in range(8)])
    error = np.abs(runs.mean(0) - marginal)[:, :3]
    spread = runs.std(0)[:, :3] / np.sqrt(runs.shape[0])
    assert np.all(error <= 5 * spread + 1e-3)
    assert np.all(runs.std(0)[1:, 0] > 0)  # the noise is really sampled


def test_sampled_noise_is_reproducible(data: TrainingData) -> None:
    config = LinearConfig(model="dae", noise_var=S2, noise="laplace", noise_mode="sampled", epochs=20, hidden=3,
                          dtype="float64", seed=3)
    first, second = train_linear(data, config), train_linear(data, config)
    np.testing.assert_array_equal(first.w1, second.w1)
    assert config.resolved_space == "data"
