"""``symdae plot RUN_DIR``: one stored run drawn as measured against theory, per direction (PNG, PDF).

Left panel: each shown direction's mapping over the epochs, measured (×)
and predicted (lines: discrete time solid, continuous time dotted); right
panel: ``|measured − theory_discrete|`` per direction on a log scale. For a
nonlinear run the theory is that of the equivalent linear network, a
qualitative reference, and the title says so. Drawn with matplotlib's Agg
canvas (no display, no pyplot state); files are written atomically.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from symdae._io import atomic_writer
from symdae.experiments._errors import ResultMissing, SettingsError
from symdae.experiments._store import Result, read_result
from symdae.experiments._theory import HIGHLIGHT

FORMATS = ("png", "pdf")
MAX_SHOWN = 12
"""The most directions one plot shows (more lines cannot be told apart)."""
_NAMES = {"mnist": "MNIST", "cifar10": "CIFAR-10", "ae": "AE", "dae": "DAE", "wdae": "WDAE"}


def plot_run(run_dir: str | os.PathLike[str], out: str | os.PathLike[str] | None = None, *,
             formats: Sequence[str] = ("png",), directions: Sequence[int] | None = None) -> list[Path]:
    """Draw the run stored in ``run_dir``; write ``out.<format>`` for each of ``formats``; return the paths.

    Args:
        run_dir: a folder holding ``result.npz`` and ``result.json`` (:func:`~symdae.experiments.read_result`).
        out: the output path without its suffix (default ``run_dir/plot``).
        formats: any of ``"png"``, ``"pdf"``.
        directions: the 1-based directions to show (default: all K when K <= 8, else those of Figure 5).

    Raises:
        ResultMissing: no whole result in ``run_dir``.
        SettingsError: a format or direction that is not available.
    """
    chosen = list(dict.fromkeys(formats))
    if not chosen or any(fmt not in FORMATS for fmt in chosen):
        raise SettingsError(f"--format must be a comma-separated list of {', '.join(FORMATS)}; got "
                            f"{','.join(map(str, formats))!r}")
    result = read_result(run_dir)
    shown = _directions(result, directions)
    figure = _draw(result, shown)
    stem = Path(run_dir) / "plot" if out is None else Path(out)
    paths = []
    for fmt in chosen:
        path = stem.parent / f"{stem.name}.{fmt}"
        with atomic_writer(path) as handle:
            figure.savefig(handle, format=fmt, dpi=150,
                           metadata={"Creator": "symdae", "CreationDate": None} if fmt == "pdf" else
                           {"Software": "symdae"})
        paths.append(path)
    return paths


def _directions(result: Result, directions: Sequence[int] | None) -> list[int]:
    k = result.directions.size
    if directions is None:
        return list(range(1, k + 1)) if k <= 8 else [j for j in HIGHLIGHT if j <= k]
    shown = list(dict.fromkeys(directions))
    bad = [j for j in shown if isinstance(j, bool) or not isinstance(j, (int, np.integer)) or not 1 <= j <= k]
    if not shown or bad:
        raise SettingsError(f"--directions must be 1-based directions of this run, 1 to {k}; got "
                            f"{bad[0] if bad else 'none'}")
    if len(shown) > MAX_SHOWN:
        raise SettingsError(f"--directions: at most {MAX_SHOWN} in one plot; got {len(shown)}")
    return [int(j) for j in shown]


def _draw(result: Result, shown: list[int]) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    exp, arrays = result.experiment, result.arrays
    figure = Figure(figsize=(11, 4.2), layout="constrained")
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2)
    epochs = arrays["epochs"]
    marks = slice(None, None, max(1, epochs.size // 40))
    colours = [f"C{i % 10}" for i in range(len(shown))]
    peak = 0.0
    for j, colour in zip(shown, colours, strict=True):
        measured, discrete = arrays["measured"][:, j - 1], arrays["theory_discrete"][:, j - 1]
        lam = float(arrays["eigenvalues"][j - 1])
        left.plot(epochs, discrete, color=colour, lw=1.5, label=f"j = {j} (λ = {lam:.4g})")
        left.plot(epochs, arrays["theory"][:, j - 1], ":", color=colour, lw=1)
        left.plot(epochs[marks], measured[marks], "x", color=colour, ms=4)
        error = np.abs(measured - discrete)
        finite = error[np.isfinite(error)]
        peak = max(peak, float(finite.max()) if finite.size else 0.0)
        right.plot(epochs, error, color=colour, lw=1.2, label=f"j = {j}")
    linear = exp.kind == "linear"
    left.set(xlabel="epoch", ylabel="mapping" if linear else "estimated mapping (Supp. F)",
             title="measured (×), theory: discrete (solid), continuous (dotted)")
    left.legend(fontsize=7, loc="best")
    right.set(xlabel="epoch", ylabel="|measured − theory (discrete)|", title="disagreement per direction")
    if peak > 0:
        right.set_yscale("log")
        right.set_ylim(bottom=peak * 1e-12)  # below, only rounding
    mode = result.record.get("mode") or {}
    units = ", ".join(f"{symbol} = {mode[key]:.4g}" for key, symbol in (("tau", "τ"), ("eps", "ε"), ("kappa", "κ"))
                      if isinstance(mode.get(key), (int, float)))
    what = f"{exp.activation} " if not linear else ""
    figure.suptitle(f"{_NAMES[exp.dataset]}, {what}{exp.kind} {_NAMES[exp.model]}: N = {exp.samples}, "
                    f"H = {exp.hidden}, lr = {exp.lr:g}" + (f" ({units})" if units else "")
                    + ("" if linear else "; theory: the equivalent linear network (qualitative)"), fontsize=10)
    return figure


def _format(text: str) -> str:
    if text not in FORMATS:
        raise ValueError(text)
    return text


def _comma_list(parse: Any, what: str) -> Any:
    def values(text: str) -> list[Any]:
        try:
            chosen = [parse(part.strip()) for part in text.split(",") if part.strip()]
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a comma-separated list of {what}, got {text!r}") from None
        if not chosen:
            raise argparse.ArgumentTypeError(f"must name at least one of {what}, got {text!r}")
        return chosen

    values.__name__ = "list"
    return values


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``plot`` to the ``symdae`` subcommands (``subparsers`` from ``add_subparsers``); its handler is
    :func:`main`."""
    parser = subparsers.add_parser(
        "plot",
        help="draw one experiment run: measured against theory, per direction (PNG/PDF)",
        description="Draw the run stored in RUN_DIR (result.npz and result.json of symdae experiment): each "
        "direction's mapping, measured and predicted, and their difference; writes OUT.png and/or OUT.pdf.",
        epilog="Exit status 0: drawn; 1: RUN_DIR holds no whole result; 2: a bad option.",
    )
    parser.add_argument("run_dir", metavar="RUN_DIR", type=Path, help="a folder written by symdae experiment")
    parser.add_argument("--out", metavar="PATH", type=Path,
                        help="output path without suffix (default: RUN_DIR/plot)")
    parser.add_argument("--format", dest="formats", metavar="LIST", default=["png"],
                        type=_comma_list(_format, "png, pdf"), help="png, pdf or png,pdf (default: png)")
    parser.add_argument("--directions", metavar="LIST", type=_comma_list(int, "1-based directions"),
                        help="1-based directions to show, e.g. '1,4,8' (default: all K <= 8, else 1,4,8,16,32)")
    parser.set_defaults(handler=main)
    return parser


def main(args: argparse.Namespace) -> int:
    """Run ``symdae plot`` for parsed ``args``: 0 drawn, 1 no result, 2 a bad option (one line on stderr)."""
    try:
        paths = plot_run(args.run_dir, args.out, formats=args.formats, directions=args.directions)
    except SettingsError as err:
        print(f"symdae plot: {err}", file=sys.stderr)
        return 2
    except (ResultMissing, OSError) as err:
        print(f"symdae plot: {err}", file=sys.stderr)
        return 1
    print(f"wrote {', '.join(map(str, paths))}")
    return 0
