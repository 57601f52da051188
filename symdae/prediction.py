"""``symdae predict``: per-direction predictions from a dataset's spectrum alone, without training.

The start is the typical small random initialisation of a network with ``H``
hidden units and weights ``N(0, σ0²)``: for every direction ``|a ± b|² ≈ 2Hσ0²``
and no initial mapping, i.e. effective scalar weights ``w1 = 0``,
``w2 = √(2Hσ0²)`` (see :mod:`symdae.theory`).

Directions with ``λ = 0`` (pixels that are zero in every image; eigenvalues
below the rounding of the eigendecomposition, ``D·ε_mach·λ1``, count as 0) are shown as
they are: with noise or weight decay the loss still curves there and the
fixed point is 0 (nothing to learn, so no times); without either the loss is
flat in that direction and nothing moves ("no dynamics": no fixed point, no
optimal rate).
"""

from __future__ import annotations

import math

import numpy as np

from symdae.kernels import equivalent_kappa, fixed_point, mode_trajectory, optimal_tau, time_to_fraction
from symdae.units import to_training

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
        return np.asarray(time_to_fraction(frac, lam=lam[:, None], eps=eps, tau=tau, w1_0=0.0, w2_0=w2_0))
    epochs = np.unique(np.round(np.geomspace(1, 1e7, 4000)))
    w = np.asarray(mode_trajectory(epochs, lam=lam[:, None], eps=eps, kappa=kappa, tau=tau, w1_0=0.0, w2_0=w2_0))
    target = np.asarray(fixed_point(lam=lam, eps=eps, kappa=kappa))[:, None, None] * frac[..., None]
    reached = (w[:, None, :] >= target) & (target > 0)
    first = np.where(reached.any(axis=2), epochs[np.argmax(reached, axis=2)], np.inf)
    return first


class PredictionError(ValueError):
    """Settings ``symdae predict`` cannot tabulate; the message names the option."""


def check_settings(dataset: str, samples: int, lr: float, *, noise_var: float = 0.0, weight_decay: float = 0.0,
                   hidden: int = 256, init_std: float = 1e-4, top: int = 32) -> tuple[float, float, float, float]:
    """``(τ, ε, κ, w2_0)`` of the settings, or :class:`PredictionError` naming the option and the rule."""
    from symdae.experiments import DIMENSIONS, MAX_INIT_STD, TRAIN_IMAGES

    if dataset not in DIMENSIONS:
        raise PredictionError(f"--dataset must be one of {', '.join(DIMENSIONS)}; got {dataset!r}")
    for name, value, most in (("samples", samples, TRAIN_IMAGES[dataset]), ("hidden", hidden, None),
                              ("top", top, DIMENSIONS[dataset])):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise PredictionError(f"--{name} must be a whole number; got {value!r}")
        if value < 1:
            raise PredictionError(f"--{name} must be >= 1; got {value}")
        if most is not None and value > most:
            what = "training images" if name == "samples" else "directions"
            raise PredictionError(f"--{name} must be <= {most} (the {most} {dataset} {what}); got {value}")
    for option, number, positive in (("lr", lr, True), ("init-std", init_std, True),
                                     ("noise-var", noise_var, False), ("weight-decay", weight_decay, False)):
        if isinstance(number, bool) or not isinstance(number, int | float | np.floating) or \
                not math.isfinite(number):
            raise PredictionError(f"--{option} must be a finite number; got {number!r}")
        if (number <= 0) if positive else (number < 0):
            raise PredictionError(f"--{option} must be {'>' if positive else '>='} 0; got {number:g}")
    if init_std > MAX_INIT_STD:
        raise PredictionError(f"--init-std must be <= {MAX_INIT_STD:g} (the theory's small random start); got "
                              f"{init_std:g}")
    tau, eps, kappa = samples / lr, samples * noise_var, samples * weight_decay
    for flag, derived, what in (("--lr", tau, "N/lr, the time scale τ in epochs"),
                                ("--noise-var", eps, "N·s², the noise ε"),
                                ("--weight-decay", kappa, "N·γ, the weight decay κ")):
        if not math.isfinite(derived):
            raise PredictionError(f"{flag} is out of range: {what}, overflows with --samples {samples}")
    return tau, eps, kappa, math.sqrt(2 * hidden) * init_std


