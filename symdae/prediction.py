"""``symdae predict``: per-direction predictions from a dataset's spectrum alone, without training.

The start is the typical small random initialisation of a network with ``H``
hidden units and weights ``N(0, σ0²)``: for every direction ``|a ± b|² ≈ 2Hσ0²``
and no initial mapping, i.e. effective scalar weights ``w1 = 0``,
``w2 = √(2Hσ0²)`` (see :mod:`symdae.theory`).
"""

from __future__ import annotations

import numpy as np

from symdae.kernels import (
    equivalent_weight_decay,
    fixed_point,
    mode_trajectory,
    optimal_learning_rate,
    time_to_fraction,
)

FRACTIONS = (0.5, 0.9)


def epochs_to_fractions(lam: np.ndarray, eps: float, kappa: float, tau: float, w2_0: float,
                        fractions: tuple[float, ...] = FRACTIONS) -> np.ndarray:
    """Epochs until each mode first reaches each fraction of its fixed point, shape ``(K, F)``.

    Exact closed form without weight decay (:func:`time_to_fraction`); with it,
    the first epoch at which :func:`mode_trajectory` reaches the target, on
    whole epochs up to ``1e7`` (``inf`` if later, or never).
    """
    frac = np.asarray(fractions)[None, :]
    if kappa == 0:
        return np.asarray(time_to_fraction(frac, lam[:, None], eps, tau, 0.0, w2_0))
    epochs = np.unique(np.round(np.geomspace(1, 1e7, 4000)))
    w = np.asarray(mode_trajectory(epochs, lam[:, None], eps, kappa, tau, 0.0, w2_0))
    target = np.asarray(fixed_point(lam, eps, kappa))[:, None, None] * frac[..., None]
    reached = (w[:, None, :] >= target) & (target > 0)
    first = np.where(reached.any(axis=2), epochs[np.argmax(reached, axis=2)], np.inf)
    return first


def predict_dataset(dataset: str, samples: int, lr: float, *, noise_var: float = 0.0, weight_decay: float = 0.0,
                    hidden: int = 256, init_std: float = 1e-4, data_root: str | None = None,
                    top: int = 32) -> str:
    """A table of predictions for the first ``top`` directions of ``dataset``'s first ``samples`` images."""
    from symdae.data import load, spectrum

    for name, value in (("samples", samples), ("hidden", hidden), ("top", top)):
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
    for positive, number in (("lr", lr), ("init_std", init_std)):
        if not number > 0:
            raise ValueError(f"{positive} must be > 0, got {number}")
    data = load(dataset, n=samples, data_root=data_root)
    lam = spectrum(data).eigenvalues[:top]
    eps, kappa, tau = samples * noise_var, samples * weight_decay, samples / lr
    w2_0 = float(np.sqrt(2 * hidden * init_std**2))
    times = epochs_to_fractions(lam, eps, kappa, tau, w2_0)
    star = np.asarray(fixed_point(lam, eps, kappa))
    rate = np.asarray(optimal_learning_rate(lam, eps, kappa, samples))
    gamma = np.asarray(equivalent_weight_decay(lam, eps, samples))
    lines = [
        f"{dataset}, N = {samples} ({data.nature}), α = {lr}, s² = {noise_var}, γ = {weight_decay}; "
        f"τ = {tau:g}, ε = {eps:g}, κ = {kappa:g}; start: H = {hidden}, σ0 = {init_std}",
        f"{'dir':>4} {'λ':>12} {'fixed point':>12} {'t50%':>10} {'t90%':>10} {'α*':>12} {'γ≡ε':>12}",
    ]
    for j in range(lam.size):
        lines.append(f"{j + 1:>4} {lam[j]:12.5g} {star[j]:12.5g} {times[j, 0]:10.0f} {times[j, 1]:10.0f} "
                     f"{rate[j]:12.5g} {gamma[j]:12.5g}")
    lines.append("t50%, t90%: epochs to 50% / 90% of the fixed point; α*: learning rate matching the curvature "
                 "at w1 = w2 = 1 (Supp. D); γ≡ε: weight decay with the same fixed point as the noise (Supp. E)")
    return "\n".join(lines)
