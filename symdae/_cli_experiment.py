"""``symdae experiment linear | nonlinear | paper`` and ``symdae predict``.

Each kind of run has its own options, with defaults and units in its
``--help``; the defaults are :class:`symdae.experiments.Experiment`'s (a
test checks that the command line runs what the description describes).
Options that belong to another kind of run are accepted by the parser but
hidden from the help, and refused with a message saying why, before any
work.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from symdae._cli_common import DATASETS, MAX_THREADS, USAGE, error, failure, out_of_memory, set_threads
from symdae._options import add_data_root, device, integer, output_dir, real, subset
from symdae.experiments._description import MAX_HIDDEN, MAX_INIT_STD, MAX_SEED, TRAIN_IMAGES
from symdae.experiments._paper import INIT_STD, LINEAR, LINEAR_EPOCHS, NONLINEAR_DEFAULTS, dataset_defaults

if TYPE_CHECKING:
    from symdae.experiments import Experiment

RUN_OPTIONS = ("dataset", "model", "samples", "epochs", "lr", "hidden", "noise_var", "noise", "noise_mode",
               "weight_decay", "activation", "every", "directions", "init_std", "seed", "dtype", "space", "aligned")
"""The settings of one run (``paper`` takes none of them)."""
LINEAR_ONLY = ("noise", "noise_mode", "space", "aligned")
NONLINEAR_ONLY = ("activation",)
Commands = argparse._SubParsersAction


def experiment_settings(args: argparse.Namespace) -> dict[str, object]:
    """The settings given on the command line (:class:`~symdae.experiments.Experiment` fills in the rest)."""
    other = LINEAR_ONLY if args.kind == "nonlinear" else NONLINEAR_ONLY
    given = [name for name in other if getattr(args, name, None) is not None]
    if given and args.kind == "nonlinear":
        raise ValueError(f"--{given[0].replace('_', '-')} applies to linear runs only "
                         "(nonlinear runs train on the data rows from i.i.d. random weights, with fresh "
                         "Gaussian noise every epoch for a DAE)")
    if given:
        raise ValueError(f"--{given[0]} applies to nonlinear runs only (a linear network has no activation)")
    for name in ("figure", "datasets"):
        if getattr(args, name, None) is not None:
            raise ValueError(f"--{name} applies to 'paper' only (a {args.kind} run trains one model on one "
                             "--dataset)")
    settings = {name: getattr(args, name) for name in (*RUN_OPTIONS, "data_root", "device")
                if getattr(args, name, None) is not None}
    if isinstance(settings.get("data_root"), Path):
        settings["data_root"] = str(settings["data_root"])
    return settings


def planned_runs(args: argparse.Namespace) -> list[tuple[Experiment, Path]]:
    """The runs the command line asks for, every setting checked (``ValueError`` otherwise)."""
    from symdae.experiments import Experiment, check
    from symdae.paper import paper_experiments

    data_root = None if args.data_root is None else str(args.data_root)
    if args.kind == "paper":
        given = [name for name in RUN_OPTIONS if getattr(args, name, None) is not None]
        if given:
            raise ValueError(f"--{given[0].replace('_', '-')} cannot be used with 'paper', which runs the "
                             "paper's settings (choose with --figure and --datasets)")
        runs = [(exp, args.out / name) for name, exp in paper_experiments(
            args.figure, data_root=data_root, device=args.device, datasets=args.datasets or "mnist,cifar10")]
    else:
        runs = [(Experiment(kind=args.kind, **experiment_settings(args)), args.out)]  # type: ignore[arg-type]
    for experiment, _ in runs:
        check(experiment)
    return runs


def _run(runs: list[tuple[Experiment, Path]], args: argparse.Namespace) -> int:
    from symdae._progress import progress_bar, say
    from symdae.experiments import run

    for experiment, out in runs:
        label = f"{experiment.dataset} {experiment.kind} {experiment.model}"
        with progress_bar(label, experiment.epochs, disable=args.quiet) as progress:
            record = run(experiment, out, progress=progress, resume=args.resume,
                         note=lambda text: say(f"symdae experiment: note: {text}"))
        print(f"wrote {out / 'result.npz'} and {out / 'result.json'} "
              f"({record['wall_time_s']:.1f} s, data: {record['data']['nature']})")
        for direction, errors in record["agreement"]["figure5_directions"].items():
            print(f"  direction {direction:>2}: max |measured − theory| continuous {_number(errors['continuous'])}, "
                  f"discrete {_number(errors['discrete'])}; final {_number(errors['final_measured'])}")
    return 0


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def experiment_command(args: argparse.Namespace) -> int:
    from symdae._io import FolderBusy
    from symdae.experiments import ExperimentError, SettingsError

    try:
        runs = planned_runs(args)
    except ValueError as err:
        error("experiment", err)
        return USAGE
    except ImportError as err:
        return failure("experiment", err)
    try:
        set_threads(args.threads)
        return _run(runs, args)
    except SettingsError as err:
        error("experiment", err)
        return USAGE
    except (ExperimentError, FolderBusy, ValueError, OSError, MemoryError, ImportError) as err:
        return failure("experiment", err)
    except RuntimeError as err:
        if out_of_memory(err):
            return failure("experiment", MemoryError())
        raise


def predict_command(args: argparse.Namespace) -> int:
    from symdae.prediction import PredictionError, predictions

    paper = dataset_defaults(args.dataset)
    samples = args.samples if args.samples is not None else paper["samples"]
    lr = args.lr if args.lr is not None else paper["lr"]
    try:
        result = predictions(args.dataset, samples, lr, noise_var=args.noise_var, weight_decay=args.weight_decay,
                             hidden=args.hidden, init_std=args.init_std,
                             data_root=None if args.data_root is None else str(args.data_root), top=args.top)
    except PredictionError as err:
        error("predict", err)
        return USAGE
    except (ValueError, OSError, MemoryError, ArithmeticError) as err:
        return failure("predict", err)
    text = {"table": result.table, "csv": result.csv, "json": result.json}[args.format]()
    print(text, end="" if text.endswith("\n") else "\n")
    return 0


def _per_dataset(key: str) -> str:
    return ", ".join(f"{settings[key]:g} for {dataset}" for dataset, settings in LINEAR.items())


def _options(parser: argparse.ArgumentParser, kind: str) -> None:
    """The options of one run of ``kind`` (``"linear"``, ``"nonlinear"``, or ``"paper"``: none shown)."""
    shown = kind != "paper"

    def add(*names: str, text: str, of: str = "both", **kwargs: Any) -> None:
        visible = shown and of in ("both", kind)
        parser.add_argument(*names, help=text if visible else argparse.SUPPRESS, **kwargs)

    nonlinear = kind == "nonlinear"
    most_images = max(TRAIN_IMAGES.values())
    add("--dataset", choices=DATASETS, text="the training images (default: mnist)")
    add("--samples", type=integer(1, most_images), metavar="N",
        text=f"train on the first N images (default: the paper's, {_per_dataset('samples')})")
    add("--epochs", type=integer(1), metavar="T",
        text=f"full-batch epochs (default: {NONLINEAR_DEFAULTS['epochs'] if nonlinear else LINEAR_EPOCHS})")
    add("--lr", type=real(0, strict=True), metavar="ALPHA",
        text="learning rate α, one full-batch step per epoch (default: "
        + (f"{NONLINEAR_DEFAULTS['lr']:g}, the authors' code)" if nonlinear else f"the paper's, {_per_dataset('lr')})"))
    add("--hidden", type=integer(1, MAX_HIDDEN), metavar="H",
        text=f"hidden units (default: the paper's, {_per_dataset('hidden')})")
    add("--model", choices=["ae", "dae", "wdae"],
        text="ae (plain), dae (input noise: set --noise-var) or wdae (weight decay: set --weight-decay); default: ae")
    add("--noise-var", type=real(0), metavar="S2",
        text="input-noise variance s² per pixel, ε = N s² (default: 0; the paper: 0.5 linear, 4 ReLU, 2 tanh)")
    add("--weight-decay", type=real(0), metavar="GAMMA",
        text="weight decay γ of (γ/2)(||W1||² + ||W2||²), κ = Nγ (default: 0; the paper: 0.5 linear, 0.0045 "
        "nonlinear)")
    add("--noise", choices=["gaussian", "laplace"], of="linear",
        text="distribution of the input noise (default: gaussian)")
    add("--noise-mode", choices=["marginal", "sampled"], of="linear",
        text="marginal: the expected loss over the noise (Eq. 1); sampled: fresh noise every epoch (default: "
        "marginal)")
    add("--activation", choices=["relu", "tanh"], of="nonlinear", text="hidden-layer activation (default: relu)")
    add("--every", type=integer(1), metavar="K", text="record the mapping every K epochs (default: 10)")
    add("--directions", type=integer(1), metavar="K",
        text="keep the first K directions of the spectrum in the results (default: "
        + (f"{NONLINEAR_DEFAULTS['directions']})" if nonlinear else "all)"))
    add("--init-std", type=real(0, strict=True, maximum=MAX_INIT_STD), metavar="SIGMA",
        text=f"standard deviation of the random initial weights (default: {INIT_STD[kind if shown else 'linear']:g})")
    add("--aligned", action="store_true", default=None, of="linear",
        text="aligned initialisation W1 = R D1 Vᵀ, W2 = V D2 Rᵀ (every direction is then exactly a scalar mode) "
        "instead of i.i.d. weights (default: off)")
    add("--space", choices=["auto", "eigen", "covariance", "data"], of="linear",
        text="where gradient descent runs, all mathematically identical (default auto: Σ's eigenbasis, or the "
        "data rows for sampled noise)")
    add("--seed", type=integer(0, MAX_SEED), text="seed of the initial weights and the noise (default: 0)")
    add("--dtype", choices=["float32", "float64"], text="training precision (default: float32)")


def _common(parser: argparse.ArgumentParser) -> None:
    add_data_root(parser)
    parser.add_argument("--device", default="auto", type=device, help="auto (CUDA when there is one), cpu, cuda or "
                        "cuda:N (default: auto)")
    parser.add_argument("--threads", type=integer(1, MAX_THREADS), default=1,
                        help="torch CPU threads (default 1: fastest for these full-batch runs on 2 shared cores)")
    parser.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--out", metavar="DIR", type=output_dir, required=True,
                        help="output folder: result.npz, result.json (written atomically), checkpoint.pt")


def add_experiment_commands(commands: Commands) -> None:
    """``experiment {linear, nonlinear, paper}`` and ``predict``."""
    experiment = commands.add_parser(
        "experiment",
        help="train on MNIST / CIFAR-10 and compare with the theory (needs torch)",
        description="Train a linear or nonlinear autoencoder on real data and compare its per-direction "
        "mapping with the theory; writes OUT/result.npz and OUT/result.json atomically. "
        "'symdae experiment KIND --help' lists the options of each kind with their defaults.",
    )
    kinds = experiment.add_subparsers(dest="kind", required=True, metavar="KIND")
    described = {
        "linear": ("a linear autoencoder, full-batch gradient descent (Figure 5's networks)",
                   "Train W2 W1 by full-batch gradient descent on the mean squared error (with marginalised or "
                   "sampled noise, or weight decay) and compare every direction with the exact theory."),
        "nonlinear": ("a ReLU or tanh autoencoder, full-batch SGD (Figures 6–7's networks)",
                      "Train a one-hidden-layer ReLU or tanh autoencoder with full-batch SGD (the authors' code) "
                      "and estimate each direction's mapping as in Supp. F."),
        "paper": ("the runs behind one of the paper's Figures 5–7, at its settings",
                  "Run the experiments behind Figure 5, 6 or 7 with the paper's settings, one folder per run "
                  "under OUT."),
    }
    for kind, (short, long) in described.items():
        parser = kinds.add_parser(kind, help=short, description=long)
        if kind == "paper":
            parser.add_argument("--figure", type=int, choices=[5, 6, 7], required=True, help="which figure's runs")
            parser.add_argument("--datasets", type=subset(DATASETS),
                                help="comma-separated datasets (default: mnist,cifar10)")
        else:
            parser.add_argument("--figure", type=int, help=argparse.SUPPRESS)
            parser.add_argument("--datasets", help=argparse.SUPPRESS)
        _options(parser, kind)
        _common(parser)
        parser.set_defaults(handler=experiment_command)
    _add_predict_command(commands)


def _add_predict_command(commands: Commands) -> None:
    predict = commands.add_parser(
        "predict",
        help="per-direction predictions from a dataset's spectrum alone",
        description="Fixed points, epochs to 50% / 90% of them, optimal learning rates and the equivalent "
        "weight decay for every direction of a dataset's spectrum, without training. Times are in epochs; "
        "eigenvalues are those of Σ = XᵀX, a sum over the N images.",
    )
    predict.add_argument("--dataset", choices=DATASETS, default="mnist", help="default: mnist")
    add_data_root(predict)
    predict.add_argument("--samples", type=integer(1, max(TRAIN_IMAGES.values())), metavar="N",
                         help=f"the first N training images (default: the paper's, {_per_dataset('samples')})")
    predict.add_argument("--lr", type=real(0, strict=True), metavar="ALPHA",
                         help="learning rate α of full-batch gradient descent, one step per epoch (default: the "
                         f"paper's, {_per_dataset('lr')})")
    predict.add_argument("--noise-var", type=real(0), default=0.0, metavar="S2",
                         help="input-noise variance s² per pixel, ε = N s² (default: 0)")
    predict.add_argument("--weight-decay", type=real(0), default=0.0, metavar="GAMMA",
                         help="weight decay γ, κ = Nγ (default: 0)")
    predict.add_argument("--hidden", type=integer(1, 10**9), default=256, metavar="H",
                         help="hidden units, for the typical random start (default: 256)")
    predict.add_argument("--init-std", type=real(0, strict=True, maximum=MAX_INIT_STD), default=INIT_STD["linear"],
                         metavar="SIGMA", help=f"std of the random initial weights (default: {INIT_STD['linear']:g})")
    predict.add_argument("--top", type=integer(1), default=32, metavar="K",
                         help="show the first K directions, largest eigenvalue first (default: 32)")
    predict.add_argument("--format", choices=["table", "csv", "json"], default="table",
                         help="table (aligned text, default), csv (one row per direction) or json (settings, "
                         "rows and notes)")
    predict.set_defaults(handler=predict_command)
