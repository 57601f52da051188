"""Checkpoints: a trainer's whole state in one ``.npz`` file, written atomically.

A checkpoint holds the configuration, the data's N and eigenvalues (to
refuse resuming on other data), the epoch, the weights in the working
dtype, the random generator's state and the records so far. Resuming from it
continues the run exactly: on the same device type, the resumed run equals
an uninterrupted one bit for bit.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray

from symdae._io import write_atomic
from symdae.torch._faults import CheckpointDamaged

Arrays = dict[str, NDArray[Any]]


@dataclass
class Checkpoint:
    """A trainer's state (see the module docstring)."""

    kind: str
    config: dict[str, Any]
    epoch: int
    n_samples: int
    device_type: str
    wall_time: float
    arrays: Arrays = field(default_factory=dict)
    source: Path | None = field(default=None, compare=False)
    """The file it was loaded from (not saved)."""

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write to ``path`` atomically (a reader never sees a partial file)."""
        meta = {"kind": self.kind, "config": self.config, "epoch": self.epoch, "n_samples": self.n_samples,
                "device_type": self.device_type, "wall_time": self.wall_time}
        buffer = io.BytesIO()
        arrays: dict[str, Any] = {"meta": np.array(json.dumps(meta)), **self.arrays}
        np.savez(buffer, **arrays)
        write_atomic(path, buffer.getvalue())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Checkpoint:
        """Read a checkpoint written by :meth:`save` (no pickles are loaded).

        Raises :class:`~symdae.torch._faults.CheckpointDamaged` (a
        ``ValueError``) when the file cannot be read back as one: truncated,
        corrupted (the archive's CRC-32 checks fail), or not a checkpoint.
        """
        try:
            archive = np.load(Path(path), allow_pickle=False)
            if not isinstance(archive, np.lib.npyio.NpzFile):
                raise ValueError("a single array, not an .npz archive")
            with archive:
                arrays = {name: archive[name] for name in archive.files}
            if "meta" not in arrays:
                raise ValueError("no 'meta' entry")
            meta = json.loads(str(arrays.pop("meta")))
            if not isinstance(meta, dict) or not isinstance(meta.get("config"), dict):
                raise ValueError("its 'meta' entry is not a checkpoint description")
            checkpoint = cls(str(meta["kind"]), meta["config"], int(meta["epoch"]), int(meta["n_samples"]),
                             str(meta["device_type"]), float(meta["wall_time"]), arrays, Path(path))
        except (OSError, EOFError, ValueError, KeyError, TypeError, zipfile.BadZipFile, zlib.error) as err:
            raise CheckpointDamaged(Path(path), f"{type(err).__name__}: {err}") from err
        if checkpoint.epoch < 0:
            raise CheckpointDamaged(Path(path), f"epoch {checkpoint.epoch} < 0")
        return checkpoint

    def array(self, name: str, shape: tuple[int, ...] | None = None, finite: bool = False) -> NDArray[Any]:
        """The stored array ``name``, checked for ``shape`` and finiteness; else :class:`CheckpointDamaged`."""
        where = self.source if self.source is not None else Path("checkpoint")
        value = self.arrays.get(name)
        if value is None:
            raise CheckpointDamaged(where, f"no {name!r} entry")
        if shape is not None and value.shape != shape:
            raise CheckpointDamaged(where, f"{name!r} has shape {value.shape}, expected {shape}")
        if finite and not (np.issubdtype(value.dtype, np.number) and np.all(np.isfinite(value))):
            raise CheckpointDamaged(where, f"{name!r} is not all finite numbers")
        return value

    def check_matches(self, kind: str, config: dict[str, Any], n_samples: int, eigenvalues: NDArray[np.float64],
                      device: torch.device, uses_rng: bool) -> None:
        """``ValueError`` unless this checkpoint continues the run being started."""
        if self.kind != kind:
            raise ValueError(f"checkpoint: written by the {self.kind} trainer, not the {kind} trainer")
        wanted = jsonable(config)
        for name, value in wanted.items():
            if self.config.get(name) != value:
                raise ValueError(f"checkpoint: written for {name}={self.config.get(name)!r}, "
                                 f"this run has {name}={value!r}")
        saved = self.arrays.get("eigenvalues")
        if self.n_samples != n_samples or saved is None or saved.shape != eigenvalues.shape or not np.allclose(
            saved, eigenvalues, rtol=1e-9, atol=1e-9 * float(np.max(np.abs(eigenvalues)))
        ):
            raise ValueError("checkpoint: written for other data (N or the spectrum of Σ differ)")
        if uses_rng and self.device_type != device.type:
            raise ValueError(f"checkpoint: its noise generator state is for {self.device_type}, "
                             f"this run is on {device.type}")


def generator_state(generator: torch.Generator | None) -> NDArray[np.uint8]:
    """The generator's state as bytes (empty without a generator)."""
    if generator is None:
        return np.zeros(0, dtype=np.uint8)
    return generator.get_state().numpy().copy()


def set_generator_state(generator: torch.Generator | None, state: NDArray[np.uint8]) -> None:
    if generator is not None:
        generator.set_state(torch.from_numpy(np.ascontiguousarray(state, dtype=np.uint8)))


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` as they come back from JSON (tuples become lists), for comparisons."""
    result: dict[str, Any] = json.loads(json.dumps(values))
    return result
