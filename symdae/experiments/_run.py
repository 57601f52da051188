"""One run: check the settings, load the data and its spectrum, train, add the theory, store the result.

A run loads the first ``N`` training images (pixels / 255, flattened,
uncentred), takes the spectrum of ``Σ = XᵀX`` (cached), trains a linear or
nonlinear autoencoder with :mod:`symdae.torch` and stores the result
(:mod:`symdae.experiments._store`). One run at a time writes into a folder
(a lock on ``DIR/.symdae.lock``); temporary files a killed write left there
are removed by the next run. A damaged ``checkpoint.pt`` is set aside as
``checkpoint.pt.damaged`` and the run starts afresh. Training that diverges
stops with :class:`Diverged`.
"""

from __future__ import annotations

import os
import platform
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from symdae import __version__
from symdae._io import folder_lock, remove_leftovers
from symdae.experiments._description import Experiment
from symdae.experiments._errors import Diverged, SettingsError
from symdae.experiments._store import CHECKPOINT, WRITTEN, Result, write_result
from symdae.experiments._theory import (
    DIRECTION_INDEXING,
    agreement,
    init_std,
    mode_record,
    rate_advice,
    theory,
    theory_description,
)

Progress = Callable[[int, int], None]
Note = Callable[[str], None]
_TRAINER_OPTIONS = ("noise_var", "weight_decay", "init_std", "noise_mode", "lr", "hidden", "epochs", "every", "seed",
                    "device", "dtype", "model", "space", "noise", "directions", "activation")


@dataclass(frozen=True)
class Loaded:
    """A run's data: the dataset (provenance, nature, folder), its rows, their spectrum and the data root."""

    data: Any
    rows: np.ndarray
    spectrum: Any
    root: Path


def check(exp: Experiment) -> None:
    """Raise :class:`SettingsError` unless ``exp`` can run here: its trainer accepts the settings and the
    device exists (needs torch). Loads no data, so a command can check all its runs before doing any."""
    from symdae.torch._device import resolve_device

    try:
        trainer_config(exp)
    except ValueError as err:
        raise SettingsError(_options_named(str(err))) from None
    try:
        resolve_device(exp.device)
    except (ValueError, RuntimeError) as err:
        raise SettingsError(f"--device {exp.device}: {err}") from None


def _options_named(message: str) -> str:
    """A trainer's message in the option spelling (``noise_var must be > 0`` → ``--noise-var must be > 0``)."""
    pattern = r"\b(" + "|".join(_TRAINER_OPTIONS) + r")\b(?= (?:must|=|requested))"
    return re.sub(pattern, lambda m: "--" + m.group(1).replace("_", "-"), message)


def trainer_config(exp: Experiment) -> Any:
    """The :class:`~symdae.torch.LinearConfig` or :class:`~symdae.torch.NonlinearConfig` of ``exp``."""
    from symdae.torch import LinearConfig, NonlinearConfig

    common: dict[str, Any] = {"model": exp.model, "lr": exp.lr, "epochs": exp.epochs, "hidden": exp.hidden,
              "noise_var": exp.noise_var, "weight_decay": exp.weight_decay, "every": exp.every, "seed": exp.seed,
              "device": exp.device, "dtype": exp.dtype, "init_std": init_std(exp)}
    if exp.kind == "linear":
        return LinearConfig(**common, noise=exp.noise, noise_mode=exp.noise_mode, aligned=exp.aligned,
                            space=exp.space)
    return NonlinearConfig(**common, activation=exp.activation, directions=exp.directions)


def _load(exp: Experiment) -> Loaded:
    from symdae.data import load, preprocess, spectrum
    from symdae.data.roots import resolve_root

    root = resolve_root(exp.data_root).resolve()
    try:
        data = load(exp.dataset, n=exp.samples, data_root=root)
    except ValueError as err:
        fewer = re.match(r"n = (\d+) exceeds (.*)", str(err), re.DOTALL)
        if fewer:
            raise SettingsError(f"--samples {fewer.group(1)} exceeds {fewer.group(2)}") from None
        raise
    rows = preprocess(data.images, dtype=np.float32 if exp.dtype == "float32" else np.float64)
    return Loaded(data, rows, spectrum(data), root)


def run(experiment: Experiment, out: str | os.PathLike[str] | None = None, *, progress: Progress | None = None,
        resume: bool = False, checkpoint_every: int = 500, note: Note | None = None) -> Result:
    """Run ``experiment``; store it in ``out`` (``result.npz``, ``result.json``, ``checkpoint.pt``) unless
    ``out`` is ``None``; return the :class:`Result` (arrays, record, settings).

    ``progress(done, total)`` is called as training proceeds; ``resume``
    continues from ``out/checkpoint.pt``; ``note`` receives one-line notes (a
    damaged checkpoint set aside, leftovers of an interrupted write
    removed), by default on stderr.

    Raises:
        SettingsError: settings that cannot run (checked before any data is read).
        FolderBusy: another run is writing into ``out``.
        Diverged: training diverged (the message says at which epoch, and the learning rate to use).
        Interrupted: Ctrl-C; the state of the last finished epoch is in ``out/checkpoint.pt``.
    """
    from symdae._progress import say

    tell: Note = say if note is None else note
    check(experiment)
    if out is None:
        if resume:
            raise SettingsError("--resume needs an output folder (--out) holding the checkpoint")
        return _run(experiment, None, progress, False, checkpoint_every, tell)
    folder = Path(out)
    with folder_lock(folder):
        leftovers = remove_leftovers(folder, WRITTEN)
        if leftovers:
            tell(f"removed {len(leftovers)} temporary file(s) an interrupted write left in {folder}")
        return _run(experiment, folder, progress, resume, checkpoint_every, tell)


