"""The three gradient-descent spaces (eigenbasis, covariance, data) are the same computation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

pytest.importorskip("torch")
import torch

from symdae.torch import LinearConfig, TrainingData, train_linear
from symdae.torch._steps import DataStep, SufficientStep

MODELS = {
    "ae": {},
    "wdae": {"weight_decay": 0.02},
    "dae": {"noise_var": 0.05},
    "dae+decay": {"noise_var": 0.05, "weight_decay": 0.01},
}


def _config(model: str, **kw: Any) -> LinearConfig:
    base: dict[str, Any] = {"model": model.split("+")[0], "lr": 0.5, "epochs": 300, "hidden": 4, "every": 25,
            "dtype": "float64", "init_std": 0.01, **MODELS[model]}
    return LinearConfig(**{**base, **kw})


@pytest.mark.parametrize("model", list(MODELS))
def test_spaces_agree(data: TrainingData, model: str) -> None:
    runs = {space: train_linear(data, _config(model, space=space)) for space in ("eigen", "covariance", "data")}
    ref = runs["eigen"]
    assert ref.mapping[-1, 0] > 0.5  # the run learnt something
    for space in ("covariance", "data"):
        run = runs[space]
        np.testing.assert_allclose(run.w1, ref.w1, rtol=0, atol=1e-12)
        np.testing.assert_allclose(run.w2, ref.w2, rtol=0, atol=1e-12)
        np.testing.assert_allclose(run.mapping, ref.mapping, rtol=0, atol=1e-12)
        np.testing.assert_allclose(run.loss, ref.loss, rtol=1e-10)
        np.testing.assert_allclose(run.norms, ref.norms, rtol=1e-10)
        np.testing.assert_array_equal(run.u0, ref.u0)


def test_float32_close_to_float64(data: TrainingData) -> None:
    ref = train_linear(data, _config("dae"))
    for space in ("eigen", "covariance", "data"):
        run = train_linear(data, _config("dae", space=space, dtype="float32"))
        np.testing.assert_allclose(run.mapping, ref.mapping, rtol=0, atol=1e-5)


def _loss(x: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor, s2: float, gamma: float) -> torch.Tensor:
    """Paper Eq. 1 plus weight decay, written directly on the rows."""
    n = x.shape[0]
    m = w2 @ w1
    return (0.5 / n * ((x - x @ m.T) ** 2).sum() + 0.5 * s2 * (m**2).sum()
            + 0.5 * gamma * ((w1**2).sum() + (w2**2).sum()))


@pytest.mark.parametrize("model", list(MODELS))
def test_gradients_match_autograd(data: TrainingData, model: str) -> None:
    s2, gamma = MODELS[model].get("noise_var", 0.0), MODELS[model].get("weight_decay", 0.0)
    rng = np.random.default_rng(3)
    w1 = torch.tensor(rng.standard_normal((3, data.dim)), requires_grad=True)
    w2 = torch.tensor(rng.standard_normal((data.dim, 3)), requires_grad=True)
    assert data.samples is not None
    x = torch.tensor(data.samples)
    _loss(x, w1, w2, s2, gamma).backward()
    sigma_n = torch.tensor(data.covariance() / data.n_samples)
    steps: list[DataStep | SufficientStep] = [DataStep(x, s2, gamma), SufficientStep(sigma_n, s2, gamma)]
    for step in steps:
        g1, g2 = step.gradients(w1.detach(), w2.detach())
        torch.testing.assert_close(g1, w1.grad, rtol=1e-12, atol=1e-12)
        torch.testing.assert_close(g2, w2.grad, rtol=1e-12, atol=1e-12)


def test_records(data: TrainingData) -> None:
    """Recorded mapping, losses and norms equal direct evaluation on the final weights."""
    config = _config("dae+decay", epochs=40, every=15)
    run = train_linear(data, config)
    np.testing.assert_array_equal(run.epochs, [0, 15, 30, 40])
    assert data.samples is not None
    x, vecs = data.samples, data.eigenvectors
    m = run.w2 @ run.w1
    np.testing.assert_allclose(run.mapping[-1], np.diag(vecs.T @ m @ vecs), rtol=0, atol=1e-13)
    recon = 0.5 / x.shape[0] * ((x - x @ m.T) ** 2).sum()
    loss = _loss(torch.tensor(x), torch.tensor(run.w1), torch.tensor(run.w2),
                 config.noise_var, config.weight_decay).item()
    np.testing.assert_allclose(run.reconstruction[-1], recon, rtol=1e-11)
    np.testing.assert_allclose(run.loss[-1], loss, rtol=1e-11)
    np.testing.assert_allclose(run.norms[-1], [np.linalg.norm(run.w1), np.linalg.norm(run.w2)], rtol=1e-12)
    assert np.all(np.diff(run.loss) < 0)


def test_initial_summary(data: TrainingData) -> None:
    rng = np.random.default_rng(5)
    w1, w2 = rng.standard_normal((4, data.dim)), rng.standard_normal((data.dim, 4))
    run = train_linear(data, _config("ae", epochs=0), init=(w1, w2))
    a, b = (w1 @ data.eigenvectors).T, data.eigenvectors.T @ w2  # rows: a_j, b_j
    np.testing.assert_allclose(run.u0, (a * b).sum(1), rtol=1e-12)
    np.testing.assert_allclose(run.P0, ((a + b) ** 2).sum(1), rtol=1e-12)
    np.testing.assert_allclose(run.Q0, ((a - b) ** 2).sum(1), rtol=1e-12)
    mode_w1, mode_w2 = run.mode_initial_weights()
    np.testing.assert_allclose(mode_w1 * mode_w2, run.u0, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(mode_w1**2 + mode_w2**2, (a**2).sum(1) + (b**2).sum(1), rtol=1e-12)
    np.testing.assert_array_equal(run.mapping[0], run.u0)
    np.testing.assert_allclose(run.w1, w1, rtol=0, atol=1e-14)
