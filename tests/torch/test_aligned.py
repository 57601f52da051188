"""Aligned initialisation: every direction is the scalar mode, under exact discrete gradient descent."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

pytest.importorskip("torch")

from symdae.torch import LinearConfig, TrainingData, aligned_weights, random_rotation, train_linear
from tests.naive import mode_gd_path

EPOCHS, EVERY, LR, HIDDEN = 300, 20, 0.5, 4


@pytest.mark.parametrize("space", ["eigen", "covariance", "data"])
@pytest.mark.parametrize(("model", "s2", "gamma"), [("ae", 0.0, 0.0), ("wdae", 0.0, 0.02),
                                                    ("dae", 0.05, 0.0), ("dae", 0.05, 0.01)])
def test_aligned_matches_scalar_modes(data: TrainingData, space: Any, model: Any, s2: float, gamma: float) -> None:
    rng = np.random.default_rng(7)
    d1, d2 = rng.uniform(0.02, 0.4, HIDDEN), rng.uniform(0.02, 0.4, HIDDEN)
    init = aligned_weights(data.eigenvectors, d1, d2, random_rotation(11, HIDDEN))
    config = LinearConfig(model=model, lr=LR, epochs=EPOCHS, hidden=HIDDEN, every=EVERY, noise_var=s2,
                          weight_decay=gamma, dtype="float64", space=space)
    run = train_linear(data, config, init=init)
    n = data.n_samples
    tau, eps, kappa = n / LR, n * s2, n * gamma
    for j in range(HIDDEN):
        path = mode_gd_path(EPOCHS, lam=data.eigenvalues[j], eps=eps, kappa=kappa, tau=tau, w1_0=d1[j], w2_0=d2[j])
        expected = np.array([a * b for a, b in path])[run.epochs]
        np.testing.assert_allclose(run.mapping[:, j], expected, rtol=0, atol=1e-12, err_msg=f"direction {j}")
    np.testing.assert_allclose(run.mapping[:, HIDDEN:], 0, atol=1e-15)
    assert run.mapping[-1, 0] > 0.5


def test_aligned_config(data: TrainingData) -> None:
    """``aligned=True`` starts every mode at ``w1 = w2 = init_std`` (mapping ``init_std²``)."""
    run = train_linear(data, LinearConfig(hidden=3, epochs=0, aligned=True, init_std=0.1, dtype="float64"))
    np.testing.assert_allclose(run.u0[:3], 0.01, rtol=1e-12)
    np.testing.assert_allclose(run.Q0[:3], 0, atol=1e-15)
    np.testing.assert_allclose(run.u0[3:], 0, atol=1e-15)
