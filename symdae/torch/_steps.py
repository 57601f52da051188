"""One epoch's gradient of the linear autoencoder loss, in three mathematically identical spaces.

Loss (``docs/conventions.md``, paper Eq. 1), ``M = W2W1``, ``C = Σ/N + s²I``::

    L = 1/(2N) Σ_i ||x_i − M x_i||² + (s²/2)||M||²_F + (γ/2)(||W1||²_F + ||W2||²_F)
    ∂L/∂W1 = W2ᵀW2 W1 C − W2ᵀ Σ/N + γ W1
    ∂L/∂W2 = W2 (W1 C W1ᵀ) − Σ/N W1ᵀ + γ W2

* covariance space: Σ/N as a D × D matrix, two D²H products per epoch;
* eigenbasis: weights ``W̄1 = W1 V``, ``W̄2 = Vᵀ W2`` and Σ/N → Λ/N diagonal,
  so the same formulas cost O(DH²) through the H × H Gram matrices
  ``W̄2ᵀW̄2`` and ``W̄1 C W̄1ᵀ`` (gradient descent commutes with the rotation);
* data space: the N rows, O(NDH); with sampled noise the rows are corrupted
  afresh each epoch and the ``s²`` terms are left to the noise.
"""

from __future__ import annotations

import torch

from symdae.torch._noise import NoiseSampler


class SufficientStep:
    """Gradients from the sufficient statistic ``Σ/N`` alone (covariance space or eigenbasis).

    ``scaled`` is ``Σ/N`` (D × D, covariance space) or ``λ/N`` (D,, the
    eigenbasis, with the weights rotated); the data rows are never touched.
    """

    def __init__(self, scaled: torch.Tensor, noise_var: float, weight_decay: float) -> None:
        self.scaled = scaled
        self.diagonal = scaled.ndim == 1
        self.noise_var = noise_var
        self.weight_decay = weight_decay

    def _times_sigma(self, w1: torch.Tensor) -> torch.Tensor:
        """``W1 Σ/N`` (H × D)."""
        return w1 * self.scaled if self.diagonal else w1 @ self.scaled

    def _sigma_times(self, w2: torch.Tensor) -> torch.Tensor:
        """``Σ/N W2`` (D × H)."""
        return self.scaled[:, None] * w2 if self.diagonal else self.scaled @ w2

    def gradients(self, w1: torch.Tensor, w2: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(∂L/∂W1, ∂L/∂W2)`` at ``(W1, W2)``."""
        w1_sigma = self._times_sigma(w1)
        w1_c = w1_sigma + self.noise_var * w1 if self.noise_var else w1_sigma
        g1 = torch.addmm(self._sigma_times(w2).T, w2.T @ w2, w1_c, beta=-1)
        g2 = torch.addmm(w1_sigma.T, w2, w1_c @ w1.T, beta=-1)
        if self.weight_decay:
            g1.add_(w1, alpha=self.weight_decay)
            g2.add_(w2, alpha=self.weight_decay)
        return g1, g2


class DataStep:
    """Gradients from the N rows ``X`` (N × D), optionally on freshly corrupted inputs.

    With ``sampler`` the input of every call is ``x̃ = x + n`` (new noise),
    the target stays ``x``, and ``noise_var`` should be 0: the noise itself
    does what the marginalised ``s²`` terms do in expectation.
    """

    def __init__(
        self, x: torch.Tensor, noise_var: float, weight_decay: float, sampler: NoiseSampler | None = None
    ) -> None:
        self.x = x
        self.noise_var = noise_var
        self.weight_decay = weight_decay
        self.sampler = sampler

    def gradients(self, w1: torch.Tensor, w2: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(∂L/∂W1, ∂L/∂W2)`` at ``(W1, W2)`` (a fresh noise draw when sampling)."""
        n = self.x.shape[0]
        inputs = self.sampler.corrupt(self.x) if self.sampler is not None else self.x
        hidden = inputs @ w1.T
        residual = torch.addmm(self.x, hidden, w2.T, beta=-1)  # M x̃_i − x_i, row-wise
        g2 = (residual.T @ hidden).div_(n)
        g1 = ((residual @ w2).T @ inputs).div_(n)
        if self.noise_var:
            g1.add_((w2.T @ w2) @ w1, alpha=self.noise_var)
            g2.add_(w2 @ (w1 @ w1.T), alpha=self.noise_var)
        if self.weight_decay:
            g1.add_(w1, alpha=self.weight_decay)
            g2.add_(w2, alpha=self.weight_decay)
        return g1, g2
