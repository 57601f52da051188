"""The runs of a sweep: the axes crossed over the base, each run named by the hash of its configuration.

A run's configuration is the full :class:`~symdae.experiments.Experiment`
(the ``symdae experiment`` defaults filled in: the paper's ``samples``,
``hidden`` and ``lr`` of the dataset, and for nonlinear runs the paper's
``lr``, ``epochs`` and ``directions``) without ``data_root``, which says
where the data is found, not what it is (the data's identity is checked by
its checksums and recorded in every result). Its key is the first 16 hex
digits of the SHA-256 of that configuration as canonical JSON; the run is
written under ``OUT/runs/<key>/``.

A run is *done* when :func:`symdae.experiments.read_result` accepts its
folder (``result.json`` records the SHA-256 of the ``result.npz`` beside it)
and the result's configuration is the run's: existence alone never counts.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Literal

from symdae._io import jsonable, sha256_hex
from symdae.experiments import Experiment, ResultMissing, SettingsError, read_result
from symdae.sweep._spec import LINEAR_ONLY, Spec, SpecError, field_types

KEY_FORMAT = "symdae-sweep-run/1"
RUNS = "runs"
CONFIG_JSON, ERROR_JSON = "config.json", "error.json"
State = Literal["done", "failed", "damaged", "started", "new"]


@dataclass(frozen=True)
class Run:
    """One run of a sweep: its ``key``, the ``experiment`` and the ``axes`` values that chose it."""

    key: str
    experiment: Experiment
    axes: dict[str, Any]
    label: str = ""

    def folder(self, out: Path) -> Path:
        """``OUT/runs/<key>``."""
        return Path(out) / RUNS / self.key


def configuration(exp: Experiment) -> dict[str, Any]:
    """What names a run: every field of ``exp`` except ``data_root`` (JSON values)."""
    settings = jsonable(asdict(exp))
    settings.pop("data_root", None)
    return dict(settings)


def run_key(exp: Experiment) -> str:
    """The stable hash of ``exp``'s configuration: 16 hex digits."""
    text = json.dumps({"format": KEY_FORMAT, "experiment": configuration(exp)}, sort_keys=True,
                      separators=(",", ":"), allow_nan=False)
    return sha256_hex(text.encode())[:16]


def _bases(spec: Spec) -> list[tuple[str, dict[str, Any]]]:
    if spec.paper_figure is None:
        return [("", {})]
    from symdae.paper import paper_experiments

    runs = paper_experiments(spec.paper_figure, datasets=",".join(spec.paper_datasets))
    return [(name, {k: v for k, v in asdict(exp).items() if k != "data_root"}) for name, exp in runs]


def _field_message(message: str) -> str:
    names = field_types()

    def field(match: re.Match[str]) -> str:
        name = match.group(1).replace("-", "_")
        return name if name in names else match.group(0)

    return re.sub(r"--([a-z][a-z-]*)", field, message)


def plan(spec: Spec, *, data_root: str | None = None) -> list[Run]:
    """The runs of ``spec`` in order (the paper's runs, then the axes crossed, the last axis fastest).

    ``data_root`` (where the data is found; default: the spec's ``data_root``,
    else ``$SYMDAE_DATA_ROOT``) does not enter the keys. Settings that are
    only wrong together raise :class:`SpecError` naming the run.
    """
    names = list(spec.axes)
    runs: list[Run] = []
    seen: dict[str, str] = {}
    for label, base in _bases(spec):
        for values in itertools.product(*(spec.axes[n] for n in names)):
            chosen = dict(zip(names, values, strict=True))
            given = {**spec.base, **chosen}
            kind = given.get("kind", base.get("kind", "linear"))
            settings = {**base, **given}
            where = ", ".join(f"{n} = {v!r}" for n, v in chosen.items()) or "the base"
            where = f"{spec.path}: run {label + ': ' if label else ''}{where}"
            if kind == "nonlinear" and not base:
                linear = [n for n in LINEAR_ONLY if n in given]
                if linear:
                    raise SpecError(f"{where}: {linear[0]} applies to linear runs only")
            root = data_root if data_root is not None else settings.get("data_root")
            settings["data_root"] = None if root is None else str(root)
            try:
                exp = Experiment(**settings)
            except SettingsError as err:
                raise SpecError(f"{where}: {_field_message(str(err))}") from None
            check_trainer(exp, where)
            key = run_key(exp)
            if key in seen:
                raise SpecError(f"{where}: the same configuration as run {seen[key]} (each run once)")
            seen[key] = where
            runs.append(Run(key=key, experiment=exp, axes=chosen, label=label))
    return runs


def check_trainer(exp: Experiment, where: str) -> None:
    """The trainer's own checks (needs torch); a CUDA device is checked by the worker that gets the run."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return  # the workers check; the client may lack torch
    from symdae.experiments import check

    probe = replace(exp, device="cpu") if exp.device.startswith("cuda") else exp
    try:
        check(probe)
    except SettingsError as err:
        raise SpecError(f"{where}: {_field_message(str(err))}") from None


def run_state(run: Run, out: Path) -> State:
    """``done`` (a verified result of this configuration), ``failed`` (``error.json``, no result),
    ``damaged`` (files that do not form a result of this run), ``started`` (a checkpoint only) or ``new``."""
    folder = run.folder(out)
    try:
        stored = read_result(folder)
    except ResultMissing as err:
        if err.damaged:
            return "damaged"
        if (folder / ERROR_JSON).exists():
            return "failed"
        return "started" if (folder / "checkpoint.pt").exists() else "new"
    return "done" if configuration(stored.experiment) == configuration(run.experiment) else "damaged"


def describe(run: Run) -> str:
    """The run in one line: key, label, axes values."""
    axes = ", ".join(f"{n}={v}" for n, v in run.axes.items())
    return " ".join(part for part in (run.key, run.label, axes) if part)
