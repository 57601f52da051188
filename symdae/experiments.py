"""Experiments: train on MNIST or CIFAR-10 and compare with the theory (needs ``torch``).

A run loads the first ``N`` training images (pixels / 255, flattened,
uncentred), takes the spectrum of ``Σ = XᵀX`` (cached), trains a linear or
nonlinear autoencoder with :mod:`symdae.torch`, and writes, atomically,

* ``DIR/result.npz``: ``epochs`` (T,), ``measured`` (T, K), ``theory`` (T, K)
  (continuous time), ``theory_discrete`` (T, K) (linear runs: one gradient
  step per epoch), ``eigenvalues`` (D,), ``directions`` (K,) (0-based);
* ``DIR/result.json``: the configuration, versions, device, wall time, the
  data's provenance and nature, and agreement metrics per direction.

The two are one unit: ``result.npz`` also holds ``run_id`` and the settings,
and ``result.json`` -- written last, the commit record -- holds the same
``run_id`` and the SHA-256 of the ``result.npz`` it belongs to.
:func:`read_result` checks both, so a pair from two runs (a kill between the
two writes) is never taken for a result. One run at a time writes into a
folder (a lock on ``DIR/.symdae.lock``); temporary files a killed write left there
are removed by the next run. A damaged ``checkpoint.pt`` is set aside as
``checkpoint.pt.damaged`` and the run starts afresh. Training that diverges
stops with :class:`Diverged`; JSON is always valid (``null``, never ``NaN``).

Linear theory: each direction is exactly a scalar mode with effective
weights from its initial ``|a + b|²`` and ``|a − b|²`` (:mod:`symdae.theory`).
Nonlinear runs record the Supplement F estimate; their ``theory`` is the
linear theory of the same settings (the MSE over ``N·D`` entries with rate
``lr`` and weight decay ``wd`` is the linear loss with ``α = 2 lr/D`` and
``γ = wd·D/2``), a qualitative reference only.
"""

from __future__ import annotations

import io
import json
import math
import platform
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from numbers import Integral, Real
from pathlib import Path
from typing import Any, Literal

import numpy as np

from symdae import __version__
from symdae._io import folder_lock, json_text, jsonable, remove_leftovers, sha256_hex, write_atomic
from symdae.theory import max_abs_error, predict

Progress = Callable[[int, int], None]
Note = Callable[[str], None]
HIGHLIGHT = (1, 4, 8, 16, 32)
"""The directions of the paper's Figure 5 (1-based)."""
DIMENSIONS = {"mnist": 784, "cifar10": 3072}
"""D, the pixels (values) per image of each dataset."""
TRAIN_IMAGES = {"mnist": 60000, "cifar10": 50000}
"""The training images of each dataset (the most ``samples`` can be)."""
MAX_HIDDEN = 10000
"""The most hidden units a run may have (W1 and W2 then hold 10000·D values each)."""
MAX_INIT_STD = 1.0
"""The largest initial weight scale: the theory and the paper are about small random starts."""
MAX_SEED = 2**32 - 1
MAX_RECORDED = 20_000_000
"""The most values a run may record per array (records × directions, float64: 160 MB)."""
RESULT_NPZ, RESULT_JSON, CHECKPOINT = "result.npz", "result.json", "checkpoint.pt"
_WRITTEN = (RESULT_NPZ, RESULT_JSON, CHECKPOINT)
_ARRAYS = ("epochs", "measured", "theory", "theory_discrete", "eigenvalues", "directions")


class SettingsError(ValueError):
    """Settings that cannot run, found before or while preparing the run (a usage error)."""


class ExperimentError(RuntimeError):
    """A run that could not finish (a failure, not a usage error)."""


class Diverged(ExperimentError):
    """Training diverged; the message names the epoch and the learning rate to use instead."""


class ResultMissing(LookupError):
    """No usable result in a folder; ``damaged`` is true when files are there but do not form one result."""

    def __init__(self, message: str, damaged: bool) -> None:
        super().__init__(message)
        self.damaged = damaged


