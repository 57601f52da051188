"""Real training with torch, CPU or CUDA: linear and nonlinear autoencoders (needs ``torch``).

Linear autoencoders (:func:`train_linear`): AE, WDAE and DAE trained by
full-batch gradient descent with the paper's conventions (``docs/conventions.md``:
``Σ = XᵀX`` a sum, ``L = 1/(2N) Σ_i ||x_i − W2W1x̃_i||² + (γ/2)(…)``,
``τ = N/α``), in the data space, in covariance space or in Σ's eigenbasis --
the last two never touch the N rows -- recording the per-direction mapping
``diag(Vᵀ W2W1 V)``. Nonlinear autoencoders (:func:`train_nonlinear`): ReLU or
tanh networks trained as in the authors' code, the mapping estimated as in
the paper's Supplement F.

Training stops with :class:`TrainingDiverged` when the loss or the weights
stop being finite, with :class:`Interrupted` (a ``KeyboardInterrupt``, after
saving the state of the last finished epoch) on Ctrl-C, and a checkpoint that
cannot be read back raises :class:`CheckpointDamaged`.

Importing :mod:`symdae` never imports torch; importing this package does.
"""

from symdae.torch._data import TrainingData
from symdae.torch._faults import CheckpointDamaged, Interrupted, TrainingDiverged
from symdae.torch._init import aligned_weights, random_rotation, random_weights
from symdae.torch._linear import LinearRun, train_linear
from symdae.torch._linear_config import LinearConfig
from symdae.torch._nonlinear import NonlinearConfig, NonlinearRun, train_nonlinear

__all__ = [
    "CheckpointDamaged",
    "Interrupted",
    "LinearConfig",
    "LinearRun",
    "NonlinearConfig",
    "NonlinearRun",
    "TrainingData",
    "TrainingDiverged",
    "aligned_weights",
    "random_rotation",
    "random_weights",
    "train_linear",
    "train_nonlinear",
]
