"""The paper's Figures 1–7, regenerated (``symdae figures``).

Figures 1–4 are drawn from the kernels and exact gradient descent on one
mode (:mod:`symdae.figures.scalar`, seconds); Figures 5–7 train autoencoders
on MNIST and CIFAR-10 (:mod:`symdae.figures.training`, needs ``torch`` and the
data). Each figure is written as ``figureN.png``, ``figureN.pdf`` and a sidecar
``figureN.json`` (caption, settings, and notes on where it differs from the
paper), atomically.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

from symdae.figures._output import Rendered, save

NUMBERS = (1, 2, 3, 4, 5, 6, 7)


def parse_only(text: str | None) -> list[int]:
    """The figure numbers of ``--only`` (``"1,3"``, ``"5-7"``); all seven for ``None``."""
    if text is None:
        return list(NUMBERS)
    chosen: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        first, _, last = part.partition("-")
        try:
            span = range(int(first), int(last or first) + 1)
        except ValueError:
            raise ValueError(f"--only must list figure numbers like '1,3' or '5-7', got {text!r}") from None
        if not span or any(n not in NUMBERS for n in span):
            raise ValueError(f"--only: figures are numbered 1 to 7, got {part!r}")
        chosen.extend(n for n in span if n not in chosen)
    return chosen


def draw(number: int, *, runs: Path, quick: bool = False, data_root: str | None = None, device: str = "auto",
         show_progress: bool = True, datasets: str | None = None) -> Rendered:
    """Draw figure ``number``; Figures 5–7 run (or reuse, from ``runs``) the experiments they need.

    ``datasets`` (comma-separated) chooses the panels of Figures 5–7: by default MNIST and CIFAR-10, or
    MNIST alone with ``quick`` (the reduced settings of :mod:`symdae.figures.training`, stated in each
    quick figure's caption).
    """
    if number not in NUMBERS:
        raise ValueError(f"figure number must be 1 to 7, got {number}")
    if number <= 4:
        from symdae.figures import scalar

        scalar_figures: dict[int, Callable[[], Rendered]] = {1: scalar.figure1, 2: scalar.figure2,
                                                            3: scalar.figure3, 4: scalar.figure4}
        return scalar_figures[number]()
    if importlib.util.find_spec("torch") is None:
        raise ImportError("Figures 5–7 train autoencoders and need torch: pip install 'symdae[torch]'")
    from symdae.figures import training

    ctx = training.Context(runs, quick, data_root, device, show_progress, datasets)
    return training.figure5(ctx) if number == 5 else training.figure_nonlinear(number, ctx)


__all__ = ["NUMBERS", "Rendered", "draw", "parse_only", "save"]