@dataclass(frozen=True)
class Experiment:
    """One experiment's settings (the ``symdae experiment`` options).

    Invalid settings raise :class:`SettingsError` (a ``ValueError``) naming
    the option (``--lr`` for ``lr``) and the rule.
    """

    kind: Literal["linear", "nonlinear"] = "linear"
    dataset: Literal["mnist", "cifar10"] = "mnist"
    data_root: str | None = None
    samples: int = 50000
    epochs: int = 5000
    lr: float = 0.01
    hidden: int = 256
    model: Literal["ae", "dae", "wdae"] = "ae"
    noise_var: float = 0.0
    noise: Literal["gaussian", "laplace"] = "gaussian"
    noise_mode: Literal["marginal", "sampled"] = "marginal"
    weight_decay: float = 0.0
    activation: Literal["relu", "tanh"] = "relu"
    every: int = 10
    seed: int = 0
    device: str = "auto"
    dtype: Literal["float32", "float64"] = "float32"
    init_std: float | None = None
    directions: int | None = None
    space: Literal["auto", "eigen", "covariance", "data"] = "auto"
    aligned: bool = False

    def __post_init__(self) -> None:
        choices = {"kind": ("linear", "nonlinear"), "dataset": tuple(DIMENSIONS), "model": ("ae", "dae", "wdae"),
                   "noise": ("gaussian", "laplace"), "noise_mode": ("marginal", "sampled"),
                   "activation": ("relu", "tanh"), "dtype": ("float32", "float64"),
                   "space": ("auto", "eigen", "covariance", "data")}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise SettingsError(f"{_option(name)} must be one of {', '.join(allowed)}; got "
                                    f"{getattr(self, name)!r}")
        if self.kind == "nonlinear" and (self.space != "auto" or self.aligned):
            raise SettingsError("--space and --aligned apply to linear runs only (a nonlinear network trains on "
                                "the data rows from i.i.d. random weights)")
        if self.noise_mode == "sampled" and self.space not in ("auto", "data"):  # checked before loading the data
            raise SettingsError(f"--space must be 'data' or 'auto' for --noise-mode sampled (sampled noise "
                                f"corrupts the data rows); got {self.space!r}")
        dim = DIMENSIONS[self.dataset]
        _whole(self, "samples", 1, TRAIN_IMAGES[self.dataset],
               f"the {TRAIN_IMAGES[self.dataset]} {self.dataset} training images")
        _whole(self, "epochs", 1)
        _whole(self, "hidden", 1, MAX_HIDDEN)
        _whole(self, "every", 1)
        _whole(self, "seed", 0, MAX_SEED)
        if self.directions is not None:
            _whole(self, "directions", 1, dim, f"the {dim} directions of {self.dataset}")
        _finite(self, "lr", positive=True)
        _finite(self, "noise_var")
        _finite(self, "weight_decay")
        if self.init_std is not None:
            _finite(self, "init_std", positive=True)
            if self.init_std > MAX_INIT_STD:
                raise SettingsError(f"--init-std must be <= {MAX_INIT_STD:g} (a small random start); got "
                                    f"{self.init_std:g}")
        if not isinstance(self.aligned, bool):
            raise SettingsError(f"--aligned must be True or False; got {self.aligned!r}")
        for option, derived, value in (("--lr", "N/lr (the time scale τ, in epochs)", self.samples / self.lr),
                                       ("--noise-var", "N·noise_var (ε)", self.samples * self.noise_var),
                                       ("--weight-decay", "N·weight_decay (κ)", self.samples * self.weight_decay)):
            if not math.isfinite(value):
                raise SettingsError(f"{option} {getattr(self, _field(option)):g} is out of range: {derived} "
                                    f"overflows with --samples {self.samples}")
        recorded = (self.epochs // self.every + 2) * (dim if self.kind == "linear" else self.directions or 4)
        if recorded > MAX_RECORDED:
            raise SettingsError(f"--epochs {self.epochs} with --every {self.every} records {recorded:.3g} values "
                                f"(records × directions); at most {MAX_RECORDED:.0e}: raise --every")


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _field(option: str) -> str:
    return option[2:].replace("-", "_")


def _whole(exp: Experiment, name: str, minimum: int, maximum: int | None = None, what: str | None = None) -> None:
    value = getattr(exp, name)
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise SettingsError(f"{_option(name)} must be a whole number; got {value!r}")
    value = int(value)
    if value < minimum:
        raise SettingsError(f"{_option(name)} must be >= {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise SettingsError(f"{_option(name)} must be <= {maximum}{f' ({what})' if what else ''}; got {value}")
    object.__setattr__(exp, name, value)


def _finite(exp: Experiment, name: str, positive: bool = False) -> None:
    value = getattr(exp, name)
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise SettingsError(f"{_option(name)} must be a finite number; got {value!r}")
    if (value <= 0) if positive else (value < 0):
        raise SettingsError(f"{_option(name)} must be {'>' if positive else '>='} 0; got {value!r}")
    object.__setattr__(exp, name, float(value))


def check(exp: Experiment) -> None:
    """Raise :class:`SettingsError` unless ``exp`` can run here: its trainer accepts the settings and the
    device exists (needs torch). Loads no data, so a command can check all its runs before doing any."""
    from symdae.torch._device import resolve_device

    try:
        _config(exp)
    except ValueError as err:
        raise SettingsError(_options_named(str(err))) from None
    try:
        resolve_device(exp.device)
    except (ValueError, RuntimeError) as err:
        raise SettingsError(f"--device {exp.device}: {err}") from None


def _options_named(message: str) -> str:
    """A trainer's message in the option spelling (``noise_var must be > 0`` → ``--noise-var must be > 0``)."""
    names = ("noise_var", "weight_decay", "init_std", "noise_mode", "lr", "hidden", "epochs", "every", "seed",
             "device", "dtype", "model", "space", "noise", "directions", "activation")
    return re.sub(r"\b(" + "|".join(names) + r")\b(?= (?:must|=|requested))", lambda m: _option(m.group(1)), message)


def _config(exp: Experiment) -> Any:
    from symdae.torch import LinearConfig, NonlinearConfig

    if exp.kind == "linear":
        return LinearConfig(model=exp.model, lr=exp.lr, epochs=exp.epochs, hidden=exp.hidden,
                            noise_var=exp.noise_var, noise=exp.noise, noise_mode=exp.noise_mode,
                            weight_decay=exp.weight_decay, every=exp.every, seed=exp.seed, device=exp.device,
                            dtype=exp.dtype, init_std=1e-4 if exp.init_std is None else exp.init_std,
                            aligned=exp.aligned, space=exp.space)
    return NonlinearConfig(model=exp.model, activation=exp.activation, hidden=exp.hidden, lr=exp.lr,
                           epochs=exp.epochs, noise_var=exp.noise_var, weight_decay=exp.weight_decay,
                           every=exp.every, directions=exp.directions or 4, seed=exp.seed, device=exp.device,
                           dtype=exp.dtype, init_std=1e-3 if exp.init_std is None else exp.init_std)


def _load(exp: Experiment) -> tuple[Any, Any, Any]:
    from symdae.data import load, preprocess, spectrum

    try:
        data = load(exp.dataset, n=exp.samples, data_root=exp.data_root)
    except ValueError as err:
        fewer = re.match(r"n = (\d+) exceeds (.*)", str(err), re.DOTALL)
        if fewer:
            raise SettingsError(f"--samples {fewer.group(1)} exceeds {fewer.group(2)}") from None
        raise
    x = preprocess(data.images, dtype=np.float32 if exp.dtype == "float32" else np.float64)
    return data, x, spectrum(data)


def run(exp: Experiment, out: Path, progress: Progress | None = None, resume: bool = False,
        checkpoint_every: int = 500, note: Note | None = None) -> dict[str, Any]:
    """Run ``exp``, write ``out/result.npz`` and ``out/result.json``; return the JSON record.

    ``note`` receives one-line notes (a damaged checkpoint set aside,
    leftovers of an interrupted write removed); by default they go to stderr.

    Raises:
        SettingsError: settings that cannot run (checked before any data is read).
        FolderBusy: another run is writing into ``out``.
        Diverged: training diverged (the message says at which epoch, and the learning rate to use).
        Interrupted: Ctrl-C; the state of the last finished epoch is in ``out/checkpoint.pt``.
    """
    from symdae._progress import say
    from symdae.torch import TrainingData
    from symdae.torch._faults import CheckpointDamaged, TrainingDiverged

    tell: Note = say if note is None else note
    check(exp)
    out = Path(out)
    with folder_lock(out):
        leftovers = remove_leftovers(out, _WRITTEN)
        if leftovers:
            tell(f"removed {len(leftovers)} temporary file(s) an interrupted write left in {out}")
        started = time.perf_counter()
        data, x, spec = _load(exp)
        training = TrainingData(spec.eigenvalues, spec.eigenvectors, exp.samples, x)
        checkpoint = out / CHECKPOINT
        train = _linear if exp.kind == "linear" else _nonlinear
        try:
            try:
                measured, epochs, theory, discrete, run_info = train(exp, training, progress, checkpoint, resume,
                                                                     checkpoint_every)
            except CheckpointDamaged as err:
                aside = checkpoint.with_name(checkpoint.name + ".damaged")
                checkpoint.replace(aside)
                tell(f"{err}; moved it to {aside.name} and starting from epoch 0")
                measured, epochs, theory, discrete, run_info = train(exp, training, progress, checkpoint, False,
                                                                     checkpoint_every)
        except TrainingDiverged as err:
            raise Diverged(_divergence(exp, training, err)) from None
        except ValueError as err:
            if str(err).startswith("checkpoint:") and resume:
                raise SettingsError(f"--resume: {err}; run without --resume to start afresh (the checkpoint is "
                                    "then replaced)") from None
            raise
        k = measured.shape[1]
        metrics = _agreement(measured, theory, discrete)
        record = {
            "experiment": asdict(exp),
            "data": {"dataset": exp.dataset, "n": exp.samples, "nature": data.nature,
                     "provenance": data.provenance, "folder": str(data.folder)},
            "versions": _versions(),
            "wall_time_s": time.perf_counter() - started,
            **run_info,
            "agreement": metrics,
        }
        arrays = {"epochs": epochs, "measured": measured, "theory": theory, "theory_discrete": discrete,
                  "eigenvalues": spec.eigenvalues, "directions": np.arange(k)}
        return write_result(out, arrays, record)


def write_result(out: Path, arrays: dict[str, np.ndarray], record: dict[str, Any]) -> dict[str, Any]:
    """Write ``arrays`` to ``out/result.npz``, then ``record`` -- with the npz's ``run_id`` and SHA-256 -- to
    ``out/result.json``, each atomically; return the record as written (valid JSON: NaN → ``null``).

    The caller holds the folder's lock (:func:`run` does).
    """
    run_id = uuid.uuid4().hex
    settings = json_text(record.get("experiment", {}), indent=None)
    buffer = io.BytesIO()
    payload: dict[str, Any] = {**arrays, "run_id": np.array(run_id), "experiment": np.array(settings)}
    np.savez(buffer, **payload)
    content = buffer.getvalue()
    written = jsonable({**record, "run_id": run_id, "result_npz": {"sha256": sha256_hex(content),
                                                                   "bytes": len(content)}})
    _write_arrays(out, content)
    _commit(out, written)
    return dict(written)


def _write_arrays(out: Path, content: bytes) -> None:
    write_atomic(out / RESULT_NPZ, content)


def _commit(out: Path, record: dict[str, Any]) -> None:
    """Write ``result.json``: the step that makes the new ``result.npz`` a result."""
    write_atomic(out / RESULT_JSON, json_text(record))


@dataclass(frozen=True)
class StoredResult:
    """A result read back by :func:`read_result`: the arrays of ``result.npz`` and the record of ``result.json``."""

    folder: Path
    arrays: dict[str, np.ndarray]
    record: dict[str, Any]


def read_result(folder: Path) -> StoredResult:
    """The result stored in ``folder``, checked to be one unit; :class:`ResultMissing` if there is none.

    ``result.json`` must be valid and record the SHA-256 of the
    ``result.npz`` beside it (results written before symdae recorded it are
    accepted when their agreement metrics, recomputed from the arrays, equal
    the recorded ones), and the arrays must have the documented shapes.
    """
    folder = Path(folder)
    try:
        text = (folder / RESULT_JSON).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultMissing(f"no {RESULT_JSON} in {folder}", damaged=False) from None
    except (OSError, UnicodeDecodeError) as err:
        raise ResultMissing(f"{folder / RESULT_JSON} cannot be read ({err})", damaged=True) from None
    try:
        record = json.loads(text)
    except ValueError:
        raise ResultMissing(f"{folder / RESULT_JSON} is not valid JSON", damaged=True) from None
    if not isinstance(record, dict) or not isinstance(record.get("experiment"), dict):
        raise ResultMissing(f"{folder / RESULT_JSON} is not a symdae result", damaged=True)
    try:
        content = (folder / RESULT_NPZ).read_bytes()
    except OSError:
        raise ResultMissing(f"{folder / RESULT_JSON} has no {RESULT_NPZ} beside it", damaged=True) from None
    digest = record.get("result_npz", {}).get("sha256") if isinstance(record.get("result_npz"), dict) else None
    if digest is not None and digest != sha256_hex(content):
        raise ResultMissing(f"{folder / RESULT_NPZ} is not the file {RESULT_JSON} records (an interrupted write, "
                            "or another run's file)", damaged=True)
    try:
        with np.load(io.BytesIO(content), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except Exception as err:  # any failure to parse is a damaged file, whatever numpy raises
        raise ResultMissing(f"{folder / RESULT_NPZ} cannot be read ({type(err).__name__})", damaged=True) from None
    problem = _shape_problem(arrays)
    if problem is None and digest is None:  # written before results recorded their digest
        legacy = _agreement(arrays["measured"], arrays["theory"], arrays["theory_discrete"])
        if jsonable(legacy) != jsonable(record.get("agreement")):  # NaN is None on both sides
            problem = f"its arrays do not give the agreement {RESULT_JSON} records (another run's files)"
    if problem is not None:
        raise ResultMissing(f"{folder / RESULT_NPZ}: {problem}", damaged=True)
    for name in ("run_id", "experiment"):
        arrays.pop(name, None)
    return StoredResult(folder, arrays, record)


def _shape_problem(arrays: dict[str, np.ndarray]) -> str | None:
    missing = [name for name in _ARRAYS if name not in arrays]
    if missing:
        return f"no {', '.join(missing)}"
    t, k = arrays["epochs"].shape[0] if arrays["epochs"].ndim == 1 else -1, arrays["directions"].size
    for name in ("measured", "theory", "theory_discrete"):
        if arrays[name].shape != (t, k):
            return f"{name} has shape {arrays[name].shape}, expected ({t}, {k})"
    return None


def _divergence(exp: Experiment, training: Any, err: Any) -> str:
    """The message of a diverged run: where, and the learning rate to use (Supp. D)."""
    from symdae.kernels import optimal_tau

    n, lam1 = exp.samples, float(training.eigenvalues[0])
    if exp.kind == "linear":
        eps, kappa = n * exp.noise_var, n * exp.weight_decay
        rate = n / float(optimal_tau(lam=lam1, eps=eps, kappa=kappa))
        advice = (f"the optimal rate for these data is α* = N/(2λ1 + 3ε + κ) = {rate:.4g} (λ1 = {lam1:.5g}, "
                  f"ε = N·s² = {eps:g}, κ = N·γ = {kappa:g})")
    else:
        dim = training.eigenvalues.size
        eps, kappa = n * exp.noise_var, n * exp.weight_decay * dim / 2
        rate = n / float(optimal_tau(lam=lam1, eps=eps, kappa=kappa)) * dim / 2
        advice = (f"the equivalent linear network's optimal rate is α*·D/2 = {rate:.4g} with α* = "
                  f"N/(2λ1 + 3ε + κ), λ1 = {lam1:.5g}, ε = N·s² = {eps:g}, κ = N·γ·D/2 = {kappa:g} (a guide for "
                  f"{exp.activation} networks)")
    return f"{err} with --lr {exp.lr:g}; use a smaller --lr: {advice}"


def _linear(exp: Experiment, training: Any, progress: Progress | None, checkpoint: Path, resume: bool,
            checkpoint_every: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
    from symdae.torch import train_linear

    config = _config(exp)
    result = train_linear(training, config, progress=progress, checkpoint=checkpoint, resume=resume,
                          checkpoint_every=checkpoint_every)
    k = exp.directions or result.mapping.shape[1]
    n = exp.samples
    prediction = predict(result.epochs, training.eigenvalues[:k], eps=n * exp.noise_var,
                         kappa=n * exp.weight_decay, tau=n / exp.lr, p0=result.P0[:k], q0=result.Q0[:k])
    info = {"device": result.device, "train_time_s": result.wall_time, "init_std": config.init_std,
            "space": config.resolved_space,
            "theory": "exact per-direction reduction (symdae.theory), continuous and discrete time"}
    return result.mapping[:, :k], result.epochs, prediction.continuous, prediction.discrete, info


def _nonlinear(exp: Experiment, training: Any, progress: Progress | None, checkpoint: Path, resume: bool,
               checkpoint_every: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
    from symdae.torch import train_nonlinear

    config = _config(exp)
    k = config.directions
    result = train_nonlinear(training, config, progress=progress, checkpoint=checkpoint, resume=resume,
                             checkpoint_every=checkpoint_every)
    d = training.eigenvalues.size
    alpha, gamma = 2 * exp.lr / d, exp.weight_decay * d / 2
    n = exp.samples
    # the typical random start of the equivalent linear network: |a ± b|² ≈ 2Hσ0², no initial mapping
    start = np.full(k, 2 * exp.hidden * config.init_std**2)
    prediction = predict(result.epochs, training.eigenvalues[:k], eps=n * exp.noise_var, kappa=n * gamma,
                         tau=n / alpha, p0=start, q0=start)
    info = {"device": result.device, "train_time_s": result.wall_time, "init_std": config.init_std,
            "input_noise": "gaussian, sampled afresh every epoch" if exp.noise_var > 0 else "none",
            "theory": "linear theory of the equivalent linear network (qualitative reference)"}
    return result.mapping, result.epochs, prediction.continuous, prediction.discrete, info


def _nanmax(values: np.ndarray) -> float:
    finite = values[~np.isnan(values)]
    return float(np.max(finite)) if finite.size else float("nan")


def _agreement(measured: np.ndarray, theory: np.ndarray, discrete: np.ndarray) -> dict[str, Any]:
    k = measured.shape[1]
    continuous_err = max_abs_error(measured, theory)
    discrete_err = max_abs_error(measured, discrete)
    shown = [j for j in HIGHLIGHT if j <= k]
    return {
        "metric": "max over recorded epochs of |measured - theory| per direction",
        "figure5_directions": {
            str(j): {"continuous": float(continuous_err[j - 1]), "discrete": float(discrete_err[j - 1]),
                     "final_measured": float(measured[-1, j - 1]), "final_theory": float(discrete[-1, j - 1])}
            for j in shown
        },
        "max_continuous": _nanmax(continuous_err),
        "max_discrete": _nanmax(discrete_err),
    }


def _versions() -> dict[str, str]:
    import importlib.metadata

    versions = {"symdae": __version__, "python": platform.python_version()}
    for package in ("numpy", "numba", "sympy", "torch"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions
