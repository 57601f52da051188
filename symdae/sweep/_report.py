"""``symdae sweep report OUT``: a summary of the results table and the standard plots (PNG and PDF).

Plots (under ``OUT/plots/``, each written atomically):

* ``final_vs_noise``: the final mapping against the noise level, one line per
  direction of Figure 5 (1, 4, 8, 16, 32), measured (markers, mean over
  seeds) and the theory (lines); one panel per dataset, kind and model;
* ``measured_vs_predicted``: the final measured mapping against the theory's,
  every run and direction;
* ``time_to_learn``: epochs to 50 % of the fixed point against the eigenvalue,
  measured (markers) and predicted (lines), coloured by noise level.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from symdae._io import write_atomic
from symdae.experiments import HIGHLIGHT
from symdae.sweep._plan import ERROR_JSON, RUNS
from symdae.sweep._table import PARQUET

PLOTS = ("final_vs_noise", "measured_vs_predicted", "time_to_learn")
GROUP = ["dataset", "kind", "model"]


def load_table(out: Path | str) -> Any:
    """``OUT/results.parquet`` as a DataFrame (``FileNotFoundError`` naming it if absent)."""
    import pandas as pd

    path = Path(out) / PARQUET
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: run the sweep first (symdae sweep SPEC --out {out})")
    return pd.read_parquet(path)


def failures(out: Path | str) -> dict[str, str]:
    """The runs of ``OUT/sweep.json`` that recorded an error and have no result: key → ``Type: message``."""
    out = Path(out)
    try:
        planned = json.loads((out / "sweep.json").read_text(encoding="utf-8"))["runs"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    found = {}
    for entry in planned:
        folder = out / RUNS / str(entry.get("key"))
        if (folder / ERROR_JSON).is_file() and not (folder / "result.json").is_file():
            try:
                error = json.loads((folder / ERROR_JSON).read_text(encoding="utf-8"))
                found[str(entry["key"])] = f"{error.get('type')}: {error.get('message')}"
            except (OSError, ValueError):
                found[str(entry["key"])] = "error.json cannot be read"
    return found


def summary(frame: Any, failed: dict[str, str]) -> str:
    """A few lines: runs, failures, agreement and time per dataset / kind / model."""
    if frame.empty:
        lines = ["no finished runs"]
    else:
        runs = frame.drop_duplicates("run")
        nature = ", ".join(sorted(set(runs["data_nature"].dropna())))
        lines = [f"{len(runs)} finished run(s), {len(frame)} rows (run × direction); data: {nature}"]
        top = frame[frame["direction"].isin(HIGHLIGHT)]
        for key, group in top.groupby(GROUP, sort=True):
            count = group["run"].nunique()
            wall = group.drop_duplicates("run")["wall_time_s"].median()
            lines.append(f"  {' '.join(map(str, key))}: {count} run(s); directions {', '.join(map(str, HIGHLIGHT))}: "
                         f"median |final measured − theory| {group['final_error'].abs().median():.3g}, "
                         f"max |measured − theory| over time {group['max_error_discrete'].max():.3g}; "
                         f"median wall time {wall:.1f} s")
    lines.append(f"{len(failed)} failed run(s)" + "".join(f"\n  {k}: {v}" for k, v in failed.items()))
    return "\n".join(lines)


def _save(figure: Any, out: Path, name: str, formats: tuple[str, ...]) -> list[Path]:
    paths = []
    for fmt in formats:
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, dpi=90 if fmt == "png" else None)
        paths.append(write_atomic(out / f"{name}.{fmt}", buffer.getvalue()))
    return paths


def _final_vs_noise(plt: Any, frame: Any) -> Any:
    groups = list(frame.groupby(GROUP, sort=True))
    figure, axes = plt.subplots(1, max(len(groups), 1), figsize=(4.2 * max(len(groups), 1), 3.4), squeeze=False)
    colours = plt.get_cmap("viridis")
    for ax, (key, group) in zip(axes[0], groups, strict=False):
        shown = [j for j in HIGHLIGHT if j in set(group["direction"])]
        for i, j in enumerate(shown):
            rows = group[group["direction"] == j].groupby("noise_var")
            colour = colours(i / max(len(shown) - 1, 1))
            ax.plot(rows["final_theory"].mean(), "-", color=colour, lw=1)
            ax.plot(rows["final_measured"].mean(), "o", color=colour, ms=4, label=f"j = {j}")
        ax.set_title(" ".join(map(str, key)), fontsize=9)
        ax.set_xlabel("noise variance s²")
        ax.set_ylabel("final mapping")
        ax.legend(fontsize=7, title="measured (o), theory (−)", title_fontsize=7)
    figure.tight_layout()
    return figure


def _measured_vs_predicted(plt: Any, frame: Any) -> Any:
    figure, ax = plt.subplots(figsize=(4, 4))
    for key, group in frame.groupby(GROUP, sort=True):
        ax.plot(group["final_theory"], group["final_measured"], ".", ms=3, label=" ".join(map(str, key)))
    ax.plot([0, 1], [0, 1], "k-", lw=0.7)
    ax.set_xlabel("predicted final mapping (theory)")
    ax.set_ylabel("measured final mapping")
    ax.legend(fontsize=7)
    figure.tight_layout()
    return figure


def _time_to_learn(plt: Any, frame: Any) -> Any:
    figure, ax = plt.subplots(figsize=(4.6, 3.6))
    frame = frame[(frame["eigenvalue"] > 0) & (frame["epochs_to_half_theory"].notna()
                                                | frame["epochs_to_half_measured"].notna())]
    if frame.empty:
        ax.text(0.5, 0.5, "no direction reached 50 % of its fixed point", ha="center", transform=ax.transAxes)
        return figure
    levels = sorted(set(frame["noise_var"]))
    colours = plt.get_cmap("plasma")
    for i, level in enumerate(levels):
        group = frame[frame["noise_var"] == level].sort_values("eigenvalue")
        colour = colours(i / max(len(levels), 1))
        mean = group.groupby("eigenvalue")[["epochs_to_half_theory", "epochs_to_half_measured"]].mean()
        ax.plot(mean.index, mean["epochs_to_half_theory"], "-", color=colour, lw=1)
        ax.plot(mean.index, mean["epochs_to_half_measured"], "o", color=colour, ms=2.5, label=f"s² = {level:g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_minor_formatter(plt.NullFormatter())
    ax.set_xlabel("eigenvalue λ")
    ax.set_ylabel("epochs to 50 % of the fixed point")
    ax.legend(fontsize=7, title="measured (o), theory (−)", title_fontsize=7)
    figure.tight_layout()
    return figure


def draw(out: Path | str, *, frame: Any = None, formats: tuple[str, ...] = ("png", "pdf")) -> list[Path]:
    """Draw the standard plots of the table in ``OUT`` into ``OUT/plots``; return the files written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = load_table(out) if frame is None else frame
    if frame.empty:
        return []
    target = Path(out) / "plots"
    paths: list[Path] = []
    for name, make in zip(PLOTS, (_final_vs_noise, _measured_vs_predicted, _time_to_learn), strict=True):
        figure = make(plt, frame)
        try:
            paths.extend(_save(figure, target, name, formats))
        finally:
            plt.close(figure)
    return paths
