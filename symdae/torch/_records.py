"""What a linear run records every few epochs, computed in float64 from the rotated weights.

With ``W̄1 = W1 V`` (H × D) and ``W̄2 = Vᵀ W2`` (D × H), direction ``j`` has
hidden-space vectors ``a_j = W̄1[:, j]`` and ``b_j = W̄2[j, :]``; its mapping
``[Vᵀ W2W1 V]_jj = a_jᵀ b_j``. Every quantity below costs O(DH²) or less.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
RECORD_FIELDS = ("epochs", "mapping", "loss", "reconstruction", "norms")


def record_epochs(epochs: int, every: int) -> NDArray[np.int64]:
    """``0, every, 2·every, …`` up to ``epochs``, always ending with ``epochs``."""
    marks = np.arange(0, epochs + 1, every, dtype=np.int64)
    return marks if marks[-1] == epochs else np.append(marks, np.int64(epochs))


def mapping(w1_bar: torch.Tensor, w2_bar: torch.Tensor) -> torch.Tensor:
    """``diag(Vᵀ W2W1 V)``: the row-wise dot of ``W̄2`` and ``W̄1ᵀ`` (O(DH))."""
    return (w2_bar * w1_bar.T).sum(dim=1)


@dataclass
class Records:
    """Preallocated records of a linear run, filled in order.

    Attributes:
        epochs: ``(T,)`` epoch of each record (weights after that many steps).
        mapping: ``(T, D)`` per-direction mapping ``diag(Vᵀ W2W1 V)``.
        loss: ``(T,)`` the (expected) objective: reconstruction plus
            ``(s²/2)||W2W1||²_F`` plus ``(γ/2)(||W1||²_F + ||W2||²_F)`` -- for
            sampled noise its expectation over the noise (paper Eq. 1).
        reconstruction: ``(T,)`` clean ``1/(2N) Σ_i ||x_i − W2W1x_i||²``.
        norms: ``(T, 2)`` Frobenius norms ``||W1||_F``, ``||W2||_F``.
        count: how many records are filled.
    """

    epochs: NDArray[np.int64]
    mapping: FloatArray
    loss: FloatArray
    reconstruction: FloatArray
    norms: FloatArray
    count: int = 0

    @classmethod
    def empty(cls, schedule: NDArray[np.int64], dim: int) -> Records:
        size = schedule.size
        return cls(schedule.copy(), np.full((size, dim), np.nan), np.full(size, np.nan),
                   np.full(size, np.nan), np.full((size, 2), np.nan))

    def append(self, w1_bar: torch.Tensor, w2_bar: torch.Tensor, stats: Statistics) -> None:
        """Record the rotated float64 weights ``(W̄1, W̄2)`` as entry ``count``."""
        gram2 = w2_bar.T @ w2_bar
        w1_lam = w1_bar * stats.lam_n
        m = mapping(w1_bar, w2_bar)
        # 1/(2N) tr((I − M) Σ (I − M)ᵀ) = ½ [Σ λ/N − 2 Σ_j (λ_j/N) m_j + tr(W̄2ᵀW̄2 W̄1 Λ/N W̄1ᵀ)]
        recon = 0.5 * (stats.lam_n_sum - 2 * (stats.lam_n * m).sum() + (gram2 * (w1_lam @ w1_bar.T)).sum())
        sq1, sq2 = (w1_bar * w1_bar).sum(), (w2_bar * w2_bar).sum()
        loss = recon + 0.5 * stats.weight_decay * (sq1 + sq2)
        if stats.noise_var:
            loss = loss + 0.5 * stats.noise_var * (gram2 * (w1_bar @ w1_bar.T)).sum()
        values = torch.stack([recon, loss, sq1.sqrt(), sq2.sqrt()]).cpu().numpy()
        i = self.count
        self.mapping[i] = m.cpu().numpy()
        self.reconstruction[i], self.loss[i] = values[0], values[1]
        self.norms[i] = values[2:]
        self.count += 1

    def finite(self, i: int) -> bool:
        """Whether record ``i`` (loss, norms and mapping) is finite: training has not diverged."""
        return bool(np.isfinite(self.loss[i]) and np.isfinite(self.norms[i]).all()
                    and np.isfinite(self.mapping[i]).all())

    def arrays(self) -> dict[str, NDArray[np.generic]]:
        """The filled records (for checkpoints and results)."""
        return {name: getattr(self, name)[: self.count] for name in RECORD_FIELDS}

    def restore(self, arrays: dict[str, NDArray[np.generic]]) -> None:
        """Fill from :meth:`arrays` of a checkpoint."""
        count = arrays["epochs"].size
        if not np.array_equal(arrays["epochs"], self.epochs[:count]):
            raise ValueError("checkpoint: its record epochs do not match this configuration")
        for name in RECORD_FIELDS:
            getattr(self, name)[:count] = arrays[name]
        self.count = count


@dataclass(frozen=True)
class Statistics:
    """The data and loss constants the records need, on the training device in float64."""

    lam_n: torch.Tensor
    lam_n_sum: torch.Tensor
    noise_var: float
    weight_decay: float

    @classmethod
    def build(cls, eigenvalues: FloatArray, n_samples: int, noise_var: float, weight_decay: float,
              device: torch.device) -> Statistics:
        lam_n = torch.as_tensor(eigenvalues / n_samples, dtype=torch.float64, device=device)
        return cls(lam_n, lam_n.sum(), noise_var, weight_decay)


def initial_summary(w1_bar: torch.Tensor, w2_bar: torch.Tensor) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per direction: ``u0 = a_jᵀb_j``, ``P0 = |a_j + b_j|²``, ``Q0 = |a_j − b_j|²``."""
    a = w1_bar.T
    plus = ((a + w2_bar) ** 2).sum(dim=1)
    minus = ((a - w2_bar) ** 2).sum(dim=1)
    return mapping(w1_bar, w2_bar).cpu().numpy(), plus.cpu().numpy(), minus.cpu().numpy()
