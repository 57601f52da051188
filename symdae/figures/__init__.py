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
import os
import subprocess
import sys
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


_PREPARE_ODE = """
import numpy as np
from symdae.kernels import mode_trajectory
mode_trajectory(np.ones((2, 2)), lam=np.ones((2, 1)), kappa=0.1, tau=10.0, w1_0=0.1, w2_0=0.2)
mode_trajectory(np.ones(2), lam=1.0, kappa=0.1, tau=10.0, w1_0=0.1, w2_0=0.2)
"""


def prepare_ode_kernel(numbers: list[int]) -> subprocess.Popen[bytes] | None:
    """Generate and compile the mode ODE's kernel in a second process, while this one draws Figure 1.

    Figures 2 and 4 need :func:`~symdae.kernels.mode_trajectory` with weight decay, the slowest
    kernel to compile (tens of seconds with empty caches) and the only one Figure 1 does not; on a
    machine with two cores or more it is built beside Figure 1's kernels instead of after them. Call
    :func:`wait_for` before drawing any figure but Figure 1 (Figures 3 and 5 use the kernel too): the
    two processes never build the same kernel. If
    the second process fails, nothing is lost: the first builds the kernel itself. With a warm cache
    it only loads it (a second or two, in parallel).
    """
    if not {2, 4} & set(numbers) or (os.cpu_count() or 1) < 2:
        return None
    try:
        return subprocess.Popen([sys.executable, "-c", _PREPARE_ODE], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return None


def wait_for(process: subprocess.Popen[bytes] | None) -> None:
    """Wait for :func:`prepare_ode_kernel`'s process (``None``: nothing to wait for)."""
    if process is not None and process.poll() is None:
        process.wait()


__all__ = ["NUMBERS", "Rendered", "draw", "parse_only", "prepare_ode_kernel", "save", "wait_for"]
