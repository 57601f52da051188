"""Saving a figure: PNG, PDF and a sidecar JSON of its settings, each written atomically."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from symdae._io import atomic_writer, json_text, write_atomic

AE, DAE, WDAE = "tab:blue", "tab:green", "tab:orange"
"""The paper's colours: AE blue, DAE green, WDAE orange."""
MODEL_COLOURS = {"ae": AE, "dae": DAE, "wdae": WDAE}
SIMULATED, MANIFOLD, SADDLE, SMALL_START = "tab:orange", "tab:cyan", "tab:red", "magenta"
FORMATS = ("png", "pdf")


@dataclass
class Rendered:
    """A drawn figure with what its sidecar records.

    ``settings`` are the parameters the figure was drawn with; ``notes`` say
    what differs from the paper (a corrected formula, reduced settings, the
    nature of the data) in plain sentences.
    """

    figure: Figure
    caption: str
    settings: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def save(rendered: Rendered, out: Path, name: str) -> list[Path]:
    """Write ``out/name.png``, ``out/name.pdf`` and ``out/name.json``; return their paths.

    The sidecar is written last and is always valid JSON (``null`` for a NaN or infinite value).
    """
    paths = []
    for fmt in FORMATS:
        path = out / f"{name}.{fmt}"
        with atomic_writer(path) as handle:
            rendered.figure.savefig(handle, format=fmt, dpi=150, bbox_inches="tight",
                                    metadata=_metadata(fmt, rendered.caption))
        paths.append(path)
    sidecar = {"figure": name, "caption": rendered.caption, "settings": rendered.settings,
               "notes": rendered.notes, "files": [p.name for p in paths]}
    paths.append(write_atomic(out / f"{name}.json", json_text(sidecar)))
    return paths


def _metadata(fmt: str, caption: str) -> dict[str, str]:
    # fixed metadata: identical settings give byte-identical PDFs (no creation date)
    if fmt == "pdf":
        return {"Title": caption, "Creator": "symdae", "CreationDate": None}  # type: ignore[dict-item]
    return {"Title": caption, "Software": "symdae"}


def new_figure(rows: int, cols: int, width: float = 4.2, height: float = 3.4) -> tuple[Figure, Any]:
    """A figure with a ``rows × cols`` grid of axes (always a 2-D array), laid out constrained."""
    figure = Figure(figsize=(width * cols, height * rows), layout="constrained")
    axes = figure.subplots(rows, cols, squeeze=False)
    return figure, axes


def shades(colour: str, count: int) -> list[tuple[float, float, float, float]]:
    """``count`` shades of a colour map from light to dark (darker = more noise or weight decay)."""
    from matplotlib import colormaps

    maps = {DAE: "Greens", WDAE: "Oranges", AE: "Blues"}
    cmap = colormaps[maps[colour]]
    return [cmap(0.35 + 0.6 * i / max(count - 1, 1)) for i in range(count)]
