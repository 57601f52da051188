"""The theory for a run: its mode units, the per-direction prediction, the agreement and the rate to use.

Linear runs: each direction is exactly a scalar mode with effective weights
from its initial ``|a + b|²`` and ``|a − b|²`` (:mod:`symdae.theory`), in the
mode units ``τ = N/α``, ``ε = N s²``, ``κ = Nγ`` (:func:`symdae.units.from_training`).
Nonlinear runs: the linear theory of the equivalent linear network, a
qualitative reference only -- the MSE over ``N·D`` entries with rate ``lr``
and weight decay ``wd`` is the linear loss with ``α = 2 lr/D`` and
``γ = wd·D/2`` -- from the typical random start ``|a ± b|² ≈ 2Hσ0²``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from symdae.experiments._description import DIMENSIONS, Experiment
from symdae.experiments._paper import INIT_STD
from symdae.theory import Prediction, max_abs_error, predict

HIGHLIGHT = (1, 4, 8, 16, 32)
"""The directions of the paper's Figure 5 (1-based)."""
DIRECTION_INDEXING = ("1-based: direction j is the eigenvector of the j-th largest eigenvalue of Σ = XᵀX; it is "
                      "column j − 1 of measured, theory and theory_discrete, and directions[j − 1] = j")
"""The one convention ``result.json`` and ``result.npz`` use for directions (stated in both)."""
UNITS = "tau = N/α (epochs), eps = N·s², kappa = N·γ (docs/conventions.md)"


def init_std(exp: Experiment) -> float:
    """The initial weights' standard deviation the run uses (``init_std``, else the kind's default)."""
    return INIT_STD[exp.kind] if exp.init_std is None else exp.init_std


def training_units(exp: Experiment, *, dim: int | None = None) -> dict[str, float]:
    """``lr``, ``noise_var`` and ``weight_decay`` of the linear network the theory describes: the run's own for a
    linear run; for a nonlinear run those of the equivalent linear network (``α = 2 lr/D``, ``γ = wd·D/2``;
    ``dim``: D, by default the dataset's)."""
    if exp.kind == "linear":
        return {"lr": exp.lr, "noise_var": exp.noise_var, "weight_decay": exp.weight_decay}
    dim = DIMENSIONS[exp.dataset] if dim is None else dim
    return {"lr": 2 * exp.lr / dim, "noise_var": exp.noise_var, "weight_decay": exp.weight_decay * dim / 2}


def mode_units(exp: Experiment, *, dim: int | None = None) -> dict[str, float]:
    """``{"tau": N/α, "eps": N s², "kappa": Nγ}`` of the run (of its equivalent linear network if nonlinear)."""
    from symdae.units import from_training

    mode = from_training(n_samples=exp.samples, **training_units(exp, dim=dim))
    return {name: float(value) for name, value in mode.items()}


def mode_record(exp: Experiment, *, dim: int | None = None) -> dict[str, Any]:
    """The ``mode`` block of ``result.json``: τ, ε, κ, their definition and the network they describe."""
    network = ("the linear network trained" if exp.kind == "linear" else
               "the equivalent linear network (α = 2·lr/D, γ = weight_decay·D/2; a qualitative reference)")
    return {**mode_units(exp, dim=dim), "units": UNITS, "network": network}


def theory(exp: Experiment, epochs: ArrayLike, eigenvalues: ArrayLike, *, p0: ArrayLike | None = None,
           q0: ArrayLike | None = None, dim: int | None = None) -> Prediction:
    """The continuous- and discrete-time theory of the ``K = len(eigenvalues)`` directions of ``exp``.

    ``p0`` and ``q0`` are each direction's measured ``|a + b|²`` and ``|a − b|²`` at epoch 0 (linear runs);
    without them, the typical random start ``2Hσ0²`` of ``hidden`` units with weights of ``init_std``.
    """
    lam = np.asarray(eigenvalues, dtype=np.float64)
    if (p0 is None) != (q0 is None):
        raise ValueError("p0 and q0 go together (each direction's initial |a + b|² and |a − b|²)")
    if p0 is None or q0 is None:
        p0 = q0 = np.full(lam.shape, 2 * exp.hidden * init_std(exp) ** 2)
    mode = mode_units(exp, dim=dim)
    return predict(epochs, lam, eps=mode["eps"], kappa=mode["kappa"], tau=mode["tau"], p0=p0, q0=q0)


def theory_description(exp: Experiment) -> str:
    """What ``theory`` and ``theory_discrete`` hold, in one line."""
    if exp.kind == "linear":
        return "exact per-direction reduction (symdae.theory), continuous and discrete time"
    return "linear theory of the equivalent linear network (qualitative reference)"


def _nanmax(values: np.ndarray) -> float:
    finite = values[~np.isnan(values)]
    return float(np.max(finite)) if finite.size else float("nan")


def agreement(measured: np.ndarray, theory: np.ndarray, discrete: np.ndarray) -> dict[str, Any]:
    """The ``agreement`` block of ``result.json``: per Figure 5 direction (1-based keys) and over all K."""
    k = measured.shape[1]
    continuous_err = max_abs_error(measured, theory)
    discrete_err = max_abs_error(measured, discrete)
    shown = [j for j in HIGHLIGHT if j <= k]
    return {
        "metric": "max over recorded epochs of |measured - theory| per direction",
        "figure5_directions": {
            str(j): {"continuous": float(continuous_err[j - 1]), "discrete": float(discrete_err[j - 1]),
                     "final_measured": float(measured[-1, j - 1]), "final_theory": float(discrete[-1, j - 1])}
            for j in shown
        },
        "max_continuous": _nanmax(continuous_err),
        "max_discrete": _nanmax(discrete_err),
    }


def rate_advice(exp: Experiment, lam1: float, *, dim: int | None = None) -> str:
    """The learning rate to use instead of a diverging one (Supp. D), in the run's own units."""
    from symdae.kernels import optimal_tau

    dim = DIMENSIONS[exp.dataset] if dim is None else dim
    mode = mode_units(exp, dim=dim)
    eps, kappa = mode["eps"], mode["kappa"]
    rate = exp.samples / float(optimal_tau(lam=lam1, eps=eps, kappa=kappa))
    if exp.kind == "linear":
        return (f"the optimal rate for these data is α* = N/(2λ1 + 3ε + κ) = {rate:.4g} (λ1 = {lam1:.5g}, "
                f"ε = N·s² = {eps:g}, κ = N·γ = {kappa:g})")
    return (f"the equivalent linear network's optimal rate is α*·D/2 = {rate * dim / 2:.4g} "
            f"with α* = N/(2λ1 + 3ε + κ), λ1 = {lam1:.5g}, ε = N·s² = {eps:g}, κ = N·γ·D/2 = {kappa:g} (a guide "
            f"for {exp.activation} networks)")
