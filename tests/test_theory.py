"""``symdae.theory``: effective scalar weights and per-direction predictions."""

from __future__ import annotations

import numpy as np
import pytest

from symdae.kernels import dae_trajectory
from symdae.theory import effective_weights, initial_state, max_abs_error, predict


def test_effective_weights_keep_the_mapping_and_the_norm() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 5, 7))  # H = 5 hidden units, D = 7 directions: columns a_j, b_j
    p0, q0 = initial_state(a, b.T)
    w1, w2 = effective_weights(p0, q0)
    np.testing.assert_allclose(w1 * w2, np.sum(a * b, axis=0), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(w1**2 + w2**2, np.sum(a * a + b * b, axis=0), rtol=1e-12)


def test_prediction_of_an_isolated_direction_is_the_scalar_mode() -> None:
    epochs = np.arange(0, 201, 20)
    lam = np.array([3.0, 1.0])
    p0, q0 = np.array([1e-4, 4e-4]), np.array([2e-4, 1e-4])
    prediction = predict(epochs, lam, eps=0.5, kappa=0.0, tau=50.0, p0=p0, q0=q0)
    w1, w2 = effective_weights(p0, q0)
    expected = dae_trajectory(epochs[:, None], lam=lam, eps=0.5, tau=50.0, w1_0=w1, w2_0=w2)
    np.testing.assert_allclose(prediction.continuous, expected, rtol=1e-14)
    assert prediction.discrete.shape == expected.shape
    # one gradient step per epoch approaches the flow as the step 1/τ shrinks (first order)
    finer = predict(epochs * 10, lam, eps=0.5, kappa=0.0, tau=500.0, p0=p0, q0=q0)
    coarse_gap = max_abs_error(prediction.continuous, prediction.discrete).max()
    fine_gap = max_abs_error(finer.continuous, finer.discrete).max()
    assert fine_gap < coarse_gap / 5


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: effective_weights([-1.0], [1.0]), "P0 must be finite and >= 0"),
        (lambda: predict([0.5], [1.0], 0.0, 0.0, 1.0, [1.0], [1.0]), "whole numbers"),
        (lambda: predict([1.0], [1.0, 2.0], 0.0, 0.0, 1.0, [1.0], [1.0]), "one value per eigenvalue"),
        (lambda: initial_state(np.ones((2, 3)), np.ones((2, 3))), "H×D"),
    ],
)
def test_bad_input(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]
