"""Training settings ↔ mode units, and the predictor of every direction's mapping."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from symdae.kernels import dae_trajectory, gd_iterates, mode_trajectory
from symdae.theory import predictor
from symdae.units import from_training, to_training

positive = st.floats(1e-6, 1e6)
nonnegative = st.one_of(st.just(0.0), st.floats(1e-6, 1e6))


@given(n=positive, lr=positive, s2=nonnegative, gamma=nonnegative)
def test_to_training_inverts_from_training(n: float, lr: float, s2: float, gamma: float) -> None:
    mode = from_training(n_samples=n, lr=lr, noise_var=s2, weight_decay=gamma)
    assert mode == {"tau": n / lr, "eps": n * s2, "kappa": n * gamma}
    back = to_training(n_samples=n, **mode)
    assert math.isclose(back["lr"], lr, rel_tol=1e-15)
    assert math.isclose(back["noise_var"], s2, rel_tol=1e-15)
    assert math.isclose(back["weight_decay"], gamma, rel_tol=1e-15)


def test_units_broadcast_and_refuse_bad_settings() -> None:
    mode = from_training(n_samples=np.array([10.0, 20.0]), lr=0.5)
    np.testing.assert_array_equal(mode["tau"], [20.0, 40.0])
    with pytest.raises(ValueError, match=r"n_samples must be finite and > 0, got 0\.0"):
        from_training(n_samples=0, lr=1.0)
    with pytest.raises(ValueError, match=r"noise_var must be finite and >= 0, got -1\.0"):
        from_training(n_samples=1, lr=1.0, noise_var=-1.0)
    with pytest.raises(ValueError, match="tau = n_samples/lr exceeds"):
        from_training(n_samples=1e300, lr=1e-300)
    with pytest.raises(TypeError, match="lr must be a real number"):
        from_training(n_samples=1, lr="fast")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        from_training(1, 1.0)  # type: ignore[misc]  # keywords only


LAM = np.array([50.0, 3.0, 0.2, 0.0])


@pytest.mark.parametrize("kappa", [0.0, 0.1])
def test_predictor_is_the_kernels_per_direction(kappa: float) -> None:
    t = np.array([[0.0, 10.0], [100.0, 1000.0]])
    f = predictor(LAM, tau=20.0, eps=0.5, kappa=kappa, w1_0=1e-3, w2_0=np.array([2e-3, 1e-3, 5e-4, 1e-3]))
    got = f(t)
    assert got.shape == (2, 2, 4)
    w2 = np.array([2e-3, 1e-3, 5e-4, 1e-3])
    for j in range(4):
        if kappa == 0:
            expected = dae_trajectory(t, lam=LAM[j], eps=0.5, tau=20.0, w1_0=1e-3, w2_0=w2[j])
        else:
            expected = mode_trajectory(t, lam=LAM[j], eps=0.5, kappa=kappa, tau=20.0, w1_0=1e-3, w2_0=w2[j])
        np.testing.assert_array_equal(got[..., j], expected)


def test_predictor_limit_is_exact_and_agrees_with_a_settled_trajectory() -> None:
    lam = np.array([4.0, 1.0, 0.25, 0.0, 2.0, 3.0])
    w1 = np.array([0.01, -0.02, 0.3, 0.1, 0.05, 0.0])
    w2 = np.array([0.01, 0.03, 0.3, 0.1, -0.05, 0.0])
    f = predictor(lam, tau=1.0, eps=1.0, w1_0=w1, w2_0=w2)
    limit = f(np.inf)
    np.testing.assert_array_equal(limit, [0.8, 0.5, 0.2, 0.0, 0.0, 0.0])  # on w1 = −w2, and at the origin: 0
    np.testing.assert_allclose(f(1e300), limit, rtol=0, atol=1e-15)  # λ = 0 decays only as 1/t
    still = predictor(np.array([0.0]), tau=1.0, w1_0=0.3, w2_0=-0.2)  # λ = ε = κ = 0: nothing moves
    assert float(still(np.inf)[0]) == pytest.approx(-0.06, rel=1e-15)


def test_predictor_discrete_is_gradient_descent() -> None:
    f = predictor(LAM, tau=100.0, eps=0.5, kappa=0.1, w1_0=1e-3, w2_0=2e-3, discrete=True)
    steps = np.array([0.0, 1.0, 7.0, 300.0])
    a, b = gd_iterates(steps[:, None], lam=LAM, eps=0.5, kappa=0.1, tau=100.0, w1_0=1e-3, w2_0=2e-3)
    np.testing.assert_array_equal(f(steps), np.asarray(a) * np.asarray(b))
    with pytest.raises(ValueError, match="whole, finite epochs"):
        f(np.array([0.5]))


def test_predictor_refuses_bad_input_naming_it() -> None:
    with pytest.raises(ValueError, match="eigenvalues must be a 1-D array"):
        predictor(np.ones((2, 2)), tau=1.0, w1_0=0.1, w2_0=0.1)
    with pytest.raises(ValueError, match="w2_0 must be one value or one per eigenvalue"):
        predictor(LAM, tau=1.0, w1_0=0.1, w2_0=[0.1, 0.2])
    with pytest.raises(ValueError, match="tau"):
        predictor(LAM, tau=-1.0, w1_0=0.1, w2_0=0.1)
    with pytest.raises(ValueError, match="lam"):
        predictor(-LAM, tau=1.0, w1_0=0.1, w2_0=0.1)
    f = predictor(LAM, tau=1.0, w1_0=0.1, w2_0=0.1)
    with pytest.raises(ValueError, match="t must be >= 0"):
        f(-1.0)
