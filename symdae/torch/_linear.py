"""Full-batch gradient descent on the linear autoencoder (AE, WDAE, DAE), on CPU or CUDA."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import ArrayLike, NDArray

from symdae.torch._checkpoint import Checkpoint, generator_state, set_generator_state
from symdae.torch._data import TrainingData
from symdae.torch._device import DTYPES, generator, readonly_tensor, resolve_device
from symdae.torch._faults import CheckpointDamaged, TrainingDiverged
from symdae.torch._init import aligned_weights, random_rotation, random_weights
from symdae.torch._linear_config import LinearConfig
from symdae.torch._loop import Run, train_loop
from symdae.torch._noise import NoiseSampler
from symdae.torch._records import RECORD_FIELDS, Records, Statistics, initial_summary, record_epochs
from symdae.torch._steps import DataStep, SufficientStep

FloatArray = NDArray[np.float64]
Progress = Callable[[int, int], None]
_KIND = "linear"


@dataclass(frozen=True, eq=False)
class LinearRun:
    """The records of a linear run (see :class:`LinearConfig` for the conventions).

    Attributes:
        config: the configuration that produced it.
        epochs: ``(T,)`` record epochs: ``0, every, 2·every, …, config.epochs``.
        mapping: ``(T, D)`` per-direction mapping ``diag(Vᵀ W2W1 V)``.
        loss: ``(T,)`` the objective (for sampled noise its expectation, Eq. 1).
        reconstruction: ``(T,)`` clean ``1/(2N) Σ_i ||x_i − W2W1x_i||²``.
        norms: ``(T, 2)`` ``||W1||_F`` and ``||W2||_F``.
        u0, P0, Q0: ``(D,)`` each direction's initial hidden-space summary, with
            ``a_j = W1 v_j`` and ``b_j = W2ᵀ v_j``: ``u0 = a_jᵀb_j`` (the initial
            mapping), ``P0 = |a_j + b_j|²``, ``Q0 = |a_j − b_j|²``. An isolated
            direction is exactly the scalar mode with ``(w1 + w2)² = P0`` and
            ``(w2 − w1)² = Q0`` (``symdae.derivations.reduction``).
        w1, w2: final weights ``W1`` (H × D) and ``W2`` (D × H), float64.
        device: the device it ran on.
        wall_time: seconds of training (summed over resumed sessions).
    """

    config: LinearConfig
    epochs: NDArray[np.int64]
    mapping: FloatArray
    loss: FloatArray
    reconstruction: FloatArray
    norms: FloatArray
    u0: FloatArray
    P0: FloatArray
    Q0: FloatArray
    w1: FloatArray
    w2: FloatArray
    device: str
    wall_time: float

    def mode_initial_weights(self) -> tuple[FloatArray, FloatArray]:
        """Effective scalar-mode start ``(w1_0, w2_0)`` per direction, from ``(P0, Q0)``.

        ``w1_0 = (√P0 − √Q0)/2``, ``w2_0 = (√P0 + √Q0)/2``, so that
        ``w1_0 w2_0 = u0`` and ``w1_0² + w2_0² = |a_j|² + |b_j|²``.
        """
        plus, minus = np.sqrt(self.P0), np.sqrt(self.Q0)
        return (plus - minus) / 2, (plus + minus) / 2


def train_linear(
    data: TrainingData,
    config: LinearConfig,
    *,
    init: tuple[ArrayLike, ArrayLike] | None = None,
    progress: Progress | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    checkpoint_every: int = 1000,
    resume: bool = False,
) -> LinearRun:
    """Train the linear autoencoder by full-batch gradient descent, one step per epoch.

    Args:
        data: N, the spectrum of ``Σ = XᵀX`` and (for the data space and
            sampled noise) the rows.
        config: the run (model, learning rate, space, device, …).
        init: explicit initial ``(W1, W2)`` of shapes (H × D, D × H) instead of
            the random or aligned initialisation of ``config``.
        progress: called as ``progress(epochs_done, epochs)`` once before
            the first step and after every step (e.g. to drive a progress
            bar); an exception raised there stops training.
        checkpoint: file to save the state to every ``checkpoint_every``
            epochs and at the end (atomically).
        resume: continue from ``checkpoint`` when it exists (it must come
            from the same configuration and data); start afresh when not.

    Returns:
        The records, the initial per-direction summary and the final weights.

    Raises:
        TrainingDiverged: the loss or the weights became non-finite (checked
            at every record and before every checkpoint, so a diverged state
            never replaces a saved one).
        Interrupted: Ctrl-C (or a ``KeyboardInterrupt`` from ``progress``);
            with ``checkpoint`` the state of the last finished epoch is saved
            first, so ``resume`` continues from there.
        CheckpointDamaged: ``resume`` found a ``checkpoint`` it cannot read
            back; a ``ValueError`` for one written for other settings or data.
    """
    if not isinstance(data, TrainingData):
        raise ValueError(f"data must be a TrainingData; got {type(data).__name__}")
    if not isinstance(config, LinearConfig):
        raise ValueError(f"config must be a LinearConfig; got {type(config).__name__}")
    if isinstance(checkpoint_every, bool) or not isinstance(checkpoint_every, int) or checkpoint_every < 1:
        raise ValueError(f"checkpoint_every must be an integer >= 1; got {checkpoint_every!r}")
    if resume and checkpoint is None:
        raise ValueError("resume needs a checkpoint file")
    space = config.resolved_space
    if space == "data" and data.samples is None:
        raise ValueError("data.samples must hold the rows for space 'data' and for sampled noise")
    if init is not None and config.aligned:
        raise ValueError("init: give explicit initial weights or aligned=True, not both")
    start_weights = None if init is None else _checked_init(init, config.hidden, data.dim)
    device = resolve_device(config.device)
    with torch.no_grad():
        return _Trainer(data, config, device, start_weights).run(progress, checkpoint, checkpoint_every, resume)


class _Trainer:
    """The state of one linear run: weights in the working space, generator, records (a :class:`Trainee`)."""

    def __init__(self, data: TrainingData, config: LinearConfig, device: torch.device,
                 start_weights: tuple[FloatArray, FloatArray] | None) -> None:
        self.data, self.config, self.device, self.start_weights = data, config, device, start_weights
        self.space = config.resolved_space
        self.dtype = DTYPES[config.dtype]
        self.vecs = readonly_tensor(data.eigenvectors, device, torch.float64)
        self.gen = generator(device, config.seed) if config.sampled else None
        self.stats = Statistics.build(data.eigenvalues, data.n_samples, config.noise_var, config.weight_decay, device)
        self.records = Records.empty(record_epochs(config.epochs, config.every), data.dim)

    def _working(self, w1: FloatArray, w2: FloatArray) -> tuple[torch.Tensor, torch.Tensor]:
        """Original-basis float64 weights to the working space and dtype."""
        a = torch.tensor(w1, dtype=torch.float64, device=self.device)  # a copy: training updates it in place
        b = torch.tensor(w2, dtype=torch.float64, device=self.device)
        if self.space == "eigen":
            a, b = a @ self.vecs, self.vecs.T @ b
        return a.to(self.dtype), b.to(self.dtype)

    def _rotated(self, w1: torch.Tensor, w2: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Working weights to ``(W̄1, W̄2)`` in float64."""
        a, b = w1.to(torch.float64), w2.to(torch.float64)
        if self.space == "eigen":
            return a, b
        return a @ self.vecs, self.vecs.T @ b

    def _step(self) -> SufficientStep | DataStep:
        config, data = self.config, self.data
        if self.space == "eigen":
            scaled = torch.as_tensor(data.eigenvalues / data.n_samples, dtype=self.dtype, device=self.device)
            return SufficientStep(scaled, config.noise_var, config.weight_decay)
        if self.space == "covariance":
            sigma = torch.as_tensor(data.covariance() / data.n_samples, dtype=self.dtype, device=self.device)
            return SufficientStep(sigma, config.noise_var, config.weight_decay)
        assert data.samples is not None
        x = readonly_tensor(data.samples, self.device, self.dtype)
        if self.gen is None:
            return DataStep(x, config.noise_var, config.weight_decay)
        sampler = NoiseSampler(config.noise, config.noise_var, x, self.gen)
        return DataStep(x, 0.0, config.weight_decay, sampler)

    def _initial(self, start_weights: tuple[FloatArray, FloatArray] | None) -> tuple[FloatArray, FloatArray]:
        config, data = self.config, self.data
        if start_weights is not None:
            return start_weights
        if config.aligned:
            rank = min(config.hidden, data.dim)
            diag = np.full(rank, config.init_std)
            rotation = random_rotation(config.seed, config.hidden)
            return aligned_weights(data.eigenvectors, diag, diag, rotation)
        return random_weights(config.seed, config.hidden, data.dim, config.init_std)

    def _restore(self, saved: Checkpoint) -> tuple[torch.Tensor, torch.Tensor, FloatArray, FloatArray, FloatArray]:
        """Weights and initial summary from a checkpoint of this run; :class:`CheckpointDamaged` if inconsistent."""
        hidden, dim = self.config.hidden, self.data.dim
        w1_np = saved.array("w1", (hidden, dim), finite=True)
        w2_np = saved.array("w2", (dim, hidden), finite=True)
        if w1_np.dtype != np.dtype(self.config.dtype) or w2_np.dtype != w1_np.dtype:
            raise CheckpointDamaged(Path(saved.source or "checkpoint"), f"weights in {w1_np.dtype}, not "
                                    f"{self.config.dtype}")
        summary = [saved.array(name, (dim,), finite=True) for name in ("u0", "P0", "Q0")]
        try:
            set_generator_state(self.gen, saved.array("rng_state"))
            self.records.restore({name: saved.array(name) for name in RECORD_FIELDS})
        except (RuntimeError, ValueError, TypeError, IndexError) as err:
            raise CheckpointDamaged(Path(saved.source or "checkpoint"), str(err)) from err
        records = self.records
        if saved.epoch > self.config.epochs or records.count == 0 or records.epochs[records.count - 1] > saved.epoch \
                or (records.count < records.epochs.size and records.epochs[records.count] <= saved.epoch):
            raise CheckpointDamaged(Path(saved.source or "checkpoint"),
                                    f"epoch {saved.epoch} does not fit its records")
        w1 = torch.as_tensor(w1_np, device=self.device)
        w2 = torch.as_tensor(w2_np, device=self.device)
        return w1, w2, summary[0], summary[1], summary[2]

    def _original(self, w1: torch.Tensor, w2: torch.Tensor) -> tuple[FloatArray, FloatArray]:
        """Working weights to ``(W1, W2)`` in the original basis, float64 NumPy."""
        a, b = w1.to(torch.float64), w2.to(torch.float64)
        if self.space == "eigen":
            a, b = a @ self.vecs.T, self.vecs @ b
        return a.cpu().numpy(), b.cpu().numpy()

    def begin(self, saved: Checkpoint | None) -> None:
        if saved is None:
            self.w1, self.w2 = self._working(*self._initial(self.start_weights))
            rotated = self._rotated(self.w1, self.w2)
            self.u0, self.p0, self.q0 = initial_summary(*rotated)
            self.records.append(*rotated, self.stats)
        else:
            self.w1, self.w2, self.u0, self.p0, self.q0 = self._restore(saved)
        self.gradient = self._step()
        if not self.records.finite(self.records.count - 1):
            epoch = 0 if saved is None else saved.epoch
            raise TrainingDiverged(epoch, epoch, self.config.epochs, "the initial loss")

    def step(self, epoch: int) -> tuple[int, bool] | None:
        g1, g2 = self.gradient.gradients(self.w1, self.w2)
        self.w1.sub_(g1, alpha=self.config.lr)
        self.w2.sub_(g2, alpha=self.config.lr)
        records = self.records
        if epoch + 1 != records.epochs[records.count]:
            return None
        records.append(*self._rotated(self.w1, self.w2), self.stats)
        return epoch + 1, records.finite(records.count - 1)

    def weights_finite(self) -> bool:
        return bool(torch.isfinite(self.w1).all()) and bool(torch.isfinite(self.w2).all())

    def state(self, epoch: int) -> dict[str, NDArray[Any]]:
        return {"w1": self.w1.cpu().numpy(), "w2": self.w2.cpu().numpy(), "rng_state": generator_state(self.gen),
                "eigenvalues": self.data.eigenvalues, "u0": self.u0, "P0": self.p0, "Q0": self.q0,
                **self.records.arrays()}

    def run(self, progress: Progress | None, checkpoint: str | os.PathLike[str] | None, checkpoint_every: int,
            resume: bool) -> LinearRun:
        config, records = self.config, self.records
        run = Run(_KIND, asdict(config), config.epochs, self.data.n_samples, self.data.eigenvalues, self.device,
                  self.gen is not None)
        wall_time = train_loop(self, run, progress=progress, checkpoint=checkpoint,
                               checkpoint_every=checkpoint_every, resume=resume)
        w1_final, w2_final = self._original(self.w1, self.w2)
        return LinearRun(
            config=config, epochs=records.epochs.copy(), mapping=records.mapping.copy(), loss=records.loss.copy(),
            reconstruction=records.reconstruction.copy(), norms=records.norms.copy(), u0=self.u0, P0=self.p0,
            Q0=self.q0, w1=w1_final, w2=w2_final, device=str(self.device), wall_time=wall_time,
        )


def _checked_init(init: tuple[ArrayLike, ArrayLike], hidden: int, dim: int) -> tuple[FloatArray, FloatArray]:
    try:
        w1, w2 = (np.asarray(w, dtype=np.float64) for w in init)
    except (TypeError, ValueError) as err:
        raise ValueError("init must be a pair (W1, W2) of real arrays") from err
    for name, w, shape in (("W1", w1, (hidden, dim)), ("W2", w2, (dim, hidden))):
        if w.shape != shape:
            raise ValueError(f"init: {name} must have shape {shape} (hidden = {hidden}, D = {dim}); got {w.shape}")
        if not np.isfinite(w).all():
            raise ValueError(f"init: {name} must be finite")
    return w1, w2
