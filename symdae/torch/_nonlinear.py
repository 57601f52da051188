"""Nonlinear autoencoders (ReLU, tanh) with the paper's Supplement F estimate of the mapping.

Network ``x ↦ W2 f(W1 x̃)`` without biases, trained as in the authors'
published code (``arnupretorius/lindaedynamics_icml2018``): full-batch
``torch.optim.SGD`` with weight decay through the optimiser, loss the mean
squared error averaged over all ``N·D`` entries -- a different normalisation
from the linear loss ``1/(2N) Σ_i ||·||²``: for a linear ``f`` this is linear
gradient descent with ``α = 2 lr / D`` and ``γ = weight_decay · D / 2``.

Supplement F: with ``Σ = Σ_i x_i x_iᵀ = VΛVᵀ`` and the prediction ``x̂_i(t)``,
``Σ̂(t) = Σ_i x_i x̂_i(t)ᵀ``, ``Λ̂(t) = Vᵀ Σ̂(t) V``, and the mapping of
direction ``j`` is estimated as ``λ̂_j(t)/λ_j``. As in the authors' code it is
computed every ``every`` epochs from the prediction of that training step
(the forward pass on the noisy input, for the DAE), i.e. with the weights
after ``t`` steps, ``t = 0, every, 2·every, … < epochs``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from numpy.typing import NDArray

from symdae.torch import _validate
from symdae.torch._checkpoint import Checkpoint, generator_state, set_generator_state
from symdae.torch._data import TrainingData
from symdae.torch._device import DTYPES, generator, readonly_tensor, resolve_device
from symdae.torch._faults import CheckpointDamaged
from symdae.torch._init import random_weights
from symdae.torch._loop import Run, train_loop
from symdae.torch._noise import NoiseSampler

FloatArray = NDArray[np.float64]
Progress = Callable[[int, int], None]
_KIND = "nonlinear"
_FIELDS = ("epochs", "mapping", "loss", "norms")
_NULL_DIRECTION = 1e-12
_ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "relu": torch.relu,
    "tanh": torch.tanh,
    "linear": lambda h: h,
}


@dataclass(frozen=True)
class NonlinearConfig:
    """A nonlinear autoencoder run (defaults: the authors' code, AE).

    Attributes:
        model: ``'ae'``, ``'dae'`` (Gaussian input noise; weight decay
            optional) or ``'wdae'`` (weight decay, no noise).
        activation: ``'relu'``, ``'tanh'``, or ``'linear'`` (a linear network
            trained the same way: a check of the estimator).
        hidden: H, >= 1 (the paper: 256 for MNIST, 512 for CIFAR-10).
        lr: SGD learning rate, > 0 (authors: 0.9).
        epochs: full-batch steps, >= 0 (authors: 2000).
        noise_var: variance σ² of the Gaussian input noise, >= 0. The authors'
            saved MNIST DAE curve is reproduced by σ² = 4 (standard deviation
            2); the paper's text says σ² = 3 (Fig. 6) and σ² = 2 (tanh, Fig. 7).
        weight_decay: the optimiser's weight decay, >= 0 (paper: 0.0045).
        every: estimate the mapping every ``every`` epochs, >= 1 (authors: 10).
        directions: estimate the first ``directions`` directions (``None``: all D).
        seed: seeds the initial weights and the noise, >= 0.
        device: ``'auto'``, ``'cpu'``, ``'cuda'`` or ``'cuda:<i>'``.
        dtype: ``'float32'`` or ``'float64'``.
        init_std: both layers start i.i.d. ``N(0, init_std²)``, > 0 (authors: 1e-3).
    """

    model: Literal["ae", "dae", "wdae"] = "ae"
    activation: Literal["relu", "tanh", "linear"] = "relu"
    hidden: int = 256
    lr: float = 0.9
    epochs: int = 2000
    noise_var: float = 0.0
    weight_decay: float = 0.0
    every: int = 10
    directions: int | None = None
    seed: int = 0
    device: str = "auto"
    dtype: Literal["float32", "float64"] = "float32"
    init_std: float = 1e-3

    def __post_init__(self) -> None:
        def normalise(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        _validate.choice("model", self.model, ("ae", "dae", "wdae"))
        _validate.choice("activation", self.activation, tuple(_ACTIVATIONS))
        normalise("hidden", _validate.integer("hidden", self.hidden, 1))
        normalise("lr", _validate.real("lr", self.lr, "positive"))
        normalise("epochs", _validate.integer("epochs", self.epochs, 0))
        normalise("noise_var", _validate.real("noise_var", self.noise_var, "nonnegative"))
        normalise("weight_decay", _validate.real("weight_decay", self.weight_decay, "nonnegative"))
        normalise("every", _validate.integer("every", self.every, 1))
        if self.directions is not None:
            normalise("directions", _validate.integer("directions", self.directions, 1))
        normalise("seed", _validate.integer("seed", self.seed, 0))
        _validate.device("device", self.device)
        _validate.choice("dtype", self.dtype, ("float32", "float64"))
        normalise("init_std", _validate.real("init_std", self.init_std, "positive"))
        _validate.model_terms(self.model, self.noise_var, self.weight_decay)

    @classmethod
    def paper(
        cls,
        model: Literal["ae", "dae", "wdae"],
        *,
        activation: Literal["relu", "tanh"] = "relu",
        dataset: Literal["mnist", "cifar10", "fashion-mnist"] = "mnist",
        **overrides: Any,
    ) -> NonlinearConfig:
        """The settings of the paper's Figure 6 (ReLU) or Figure 7 (tanh, Supp. G).

        Where the paper is silent, the authors' code: lr 0.9, 2000 epochs,
        init ``N(0, 0.001²)``. ReLU DAE: σ² = 4, the level that reproduces the
        authors' saved curve (the text says 3); tanh DAE: σ² = 2 and records
        every 100 epochs (Supp. G). WDAE: weight decay 0.0045.
        """
        from symdae.experiments._paper import (  # the paper's settings, kept in one place
            INIT_STD,
            LINEAR,
            NONLINEAR_DEFAULTS,
            NONLINEAR_EVERY,
            nonlinear_terms,
        )

        _validate.choice("activation", activation, ("relu", "tanh"))
        _validate.choice("dataset", dataset, tuple(LINEAR))
        _validate.choice("model", model, ("ae", "dae", "wdae"))
        terms = nonlinear_terms(model, activation)
        base = cls(model=model, activation=activation, hidden=LINEAR[dataset]["hidden"], lr=NONLINEAR_DEFAULTS["lr"],
                   epochs=NONLINEAR_DEFAULTS["epochs"], init_std=INIT_STD["nonlinear"],
                   every=NONLINEAR_EVERY[activation], noise_var=terms.get("noise_var", 0.0),
                   weight_decay=terms.get("weight_decay", 0.0))
        return replace(base, **overrides)


@dataclass(frozen=True, eq=False)
class NonlinearRun:
    """The records of a nonlinear run.

    Attributes:
        config: the configuration that produced it.
        epochs: ``(T,)`` record epochs ``0, every, … < config.epochs`` (the
            weights after that many steps made the prediction).
        mapping: ``(T, K)`` estimate ``λ̂_j/λ_j`` of the first K directions
            (Supplement F); NaN for numerically null directions
            (``λ_j <= 1e-12 λ1``).
        loss: ``(T,)`` that step's training loss (mean squared error over all
            entries, on the noisy input for the DAE; without weight decay).
        norms: ``(T, 2)`` ``||W1||_F`` and ``||W2||_F`` at that step.
        w1, w2: final weights ``W1`` (H × D) and ``W2`` (D × H), float64.
        device: the device it ran on.
        wall_time: seconds of training (summed over resumed sessions).
    """

    config: NonlinearConfig
    epochs: NDArray[np.int64]
    mapping: FloatArray
    loss: FloatArray
    norms: FloatArray
    w1: FloatArray
    w2: FloatArray
    device: str
    wall_time: float


def train_nonlinear(
    data: TrainingData,
    config: NonlinearConfig,
    *,
    progress: Progress | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    checkpoint_every: int = 100,
    resume: bool = False,
) -> NonlinearRun:
    """Train ``x ↦ W2 f(W1 x̃)`` by full-batch SGD and estimate the mapping (Supplement F).

    Args:
        data: the rows ``X`` (required) and the spectrum of ``Σ = XᵀX``.
        config: the run.
        progress: called as ``progress(epochs_done, epochs)`` once before the
            first step and after every step; an exception raised there stops training.
        checkpoint: file to save the state to every ``checkpoint_every``
            epochs and at the end (atomically).
        resume: continue from ``checkpoint`` when it exists (same
            configuration and data); start afresh when not.

    Raises:
        TrainingDiverged, Interrupted, CheckpointDamaged: as :func:`~symdae.torch.train_linear`
            (the loss and norms are checked at every record, the weights
            before every checkpoint and at the end).
    """
    if not isinstance(data, TrainingData):
        raise ValueError(f"data must be a TrainingData; got {type(data).__name__}")
    if not isinstance(config, NonlinearConfig):
        raise ValueError(f"config must be a NonlinearConfig; got {type(config).__name__}")
    if data.samples is None:
        raise ValueError("data.samples must hold the rows: the nonlinear trainer needs them")
    if config.directions is not None and config.directions > data.dim:
        raise ValueError(f"directions must be <= D = {data.dim}; got {config.directions}")
    if isinstance(checkpoint_every, bool) or not isinstance(checkpoint_every, int) or checkpoint_every < 1:
        raise ValueError(f"checkpoint_every must be an integer >= 1; got {checkpoint_every!r}")
    if resume and checkpoint is None:
        raise ValueError("resume needs a checkpoint file")
    device = resolve_device(config.device)
    return _run(data, config, device, progress, checkpoint, checkpoint_every, resume)


def _restore(saved: Checkpoint, config: NonlinearConfig, dim: int, schedule: NDArray[np.int64],
             records: dict[str, NDArray[Any]], gen: torch.Generator | None) -> tuple[NDArray[Any], NDArray[Any]]:
    """Weights from a checkpoint of this run, its records filled in; :class:`CheckpointDamaged` if inconsistent."""
    where = saved.source or Path("checkpoint")
    w1 = saved.array("w1", (config.hidden, dim), finite=True)
    w2 = saved.array("w2", (dim, config.hidden), finite=True)
    if w1.dtype != np.dtype(config.dtype) or w2.dtype != w1.dtype:
        raise CheckpointDamaged(where, f"weights in {w1.dtype}, not {config.dtype}")
    done = int(np.searchsorted(schedule, saved.epoch))
    if saved.epoch > config.epochs:
        raise CheckpointDamaged(where, f"epoch {saved.epoch} is past the run's {config.epochs}")
    try:
        set_generator_state(gen, saved.array("rng_state"))
        if not np.array_equal(saved.array("epochs"), schedule[:done]):
            raise ValueError(f"its record epochs do not fit epoch {saved.epoch}")
        for name in _FIELDS[1:]:
            stored = saved.array(name)
            if stored.shape[:1] != (done,):
                raise ValueError(f"{name!r} holds {stored.shape[0]} records, expected {done}")
            records[name][:done] = stored
    except (RuntimeError, ValueError, TypeError, IndexError) as err:
        raise CheckpointDamaged(where, str(err)) from err
    return w1, w2


class _Estimator:
    """Supplement F: ``λ̂_j/λ_j = diag(Vᵀ Σ_i x_i x̂_iᵀ V)_j / λ_j`` for the first K directions.

    ``v_jᵀ Σ_i x_i x̂_iᵀ v_j = Σ_i (v_jᵀx_i)(v_jᵀx̂_i)``: the projections of the
    rows are computed once, those of a prediction cost O(NDK); the sums are
    accumulated in float64.
    """

    def __init__(self, data: TrainingData, x: torch.Tensor, count: int) -> None:
        self.basis = readonly_tensor(data.eigenvectors[:, :count], x.device, x.dtype)
        self.x_proj = (x @ self.basis).to(torch.float64)
        lam = data.eigenvalues[:count]
        self.lam = torch.as_tensor(np.where(lam > _NULL_DIRECTION * lam[0], lam, np.nan), device=x.device)

    def __call__(self, prediction: torch.Tensor) -> torch.Tensor:
        return (self.x_proj * (prediction @ self.basis).to(torch.float64)).sum(dim=0) / self.lam


class _Trainee:
    """The state of one nonlinear run: the rows, weights, optimiser, generator and records (a ``Trainee``)."""

    def __init__(self, data: TrainingData, config: NonlinearConfig, device: torch.device) -> None:
        assert data.samples is not None
        self.data, self.config = data, config
        self.x = readonly_tensor(data.samples, device, DTYPES[config.dtype])
        self.estimate = _Estimator(data, self.x, data.dim if config.directions is None else config.directions)
        self.gen = generator(device, config.seed) if config.noise_var > 0 else None
        self.sampler = None if self.gen is None else NoiseSampler("gaussian", config.noise_var, self.x, self.gen)
        self.activation = _ACTIVATIONS[config.activation]
        self.schedule = np.arange(0, config.epochs, config.every, dtype=np.int64)
        self.records = {"epochs": self.schedule,
                        "mapping": np.full((self.schedule.size, self.estimate.lam.numel()), np.nan),
                        "loss": np.full(self.schedule.size, np.nan), "norms": np.full((self.schedule.size, 2), np.nan)}
        self.device = device

    def begin(self, saved: Checkpoint | None) -> None:
        config = self.config
        if saved is None:
            weights = random_weights(config.seed, config.hidden, self.data.dim, config.init_std)
            w1, w2 = (w.astype(np.dtype(config.dtype)) for w in weights)
        else:
            w1, w2 = _restore(saved, config, self.data.dim, self.schedule, self.records, self.gen)
        self.w1 = torch.nn.Parameter(torch.as_tensor(w1, device=self.device))
        self.w2 = torch.nn.Parameter(torch.as_tensor(w2, device=self.device))
        self.optimiser = torch.optim.SGD([self.w1, self.w2], lr=config.lr, weight_decay=config.weight_decay)

    def step(self, epoch: int) -> tuple[int, bool] | None:
        x, w1, w2, records = self.x, self.w1, self.w2, self.records
        inputs = x if self.sampler is None else self.sampler.corrupt(x)
        prediction = self.activation(inputs @ w1.T) @ w2.T
        loss = torch.nn.functional.mse_loss(prediction, x)
        recorded = epoch % self.config.every == 0
        if recorded:
            with torch.no_grad():
                k = epoch // self.config.every
                values = torch.stack([loss, w1.norm(), w2.norm()]).to(torch.float64).cpu().numpy()
                if not np.isfinite(values).all():
                    return epoch, False
                records["mapping"][k] = self.estimate(prediction).cpu().numpy()
                records["loss"][k], records["norms"][k] = values[0], values[1:]
        self.optimiser.zero_grad()
        loss.backward()
        self.optimiser.step()
        return (epoch, True) if recorded else None

    def weights_finite(self) -> bool:
        return bool(torch.isfinite(self.w1).all()) and bool(torch.isfinite(self.w2).all())

    def state(self, epoch: int) -> dict[str, NDArray[Any]]:
        done = int(np.searchsorted(self.schedule, epoch))
        return {"w1": self.w1.detach().cpu().numpy(), "w2": self.w2.detach().cpu().numpy(),
                "rng_state": generator_state(self.gen), "eigenvalues": self.data.eigenvalues,
                **{name: self.records[name][:done] for name in _FIELDS}}


def _run(
    data: TrainingData,
    config: NonlinearConfig,
    device: torch.device,
    progress: Progress | None,
    checkpoint: str | os.PathLike[str] | None,
    checkpoint_every: int,
    resume: bool,
) -> NonlinearRun:
    trainee = _Trainee(data, config, device)
    run = Run(_KIND, asdict(config), config.epochs, data.n_samples, data.eigenvalues, device, trainee.gen is not None)
    wall_time = train_loop(trainee, run, progress=progress, checkpoint=checkpoint, checkpoint_every=checkpoint_every,
                           resume=resume)
    records = trainee.records
    return NonlinearRun(config=config, epochs=trainee.schedule, mapping=records["mapping"], loss=records["loss"],
                        norms=records["norms"], w1=trainee.w1.detach().to(torch.float64).cpu().numpy(),
                        w2=trainee.w2.detach().to(torch.float64).cpu().numpy(), device=str(device),
                        wall_time=wall_time)
