"""Matrix-level gradient descent, the NumPy reference of ``tests/naive.py``, against the scalar-mode theory.

The reference is :func:`tests.naive.matrix_gd`, full-batch gradient descent
on the expected matrix loss of ``docs/conventions.md`` (paper §2, Eqs. 1
and 6). Under aligned initialisation ``W1 = R D1 Vᵀ``, ``W2 = V D2 Rᵀ``
(paper §3.2) each direction of ``Σ = VΛVᵀ`` is exactly the scalar mode with
``τ = N/α``, ``ε = N s²``, ``κ = Nγ`` (:func:`symdae.units.from_training`);
from a random start, :func:`symdae.theory.initial_state` and
:func:`symdae.theory.effective_weights` give each direction's scalar start.
"""

from __future__ import annotations

import numpy as np
import pytest

from symdae.kernels import fixed_point
from symdae.kernels._ode import gd_iterates, mode_trajectory
from symdae.theory import effective_weights, initial_state
from symdae.units import from_training
from tests.naive import assert_within, eigenbasis, matrix_gd, orthogonal

N_SAMPLES, D, H = 200, 5, 3


def _data(rng: np.random.Generator, scales: tuple[float, ...] = (3.0, 1.6, 0.9, 0.5, 0.2)) -> np.ndarray:
    """N×D data with distinct eigenvalues of Σ = XᵀX (roughly N scales²)."""
    return rng.normal(size=(N_SAMPLES, D)) * np.array(scales) @ orthogonal(rng, D)


def _aligned(basis: np.ndarray, rotation: np.ndarray, d1: np.ndarray, d2: np.ndarray) -> tuple[np.ndarray, ...]:
    """``W1 = R D1 Vᵀ`` and ``W2 = V D2 Rᵀ`` with ``diag(D1) = d1``, ``diag(D2) = d2`` (min(H, D) entries)."""
    h, d = rotation.shape[0], basis.shape[0]
    diag1, diag2 = np.zeros((h, d)), np.zeros((d, h))
    diag1[np.arange(d1.size), np.arange(d1.size)] = d1
    diag2[np.arange(d2.size), np.arange(d2.size)] = d2
    return rotation @ diag1 @ basis.T, basis @ diag2 @ rotation.T


@pytest.mark.parametrize(("noise_var", "weight_decay"), [(0.0, 0.0), (0.3, 0.0), (0.0, 2e-3), (0.2, 1e-3)])
def test_aligned_initialisation_is_exactly_independent_modes(noise_var: float, weight_decay: float) -> None:
    """AE / DAE / WDAE from W1 = R D1 Vᵀ, W2 = V D2 Rᵀ: each direction is gd_iterates with τ = N/α."""
    rng = np.random.default_rng(1)
    x = _data(rng)
    eigenvalues, basis = eigenbasis(x.T @ x)
    d1, d2 = rng.uniform(0.01, 0.3, H), rng.uniform(-0.3, 0.3, H)
    w1, w2 = _aligned(basis, orthogonal(rng, H), d1, d2)
    alpha = 0.5 * N_SAMPLES / eigenvalues[0]  # one epoch moves the top mode by at most half its gap
    epochs, mappings = matrix_gd(w1, w2, x, lr=alpha, epochs=600, every=40, noise_var=noise_var,
                                         weight_decay=weight_decay)
    mode = from_training(n_samples=N_SAMPLES, lr=alpha, noise_var=noise_var, weight_decay=weight_decay)
    a, b = gd_iterates(epochs[:, None], lam=eigenvalues[:H], eps=mode["eps"], kappa=mode["kappa"], tau=mode["tau"],
                       w1_0=d1, w2_0=d2)
    assert_within(mappings[:, :H], a * b, abs=1e-12, what="aligned directions")
    assert_within(mappings[:, H:], 0.0, abs=1e-12, what="directions without hidden units")
    assert np.all(np.abs(mappings[-1, :H] - mappings[0, :H]) > 0.1)  # the modes did move


