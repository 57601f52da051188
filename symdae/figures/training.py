"""Figures 5–7: trained autoencoders on MNIST and CIFAR-10 (needs ``torch`` and the data).

Each figure runs the experiments of :func:`symdae.paper.paper_experiments`
(or, with ``quick``, reduced versions of them) through
:func:`symdae.experiments.run`, storing each under ``runs/<figure>/<dataset>-<model>``
of the output folder; a stored result whose settings match is reused, so
``symdae experiment paper --figure 6 --out OUT/runs/paper`` followed by
``symdae figures --out OUT`` trains nothing twice. A stored result is reused
only when :func:`symdae.experiments.read_result` finds its ``result.npz`` and
``result.json`` to be one unit; a damaged or mismatched pair is recomputed
(with a one-line note), and so is a run whose checkpoint is damaged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from symdae.experiments import HIGHLIGHT, Experiment, Result, ResultMissing, StoredResult, read_result
from symdae.figures._output import MODEL_COLOURS, Rendered, new_figure
from symdae.paper import paper_experiments

QUICK_LINEAR = {"samples": 2000, "hidden": 64, "epochs": 2500}
"""``--quick`` Figure 5: 2000 images, H = 64 (room for the 32 directions shown), 2500 epochs, the paper's rates."""
QUICK_NONLINEAR = {"samples": 500, "hidden": 32, "epochs": 500}
"""``--quick`` Figures 6–7: 500 images, H = 32, 500 epochs (the paper: 50000/30000, 256/512, 2000)."""
QUICK_DATASETS = "mnist"
"""``--quick`` trains on MNIST only unless datasets are named: CIFAR-10's 3072 × 3072 eigendecomposition alone
takes 10–30 s on 2 cores, and its runs cost four times MNIST's."""


def quick_settings(figure: int) -> str:
    """One sentence for the caption of a ``--quick`` figure: its reduced settings and the paper's."""
    if figure == 5:
        q = QUICK_LINEAR
        return (f"Quick settings: the first {q['samples']} training images, H = {q['hidden']}, {q['epochs']} epochs "
                "at the paper's learning rates (the paper: 50000 / 30000 images, H = 256 / 512, 5000 epochs).")
    q = QUICK_NONLINEAR
    return (f"Quick settings: the first {q['samples']} training images, H = {q['hidden']}, {q['epochs']} epochs "
            "(the paper: 50000 / 30000 images, H = 256 / 512, 2000 epochs); the authors' curves are not drawn.")
AUTHORS_CURVES = {("mnist", "ae"): "mnist_relu_none_highres.npy", ("mnist", "wdae"): "mnist_relu_reg_highres.npy",
                  ("mnist", "dae"): "mnist_relu_noise_highres_1.npy",
                  ("cifar10", "ae"): "cifar10_relu_none_highres.npy",
                  ("cifar10", "wdae"): "cifar10_relu_reg_highres.npy",
                  ("cifar10", "dae"): "cifar10_relu_noise_highres_1.npy"}
"""The authors' saved Figure 6 curves (``paper-figure6/`` beside the datasets): (201, 4), epoch 10(k − 1) in row k."""
MODEL_NAMES = {"ae": "AE", "dae": "DAE", "wdae": "WDAE"}


@dataclass(frozen=True)
class Run:
    """One finished experiment: its name, settings, arrays and JSON record."""

    name: str
    experiment: Experiment
    arrays: dict[str, np.ndarray]
    record: dict[str, Any]
    reused: bool


@dataclass(frozen=True)
class Context:
    """Where runs live and how to make them."""

    runs: Path
    quick: bool
    data_root: str | None = None
    device: str = "auto"
    show_progress: bool = True
    datasets: str | None = None
    """Comma-separated datasets; ``None``: MNIST and CIFAR-10, or :data:`QUICK_DATASETS` with ``quick``."""
    note: Callable[[str], None] | None = None
    """Receives one-line notes (a stored result recomputed, a checkpoint set aside); default: stderr."""

    def tell(self, text: str) -> None:
        if self.note is not None:
            self.note(text)
        else:
            from symdae._progress import say

            say(text)


