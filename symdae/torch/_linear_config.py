"""Configuration of a linear autoencoder run (validated on construction)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from symdae.torch import _validate

Model = Literal["ae", "dae", "wdae"]
Space = Literal["auto", "eigen", "covariance", "data"]


@dataclass(frozen=True)
class LinearConfig:
    """A full-batch gradient-descent run of the linear autoencoder ``x ↦ W2 W1 x``.

    Loss (``docs/conventions.md``; paper Eq. 1 for the marginalised noise term)::

        L = 1/(2N) Σ_i ||x_i − W2W1x_i||² + (s²/2)||W2W1||²_F + (γ/2)(||W1||²_F + ||W2||²_F)

    with ``s² = noise_var`` (marginalised noise) or, for sampled noise, the
    first term on ``x̃_i = x_i + n_i`` with fresh noise every epoch and no
    second term (its expectation is the line above). One step
    ``W ← W − lr ∇L`` per epoch: ``τ = N/lr``, ``ε = N s²``, ``κ = Nγ``.

    Attributes:
        model: ``'ae'`` (no noise, no weight decay), ``'dae'`` (noise, weight
            decay optional) or ``'wdae'`` (weight decay, no noise).
        lr: learning rate α, > 0.
        epochs: number of gradient steps, >= 0.
        hidden: H, the hidden width, >= 1.
        noise_var: noise variance ``s²`` per component, >= 0.
        noise: ``'gaussian'`` (``N(0, s²)``) or ``'laplace'`` (scale
            ``b = sqrt(s²/2)``, variance ``2b² = s²``); matters only for
            sampled noise.
        noise_mode: ``'marginal'`` (Eq. 1 exactly) or ``'sampled'`` (fresh
            corruption every epoch; needs the data rows).
        weight_decay: γ, >= 0.
        every: record the mapping, losses and norms every ``every`` epochs
            (and at the last epoch), >= 1.
        seed: seeds the initial weights and the noise, >= 0.
        device: ``'auto'`` (CUDA when available), ``'cpu'``, ``'cuda'`` or ``'cuda:<i>'``.
        dtype: ``'float32'`` or ``'float64'`` for the training arithmetic.
        init_std: standard deviation of the i.i.d. ``N(0, init_std²)`` initial
            weights (the authors' linear runs: 1e-4); with ``aligned`` the
            value of every diagonal entry of ``D1`` and ``D2``; > 0.
        aligned: aligned initialisation ``W1 = R D1 Vᵀ``, ``W2 = V D2 Rᵀ``
            (R Haar-random from ``seed``) instead of i.i.d. weights.
        space: where gradient descent runs, all mathematically identical:
            ``'eigen'`` (weights rotated into Σ's eigenbasis, O(DH²) per
            epoch), ``'covariance'`` (Σ only, O(D²H)), ``'data'`` (the N rows,
            O(NDH)); ``'auto'`` is ``'eigen'``, or ``'data'`` for sampled noise,
            which only ``'data'`` supports.
    """

    model: Model = "ae"
    lr: float = 0.01
    epochs: int = 5000
    hidden: int = 256
    noise_var: float = 0.0
    noise: Literal["gaussian", "laplace"] = "gaussian"
    noise_mode: Literal["marginal", "sampled"] = "marginal"
    weight_decay: float = 0.0
    every: int = 10
    seed: int = 0
    device: str = "auto"
    dtype: Literal["float32", "float64"] = "float32"
    init_std: float = 1e-4
    aligned: bool = False
    space: Space = "auto"

    def __post_init__(self) -> None:
        def normalise(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        _validate.choice("model", self.model, ("ae", "dae", "wdae"))
        normalise("lr", _validate.real("lr", self.lr, "positive"))
        normalise("epochs", _validate.integer("epochs", self.epochs, 0))
        normalise("hidden", _validate.integer("hidden", self.hidden, 1))
        normalise("noise_var", _validate.real("noise_var", self.noise_var, "nonnegative"))
        _validate.choice("noise", self.noise, ("gaussian", "laplace"))
        _validate.choice("noise_mode", self.noise_mode, ("marginal", "sampled"))
        normalise("weight_decay", _validate.real("weight_decay", self.weight_decay, "nonnegative"))
        normalise("every", _validate.integer("every", self.every, 1))
        normalise("seed", _validate.integer("seed", self.seed, 0))
        _validate.device("device", self.device)
        _validate.choice("dtype", self.dtype, ("float32", "float64"))
        normalise("init_std", _validate.real("init_std", self.init_std, "positive"))
        if not isinstance(self.aligned, bool):
            raise ValueError(f"aligned must be True or False; got {self.aligned!r}")
        _validate.choice("space", self.space, ("auto", "eigen", "covariance", "data"))
        _validate.model_terms(self.model, self.noise_var, self.weight_decay)
        if self.noise_mode == "sampled" and self.space not in ("auto", "data"):
            raise ValueError(f"space must be 'data' or 'auto' for noise_mode 'sampled' (sampled noise "
                             f"corrupts the data rows); got {self.space!r}")

    @property
    def resolved_space(self) -> Literal["eigen", "covariance", "data"]:
        """The space ``'auto'`` stands for."""
        if self.space != "auto":
            return self.space
        return "data" if self.sampled else "eigen"

    @property
    def sampled(self) -> bool:
        """Whether training draws noise (a DAE with ``noise_mode='sampled'``)."""
        return self.noise_mode == "sampled" and self.noise_var > 0
