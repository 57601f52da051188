"""The references of ``tests/naive.py`` are right on cases worked by hand, and the tolerance check can fail."""

from __future__ import annotations

import numpy as np
import pytest

from tests.naive import assert_within, eigenbasis, matrix_gd, mode_gd, mode_gd_path, orthogonal


def test_one_step_of_mode_gradient_descent_by_hand() -> None:
    # w = 1/4: ∇ℓ = (−λ w2 (1 − w) + ε w w2 + κ w1, …) = (−0.375 + 0.0625 + 0.05, …) at w1 = w2 = 1/2
    w1, w2 = mode_gd(1, lam=1.0, eps=0.5, kappa=0.1, tau=2.0, w1_0=0.5, w2_0=0.5)
    assert w1 == w2 == 0.5 - (-0.375 + 0.0625 + 0.05) / 2.0
    path = mode_gd_path(3, lam=1.0, tau=4.0, w1_0=0.0, w2_0=0.0)
    assert path == [(0.0, 0.0)] * 4  # the saddle is fixed


def test_matrix_gradient_descent_in_one_dimension_is_the_scalar_mode() -> None:
    x = np.array([[1.0], [2.0], [2.0]])  # Σ = 9, N = 3
    epochs, mapping = matrix_gd(np.array([[0.3]]), np.array([[0.2]]), x, lr=0.3, epochs=5, noise_var=0.1,
                                weight_decay=0.01)
    tau, eps, kappa = 3 / 0.3, 3 * 0.1, 3 * 0.01
    expected = [a * b for a, b in mode_gd_path(5, lam=9.0, eps=eps, kappa=kappa, tau=tau, w1_0=0.3, w2_0=0.2)]
    assert list(epochs) == [0, 1, 2, 3, 4, 5]
    np.testing.assert_allclose(mapping[:, 0], expected, rtol=1e-14)


def test_eigenbasis_is_largest_first_and_orthogonal_is_orthogonal() -> None:
    q = orthogonal(np.random.default_rng(0), 4)
    np.testing.assert_allclose(q.T @ q, np.eye(4), atol=1e-14)
    values, vectors = eigenbasis(q @ np.diag([1.0, 4.0, 2.0, 3.0]) @ q.T)
    np.testing.assert_allclose(values, [4.0, 3.0, 2.0, 1.0], rtol=1e-14)
    np.testing.assert_allclose(np.abs(vectors[:, 0]), np.abs(q[:, 1]), atol=1e-12)


def test_assert_within_states_the_rule_and_the_worst_entry() -> None:
    assert_within([1.0, 2.0], [1.0 + 1e-13, 2.0], rel=1e-12)
    assert_within([1e-20], [0.0], abs=1e-18)
    with pytest.raises(AssertionError, match=r"1 of 2 value\(s\) outside rel=1e-12, abs=0; worst at \(1,\)"):
        assert_within([1.0, 2.1], [1.0, 2.0], rel=1e-12)
    with pytest.raises(AssertionError, match="outside"):
        assert_within([np.nan], [0.0], abs=1.0)