def experiments(figure: int, ctx: Context) -> list[tuple[str, Experiment]]:
    """The experiments behind ``figure`` (5, 6 or 7) with the paper's or, with ``ctx.quick``, reduced settings."""
    datasets = ctx.datasets if ctx.datasets is not None else QUICK_DATASETS if ctx.quick else "mnist,cifar10"
    runs = paper_experiments(figure, data_root=ctx.data_root, device=ctx.device, datasets=datasets)
    if not ctx.quick:
        return runs
    reduced = QUICK_LINEAR if figure == 5 else {**QUICK_NONLINEAR, "every": 10}
    return [(name, replace(exp, **reduced)) for name, exp in runs]  # type: ignore[arg-type]


def obtain(name: str, exp: Experiment, ctx: Context) -> Run:
    """The result of ``exp``: reused from ``ctx.runs/name`` when its settings match, else trained there."""
    folder = ctx.runs / ("quick" if ctx.quick else "paper") / name
    stored = _stored(folder, exp, ctx)
    reused = stored is not None
    if stored is None:
        label = f"{name} ({exp.epochs} epochs)"
        _train(exp, folder, label, ctx)
        try:
            stored = read_result(folder)
        except ResultMissing as err:  # only if another process replaced the files just now
            raise ValueError(f"{name}: the result just written cannot be read back ({err})") from None
    return Run(name, exp, stored.arrays, stored.record, reused)


def _train(exp: Experiment, folder: Path, label: str, ctx: Context) -> Result:
    """Run ``exp`` into ``folder``, continuing an interrupted run of the same settings."""
    from symdae._progress import progress_bar
    from symdae.experiments import run

    resume = (folder / "checkpoint.pt").exists()
    while True:
        with progress_bar(label, exp.epochs, disable=not ctx.show_progress) as progress:
            try:
                return run(exp, folder, progress=progress, resume=resume, note=ctx.tell)
            except ValueError as err:
                if not (resume and "checkpoint:" in str(err)):
                    raise
        resume = False  # the checkpoint there belongs to other settings: start afresh (it is overwritten)


def _stored(folder: Path, exp: Experiment, ctx: Context) -> StoredResult | None:
    """The stored result in ``folder`` if it ran ``exp`` (data root and device aside) and is one whole unit."""
    try:
        stored = read_result(folder)
    except ResultMissing as err:
        if err.damaged:
            ctx.tell(f"note: {err}: recomputing it")
        return None
    wanted = _comparable(asdict(exp))
    settings = {**asdict(Experiment()), **stored.record["experiment"]}  # settings added later take their defaults
    if _comparable(settings) != wanted:
        return None
    return stored


def _comparable(settings: dict[str, Any]) -> dict[str, Any]:
    ignored = ("data_root", "device")
    return json.loads(json.dumps({k: v for k, v in settings.items() if k not in ignored}))


def _run_summary(run: Run) -> dict[str, Any]:
    record = run.record
    return {"name": run.name, "settings": asdict(run.experiment), "reused": run.reused,
            "data": {k: record["data"][k] for k in ("dataset", "n", "nature", "provenance")},
            "device": record.get("device"), "wall_time_s": record.get("wall_time_s"),
            "agreement": record.get("agreement")}


def _data_notes(runs: list[Run]) -> list[str]:
    natures = {run.experiment.dataset: run.record["data"]["nature"] for run in runs}
    return [f"{dataset}: {nature}" for dataset, nature in natures.items()]


