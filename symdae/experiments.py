"""Experiments: train on MNIST or CIFAR-10 and compare with the theory (needs ``torch``).

A run loads the first ``N`` training images (pixels / 255, flattened,
uncentred), takes the spectrum of ``Σ = XᵀX`` (cached), trains a linear or
nonlinear autoencoder with :mod:`symdae.torch`, and writes, atomically,

* ``DIR/result.npz``: ``epochs`` (T,), ``measured`` (T, K), ``theory`` (T, K)
  (continuous time), ``theory_discrete`` (T, K) (linear runs: one gradient
  step per epoch), ``eigenvalues`` (D,), ``directions`` (K,) (0-based);
* ``DIR/result.json``: the configuration, versions, device, wall time, the
  data's provenance and nature, and agreement metrics per direction.

Linear theory: each direction is exactly a scalar mode with effective
weights from its initial ``|a + b|²`` and ``|a − b|²`` (:mod:`symdae.theory`).
Nonlinear runs record the Supplement F estimate; their ``theory`` is the
linear theory of the same settings (the MSE over ``N·D`` entries with rate
``lr`` and weight decay ``wd`` is the linear loss with ``α = 2 lr/D`` and
``γ = wd·D/2``), a qualitative reference only.
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from symdae import __version__
from symdae._io import atomic_writer, write_atomic
from symdae.theory import max_abs_error, predict

Progress = Callable[[int, int], None]
HIGHLIGHT = (1, 4, 8, 16, 32)
"""The directions of the paper's Figure 5 (1-based)."""


