"""``symdae tune`` in Python: load the data, predict, recommend, report."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from symdae.tuning._checks import FRACTIONS, Engine, FloatArray, Start, _array, _real, _whole
from symdae.tuning._data import DATASETS, HELDOUT, TuneError, heldout_data, load_data
from symdae.tuning._heldout import HeldOut, seed_start
from symdae.tuning._predict import _fixed_points, predict_heldout
from symdae.tuning._search import Recommendation, recommend

# ---------------------------------------------------------------------------
# The workflow behind ``symdae tune``: data, held-out set, recommendation, report, plot.
TOP = 32


@dataclass(frozen=True)
class Tuned:
    """:func:`tune`'s answer: the :class:`Recommendation`, the data it came from and everything for reports."""

    recommendation: Recommendation
    eigenvalues: FloatArray
    heldout: HeldOut
    samples: int
    top: int
    settings: dict[str, object]
    notes: list[str]
    curves: dict[str, FloatArray]

    def report(self) -> dict[str, object]:
        """The JSON of ``symdae tune --json``: ``recommended``, ``grid``, ``settings`` and the rest."""
        rec = self.recommendation
        other = "weight_decay" if rec.over == "noise_var" else "noise_var"

        def point(value: float, **extra: object) -> dict[str, object]:
            return {rec.over: value, other: 0.0, **extra}

        pred = rec.prediction
        n, lam = self.samples, self.eigenvalues
        star = _fixed_points(lam, np.full(lam.size, n * pred.noise_var[0]), np.full(lam.size, n * pred.weight_decay[0]))
        first = pred.first_reached[0] if pred.first_reached is not None else None
        rows = []
        for j in range(min(self.top, lam.size)):
            row: dict[str, object] = {
                "direction": j + 1, "eigenvalue": float(lam[j]), "heldout_moment": float(self.heldout.c[j]),
                "mapping": float(pred.mapping[0, j]), "fixed_point": float(star[j]),
                "heldout_loss_term": float(pred.per_direction[0, j])}
            for k, fraction in enumerate(FRACTIONS):
                label = f"{round(fraction * 100)}"
                row[f"epochs_to_{label}"] = _number(rec.fractions[j, k]) if rec.fractions is not None else None
                row[f"epochs_to_{label}_discrete"] = _number(first[j, k]) if first is not None else None
            rows.append(row)
        return {
            "recommended": point(rec.value, epochs=rec.epochs, predicted_heldout_loss=rec.predicted_heldout_loss,
                                 best_epoch=rec.best_epoch, best_epoch_loss=rec.best_epoch_loss,
                                 epochs_to_within_1_percent=rec.epochs_to_within, where_on_grid=rec.where),
            "early_stopping": point(rec.early_stopping["value"], epochs=int(rec.early_stopping["epochs"]),
                                    predicted_heldout_loss=rec.early_stopping["predicted_heldout_loss"]),
            "baselines": {name: point(b["value"], predicted_heldout_loss=b["predicted_heldout_loss"],
                                      converged_heldout_loss=b["converged_heldout_loss"])
                          for name, b in rec.baselines.items()},
            "grid": [point(float(x), predicted_heldout_loss=float(v)) for x, v in zip(rec.grid, rec.grid_loss,
                                                                                       strict=True)],
            "directions": rows,
            "settings": self.settings,
            "notes": self.notes,
        }

    def text(self) -> str:
        """The summary ``symdae tune`` prints."""
        rec, s = self.recommendation, self.settings
        name = "s²" if rec.over == "noise_var" else "γ"
        lines = [
            f"{s['dataset']} ({s['data']}), N = {s['samples']}, H = {s['hidden']}, α = {s['lr']:g}, "
            f"T = {s['epochs']}, σ0 = {s['init_std']:g}, start: {s['start']}; held-out: {s['heldout_description']}; "
            f"test noise s_t² = {s['test_noise_var']:g}",
            f"recommended {name} = {rec.value:.6g}: predicted L_test = {rec.predicted_heldout_loss:.8g} after "
            f"{rec.epochs} epochs ({rec.where} of the grid, {rec.evaluations} refinements)",
            f"  lowest over epochs <= T at epoch {rec.best_epoch} ({rec.best_epoch_loss:.8g}); within 1% of the "
            f"epoch-{rec.epochs} value from epoch {rec.epochs_to_within}",
            f"  joint optimum over {name} and epochs: {name} = {rec.early_stopping['value']:.6g} at epoch "
            f"{int(rec.early_stopping['epochs'])} ({rec.early_stopping['predicted_heldout_loss']:.8g})",
        ]
        for label, key in (("s² = s_t²", "test_noise_var"), ("converged (T → ∞) optimum", "converged_optimum")):
            if key in rec.baselines:
                b = rec.baselines[key]
                lines.append(f"  {label}: s² = {b['value']:.6g}, predicted L_test = {b['predicted_heldout_loss']:.8g} "
                             f"(+{b['predicted_heldout_loss'] - rec.predicted_heldout_loss:.3g})")
        lines.append(f"{name:>12} {'predicted L_test':>18}")
        lines.extend(f"{x:12.6g} {v:18.10g}" for x, v in zip(rec.grid, rec.grid_loss, strict=True))
        return "\n".join([*lines, *(f"note: {n}" for n in self.notes)])

    def plot(self, path: str | os.PathLike[str]) -> None:
        """Predicted ``L_test`` against the setting (at ``T``) and against epochs; the format from the suffix."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        rec = self.recommendation
        name = "s²" if rec.over == "noise_var" else "γ"
        figure = Figure(figsize=(11, 4.2), layout="constrained")
        FigureCanvasAgg(figure)
        left, right = figure.subplots(1, 2)
        positive = rec.grid > 0
        left.plot(rec.grid[positive], rec.grid_loss[positive], ".-", lw=1, label=f"predicted, epoch {rec.epochs}")
        if (~positive).any():
            left.axhline(float(rec.grid_loss[~positive][0]), color="grey", ls=":", lw=1, label=f"{name} = 0")
        left.plot([rec.value], [rec.predicted_heldout_loss], "r*", ms=12, label=f"recommended {name} = {rec.value:.4g}")
        for key, style in (("test_noise_var", "--"), ("converged_optimum", "-.")):
            if key in rec.baselines:
                left.axvline(rec.baselines[key]["value"], color="k", ls=style, lw=0.8,
                             label={"test_noise_var": "s² = s_t²", "converged_optimum": "converged optimum"}[key])
        left.set(xscale="log", xlabel=name, ylabel="predicted held-out loss L_test",
                 title=f"after T = {rec.epochs} epochs")
        lowest = float(rec.grid_loss.min())
        left.set_ylim(lowest - 0.003 * abs(lowest), lowest + 0.03 * abs(lowest))  # the minima are shallow
        left.legend(fontsize=7)
        epochs = np.arange(rec.epochs + 1)
        for label, curve in self.curves.items():
            right.plot(epochs, curve, lw=1.2, label=label)
        right.axvline(rec.epochs_to_within, color="grey", ls=":", lw=0.8, label="within 1% of epoch T from here")
        right.set(xlabel="epoch", ylabel="predicted held-out loss L_test", title="over training")
        final = float(self.curves[next(iter(self.curves))][-1])
        right.set_ylim(final * 0.98, final * 1.3)
        right.legend(fontsize=7)
        s = self.settings
        figure.suptitle(f"{s['dataset']}: N = {s['samples']}, H = {s['hidden']}, α = {s['lr']:g}, "
                        f"s_t² = {s['test_noise_var']:g}, held-out: {s['heldout']} ({s['heldout_samples']} rows)",
                        fontsize=10)
        figure.savefig(os.fspath(path))


def _number(value: float) -> float | str | None:
    """JSON-safe: ``nan`` (does not apply) as ``None``, ``inf`` (not reached) as ``"inf"``."""
    if math.isnan(value):
        return None
    return "inf" if math.isinf(value) else float(value)


def tune(*, dataset: str, samples: int, hidden: int, lr: float, epochs: int, test_noise_var: float,
         init_std: float = 1e-4, noise_vars: ArrayLike | None = None, weight_decays: ArrayLike | None = None,
         seed: int | None = None, start: Start = "expected", heldout: str = "test", heldout_samples: int | None = None,
         data_root: str | None = None, grid_only: bool = False, top: int = TOP, engine: Engine = "numpy") -> Tuned:
    """Recommend the noise variance (or weight decay) for a linear DAE on a dataset, from its spectrum alone.

    The training spectrum of the first ``samples`` images (cached, :func:`symdae.data.spectrum`), the held-out
    set (``heldout="test"``: the official test split, its first ``heldout_samples`` images or all;
    ``"train-tail"``: the ``heldout_samples`` training images after the first ``samples``, default up to
    10000), then :func:`recommend` over ``noise_vars`` (default :func:`default_grid`) or, with
    ``weight_decays``, over ``γ`` (the WDAE). ``seed`` starts from that seed's actual initial weights
    (:func:`seed_start`) instead of ``start``. ``grid_only``: no refinement between grid points.

    Raises :class:`TuneError` (naming the option) for settings that cannot be used, before the heavy work;
    ``FileNotFoundError`` / ``ValueError`` for missing or unrecognised data.
    """
    import time

    from symdae.data import spectrum

    began = time.perf_counter()
    if dataset not in DATASETS:
        raise TuneError(f"--dataset must be one of {', '.join(DATASETS)}; got {dataset!r}")
    if heldout not in HELDOUT:
        raise TuneError(f"--heldout must be one of {', '.join(HELDOUT)}; got {heldout!r}")
    if noise_vars is not None and weight_decays is not None:
        raise TuneError("--noise-vars and --weight-decays: give one (the DAE's s² or the WDAE's γ), not both")
    if seed is not None and start != "expected":
        raise TuneError("--seed starts from that seed's actual weights; --start applies without --seed only")
    if start not in ("expected", "capacity"):
        raise TuneError(f"--start must be 'expected' or 'capacity'; got {start!r}")
    checks = (("--samples", samples, 1), ("--hidden", hidden, 1), ("--epochs", epochs, 1), ("--top", top, 1))
    for option, value, least in checks:
        try:
            _whole(option, value, least)
        except ValueError as err:
            raise TuneError(str(err)) from None
    for option, number, rule in (("--lr", lr, "positive"), ("--init-std", init_std, "positive"),
                                 ("--test-noise-var", test_noise_var, "nonnegative")):
        try:
            _real(option, number, rule)
        except ValueError as err:
            raise TuneError(str(err)) from None
    if heldout_samples is not None and (isinstance(heldout_samples, bool) or not isinstance(heldout_samples, int)
                                        or heldout_samples < 1):
        raise TuneError(f"--heldout-samples must be a whole number >= 1; got {heldout_samples!r}")
    over: Literal["noise_var", "weight_decay"] = "noise_var" if weight_decays is None else "weight_decay"
    given = noise_vars if weight_decays is None else weight_decays
    option = "--noise-vars" if weight_decays is None else "--weight-decays"
    grid = None
    if given is not None:
        try:
            grid = np.unique(_array(option, given))
        except ValueError as err:
            raise TuneError(str(err)) from None
        if grid.size == 0:
            raise TuneError(f"{option} must name at least one value")
    if grid_only and grid is None:
        raise TuneError("--grid-only needs --noise-vars or --weight-decays (the grid to choose from)")

    train = load_data(dataset, "train", samples, data_root, "--samples")
    spec = spectrum(train)
    vecs = np.asarray(spec.eigenvectors)
    found = heldout_data(dataset, samples=samples, heldout=heldout, heldout_samples=heldout_samples,
                         data_root=data_root, eigenvectors=vecs)
    held, nature = found.heldout, found.nature
    lam = np.asarray(spec.eigenvalues, dtype=np.float64)
    starts: dict[str, Any]
    if seed is not None:
        w1_0, w2_0 = seed_start(seed, hidden=hidden, init_std=init_std, eigenvectors=vecs)
        starts = {"w1_0": w1_0, "w2_0": w2_0}
    else:
        starts = {"hidden": hidden, "init_std": init_std, "start": start}
    common: dict[str, Any] = {"eigenvalues": lam, "heldout": held, "n_samples": samples, "lr": lr,
                                 "epochs": epochs, "test_noise_var": test_noise_var, "engine": engine, **starts}
    try:
        rec = recommend(**common, over=over, grid=grid, refine=not grid_only)
    except ValueError as err:
        if str(err).startswith("lr:"):
            raise TuneError("--" + str(err)) from None
        raise
    curves: dict[str, FloatArray] = {}
    name = "s²" if over == "noise_var" else "γ"
    assert rec.prediction.loss_over_epochs is not None
    curves[f"recommended {name} = {rec.value:.4g}"] = rec.prediction.loss_over_epochs[0]
    others = [("s² = s_t²", test_noise_var), ("s² = 0", 0.0)] if over == "noise_var" else [("γ = 0", 0.0)]
    for label, x in others:
        extra: dict[str, Any] = {over: x}
        run = predict_heldout(**common, **extra, trajectory=True)
        assert run.loss_over_epochs is not None
        curves[f"{label} ({x:.4g})" if x else label] = run.loss_over_epochs[0]
    notes = []
    if nature != "exact" or train.nature != "exact":
        notes.append(f"data: {train.describe()}")
    if rec.where != "interior":
        notes.append(f"the minimum lies at the {rec.where} of the grid searched ({rec.grid[0]:.3g} to "
                     f"{rec.grid[-1]:.3g}): widen {option} to be sure it is the optimum")
    if rec.epochs_to_within > 0.9 * epochs:
        notes.append(f"L_test is still falling at epoch {epochs} (within 1% of its final value only from epoch "
                     f"{rec.epochs_to_within}): longer training changes the optimum")
    settings: dict[str, object] = {
        "dataset": dataset, "data": train.nature, "provenance": train.provenance,
        "samples": samples, "hidden": hidden, "lr": lr, "epochs": epochs, "init_std": init_std,
        "test_noise_var": test_noise_var, "over": over, "heldout": heldout, "heldout_samples": held.n,
        "heldout_description": held.description, "heldout_data": nature,
        "start": f"seed {seed}" if seed is not None else start, "seed": seed, "tau": samples / lr,
        "grid": "given" if grid is not None else "default", "grid_only": grid_only, "engine": engine, "top": top,
        "spectrum_cached": bool(spec.from_cache), "wall_time_s": round(time.perf_counter() - began, 3)}
    return Tuned(rec, lam, held, samples, top, settings, notes, curves)