def figure5(ctx: Context) -> Rendered:
    """Figure 5: linear AE, DAE and WDAE on MNIST and CIFAR-10, measured (×) against the theory (lines)."""
    runs = [obtain(name, exp, ctx) for name, exp in experiments(5, ctx)]
    by_key: dict[tuple[str, str], Run] = {(run.experiment.dataset, run.experiment.model): run for run in runs}
    datasets = list(dict.fromkeys(run.experiment.dataset for run in runs))
    figure, axes = new_figure(2, len(datasets), width=5.2, height=3.8)
    for col, dataset in enumerate(datasets):
        for row, other in enumerate(("dae", "wdae")):
            ax = axes[row, col]
            for model in ("ae", other):
                _plot_linear(ax, by_key[(dataset, model)])
            ax.set(title=f"{_dataset_name(dataset)}: AE vs {MODEL_NAMES[other]}", xlabel="epoch",
                   ylabel="mapping $\\hat\\lambda_j/\\lambda_j$")
            ax.legend(handles=_model_handles(("ae", other), theory=True), fontsize=7, loc="lower right")
    first = runs[0].experiment
    return Rendered(
        figure,
        f"Figure 5. Linear autoencoders on {' and '.join(_dataset_name(dataset) for dataset in datasets)}: "
        "the mapping of directions "
        f"{', '.join(map(str, HIGHLIGHT))} measured during training (×) and predicted by the exact per-direction "
        "theory in discrete time (lines). Top: AE (blue) vs DAE σ² = 0.5 (green); bottom: AE vs WDAE γ = 0.5 "
        "(orange)." + (f" {quick_settings(5)}" if ctx.quick else ""),
        {"runs": [_run_summary(run) for run in runs], "directions": list(HIGHLIGHT),
         "quick": ctx.quick, "epochs": first.epochs},
        [*_data_notes(runs),
         "Theory: the exact reduction of each direction to a scalar mode from its measured initial state "
         "(claims red.*), iterated in exact discrete time; the paper's fitted logistic curves are not used."],
    )


