"""The sweep specification file (TOML): a base experiment and the axes to cross, checked field by field.

::

    [base]                       # any symdae experiment setting (the fields of symdae.experiments.Experiment)
    kind = "linear"
    dataset = "mnist"
    samples = 2000

    [axes]                       # crossed (Cartesian product), in the order written
    noise_var = [0, 0.1, 0.5]
    seed = [0, 1]

    [paper]                      # optional: start from the paper's runs instead (symdae experiment paper)
    figure = 5
    datasets = ["mnist"]

    [sweep]                      # optional
    checkpoint_every = 500       # epochs between checkpoints of each run

Every problem is a :class:`SpecError` whose one-line message names the
file, the field and the rule (and the closest field name on a typo).
"""

from __future__ import annotations

import difflib
import math
import sys
import typing
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from symdae.experiments import DIMENSIONS, Experiment

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SECTIONS = ("base", "axes", "paper", "sweep")
LINEAR_ONLY = ("noise", "noise_mode", "space", "aligned")
SWEEP_OPTIONS = {"checkpoint_every": int, "description": str}
PAPER_OPTIONS = ("figure", "datasets")


class SpecError(ValueError):
    """A sweep specification that cannot be used; the message is one line naming the field and the rule."""


@dataclass(frozen=True)
class Spec:
    """A checked specification: ``base`` settings, ``axes`` (name → values, in file order), the paper figure
    whose runs are the base (or ``None``), its datasets, and the sweep options."""

    path: Path
    base: dict[str, Any]
    axes: dict[str, list[Any]]
    paper_figure: int | None = None
    paper_datasets: tuple[str, ...] = ("mnist", "cifar10")
    checkpoint_every: int = 500
    description: str = ""


def field_types() -> dict[str, Any]:
    """Experiment's fields and their types (``Literal[...]``, ``int``, ``float``, ``bool``, ``str``, optional)."""
    hints = typing.get_type_hints(Experiment)
    return {f.name: hints[f.name] for f in fields(Experiment)}


def closest(name: str, choices: typing.Iterable[str]) -> str:
    """``; did you mean X?`` for the closest of ``choices``, or nothing."""
    match = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {match[0]}?" if match else ""


def check_value(where: str, name: str, value: Any) -> Any:
    """``value`` for Experiment field ``name``, or :class:`SpecError` naming ``where`` and the rule."""
    kind = field_types()[name]
    args = typing.get_args(kind)
    optional = type(None) in args
    if optional:
        kind = next(a for a in args if a is not type(None))
        args = typing.get_args(kind)
    if typing.get_origin(kind) is typing.Literal:
        if not isinstance(value, str) or value not in args:
            allowed = ", ".join(map(str, args))
            if name == "dataset":
                raise SpecError(f"{where}: unknown dataset {value!r}; allowed: {allowed}")
            raise SpecError(f"{where}: must be one of {allowed}; got {value!r}")
        return value
    if kind is bool:
        if not isinstance(value, bool):
            raise SpecError(f"{where}: must be true or false; got {value!r}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SpecError(f"{where}: must be a whole number; got {value!r}")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise SpecError(f"{where}: must be a finite number; got {value!r}")
        return float(value)
    if not isinstance(value, str):
        raise SpecError(f"{where}: must be a string; got {value!r}")
    return value


def _field_name(where: str, name: str) -> None:
    names = field_types()
    if name not in names:
        raise SpecError(f"{where}: unknown field{closest(name, names)} (fields are those of symdae experiment: "
                        f"{', '.join(names)})")


def _table(path: Path, document: dict[str, Any], section: str) -> dict[str, Any]:
    value = document.get(section, {})
    if not isinstance(value, dict):
        raise SpecError(f"{path}: [{section}] must be a table")
    return value


def parse_spec(text: str, *, path: Path | str = "<spec>") -> Spec:
    """Check the TOML ``text`` of a sweep specification (see the module's docstring)."""
    path = Path(path)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SpecError(f"{path}: not valid TOML ({err})") from None
    for key in document:
        if key not in SECTIONS:
            raise SpecError(f"{path}: unknown section [{key}]{closest(key, SECTIONS)} (sections: "
                            f"{', '.join(SECTIONS)})")
    base: dict[str, Any] = {}
    for name, value in _table(path, document, "base").items():
        _field_name(f"{path}: base.{name}", name)
        base[name] = check_value(f"{path}: base.{name}", name, value)
    axes: dict[str, list[Any]] = {}
    for name, values in _table(path, document, "axes").items():
        where = f"{path}: axes.{name}"
        _field_name(where, name)
        if name in base:
            raise SpecError(f"{where}: also set in [base]; set each field in one place")
        if not isinstance(values, list) or not values:
            raise SpecError(f"{where}: must be a non-empty list of values; got {values!r}")
        checked = [check_value(f"{where}[{i}]", name, v) for i, v in enumerate(values)]
        for i, value in enumerate(checked):
            if value in checked[:i]:
                raise SpecError(f"{where}[{i}]: {values[i]!r} is listed twice (each run once)")
        axes[name] = checked
    figure, datasets = _paper(path, _table(path, document, "paper"))
    options = _table(path, document, "sweep")
    for name, value in options.items():
        if name not in SWEEP_OPTIONS:
            raise SpecError(f"{path}: sweep.{name}: unknown option{closest(name, SWEEP_OPTIONS)} (options: "
                            f"{', '.join(SWEEP_OPTIONS)})")
        if SWEEP_OPTIONS[name] is int and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise SpecError(f"{path}: sweep.{name}: must be a whole number >= 1; got {value!r}")
        if SWEEP_OPTIONS[name] is str and not isinstance(value, str):
            raise SpecError(f"{path}: sweep.{name}: must be a string; got {value!r}")
    if figure is not None and "kind" in {*base, *axes}:
        raise SpecError(f"{path}: kind cannot be set with [paper] (the figure's runs fix it)")
    return Spec(path=path, base=base, axes=axes, paper_figure=figure, paper_datasets=datasets,
                checkpoint_every=int(options.get("checkpoint_every", 500)),
                description=str(options.get("description", "")))


def _paper(path: Path, table: dict[str, Any]) -> tuple[int | None, tuple[str, ...]]:
    for name in table:
        if name not in PAPER_OPTIONS:
            raise SpecError(f"{path}: paper.{name}: unknown option{closest(name, PAPER_OPTIONS)} (options: "
                            f"{', '.join(PAPER_OPTIONS)})")
    if not table:
        return None, tuple(DIMENSIONS)
    figure = table.get("figure")
    if figure not in (5, 6, 7) or isinstance(figure, bool):
        raise SpecError(f"{path}: paper.figure: must be 5, 6 or 7; got {figure!r}")
    datasets = table.get("datasets", list(DIMENSIONS))
    if not isinstance(datasets, list) or not datasets:
        raise SpecError(f"{path}: paper.datasets: must be a non-empty list; got {datasets!r}")
    for i, name in enumerate(datasets):
        if name not in DIMENSIONS:
            raise SpecError(f"{path}: paper.datasets[{i}]: unknown dataset {name!r}; allowed: "
                            f"{', '.join(DIMENSIONS)}")
    return int(figure), tuple(datasets)


def load_spec(path: Path | str) -> Spec:
    """Read and check the specification file at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise SpecError(f"{path}: cannot be read ({err})") from None
    return parse_spec(text, path=path)