def predict_dataset(dataset: str, samples: int, lr: float, *, noise_var: float = 0.0, weight_decay: float = 0.0,
                    hidden: int = 256, init_std: float = 1e-4, data_root: str | None = None,
                    top: int = 32) -> str:
    """A table of predictions for the first ``top`` directions of ``dataset``'s first ``samples`` images.

    Raises :class:`PredictionError` (a ``ValueError`` naming the option) for
    settings that cannot be tabulated, before any data is read.
    """
    from symdae.data import load, spectrum

    tau, eps, kappa, w2_0 = check_settings(dataset, samples, lr, noise_var=noise_var, weight_decay=weight_decay,
                                           hidden=hidden, init_std=init_std, top=top)
    try:
        data = load(dataset, n=samples, data_root=data_root)
    except ValueError as err:
        if str(err).startswith(f"n = {samples} exceeds"):
            raise PredictionError(f"--samples {samples}{str(err)[len(f'n = {samples}'):]}") from None
        raise
    eigenvalues = np.asarray(spectrum(data).eigenvalues, dtype=np.float64)
    shown = eigenvalues[:top]
    # below the rounding of the eigendecomposition (D·ε_mach·λ1) an eigenvalue is numerically 0
    rounding = eigenvalues.size * np.finfo(np.float64).eps * max(float(eigenvalues[0]), 0.0)
    null = shown <= rounding
    lam = np.where(null, 0.0, shown)
    flat = (lam == 0) & (eps == 0) & (kappa == 0)  # the loss does not depend on these directions: no dynamics
    curved = ~flat
    star = np.full(lam.size, np.nan)
    rate = np.full(lam.size, np.nan)
    times = np.full((lam.size, len(FRACTIONS)), np.nan)
    if curved.any():
        star[curved] = fixed_point(lam=lam[curved], eps=eps, kappa=kappa)
        rate[curved] = to_training(n_samples=samples, tau=optimal_tau(lam=lam[curved], eps=eps, kappa=kappa))["lr"]
        moving = curved & (star > 0)  # a fixed point of 0 is where the mode starts: nothing to learn
        if moving.any():
            times[moving] = epochs_to_fractions(lam[moving], eps, kappa, tau, w2_0)
    gamma = np.asarray(to_training(n_samples=samples, tau=tau, kappa=equivalent_kappa(lam=lam, eps=eps))["weight_decay"])
    lines = [
        f"{dataset}, N = {samples} ({data.nature}), α = {lr:g}, s² = {noise_var:g}, γ = {weight_decay:g}; "
        f"τ = {tau:g}, ε = {eps:g}, κ = {kappa:g}; start: H = {hidden}, σ0 = {init_std:g}",
        f"{'dir':>4} {'λ':>12} {'fixed point':>12} {'t50%':>10} {'t90%':>10} {'α*':>12} {'γ≡ε':>12}",
    ]
    for j in range(lam.size):
        if flat[j]:
            lines.append(f"{j + 1:>4} {shown[j]:12.5g} {'none':>12} {'-':>10} {'-':>10} {'-':>12} {gamma[j]:12.5g}"
                         "  no dynamics: λ = ε = κ = 0, the loss is flat here")
            continue
        lines.append(f"{j + 1:>4} {shown[j]:12.5g} {star[j]:12.5g} {_epochs(times[j, 0])} {_epochs(times[j, 1])} "
                     f"{rate[j]:12.5g} {gamma[j]:12.5g}")
    lines.append("t50%, t90%: epochs to 50% / 90% of the fixed point ('-': the fixed point is 0, where the mode "
                 "starts); α*: learning rate matching the curvature at w1 = w2 = 1 (Supp. D); γ≡ε: weight decay "
                 "with the same fixed point as the noise (Supp. E)")
    if (null & (shown != 0)).any():
        lines.append(f"{int((null & (shown != 0)).sum())} eigenvalue(s) below the rounding of the eigendecomposition "
                     f"(D·ε_mach·λ1 = {rounding:.3g}) are taken as λ = 0")
    if flat.any():
        lines.append(f"{int(flat.sum())} direction(s) with λ = 0 and neither noise nor weight decay: the loss does "
                     "not depend on them, so training leaves them where they start")
    return "\n".join(lines)


def _epochs(value: float) -> str:
    if math.isnan(value):
        return f"{'-':>10}"
    if math.isinf(value) or value < 1e7:
        return f"{value:10.0f}"
    return f"{value:10.3g}"
