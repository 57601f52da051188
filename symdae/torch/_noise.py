"""Fresh input corruption ``x̃ = x + n`` for sampled-noise training (one draw per epoch)."""

from __future__ import annotations

import math
from typing import Literal

import torch


class NoiseSampler:
    """Corrupts the rows with i.i.d. noise of variance ``variance`` per component.

    Gaussian noise is ``N(0, s²)``; Laplace noise has scale ``b = sqrt(s²/2)``
    (variance ``2b² = s²``), drawn as ``b (E1 − E2)`` with ``E1, E2`` i.i.d.
    standard exponentials. All draws come from ``generator``, so a run is
    reproducible and resumable from the generator's state.
    """

    def __init__(
        self,
        kind: Literal["gaussian", "laplace"],
        variance: float,
        like: torch.Tensor,
        generator: torch.Generator,
    ) -> None:
        self.kind = kind
        self.generator = generator
        self.scale = math.sqrt(variance) if kind == "gaussian" else math.sqrt(variance / 2)
        self._buffer = torch.empty_like(like)
        self._spare = torch.empty_like(like) if kind == "laplace" else None

    def corrupt(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` plus a fresh draw, in a buffer reused (overwritten) by the next call."""
        buf = self._buffer
        if self._spare is None:
            buf.normal_(0.0, self.scale, generator=self.generator)
        else:
            buf.exponential_(generator=self.generator)
            buf.sub_(self._spare.exponential_(generator=self.generator)).mul_(self.scale)
        return buf.add_(x)