@dataclass(frozen=True)
class Experiment:
    """One experiment's settings (the ``symdae experiment`` options)."""

    kind: Literal["linear", "nonlinear"] = "linear"
    dataset: Literal["mnist", "cifar10"] = "mnist"
    data_root: str | None = None
    samples: int = 50000
    epochs: int = 5000
    lr: float = 0.01
    hidden: int = 256
    model: Literal["ae", "dae", "wdae"] = "ae"
    noise_var: float = 0.0
    noise: Literal["gaussian", "laplace"] = "gaussian"
    noise_mode: Literal["marginal", "sampled"] = "marginal"
    weight_decay: float = 0.0
    activation: Literal["relu", "tanh"] = "relu"
    every: int = 10
    seed: int = 0
    device: str = "auto"
    dtype: Literal["float32", "float64"] = "float32"
    init_std: float | None = None
    directions: int | None = None
    space: Literal["auto", "eigen", "covariance", "data"] = "auto"
    aligned: bool = False

    def __post_init__(self) -> None:
        if self.kind == "nonlinear" and (self.space != "auto" or self.aligned):
            raise ValueError("space and aligned apply to linear runs only (a nonlinear network trains on the "
                             "data rows from i.i.d. random weights)")
        if self.noise_mode == "sampled" and self.space not in ("auto", "data"):  # checked before loading the data
            raise ValueError(f"space must be 'data' or 'auto' for noise_mode 'sampled' (sampled noise corrupts "
                             f"the data rows); got {self.space!r}")
        for name in ("samples", "epochs", "hidden", "every"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not self.lr > 0:
            raise ValueError(f"lr must be > 0, got {self.lr}")
        for name in ("noise_var", "weight_decay"):
            if not float(getattr(self, name)) >= 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")


def _load(exp: Experiment) -> tuple[Any, Any, Any]:
    from symdae.data import load, preprocess, spectrum

    data = load(exp.dataset, n=exp.samples, data_root=exp.data_root)
    x = preprocess(data.images, dtype=np.float32 if exp.dtype == "float32" else np.float64)
    return data, x, spectrum(data)


def run(exp: Experiment, out: Path, progress: Progress | None = None, resume: bool = False,
        checkpoint_every: int = 500) -> dict[str, Any]:
    """Run ``exp``, write ``out/result.npz`` and ``out/result.json``; return the JSON record."""
    from symdae.torch import TrainingData

    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    data, x, spec = _load(exp)
    training = TrainingData(spec.eigenvalues, spec.eigenvectors, exp.samples, x)
    checkpoint = out / "checkpoint.pt"
    if exp.kind == "linear":
        measured, epochs, theory, discrete, run_info = _linear(exp, training, progress, checkpoint, resume,
                                                               checkpoint_every)
    else:
        measured, epochs, theory, discrete, run_info = _nonlinear(exp, training, progress, checkpoint, resume,
                                                                  checkpoint_every)
    k = measured.shape[1]
    directions = np.arange(k)
    metrics = _agreement(measured, theory, discrete)
    record = {
        "experiment": asdict(exp),
        "data": {"dataset": exp.dataset, "n": exp.samples, "nature": data.nature,
                 "provenance": data.provenance, "folder": str(data.folder)},
        "versions": _versions(),
        "wall_time_s": time.perf_counter() - started,
        **run_info,
        "agreement": metrics,
    }
    with atomic_writer(out / "result.npz") as handle:
        np.savez(handle, epochs=epochs, measured=measured, theory=theory, theory_discrete=discrete,
                 eigenvalues=spec.eigenvalues, directions=directions)
    write_atomic(out / "result.json", json.dumps(record, indent=2, default=_json_default) + "\n")
    return record


def _linear(exp: Experiment, training: Any, progress: Progress | None, checkpoint: Path, resume: bool,
            checkpoint_every: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
    from symdae.torch import LinearConfig, train_linear

    config = LinearConfig(model=exp.model, lr=exp.lr, epochs=exp.epochs, hidden=exp.hidden,
                          noise_var=exp.noise_var, noise=exp.noise, noise_mode=exp.noise_mode,
                          weight_decay=exp.weight_decay, every=exp.every, seed=exp.seed, device=exp.device,
                          dtype=exp.dtype, init_std=1e-4 if exp.init_std is None else exp.init_std,
                          aligned=exp.aligned, space=exp.space)
    result = train_linear(training, config, progress=progress, checkpoint=checkpoint, resume=resume,
                          checkpoint_every=checkpoint_every)
    k = exp.directions or result.mapping.shape[1]
    n = exp.samples
    prediction = predict(result.epochs, training.eigenvalues[:k], eps=n * exp.noise_var,
                         kappa=n * exp.weight_decay, tau=n / exp.lr, p0=result.P0[:k], q0=result.Q0[:k])
    info = {"device": result.device, "train_time_s": result.wall_time, "init_std": config.init_std,
            "space": config.resolved_space,
            "theory": "exact per-direction reduction (symdae.theory), continuous and discrete time"}
    return result.mapping[:, :k], result.epochs, prediction.continuous, prediction.discrete, info


def _nonlinear(exp: Experiment, training: Any, progress: Progress | None, checkpoint: Path, resume: bool,
               checkpoint_every: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
    from symdae.torch import NonlinearConfig, train_nonlinear

    k = exp.directions or 4
    config = NonlinearConfig(model=exp.model, activation=exp.activation, hidden=exp.hidden, lr=exp.lr,
                             epochs=exp.epochs, noise_var=exp.noise_var, weight_decay=exp.weight_decay,
                             every=exp.every, directions=k, seed=exp.seed, device=exp.device, dtype=exp.dtype,
                             init_std=1e-3 if exp.init_std is None else exp.init_std)
    result = train_nonlinear(training, config, progress=progress, checkpoint=checkpoint, resume=resume,
                             checkpoint_every=checkpoint_every)
    d = training.eigenvalues.size
    alpha, gamma = 2 * exp.lr / d, exp.weight_decay * d / 2
    n = exp.samples
    # the typical random start of the equivalent linear network: |a ± b|² ≈ 2Hσ0², no initial mapping
    start = np.full(k, 2 * exp.hidden * config.init_std**2)
    prediction = predict(result.epochs, training.eigenvalues[:k], eps=n * exp.noise_var, kappa=n * gamma,
                         tau=n / alpha, p0=start, q0=start)
    info = {"device": result.device, "train_time_s": result.wall_time, "init_std": config.init_std,
            "input_noise": "gaussian, sampled afresh every epoch" if exp.noise_var > 0 else "none",
            "theory": "linear theory of the equivalent linear network (qualitative reference)"}
    return result.mapping, result.epochs, prediction.continuous, prediction.discrete, info


def _agreement(measured: np.ndarray, theory: np.ndarray, discrete: np.ndarray) -> dict[str, Any]:
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
        "max_continuous": float(np.nanmax(continuous_err)),
        "max_discrete": float(np.nanmax(discrete_err)),
    }


def _versions() -> dict[str, str]:
    import importlib.metadata

    versions = {"symdae": __version__, "python": platform.python_version()}
    for package in ("numpy", "numba", "sympy", "torch"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")