def _half_times(mappings: np.ndarray, epochs: np.ndarray, target: np.ndarray) -> np.ndarray:
    """First recorded epoch at which each direction's mapping reaches half its fixed point."""
    reached = mappings >= 0.5 * target
    assert reached[-1].all()
    return epochs[np.argmax(reached, axis=0)]


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_small_random_initialisation_is_close_to_the_mode_theory(weight_decay: float) -> None:
    """Per-mode continuous theory from each direction's effective initial (w1, w2) vs the matrices.

    Setup: H = D = 5, Σ's eigenvalues within a factor ~6, weights ~ N(0, 1e-3²), step
    α = 0.01 N/λ1, DAE s² = 0.2 (or WDAE γ = 0.1, κ = Nγ = 20 ≈ λ5/13, without noise). The theory ignores the
    coupling of directions through the hidden layer, which delays the lower directions.
    Documented bounds (measured, seed 7: half-times 0.5% late for the top direction, up to 19%
    late for the others; mappings off by up to ~0.5 around the later sigmoids): the epoch at which
    each mapping reaches half its fixed point is within 2% (top direction) and 50% (all) of the
    theory's, and every mapping ends within 1e-2 of its fixed point.
    """
    rng = np.random.default_rng(7)
    x = _data(rng, (3.0, 2.4, 1.9, 1.5, 1.2))
    w1, w2 = rng.normal(scale=1e-3, size=(D, D)), rng.normal(scale=1e-3, size=(D, D))
    noise_var = 0.0 if weight_decay else 0.2
    eigenvalues, basis = eigenbasis(x.T @ x)
    alpha = 0.01 * N_SAMPLES / eigenvalues[0]
    epochs, mappings = matrix_gd(w1, w2, x, lr=alpha, epochs=8000, noise_var=noise_var, weight_decay=weight_decay,
                                 every=2)  # half-times to 2 epochs of several hundred; half the ODE's points
    start = effective_weights(*initial_state(w1 @ basis, basis.T @ w2))
    mode = from_training(n_samples=N_SAMPLES, lr=alpha, noise_var=noise_var, weight_decay=weight_decay)
    theory = np.asarray(mode_trajectory(epochs[:, None], lam=eigenvalues, eps=mode["eps"], kappa=mode["kappa"],
                                        tau=mode["tau"], w1_0=start[0], w2_0=start[1]))
    target = np.asarray(fixed_point(lam=eigenvalues, eps=mode["eps"], kappa=mode["kappa"]))
    lag = _half_times(mappings, epochs, target) / _half_times(theory, epochs, target) - 1
    gap = np.max(np.abs(theory - mappings))
    print(f"\nγ = {weight_decay}: max |theory − simulation| = {gap:.3g}; half-time lag per direction: "
          f"{np.array2string(lag, precision=3)}")
    assert abs(lag[0]) < 0.02
    assert np.all(np.abs(lag) < 0.5)
    np.testing.assert_allclose(mappings[-1], target, atol=1e-2)


def test_effective_weights_are_exact_for_aligned_weights() -> None:
    """(d1, d2) up to swapping and a joint sign change: same mapping, same P and Q."""
    rng = np.random.default_rng(3)
    basis = orthogonal(rng, D)
    d1, d2 = rng.uniform(-1.0, 1.0, H), rng.uniform(-1.0, 1.0, H)
    w1_matrix, w2_matrix = _aligned(basis, orthogonal(rng, H), d1, d2)
    w1, w2 = effective_weights(*initial_state(w1_matrix @ basis, basis.T @ w2_matrix))
    np.testing.assert_allclose(w1[:H] * w2[:H], d1 * d2, rtol=1e-13)
    np.testing.assert_allclose((w1 + w2)[:H] ** 2, (d1 + d2) ** 2, rtol=1e-13)
    np.testing.assert_allclose((w2 - w1)[:H] ** 2, (d2 - d1) ** 2, rtol=1e-13)
    np.testing.assert_allclose(np.concatenate([w1[H:], w2[H:]]), 0.0, atol=1e-15)
