"""The ``symdae`` command line.

Each subcommand imports what it needs only when it runs, so ``symdae --help``
starts without loading SymPy, Numba or torch.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from symdae import __version__
from symdae.data.cli import add_data_commands

if TYPE_CHECKING:
    from symdae.experiments import Experiment


def _verify(args: argparse.Namespace) -> int:
    from symdae.checking import load, report

    registry = load()
    try:
        ids = report.select(registry, args.only)
    except ValueError as err:
        print(f"symdae verify: {err}", file=sys.stderr)
        return 2
    jobs = args.jobs if args.jobs is not None else report.default_jobs()
    if jobs < 1:
        print(f"symdae verify: --jobs must be >= 1, got {jobs}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    print(report.table_header(), flush=True)
    verdicts = report.run(
        registry, ids, jobs=jobs, on_verdict=lambda v: print(report.table_row(v), flush=True)
    )
    elapsed = time.perf_counter() - start
    print()
    print(report.summary(verdicts))
    print()
    print(report.errata(verdicts))
    print(f"\nchecked {len(verdicts)} claims in {elapsed:.1f} s with {jobs} process(es)")
    if args.json:
        report.write_json(args.json, verdicts)
        print(f"wrote {args.json}")
    return 1 if any(v.status == "failed" for v in verdicts) else 0


def _kernels(args: argparse.Namespace) -> int:
    from symdae.codegen import cache

    try:
        if args.clear:
            removed = cache.clear()
            print(f"removed {removed} file(s) from {cache.cache_dir() / 'kernels'}")
            return 0
        rows = cache.describe()
    except ValueError as err:
        print(f"symdae kernels: {err}", file=sys.stderr)
        return 2
    print(f"cache: {cache.kernels_dir()}")
    print(f"{'kernel':24s} {'fingerprint':14s} {'generated':10s} {'compiled':9s} proved by")
    for row in rows:
        print(f"{row.name:24s} {row.fingerprint[:12]:14s} {_yes(row.generated):10s} "
              f"{_yes(row.compiled):9s} {', '.join(row.claims)}")
    return 0


_RUN_OPTIONS = ("samples", "epochs", "lr", "hidden", "noise_var", "noise", "noise_mode", "weight_decay",
                "activation", "every", "directions", "init_std", "seed", "dtype", "space", "aligned")
_LINEAR_ONLY = ("noise", "noise_mode", "space", "aligned")


def _experiment_settings(args: argparse.Namespace) -> dict[str, object]:
    from symdae.paper import NONLINEAR_DEFAULTS, dataset_defaults

    if args.kind == "nonlinear":
        given = [name for name in _LINEAR_ONLY if getattr(args, name) is not None]
        if given:
            raise ValueError(f"--{given[0].replace('_', '-')} applies to linear runs only "
                             "(nonlinear runs train on the data rows from i.i.d. random weights, with fresh "
                             "Gaussian noise every epoch for a DAE)")
    settings: dict[str, object] = dataset_defaults(args.dataset)
    if args.kind == "nonlinear":
        settings.update(NONLINEAR_DEFAULTS)
    names = ("dataset", "data_root", "samples", "epochs", "lr", "hidden", "model", "noise_var", "noise",
             "noise_mode", "weight_decay", "activation", "every", "seed", "device", "dtype", "init_std", "directions",
             "space", "aligned")
    settings.update({name: getattr(args, name) for name in names if getattr(args, name, None) is not None})
    return settings


def _run_experiments(runs: list[tuple[Experiment, Path]], args: argparse.Namespace) -> int:
    from symdae._progress import progress_bar
    from symdae.experiments import run

    _set_threads(args.threads)
    for experiment, out in runs:
        label = f"{experiment.dataset} {experiment.kind} {experiment.model}"
        with progress_bar(label, experiment.epochs, disable=args.quiet) as progress:
            record = run(experiment, out, progress=progress, resume=args.resume)
        print(f"wrote {out / 'result.npz'} and {out / 'result.json'} "
              f"({record['wall_time_s']:.1f} s, data: {record['data']['nature']})")
        for direction, errors in record["agreement"]["figure5_directions"].items():
            print(f"  direction {direction:>2}: max |measured − theory| continuous {errors['continuous']:.4f}, "
                  f"discrete {errors['discrete']:.4f}; final {errors['final_measured']:.4f}")
    return 0


def _set_threads(threads: int | None) -> None:
    if threads is None:
        return
    if threads < 1:
        raise ValueError(f"--threads must be >= 1, got {threads}")
    import torch

    torch.set_num_threads(threads)


def _experiment(args: argparse.Namespace) -> int:
    from symdae.experiments import Experiment
    from symdae.paper import paper_experiments

    try:
        if args.kind == "paper":
            given = [name for name in _RUN_OPTIONS if getattr(args, name) is not None]
            if given or args.model != "ae" or args.dataset != "mnist":
                option = given[0] if given else "model" if args.model != "ae" else "dataset"
                raise ValueError(f"--{option.replace('_', '-')} cannot be used with 'paper', which runs the "
                                 "paper's settings (choose with --figure and --datasets)")
            runs = [(exp, Path(args.out) / name) for name, exp in paper_experiments(
                args.figure, data_root=args.data_root, device=args.device, datasets=args.datasets)]
        else:
            runs = [(Experiment(kind=args.kind, **_experiment_settings(args)), Path(args.out))]  # type: ignore[arg-type]
        return _run_experiments(runs, args)
    except (ValueError, FileNotFoundError) as err:
        print(f"symdae experiment: {err}", file=sys.stderr)
        return 2


def _predict(args: argparse.Namespace) -> int:
    from symdae.prediction import predict_dataset

    try:
        table = predict_dataset(args.dataset, args.samples, args.lr, noise_var=args.noise_var,
                                weight_decay=args.weight_decay, hidden=args.hidden, init_std=args.init_std,
                                data_root=args.data_root, top=args.top)
    except (ValueError, FileNotFoundError) as err:
        print(f"symdae predict: {err}", file=sys.stderr)
        return 2
    print(table)
    return 0


def _figures(args: argparse.Namespace) -> int:
    from symdae.figures import draw, parse_only, save

    try:
        numbers = parse_only(args.only)
    except ValueError as err:
        print(f"symdae figures: {err}", file=sys.stderr)
        return 2
    try:
        _set_threads(args.threads)
    except (ValueError, ImportError) as err:
        print(f"symdae figures: {err}", file=sys.stderr)
        return 2
    out = Path(args.out)
    failed = []
    for number in numbers:
        start = time.perf_counter()
        try:
            rendered = draw(number, runs=out / "runs", quick=args.quick, data_root=args.data_root,
                            device=args.device, show_progress=not args.quiet, datasets=args.datasets)
        except (ValueError, FileNotFoundError, ImportError) as err:
            print(f"symdae figures: figure {number}: {err}", file=sys.stderr)
            failed.append(number)
            continue
        paths = save(rendered, out, f"figure{number}")
        print(f"figure {number}: wrote {', '.join(str(p) for p in paths)} ({time.perf_counter() - start:.1f} s)",
              flush=True)
        for note in rendered.notes:
            print(f"  note: {note}")
    if failed:
        print(f"symdae figures: failed: {', '.join(map(str, failed))}", file=sys.stderr)
    return 1 if failed else 0


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symdae",
        description="Machine-checked learning dynamics of linear denoising autoencoders "
        "(Pretorius, Kroon & Kamper, ICML 2018).",
    )
    parser.add_argument("--version", action="version", version=f"symdae {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    verify = commands.add_parser(
        "verify",
        help="check every derivation of the paper and report errata",
        description="Check every claim of the paper; exit 1 if any claim failed.",
    )
    verify.add_argument("--json", metavar="FILE", help="also write the verdicts as JSON to FILE")
    verify.add_argument(
        "--only", metavar="PATTERN",
        help="check only claims whose id or paper reference matches this glob, e.g. 'suppB.*'",
    )
    verify.add_argument(
        "--jobs", type=int, metavar="N",
        help="worker processes (default: available cores, at most 4)",
    )
    verify.set_defaults(handler=_verify)

    kernels = commands.add_parser(
        "kernels",
        help="list the compiled kernels, their provenance and cache state",
        description="List generated kernels (fingerprint, the claims proving them, cache state).",
    )
    kernels.add_argument("--clear", action="store_true", help="empty the kernel cache")
    kernels.set_defaults(handler=_kernels)

    add_data_commands(commands)
    _add_experiment_commands(commands)

    figures = commands.add_parser(
        "figures",
        help="regenerate the paper's Figures 1–7 (PNG, PDF and settings JSON)",
        description="Regenerate Figures 1–7: 1–4 from the kernels (seconds), 5–7 by training on MNIST and "
        "CIFAR-10 (needs torch and the data; results are kept under OUT/runs and reused).",
    )
    figures.add_argument("--out", metavar="DIR", default="figures", help="output folder (default: figures)")
    figures.add_argument("--only", metavar="LIST", help="figure numbers, e.g. '1,3' or '5-7' (default: all)")
    figures.add_argument("--quick", action="store_true",
                         help="reduced training settings: all seven in a few minutes on 2 CPU cores")
    figures.add_argument("--data-root", metavar="DIR", help="dataset folder or a parent of it "
                         "(default: $SYMDAE_DATA_ROOT)")
    figures.add_argument("--datasets", default="mnist,cifar10",
                         help="Figures 5–7: comma-separated datasets (default: mnist,cifar10)")
    figures.add_argument("--device", default="auto", help="auto, cpu or cuda (Figures 5–7)")
    figures.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    figures.add_argument("--quiet", action="store_true", help="no progress bars")
    figures.set_defaults(handler=_figures)
    return parser


def _add_experiment_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    experiment = commands.add_parser(
        "experiment",
        help="train on MNIST / CIFAR-10 and compare with the theory (needs torch)",
        description="Train a linear or nonlinear autoencoder on real data and compare its per-direction "
        "mapping with the theory; writes OUT/result.npz and OUT/result.json atomically.",
    )
    experiment.add_argument("kind", choices=["linear", "nonlinear", "paper"])
    experiment.add_argument("--figure", type=int, choices=[5, 6, 7], help="with 'paper': which figure's runs")
    experiment.add_argument("--datasets", default="mnist,cifar10", help="with 'paper': comma-separated datasets")
    experiment.add_argument("--dataset", choices=["mnist", "cifar10"], default="mnist")
    experiment.add_argument("--data-root", metavar="DIR", help="dataset folder or a parent of it "
                            "(default: $SYMDAE_DATA_ROOT)")
    experiment.add_argument("--samples", type=int, help="the first N training images (paper: 50000 / 30000)")
    experiment.add_argument("--epochs", type=int)
    experiment.add_argument("--lr", type=float, help="learning rate α")
    experiment.add_argument("--hidden", type=int, help="hidden units H")
    experiment.add_argument("--model", choices=["ae", "dae", "wdae"], default="ae")
    experiment.add_argument("--noise-var", type=float, help="input-noise variance s² (DAE)")
    experiment.add_argument("--noise", choices=["gaussian", "laplace"])
    experiment.add_argument("--noise-mode", choices=["marginal", "sampled"],
                            help="marginalised (Eq. 1) or fresh noise every epoch")
    experiment.add_argument("--weight-decay", type=float, help="weight decay γ (WDAE)")
    experiment.add_argument("--activation", choices=["relu", "tanh"], help="nonlinear runs")
    experiment.add_argument("--every", type=int, help="record every K epochs")
    experiment.add_argument("--directions", type=int, help="keep the first K directions in the results")
    experiment.add_argument("--init-std", type=float, help="std of the random initial weights")
    experiment.add_argument("--aligned", action="store_true", default=None,
                            help="linear runs: aligned initialisation W1 = R D1 Vᵀ, W2 = V D2 Rᵀ (every direction "
                            "is then exactly a scalar mode) instead of i.i.d. weights")
    experiment.add_argument("--space", choices=["auto", "eigen", "covariance", "data"],
                            help="linear runs: where gradient descent runs, all mathematically identical (default "
                            "auto: Σ's eigenbasis, or the data rows for sampled noise)")
    experiment.add_argument("--seed", type=int)
    experiment.add_argument("--device", default="auto", help="auto, cpu or cuda")
    experiment.add_argument("--dtype", choices=["float32", "float64"])
    experiment.add_argument("--threads", type=int, default=1,
                            help="torch CPU threads (default 1: fastest for the eigenbasis path on 2 shared cores)")
    experiment.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt")
    experiment.add_argument("--quiet", action="store_true", help="no progress bar")
    experiment.add_argument("--out", metavar="DIR", required=True)
    experiment.set_defaults(handler=_experiment)

    predict = commands.add_parser(
        "predict",
        help="per-direction predictions from a dataset's spectrum alone",
        description="Fixed points, epochs to 50% / 90% of them, optimal learning rates and the equivalent "
        "weight decay for every direction of a dataset's spectrum, without training.",
    )
    predict.add_argument("--dataset", choices=["mnist", "cifar10"], required=True)
    predict.add_argument("--data-root", metavar="DIR")
    predict.add_argument("--samples", type=int, required=True, help="N")
    predict.add_argument("--lr", type=float, required=True, help="learning rate α")
    predict.add_argument("--noise-var", type=float, default=0.0, help="s² (ε = N s²)")
    predict.add_argument("--weight-decay", type=float, default=0.0, help="γ (κ = Nγ)")
    predict.add_argument("--hidden", type=int, default=256, help="H, for the typical random start")
    predict.add_argument("--init-std", type=float, default=1e-4, help="std of the random initial weights")
    predict.add_argument("--top", type=int, default=32, help="show the first K directions")
    predict.set_defaults(handler=_predict)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
