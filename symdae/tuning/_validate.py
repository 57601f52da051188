"""``symdae tune --validate``: train the linear DAE over the noise levels and measure what was predicted.

:func:`validate` asks :func:`~symdae.tuning.tune` for the recommendation,
then trains, as one sweep (:func:`symdae.sweep.run_sweep`: the embedded Dask
cluster, a cluster of your own, or in series), the linear DAE at every value
of the grid, at a fine curve of log-spaced values around the recommended s²
(the optimum lies between grid points and the minima are shallow), and at the
naive choices (s² = s_t², the converged T → ∞ optimum), for each seed. Every
s² of one seed starts from the same initial weights
(:func:`symdae.torch.random_weights` depends on the seed only), or seed-to-seed
level noise would swamp the differences. The runs are the
:func:`symdae.experiments.run` of ``symdae experiment linear``: full-batch
gradient descent on the expected (marginalised) loss, float64, in Σ's
eigenbasis; each is measured exactly from its trained ``M = W2W1``
(:class:`~symdae.tuning._measure.HeldoutMeasure`, ``heldout.json`` in its
folder). A rerun skips what is trained and measured, so the same command with
another ``--test-noise-var`` trains only its own fine curve.

:class:`Validated` compares measured with predicted: the measured optimum on
the fine curve (the lowest point and the parabola through it and its
neighbours in log s²), the relative gap of the recommendation to it and of
the naive choices, predicted/measured at the measured optimum, the ranking of
the grid, and the epochs until L_test is within 1% of its final value
(measured on the diagonal part of M, recorded every ``every`` epochs, at the
recommended s²).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from symdae.tuning._checks import FloatArray
from symdae.tuning._data import TuneError
from symdae.tuning._measure import HeldoutMeasure, loss
from symdae.tuning._predict import epochs_to_within, predict_heldout
from symdae.tuning._tune import Tuned, tune

GRID = tuple(float(x) for x in np.geomspace(1e-3, 1.0, 12))
"""The default validation grid (with 0): 12 log-spaced noise variances."""
FINE_POINTS, FINE_SPAN = 7, 1.5
"""The fine curve: this many log-spaced values from s²/SPAN to s²·SPAN around the recommended s²."""
RECORDS = 300
"""About this many records of every direction in the runs at the recommended s² (for the timing)."""
VALIDATION_JSON, VALIDATION_CSV, VALIDATION_PLOT = "validation.json", "validation.csv", "validation.png"


@dataclass(frozen=True)
class Validated:
    """:func:`validate`'s answer: the recommendation, every value trained and its losses, and the comparison."""

    tuned: Tuned
    values: FloatArray
    roles: dict[float, list[str]]
    seeds: list[int]
    measured: FloatArray
    measured_diagonal: FloatArray
    predicted: FloatArray
    timing: dict[int, tuple[FloatArray, FloatArray]]
    out: Path
    failed: dict[str, str] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    nonlinear: str | None = None

    def rows(self) -> list[dict[str, Any]]:
        """One row per s²: its roles, the predicted L_test, the measured one per seed, their mean, the
        diagonal part's mean."""
        mean, diag = self.measured.mean(axis=0), self.measured_diagonal.mean(axis=0)
        return [{"noise_var": float(x), "roles": "+".join(self.roles[float(x)]),
                 "predicted_heldout_loss": float(self.predicted[i]),
                 **{f"measured_seed_{s}": float(self.measured[k, i]) for k, s in enumerate(self.seeds)},
                 "measured_mean": float(mean[i]), "measured_diagonal_mean": float(diag[i]),
                 "predicted_over_measured": float(self.predicted[i] / mean[i])}
                for i, x in enumerate(self.values)]

    def report(self) -> dict[str, Any]:
        """The JSON of ``validation.json``: the tune report, the rows and the summary."""
        return {"tune": self.tuned.report(), "rows": self.rows(), "summary": self.summary, "seeds": self.seeds,
                "timing": {str(s): {"epochs": e.tolist(), "measured_diagonal": v.tolist()}
                           for s, (e, v) in self.timing.items()},
                "failed": self.failed}

    def text(self) -> str:
        """The validation's summary, as ``symdae tune --validate`` prints it."""
        s = self.summary
        if self.nonlinear is None:
            what = "measured exactly from the trained M = W2W1"
        else:
            what = (f"a {self.nonlinear} DAE at the equivalent settings (SGD rate αD/2), its L_test estimated from "
                    f"test-noise draws; predicted: the linear theory")
        lines = [f"validation: {len(self.values)} noise variances × {len(self.seeds)} seed(s), {what}, on "
                 f"{self.tuned.settings['heldout_description']}",
                 f"{'s²':>12} {'roles':>22} {'predicted':>14} {'measured':>14} {'pred/meas':>10}"]
        for row in self.rows():
            lines.append(f"{row['noise_var']:12.6g} {row['roles']:>22} {row['predicted_heldout_loss']:14.9g} "
                         f"{row['measured_mean']:14.9g} {row['predicted_over_measured']:10.6f}")
        opt = s["measured_optimum"]
        lines.append(f"measured optimum: s² = {opt['noise_var']:.6g} (L_test = {opt['loss']:.9g})"
                     + (f"; parabola s² = {opt['parabola_noise_var']:.6g} (L_test = {opt['parabola_loss']:.9g})"
                        if opt.get("parabola_noise_var") is not None else "")
                     + ("; at the edge of the fine curve: widen it" if opt["at_edge"] else ""))
        lines.append(f"recommended s² = {s['recommended']:.6g}: measured L_test {s['recommended_loss']:.9g}, "
                     f"relative gap to the measured minimum {s['gap_recommended']:.3e}")
        lines.extend(f"  {name}: s² = {g['noise_var']:.6g}, gap {g['gap']:.3e}" for name, g in s["naive"].items())
        lines.append(f"predicted/measured at the measured optimum: {s['ratio_at_measured_optimum']:.6f}; grid "
                     f"ranking (Spearman) {s['grid_rank_agreement']:.4f}, same argmin: {s['grid_same_argmin']}")
        t = s["epochs_to_within"]
        if t["measured_per_seed"]:
            lines.append(f"epochs to within 1% of the final L_test at the recommended s²: predicted {t['predicted']}, "
                         f"measured {t['measured_per_seed']} (every {t['resolution']} epochs)")
        if s["off_diagonal_max"] is not None:
            lines.append(f"off-diagonal part of M (whole − diagonal, relative) at most {s['off_diagonal_max']:.3e}")
        return "\n".join(lines)

    def plot(self, path: str | os.PathLike[str] | Any) -> None:
        """Measured and predicted ``L_test`` against s² (the fine curve beside), and over epochs (PNG to a
        binary file object; otherwise the format from the suffix)."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure(figsize=(13, 4.2), layout="constrained")
        FigureCanvasAgg(figure)
        whole, fine, epochs = figure.subplots(1, 3)
        x, mean = self.values, self.measured.mean(axis=0)
        positive = x > 0
        rec = self.summary["recommended"]
        near = np.array(["fine" in self.roles[float(v)] for v in x])
        if not near.any():  # recommended s² = 0: no fine curve; the smallest positive values
            near = positive & (x <= np.sort(x[positive])[:4].max()) if positive.any() else positive
        for axes, keep, title in ((whole, positive, "every value trained"), (fine, near, "around the recommendation")):
            for k, seed in enumerate(self.seeds):
                axes.plot(x[keep], self.measured[k, keep], ".", ms=4, alpha=0.5, label=f"measured, seed {seed}")
            axes.plot(x[keep], mean[keep], "o-", ms=3, lw=1, label="measured, mean")
            axes.plot(x[keep], self.predicted[keep], "s--", ms=3, lw=1, label="predicted")
            axes.axvline(rec, color="r", lw=0.8, label=f"recommended s² = {rec:.4g}")
            axes.axvline(self.summary["measured_optimum"]["noise_var"], color="k", ls=":", lw=0.8,
                         label="measured optimum")
            axes.set(xscale="log", xlabel="s²", ylabel="held-out loss L_test", title=title)
            axes.legend(fontsize=6)
        for seed, (e, v) in self.timing.items():
            epochs.plot(e, v, lw=1, label=f"measured (diagonal part), seed {seed}")
        curve = self.tuned.curves[next(iter(self.tuned.curves))]
        epochs.plot(np.arange(curve.size), curve, "--", lw=1, label="predicted")
        epochs.axvline(self.summary["epochs_to_within"]["predicted"], color="grey", ls=":", lw=0.8,
                       label="predicted: within 1% from here")
        final = float(curve[-1])
        epochs.set(xlabel="epoch", ylabel="held-out loss L_test", title=f"over training at s² = {rec:.4g}",
                   ylim=(final * 0.98, final * 1.3))
        epochs.legend(fontsize=6)
        st = self.tuned.settings
        figure.suptitle(f"{st['dataset']}: N = {st['samples']}, H = {st['hidden']}, α = {st['lr']:g}, "
                        f"T = {st['epochs']}, s_t² = {st['test_noise_var']:g}; held-out: {st['heldout_description']}",
                        fontsize=10)
        if hasattr(path, "write"):
            figure.savefig(path, format="png")
        else:
            figure.savefig(os.fspath(path))


def validation_values(tuned: Tuned, grid: FloatArray | None, fine_points: int = FINE_POINTS) -> dict[float, list[str]]:
    """The noise variances to train, each with its roles: ``grid``, ``fine``, ``recommended``, ``s_t²``,
    ``converged``."""
    rec = tuned.recommendation
    roles: dict[float, list[str]] = {}

    def add(value: float, role: str) -> None:
        roles.setdefault(float(value), []).append(role)

    for value in (np.concatenate([[0.0], GRID]) if grid is None else grid):
        add(value, "grid")
    if rec.value > 0:
        fine = rec.value * np.geomspace(1 / FINE_SPAN, FINE_SPAN, fine_points)
        fine[np.argmin(np.abs(np.log(fine / rec.value)))] = rec.value
        for value in fine:
            add(value, "fine")
    add(rec.value, "recommended")
    add(float(dict[str, Any](tuned.settings)["test_noise_var"]), "s_t²")
    if "converged_optimum" in rec.baselines:
        add(rec.baselines["converged_optimum"]["value"], "converged")
    return dict(sorted(roles.items()))


def validation_runs(tuned: Tuned, values: dict[float, list[str]], seeds: list[int], *, data_root: str | None,
                    nonlinear: Literal["relu", "tanh"] | None = None) -> list[Any]:
    """The sweep's runs: every value for every seed (``symdae experiment linear`` runs, float64, eigenbasis),
    or, with ``nonlinear`` (an activation), ``symdae experiment nonlinear`` runs at the equivalent settings:
    SGD rate ``lr = αD/2`` (the nonlinear loss averages over the D pixels; :mod:`symdae.torch`), float32."""
    from symdae.experiments import Experiment
    from symdae.sweep import Run
    from symdae.sweep._plan import run_key

    st: dict[str, Any] = dict(tuned.settings)
    epochs = int(st["epochs"])
    runs = []
    for seed in seeds:
        for value, roles in values.items():
            timing = "recommended" in roles
            if nonlinear is not None:
                dim = tuned.eigenvalues.size
                exp = Experiment(kind="nonlinear", dataset=st["dataset"], data_root=data_root,
                                 samples=int(st["samples"]), epochs=epochs, lr=float(st["lr"]) * dim / 2,
                                 hidden=int(st["hidden"]), model="dae" if value > 0 else "ae", noise_var=value,
                                 seed=seed, device="cpu", dtype="float32", init_std=float(st["init_std"]),
                                 activation=nonlinear, every=max(1, epochs // 10), directions=4)
                runs.append(Run(key=run_key(exp), experiment=exp, axes={"noise_var": value, "seed": seed},
                                label="+".join(roles)))
                continue
            exp = Experiment(kind="linear", dataset=st["dataset"], data_root=data_root, samples=int(st["samples"]),
                             epochs=epochs, lr=float(st["lr"]), hidden=int(st["hidden"]),
                             model="dae" if value > 0 else "ae", noise_var=value, seed=seed, device="cpu",
                             dtype="float64", space="eigen", init_std=float(st["init_std"]),
                             every=max(1, epochs // RECORDS) if timing else epochs,
                             directions=None if timing else min(32, tuned.eigenvalues.size))
            runs.append(Run(key=run_key(exp), experiment=exp, axes={"noise_var": value, "seed": seed},
                            label="+".join(roles)))
    return runs


def validate(*, seeds: tuple[int, ...] | list[int] = (0, 1), out: str | os.PathLike[str],
             fine_points: int = FINE_POINTS, nonlinear: Literal["relu", "tanh"] | None = None, serial: bool = False,
             workers: int | None = None, scheduler: str | None = None, scheduler_file: str | None = None,
             client: Any = None, say: Any = None, **settings: Any) -> Validated:
    """Validate :func:`~symdae.tuning.tune`'s recommendation by training (see the module's docstring).

    ``settings`` are :func:`tune`'s (``dataset``, ``samples``, ``hidden``, ``lr``, ``epochs``,
    ``test_noise_var``, ``init_std``, ``noise_vars`` (the grid; default: 0 and :data:`GRID`), ``heldout``,
    ``heldout_samples``, ``data_root``, ...); the DAE's noise only (not ``weight_decays``). ``fine_points``
    values of the fine curve span s²/1.5 to 1.5 s² around the recommended s². The runs go to
    ``out/runs/`` (:func:`symdae.sweep.run_sweep`: ``serial``, ``workers``, ``scheduler``,
    ``scheduler_file`` or ``client``), the comparison to ``out/validation.json``, ``.csv`` and ``.png``.
    ``nonlinear`` (``"relu"`` or ``"tanh"``): does the linear prediction transfer? Train that nonlinear DAE
    instead, at the equivalent settings (:func:`validation_runs`), its held-out loss estimated at
    ``test_noise_var`` (:func:`~symdae.tuning._measure.network_heldout_loss`), against the linear prediction.
    """
    from symdae.sweep import run_sweep

    if settings.get("weight_decays") is not None:
        raise TuneError("--validate trains the DAE over --noise-vars; the WDAE's --weight-decays are not validated")
    seeds = list(seeds)
    if not seeds or len(set(seeds)) != len(seeds) or any(isinstance(s, bool) or not isinstance(s, int) or s < 0
                                                         for s in seeds):
        raise TuneError(f"--seeds must be distinct whole numbers >= 0, at least one; got {seeds!r}")
    if settings.get("seed") is not None:
        raise TuneError("--validate compares the expected (or capacity) start's prediction with training from "
                        "every --seeds; --seed applies without --validate")
    if nonlinear not in (None, "relu", "tanh"):
        raise TuneError(f"--nonlinear must be relu or tanh; got {nonlinear!r}")
    if isinstance(fine_points, bool) or not isinstance(fine_points, int) or fine_points < 1:
        raise TuneError(f"--fine-points must be a whole number >= 1; got {fine_points!r}")
    tuned = tune(**settings)
    grid = None if settings.get("noise_vars") is None else np.unique(np.asarray(settings["noise_vars"], dtype=float))
    values = validation_values(tuned, grid, fine_points)
    data_root = settings.get("data_root")
    runs = validation_runs(tuned, values, seeds, data_root=data_root, nonlinear=nonlinear)
    st: dict[str, Any] = dict(tuned.settings)
    measure = HeldoutMeasure(dataset=st["dataset"], samples=int(st["samples"]), heldout=st["heldout"],
                             heldout_samples=settings.get("heldout_samples"), data_root=data_root,
                             test_noise_vars=(float(st["test_noise_var"]),) if nonlinear else ())
    out = Path(out)
    outcome = run_sweep(runs, out, serial=serial, workers=workers, scheduler=scheduler,
                        scheduler_file=scheduler_file, client=client, measure=measure, say=say)
    if outcome.interrupted:
        raise KeyboardInterrupt
    return _compare(tuned, values, seeds, runs, measure, out, outcome.failed, nonlinear)


def _compare(tuned: Tuned, values: dict[float, list[str]], seeds: list[int], runs: list[Any],
             measure: HeldoutMeasure, out: Path, failed: dict[str, str], nonlinear: str | None) -> Validated:
    st2 = float(dict[str, Any](tuned.settings)["test_noise_var"])
    x = np.array(list(values))
    measured = np.full((len(seeds), x.size), np.nan)
    diagonal = np.full_like(measured, np.nan)
    timing: dict[int, tuple[FloatArray, FloatArray]] = {}
    for run in runs:
        found = measure.read(run.folder(out))
        if found is None:
            continue
        k, i = seeds.index(run.axes["seed"]), int(np.flatnonzero(x == run.axes["noise_var"])[0])
        if "network" in found:  # a nonlinear run: no diagonal part
            measured[k, i] = float(found["network"]["losses"][repr(st2)])
            continue
        measured[k, i] = float(loss(found["whole"], st2))
        diagonal[k, i] = float(loss(found["diagonal"], st2))
        if "over_epochs" in found and "recommended" in values[float(x[i])]:
            timing[run.axes["seed"]] = (np.asarray(found["over_epochs"]["epochs"], dtype=float),
                                        np.asarray(loss(found["over_epochs"], st2), dtype=float))
    if np.isnan(measured).any():
        missing = int(np.isnan(measured).sum())
        raise RuntimeError(f"{missing} of the {measured.size} validation runs did not finish (failed: "
                           f"{'; '.join(f'{k}: {e}' for k, e in failed.items()) or 'none'}); the same command "
                           "retries them")
    rec = tuned.recommendation
    common: dict[str, Any] = {"eigenvalues": tuned.eigenvalues, "heldout": tuned.heldout, "n_samples": tuned.samples,
                              "lr": tuned.settings["lr"], "epochs": tuned.settings["epochs"], "test_noise_var": st2,
                              "hidden": tuned.settings["hidden"], "init_std": tuned.settings["init_std"],
                              "start": tuned.settings["start"]}
    predicted = predict_heldout(**common, noise_var=x).loss
    summary = _summary(x, values, measured, diagonal, predicted, rec, timing)
    done = Validated(tuned, x, values, seeds, measured, diagonal, np.asarray(predicted), timing, out, failed,
                     summary, nonlinear)
    _write(done, out)
    return done


def _parabola(x: FloatArray, y: FloatArray, i: int) -> tuple[float, float] | None:
    """Minimum of the parabola through point ``i`` and its neighbours, in log s² (positive s², interior)."""
    if i == 0 or i == x.size - 1 or x[i - 1] <= 0:
        return None
    u = np.log(x[i - 1:i + 2])
    a, b, c = np.polyfit(u - u[1], y[i - 1:i + 2], 2)
    if a <= 0:
        return None
    vertex = -b / (2 * a)
    return float(math.exp(u[1] + vertex)), float(a * vertex**2 + b * vertex + c)


def _ranks(a: FloatArray) -> FloatArray:
    return np.argsort(np.argsort(a)).astype(float)


def _summary(x: FloatArray, values: dict[float, list[str]], measured: FloatArray, diagonal: FloatArray,
             predicted: FloatArray, rec: Any, timing: dict[int, tuple[FloatArray, FloatArray]]) -> dict[str, Any]:
    mean = measured.mean(axis=0)
    i = int(np.argmin(mean))
    fit = _parabola(x, mean, i)
    lowest = min(float(mean[i]), fit[1]) if fit else float(mean[i])
    j = int(np.flatnonzero(x == rec.value)[0])

    def gap(k: int) -> float:
        return float((mean[k] - lowest) / lowest)

    naive = {}
    for role, name in (("s_t²", "s² = s_t²"), ("converged", "converged optimum")):
        at = [k for k, value in enumerate(x) if role in values[float(value)]]
        if at:
            naive[name] = {"noise_var": float(x[at[0]]), "gap": gap(at[0])}
    on_grid = np.array(["grid" in values[float(value)] for value in x])
    fine = [k for k, value in enumerate(x) if "fine" in values[float(value)]]
    edge = bool(fine) and i in (fine[0], fine[-1])
    measured_within = {}
    resolution = None
    for seed, (epochs, curve) in timing.items():
        measured_within[str(seed)] = int(epochs[int(epochs_to_within(curve))])
        resolution = int(epochs[1] - epochs[0]) if epochs.size > 1 else None
    return {
        "recommended": float(rec.value), "recommended_loss": float(mean[j]), "gap_recommended": gap(j),
        "gap_recommended_per_seed": [float((measured[k, j] - measured[k].min()) / measured[k].min())
                                     for k in range(measured.shape[0])],
        "measured_optimum": {"noise_var": float(x[i]), "loss": float(mean[i]), "at_edge": edge,
                             "parabola_noise_var": fit[0] if fit else None, "parabola_loss": fit[1] if fit else None},
        "naive": naive,
        "ratio_at_measured_optimum": float(predicted[i] / mean[i]),
        "grid_rank_agreement": float(np.corrcoef(_ranks(predicted[on_grid]), _ranks(mean[on_grid]))[0, 1])
        if on_grid.sum() > 1 else float("nan"),
        "grid_same_argmin": bool(np.argmin(predicted[on_grid]) == np.argmin(mean[on_grid])),
        "grid_ratio_range": [float((predicted / mean)[on_grid].min()), float((predicted / mean)[on_grid].max())],
        "epochs_to_within": {"predicted": int(rec.epochs_to_within), "measured_per_seed": measured_within,
                             "resolution": resolution},
        "off_diagonal_max": None if np.isnan(diagonal).all() else float(np.max(np.abs(measured - diagonal) / measured)),
    }


def _write(done: Validated, out: Path) -> None:
    import csv
    import io

    from symdae._io import atomic_writer, json_text, write_atomic

    write_atomic(out / VALIDATION_JSON, json_text(done.report()))
    rows = done.rows()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(out / VALIDATION_CSV, buffer.getvalue())
    with atomic_writer(out / VALIDATION_PLOT) as handle:
        done.plot(handle)
