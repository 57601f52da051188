"""The experiment description: one run's settings, checked on construction, with per-dataset defaults.

:class:`Experiment` is the single description of a run: the ``symdae
experiment`` options are its fields (``--noise-var`` is ``noise_var``), and
the settings left out take the defaults the command line uses -- the
paper's ``samples``, ``hidden`` and ``lr`` for the dataset
(:mod:`symdae.experiments._paper`), and for nonlinear runs the authors'
``lr``, ``epochs`` and ``directions``. ``tests/test_experiments.py`` checks
that the two agree for every dataset and kind.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, fields
from numbers import Integral, Real
from typing import Any, Literal

from symdae.experiments._errors import SettingsError
from symdae.experiments._paper import run_defaults

DIMENSIONS = {"mnist": 784, "cifar10": 3072, "fashion-mnist": 784}
"""D, the pixels (values) per image of each dataset."""
TRAIN_IMAGES = {"mnist": 60000, "cifar10": 50000, "fashion-mnist": 60000}
"""The training images of each dataset (the most ``samples`` can be)."""
MAX_HIDDEN = 10000
"""The most hidden units a run may have (W1 and W2 then hold 10000·D values each)."""
MAX_INIT_STD = 1.0
"""The largest initial weight scale: the theory and the paper are about small random starts."""
MAX_SEED = 2**32 - 1
MAX_RECORDED = 20_000_000
"""The most values a run may record per array (records × directions, float64: 160 MB)."""
LINEAR_ONLY = {"noise": "gaussian", "noise_mode": "marginal", "space": "auto", "aligned": False}
"""The options of linear runs only, with the value a nonlinear run holds (and does not record) for each."""
NONLINEAR_ONLY = {"activation": "relu"}
"""The options of nonlinear runs only, with the value a linear run holds (and does not record) for each."""
CHOICES = {"kind": ("linear", "nonlinear"), "dataset": tuple(DIMENSIONS), "model": ("ae", "dae", "wdae"),
           "noise": ("gaussian", "laplace"), "noise_mode": ("marginal", "sampled"), "activation": ("relu", "tanh"),
           "dtype": ("float32", "float64"), "space": ("auto", "eigen", "covariance", "data")}
"""The allowed values of each option with a fixed set of them."""


class _DatasetDefault:
    """The default of a setting that depends on the dataset and the kind of run (resolved on construction)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<dataset default>"


DEFAULT: Any = _DatasetDefault()
"""Stands for "the dataset's and kind's default" in :class:`Experiment`'s signature."""


@dataclass(frozen=True)
class Experiment:
    """One experiment's settings (the ``symdae experiment`` options), checked on construction.

    ``samples``, ``hidden``, ``lr``, ``epochs`` and ``directions`` left out
    take the defaults of the dataset and kind, as on the command line: the
    paper's N, H and rate of the dataset (MNIST 50000, 256, 0.01; CIFAR-10
    30000, 512, 0.001) and 5000 epochs, all directions; for nonlinear runs
    the authors' lr 0.9, 2000 epochs and the first 4 directions. So
    ``Experiment(dataset="cifar10")`` is ``symdae experiment linear --dataset
    cifar10``. (:func:`dataclasses.replace` keeps the values already there:
    ``replace(exp, dataset="cifar10")`` keeps MNIST's N, H and rate.)

    ``init_std=None`` is the kind's default (10⁻⁴ linear, 10⁻³ nonlinear);
    ``directions=None`` keeps all D. The options of one kind only
    (:data:`LINEAR_ONLY`, :data:`NONLINEAR_ONLY`) must keep their defaults in
    a run of the other kind. Invalid settings raise :class:`SettingsError`
    (a ``ValueError``) naming the option (``--lr`` for ``lr``) and the rule.
    """

    kind: Literal["linear", "nonlinear"] = "linear"
    dataset: Literal["mnist", "cifar10", "fashion-mnist"] = "mnist"
    data_root: str | None = None
    samples: int = DEFAULT
    epochs: int = DEFAULT
    lr: float = DEFAULT
    hidden: int = DEFAULT
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
    directions: int | None = DEFAULT
    space: Literal["auto", "eigen", "covariance", "data"] = "auto"
    aligned: bool = False

    def __post_init__(self) -> None:
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise SettingsError(f"{_option(name)} must be one of {', '.join(allowed)}; got "
                                    f"{getattr(self, name)!r}")
        for name, value in run_defaults(self.kind, self.dataset).items():
            if getattr(self, name) is DEFAULT:
                object.__setattr__(self, name, value)
        self._check_kind()
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
        if self.data_root is not None:
            if not isinstance(self.data_root, (str, os.PathLike)):
                raise SettingsError(f"--data-root must be a path or None; got {self.data_root!r}")
            object.__setattr__(self, "data_root", os.fspath(self.data_root))
        for option, derived, value in (("--lr", "N/lr (the time scale τ, in epochs)", self.samples / self.lr),
                                       ("--noise-var", "N·noise_var (ε)", self.samples * self.noise_var),
                                       ("--weight-decay", "N·weight_decay (κ)", self.samples * self.weight_decay)):
            if not math.isfinite(value):
                raise SettingsError(f"{option} {getattr(self, option[2:].replace('-', '_')):g} is out of range: "
                                    f"{derived} overflows with --samples {self.samples}")
        recorded = (self.epochs // self.every + 2) * (dim if self.kind == "linear" else self.directions or dim)
        if recorded > MAX_RECORDED:
            raise SettingsError(f"--epochs {self.epochs} with --every {self.every} records {recorded:.3g} values "
                                f"(records × directions); at most {MAX_RECORDED:.0e}: raise --every")

    def _check_kind(self) -> None:
        if not isinstance(self.aligned, bool):
            raise SettingsError(f"--aligned must be True or False; got {self.aligned!r}")
        other, why = ((LINEAR_ONLY, "linear runs only (a nonlinear network trains on the data rows from i.i.d. "
                                    "random weights, with fresh Gaussian noise every epoch for a DAE)")
                      if self.kind == "nonlinear" else (NONLINEAR_ONLY, "nonlinear runs only"))
        for name, placeholder in other.items():
            if getattr(self, name) != placeholder:
                raise SettingsError(f"{_option(name)} applies to {why}; got {_option(name)} {getattr(self, name)!r}")
        if self.noise_mode == "sampled" and self.space not in ("auto", "data"):  # checked before loading the data
            raise SettingsError(f"--space must be 'data' or 'auto' for --noise-mode sampled (sampled noise "
                                f"corrupts the data rows); got {self.space!r}")

    def settings(self) -> dict[str, Any]:
        """The options that apply to this kind of run (what ``result.json`` records as ``experiment``)."""
        skipped = NONLINEAR_ONLY if self.kind == "linear" else LINEAR_ONLY
        return {name: value for name, value in asdict(self).items() if name not in skipped}

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Experiment:
        """The experiment a recorded ``experiment`` block describes (:meth:`settings`, or every field as older
        results recorded them); options added since take their defaults. :class:`SettingsError` for a name that
        is no option or settings that are not valid."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(settings) - names)
        if unknown:
            raise SettingsError(f"{', '.join(map(_option, unknown))}: no such option of symdae experiment")
        given = dict(settings)
        skipped = NONLINEAR_ONLY if given.get("kind", "linear") == "linear" else LINEAR_ONLY
        for name in skipped:  # older results recorded them; they never acted on a run of this kind
            given.pop(name, None)
        return cls(**given)


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


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