def _run(exp: Experiment, folder: Path | None, progress: Progress | None, resume: bool, checkpoint_every: int,
         tell: Note) -> Result:
    from symdae.torch import TrainingData
    from symdae.torch._faults import CheckpointDamaged, TrainingDiverged

    started = time.perf_counter()
    loaded = _load(exp)
    training = TrainingData(loaded.spectrum.eigenvalues, loaded.spectrum.eigenvectors, exp.samples, loaded.rows)
    checkpoint = None if folder is None else folder / CHECKPOINT
    try:
        try:
            trained = _train(exp, training, progress, checkpoint, resume, checkpoint_every)
        except CheckpointDamaged as err:
            assert checkpoint is not None
            aside = checkpoint.with_name(checkpoint.name + ".damaged")
            checkpoint.replace(aside)
            tell(f"{err}; moved it to {aside.name} and starting from epoch 0")
            trained = _train(exp, training, progress, checkpoint, False, checkpoint_every)
    except TrainingDiverged as err:
        lam1 = float(training.eigenvalues[0])
        raise Diverged(f"{err} with --lr {exp.lr:g}; use a smaller --lr: "
                       f"{rate_advice(exp, lam1, dim=training.dim)}") from None
    except ValueError as err:
        if str(err).startswith("checkpoint:") and resume:
            raise SettingsError(f"--resume: {err}; run without --resume to start afresh (the checkpoint is "
                                "then replaced)") from None
        raise
    measured, epochs, start, run_info, weights = trained
    k = measured.shape[1]
    prediction = theory(exp, epochs, training.eigenvalues[:k], dim=training.dim,
                        **({} if start is None else {"p0": start[0][:k], "q0": start[1][:k]}))
    data = loaded.data
    record = {
        "experiment": exp.settings(),
        "mode": mode_record(exp, dim=training.dim),
        "data": {"dataset": exp.dataset, "n": exp.samples, "nature": data.nature, "provenance": data.provenance,
                 "folder": str(Path(data.folder).resolve()), "root": str(loaded.root)},
        "directions": {"indexing": DIRECTION_INDEXING, "kept": k},
        "versions": _versions(),
        "wall_time_s": time.perf_counter() - started,
        **run_info,
        "theory": theory_description(exp),
        "agreement": agreement(measured, prediction.continuous, prediction.discrete),
    }
    arrays = {"epochs": epochs, "measured": measured, "theory": prediction.continuous,
              "theory_discrete": prediction.discrete, "eigenvalues": training.eigenvalues,
              "directions": np.arange(1, k + 1)}
    return replace(write_result(folder, exp, arrays, record), weights=weights)


def _train(exp: Experiment, training: Any, progress: Progress | None, checkpoint: Path | None, resume: bool,
           checkpoint_every: int) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray] | None,
                                       dict[str, Any], tuple[np.ndarray, np.ndarray] | None]:
    """Train ``exp``: the measured mappings (T, K), the record epochs, each direction's measured ``(P0, Q0)``
    (linear runs), what the record says about the training, and the final ``(W1, W2)``."""
    from symdae.torch import train_linear, train_nonlinear

    config = trainer_config(exp)
    options: dict[str, Any] = {"progress": progress, "checkpoint": checkpoint, "resume": resume,
                               "checkpoint_every": checkpoint_every}
    if exp.kind == "linear":
        linear = train_linear(training, config, **options)
        k = exp.directions or linear.mapping.shape[1]
        info = {"device": linear.device, "train_time_s": linear.wall_time, "init_std": config.init_std,
                "space": config.resolved_space}
        return linear.mapping[:, :k], linear.epochs, (linear.P0, linear.Q0), info, (linear.w1, linear.w2)
    nonlinear = train_nonlinear(training, config, **options)
    info = {"device": nonlinear.device, "train_time_s": nonlinear.wall_time, "init_std": config.init_std,
            "input_noise": "gaussian, sampled afresh every epoch" if exp.noise_var > 0 else "none"}
    return nonlinear.mapping, nonlinear.epochs, None, info, (nonlinear.w1, nonlinear.w2)


def _versions() -> dict[str, str]:
    import importlib.metadata

    versions = {"symdae": __version__, "python": platform.python_version()}
    for package in ("numpy", "numba", "sympy", "torch"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions
