"""Device and dtype names to torch objects."""

from __future__ import annotations

import warnings

import numpy as np
import torch

DTYPES = {"float32": torch.float32, "float64": torch.float64}


def resolve_device(name: str) -> torch.device:
    """``'auto'`` is CUDA when available, else CPU; asking for absent CUDA is a ``ValueError``."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"device {name!r} requested but CUDA is not available (torch {torch.__version__})")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise ValueError(f"device {name!r} requested but only {torch.cuda.device_count()} CUDA device(s) exist")
    return device


def generator(device: torch.device, seed: int) -> torch.Generator:
    """A seeded random generator on ``device`` (its state goes into checkpoints)."""
    gen = torch.Generator(device=device)
    gen.manual_seed(seed)
    return gen


def readonly_tensor(array: np.ndarray, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    """``array`` as a tensor on ``device`` in ``dtype``, sharing memory where it can; never written to.

    Read-only arrays (cached spectra, memory maps) are accepted as they are,
    without a copy and without torch's warning about non-writable arrays.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
        return torch.from_numpy(np.ascontiguousarray(array)).to(device=device, dtype=dtype)