def _plot_linear(ax: Any, run: Run) -> None:
    epochs, measured, theory = run.arrays["epochs"], run.arrays["measured"], run.arrays["theory_discrete"]
    colour = MODEL_COLOURS[run.experiment.model]
    marks = slice(None, None, max(1, epochs.size // 25))
    for j in HIGHLIGHT:
        if j > measured.shape[1]:
            continue
        ax.plot(epochs, theory[:, j - 1], color=colour, lw=1.5)
        ax.plot(epochs[marks], measured[marks, j - 1], "x", color=colour, ms=4)


def figure_nonlinear(figure: int, ctx: Context) -> Rendered:
    """Figures 6 (ReLU) and 7 (tanh): the Supp. F estimate of the first four directions' mappings."""
    runs = [obtain(name, exp, ctx) for name, exp in experiments(figure, ctx)]
    datasets = list(dict.fromkeys(run.experiment.dataset for run in runs))
    activation = {"relu": "ReLU", "tanh": "tanh"}[runs[0].experiment.activation]
    figure_, axes = new_figure(1, len(datasets), width=5.2, height=3.8)
    compared: dict[str, Any] = {}
    for col, dataset in enumerate(datasets):
        ax = axes[0, col]
        for run in (r for r in runs if r.experiment.dataset == dataset):
            colour = MODEL_COLOURS[run.experiment.model]
            ax.plot(run.arrays["epochs"], run.arrays["measured"][:, :4], color=colour, lw=1.5)
            authors = _authors_curve(run, ctx) if figure == 6 else None
            if authors is not None:
                ax.plot(authors[0], authors[1], ":", color="black", lw=1)
                compared[run.name] = compare_with_authors(run.arrays["epochs"], run.arrays["measured"][:, :4],
                                                          *authors)
        ax.set(title=f"{_dataset_name(dataset)}, {activation}", xlabel="epoch",
               ylabel="estimated mapping (Supp. F)")
        ax.legend(handles=_model_handles(("ae", "wdae", "dae"), authors=bool(compared)), fontsize=7)
    first = runs[0].experiment
    noise_source = ("the paper's text says 3; σ² = 4 reproduces the authors' saved curves" if figure == 6 else
                    "as the paper's text says; the authors published no tanh curves to check it against")
    notes = [*_data_notes(runs),
             f"DAE input noise σ² = {next(r.experiment.noise_var for r in runs if r.experiment.model == 'dae'):g} "
             f"({noise_source}), "
             "WDAE weight decay 0.0045 through the optimiser, full-batch SGD lr 0.9, N(0, 0.001²) initial weights, "
             "as in the authors' code."]
    if figure == 6 and not ctx.quick:
        notes.append("Dotted black: the authors' saved curves (paper-figure6), drawn when the run uses the paper's "
                     "settings and the files are found beside the datasets.")
    return Rendered(
        figure_,
        f"Figure {figure}. Nonlinear ({activation}) autoencoders: the estimated mapping (Supp. F) of the first four "
        "directions during training. AE (blue), WDAE (orange), DAE (green). Panels, left to right: "
        + ", ".join(_dataset_name(dataset) for dataset in datasets) + "."
        + (f" {quick_settings(figure)}" if ctx.quick else ""),
        {"runs": [_run_summary(run) for run in runs], "quick": ctx.quick, "epochs": first.epochs,
         "every": first.every, "authors_comparison": compared},
        notes,
    )


def _authors_curve(run: Run, ctx: Context) -> tuple[np.ndarray, np.ndarray] | None:
    """The authors' saved curve of ``run`` (epochs, (T, 4) mappings) if it used their settings and it is found."""
    if ctx.quick or run.experiment.activation != "relu":
        return None
    folder = _authors_folder(run.record["data"]["folder"])
    name = AUTHORS_CURVES.get((run.experiment.dataset, run.experiment.model))
    if folder is None or name is None or not (folder / name).exists():
        return None
    curve = np.load(folder / name, allow_pickle=False)
    if curve.ndim != 2 or curve.shape[1] != 4 or curve.shape[0] < 2:
        raise ValueError(f"{folder / name}: expected a (T, 4) array of mappings, got shape {curve.shape}")
    rows = curve[1:]
    return 10.0 * np.arange(rows.shape[0]), rows


def _authors_folder(dataset_folder: str) -> Path | None:
    for parent in Path(dataset_folder).resolve().parents:
        candidate = parent / "paper-figure6"
        if candidate.is_dir():
            return candidate
    return None


def compare_with_authors(epochs: np.ndarray, measured: np.ndarray, authors_epochs: np.ndarray,
                         authors: np.ndarray) -> dict[str, list[float]]:
    """Final mappings and epochs to half of the final value, per direction, for a run and the authors' curve.

    "Final" is the last recorded value; the half-time is the first recorded
    epoch at which the mapping reaches half of it (resolution: the recording
    interval).
    """
    return {"final": [float(v) for v in measured[-1]], "final_authors": [float(v) for v in authors[-1]],
            "half_epoch": half_times(epochs, measured), "half_epoch_authors": half_times(authors_epochs, authors)}


def half_times(epochs: np.ndarray, mapping: np.ndarray) -> list[float]:
    """First recorded epoch at which each column of ``mapping`` reaches half of its last value."""
    times = []
    for column in mapping.T:
        reached = np.flatnonzero(column >= column[-1] / 2)
        times.append(float(epochs[reached[0]]) if reached.size else float("nan"))
    return times


def _dataset_name(dataset: str) -> str:
    return {"mnist": "MNIST", "cifar10": "CIFAR-10", "fashion-mnist": "Fashion-MNIST"}[dataset]


def _model_handles(models: tuple[str, ...], theory: bool = False, authors: bool = False) -> list[Any]:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=MODEL_COLOURS[m], lw=1.5, marker="x" if theory else None,
                      label=MODEL_NAMES[m]) for m in models]
    if theory:
        handles.append(Line2D([], [], color="grey", lw=1.5, label="theory (lines), measured (×)"))
    if authors:
        handles.append(Line2D([], [], color="black", ls=":", lw=1, label="authors' saved curves"))
    return handles
