"""Per-epoch time of the torch trainers: eigenbasis, covariance, data space, sampled noise, nonlinear.

Full-batch training at the paper's sizes -- MNIST (N = 50000, D = 784,
H = 256) and CIFAR-10 (N = 30000, D = 3072, H = 512) -- in float32, on the
CPU and on CUDA when present. The linear paths train a DAE (σ² = 0.5, the
paper's Figure 5 setting) so the noise terms are included; the nonlinear row
is the ReLU AE with the authors' settings, the Supplement F estimate of all D
directions every 10 epochs included. Each case is time-boxed: it runs until
``--budget`` seconds or ``--max-epochs`` epochs have passed (at least 4
epochs), and the median of the per-epoch times after the first (warm-up)
epoch is reported. On cores shared with other work, torch's default of one
thread per core can be ten times slower than ``--threads 1`` for the small
matrix products of the covariance and eigenbasis paths.

The data are uniform random pixels of the right shape unless ``--data-root``
names the real data (read with :mod:`symdae.data`); timings do not depend on
the values. Run from the repository root::

    python benchmarks/bench_training.py                      # MNIST and CIFAR-10 sizes, CPU (+ CUDA)
    python benchmarks/bench_training.py --sizes mnist --budget 5 --nonlinear --threads 1
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from symdae.torch import LinearConfig, NonlinearConfig, TrainingData, train_linear, train_nonlinear

SIZES = {"mnist": (50000, 784, 256), "cifar10": (30000, 3072, 512)}
PATHS = ("data", "sampled", "covariance", "eigen")


class _TimeUp(Exception):
    """Raised from the progress callback when a case's time box is over."""


def _data(name: str, data_root: str | None) -> TrainingData:
    n, dim, _ = SIZES[name]
    if data_root is not None:
        from symdae.data import load, preprocess, spectrum

        dataset = load(name, n=n, data_root=data_root)
        spec = spectrum(dataset)
        return TrainingData(spec.eigenvalues, spec.eigenvectors, n, preprocess(dataset.images, dtype=np.float32))
    rows = np.random.default_rng(0).random((n, dim), dtype=np.float32)
    x = torch.from_numpy(rows).to(torch.float64)
    lam, vecs = torch.linalg.eigh(x.T @ x)
    return TrainingData(lam.flip(0).clamp_min(0).numpy(), vecs.flip(1).numpy(), n, rows)


def _time(train: Callable[..., Any], device: str, budget: float) -> tuple[float, int]:
    """Median milliseconds per epoch after the first, and epochs timed."""
    stamps: list[float] = []

    def progress(done: int, total: int) -> None:
        if device == "cuda":
            torch.cuda.synchronize()
        stamps.append(time.perf_counter())
        if done >= 4 and stamps[-1] - stamps[1] > budget:
            raise _TimeUp

    try:
        train(progress)
    except _TimeUp:
        pass
    intervals = np.diff(stamps[1:])
    return 1000 * float(np.median(intervals)), intervals.size


def _case(data: TrainingData, name: str, path: str, device: str, args: argparse.Namespace) -> tuple[float, int]:
    hidden = SIZES[name][2]
    if path == "nonlinear":
        config = NonlinearConfig.paper("ae", dataset=name, epochs=args.max_epochs, device=device)  # type: ignore[arg-type]
        return _time(lambda p: train_nonlinear(data, config, progress=p), device, args.budget)
    noise_mode = "sampled" if path == "sampled" else "marginal"
    space = "data" if path == "sampled" else path
    linear = LinearConfig(model="dae", noise_var=0.5, noise_mode=noise_mode, space=space,  # type: ignore[arg-type]
                          hidden=hidden, epochs=args.max_epochs, every=args.max_epochs, device=device)
    return _time(lambda p: train_linear(data, linear, progress=p), device, args.budget)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", choices=tuple(SIZES), default=list(SIZES))
    parser.add_argument("--devices", nargs="+", choices=("cpu", "cuda"), default=None,
                        help="default: cpu, and cuda when available")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds per case (default 5)")
    parser.add_argument("--max-epochs", type=int, default=50, help="epochs per case at most (default 50)")
    parser.add_argument("--nonlinear", action="store_true", help="also time the ReLU AE (authors' settings)")
    parser.add_argument("--data-root", default=None, help="use the real data from this folder")
    parser.add_argument("--threads", type=int, default=None,
                        help="CPU threads for torch (default: torch's; on busy shared cores 1 can be much faster)")
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    devices = args.devices or (["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"])
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads, float32"
          + (f", CUDA: {torch.cuda.get_device_name()}" if "cuda" in devices else ""))
    print(f"{'size':8} {'device':6} {'path':11} {'ms/epoch':>10} {'epochs':>6} {'data/path':>10}")
    for name in args.sizes:
        started = time.perf_counter()
        data = _data(name, args.data_root)
        n, dim, hidden = SIZES[name]
        print(f"# {name}: N = {n}, D = {dim}, H = {hidden}, setup {time.perf_counter() - started:.1f} s")
        for device in devices:
            paths = (*PATHS, "nonlinear") if args.nonlinear else PATHS
            reference = None
            for path in paths:
                ms, epochs = _case(data, name, path, device, args)
                reference = ms if path == "data" else reference
                ratio = f"{reference / ms:10.1f}" if reference else f"{'':10}"
                print(f"{name:8} {device:6} {path:11} {ms:10.1f} {epochs:6d} {ratio}", flush=True)


if __name__ == "__main__":
    main()
