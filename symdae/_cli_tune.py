"""``symdae tune``: recommend the noise level of a linear DAE from spectra alone (:func:`symdae.tuning.tune`).

Hooked into the main parser by :func:`add_tune_command` (``symdae/cli.py``:
``add_tune_command(commands)``). Every option is checked when the command
line is parsed (a bad value is a usage error naming the option, exit status
2); settings that are only wrong together or against the data found (more
``--samples`` than images, a diverging ``--lr``) are refused with exit status
2 before the search; missing or unrecognised data, or an output that cannot
be written, exit 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from symdae._cli_common import DATASETS, USAGE, error, failure
from symdae._options import add_data_root, integer, output_file, real

__all__ = ["add_tune_command", "tune_command"]

MAX_GRID = 10000
INTERRUPTED = 130


def values(text: str) -> list[float]:
    """``--noise-vars`` / ``--weight-decays``: comma-separated finite numbers ``>= 0``, at least one."""
    parse = real(0)
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise argparse.ArgumentTypeError(f"must be a comma-separated list of numbers >= 0, got {text!r}")
    if len(parts) > MAX_GRID:
        raise argparse.ArgumentTypeError(f"must hold at most {MAX_GRID} values, got {len(parts)}")
    return [parse(part) for part in parts]


values.__name__ = "list"


def seed_list(text: str) -> list[int]:
    """``--seeds``: comma-separated distinct whole numbers ``>= 0``, at least one."""
    from symdae.experiments._description import MAX_SEED

    parse = integer(0, MAX_SEED)
    seeds = [parse(part.strip()) for part in text.split(",") if part.strip()]
    if not seeds:
        raise argparse.ArgumentTypeError(f"must be a comma-separated list of seeds, got {text!r}")
    if len(set(seeds)) != len(seeds):
        raise argparse.ArgumentTypeError(f"must not repeat a seed, got {text!r}")
    return seeds


seed_list.__name__ = "list"


def _json_output(text: str) -> str | Path:
    return text if text == "-" else output_file(text)


def _plot_output(text: str) -> Path:
    path = output_file(text)
    if path.suffix.lower() not in (".png", ".pdf", ".svg"):
        raise argparse.ArgumentTypeError(f"must end in .png, .pdf or .svg, got {text!r}")
    return path


VALIDATE_ONLY = ("out", "seeds", "fine_points", "nonlinear", "serial", "workers", "scheduler", "scheduler_file",
                 "quiet")


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    return {"dataset": args.dataset, "samples": args.samples, "hidden": args.hidden, "lr": args.lr,
            "epochs": args.epochs, "test_noise_var": args.test_noise_var, "init_std": args.init_std,
            "noise_vars": args.noise_vars, "weight_decays": args.weight_decays, "seed": args.seed,
            "start": args.start, "heldout": args.heldout, "heldout_samples": args.heldout_samples,
            "data_root": None if args.data_root is None else str(args.data_root), "grid_only": args.grid_only,
            "top": args.top, "engine": args.engine}


def _refused(args: argparse.Namespace) -> str | None:
    """The first option given that does not apply (validation options without ``--validate``), or a missing one."""
    if not args.validate:
        for name in VALIDATE_ONLY:
            if getattr(args, name) not in (None, False):
                return f"--{name.replace('_', '-')} applies with --validate only"
        return None
    if args.out is None:
        return "--validate needs --out DIR (the training runs and the validation's files go there)"
    if args.workers is not None and (args.scheduler or args.scheduler_file or args.serial):
        return "--workers sizes the embedded cluster only (not with --scheduler, --scheduler-file or --serial)"
    return None


def tune_command(args: argparse.Namespace) -> int:
    """Run :func:`symdae.tuning.tune` (or, with ``--validate``, :func:`symdae.tuning.validate`) for the command
    line; print the summary; write ``--json`` / ``--plot``."""
    from symdae.tuning import TuneError, tune

    refused = _refused(args)
    if refused:
        error("tune", refused)
        return USAGE
    if args.validate:
        return _validate(args)
    to_stdout = args.json is not None and str(args.json) == "-"
    try:
        result = tune(**_settings(args))
    except TuneError as err:
        error("tune", err)
        return USAGE
    except (ValueError, FileNotFoundError, OSError, MemoryError, ImportError) as err:
        return failure("tune", err)
    return _write(args, result, to_stdout)


def _validate(args: argparse.Namespace) -> int:
    from symdae._io import FolderBusy
    from symdae._progress import say
    from symdae.tuning import TuneError, validate

    try:
        done = validate(**_settings(args), seeds=args.seeds or [0, 1], out=args.out,
                        fine_points=7 if args.fine_points is None else args.fine_points, nonlinear=args.nonlinear,
                        serial=args.serial,
                        workers=args.workers, scheduler=args.scheduler, scheduler_file=args.scheduler_file,
                        say=None if args.quiet else say)
    except TuneError as err:
        error("tune", err)
        return USAGE
    except KeyboardInterrupt:
        error("tune", "interrupted; the same command continues (trained runs are skipped, started ones resume "
                      "from their checkpoints)")
        return INTERRUPTED
    except ImportError as err:
        return failure("tune", ImportError(f"{err} (--validate runs a sweep: pip install 'symdae[sweep]')"))
    except (ValueError, FileNotFoundError, OSError, MemoryError, RuntimeError, FolderBusy) as err:
        return failure("tune", err)
    to_stdout = args.json is not None and str(args.json) == "-"
    code = _write(args, done.tuned, to_stdout)
    where = sys.stderr if to_stdout else sys.stdout
    print(done.text(), file=where)
    print(f"wrote {args.out / 'validation.json'}, {args.out / 'validation.csv'}, {args.out / 'validation.png'}",
          file=where)
    return code


def _write(args: argparse.Namespace, result: Any, to_stdout: bool) -> int:
    """Print ``result``'s summary; write ``--json`` / ``--plot``."""
    from symdae._io import atomic_writer

    print(result.text(), file=sys.stderr if to_stdout else sys.stdout)
    try:
        if args.json is not None:
            text = json.dumps(result.report(), indent=2, allow_nan=False, ensure_ascii=False) + "\n"
            if to_stdout:
                sys.stdout.write(text)
            else:
                with atomic_writer(args.json) as handle:
                    handle.write(text.encode())
                print(f"wrote {args.json}")
        if args.plot is not None:
            result.plot(args.plot)
            print(f"wrote {args.plot}", file=sys.stderr if to_stdout else sys.stdout)
    except (OSError, ValueError) as err:
        return failure("tune", err)
    return 0


def add_tune_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``symdae tune``."""
    from symdae.experiments._description import MAX_HIDDEN, MAX_INIT_STD, MAX_SEED

    tune = commands.add_parser(
        "tune",
        help="recommend the noise variance of a linear DAE from spectra alone (predicted held-out loss)",
        description="Predict the held-out denoising loss L_test = 1/(2N_t) Σ_i E||x_i − M(x_i + n_i)||² (test "
        "noise variance s_t² per pixel, clean targets) of a linear DAE after T epochs of full-batch gradient "
        "descent, from the training spectrum and the held-out second moments alone, over a grid of noise "
        "variances s² (or weight decays γ), and recommend the one that minimises it: a fine grid, then a 1-D "
        "bounded minimisation. Also the best epoch, the epochs until L_test is within 1% of its final value and "
        "the epochs each direction needs to reach 50% / 90% of its fixed point. No training.",
        epilog="Exit status 0: done; 2: a bad option or settings that cannot be used; 1: missing or unrecognised "
        "data, or an output that cannot be written. With --json -, the JSON goes to standard output and the "
        "summary to standard error. The CIFAR-10 files here are a JPEG-decoded approximation (30,000 training "
        "images, no test split: use --heldout train-tail).",
    )
    tune.add_argument("--dataset", choices=DATASETS, default="mnist", help="default: mnist")
    add_data_root(tune)
    tune.add_argument("--samples", type=integer(1), metavar="N", required=True, help="train on the first N images")
    tune.add_argument("--hidden", type=integer(1, MAX_HIDDEN), metavar="H", required=True, help="hidden units")
    tune.add_argument("--lr", type=real(0, strict=True), metavar="ALPHA", required=True,
                      help="learning rate α of full-batch gradient descent, one step per epoch")
    tune.add_argument("--epochs", type=integer(1), metavar="T", required=True, help="epochs of training")
    tune.add_argument("--init-std", type=real(0, strict=True, maximum=MAX_INIT_STD), default=1e-4, metavar="SIGMA",
                      help="std of the i.i.d. random initial weights (default: 1e-4)")
    tune.add_argument("--test-noise-var", type=real(0), metavar="ST2", required=True,
                      help="variance s_t² per pixel of the test-time corruption (0: plain held-out reconstruction)")
    grid = tune.add_mutually_exclusive_group()
    grid.add_argument("--noise-vars", type=values, metavar="LIST",
                      help="comma-separated noise variances s² to predict (and search between); default: 0 and 64 "
                      "log-spaced values from 1e-4 s_t² to 100 s_t²")
    grid.add_argument("--weight-decays", type=values, metavar="LIST",
                      help="tune the WDAE's weight decay γ over these values instead of the noise")
    tune.add_argument("--grid-only", action="store_true",
                      help="recommend the best grid value, without refining between grid points")
    start = tune.add_mutually_exclusive_group()
    start.add_argument("--seed", type=integer(0, MAX_SEED),
                       help="start from this seed's actual initial weights (as training draws them) instead of the "
                       "expected start")
    start.add_argument("--start", choices=["expected", "capacity"], default="expected",
                       help="expected: every direction from w1 = 0, w2 = √(2H)σ0 (default); capacity: the expected "
                       "start in the hidden dimensions the larger directions leave free (an empirical model)")
    tune.add_argument("--heldout", choices=["test", "train-tail"], default="test",
                      help="held-out set: the official test split (default) or training images after the first N")
    tune.add_argument("--heldout-samples", type=integer(1), metavar="NT",
                      help="held-out images (default: the whole test split; train-tail: up to 10000)")
    tune.add_argument("--top", type=integer(1), default=32, metavar="K",
                      help="directions listed in the JSON (default: 32)")
    tune.add_argument("--engine", choices=["numpy", "kernel"], default="numpy",
                      help="numpy (float64, vectorised; default) or kernel (symdae.kernels.gd_iterates, "
                      "double-double; slower): the same gradient-descent iteration")
    tune.add_argument("--json", metavar="FILE", type=_json_output,
                      help="write recommended, grid, settings (and per-direction rows) as JSON ('-': standard output)")
    tune.add_argument("--plot", metavar="FILE", type=_plot_output,
                      help="draw predicted L_test against the setting and against epochs (.png, .pdf or .svg)")
    check = tune.add_argument_group(
        "validation by training", "train the linear DAE at every value of the grid, of a fine curve around the "
        "recommendation and of the naive choices (s² = s_t², the converged optimum), for each seed, as one sweep "
        "(the embedded Dask cluster by default; needs the sweep extra), and measure L_test exactly from each "
        "trained M = W2W1 against the prediction")
    check.add_argument("--validate", action="store_true", help="validate the recommendation by training")
    check.add_argument("--out", metavar="DIR", type=Path,
                       help="the runs (OUT/runs/<key>) and validation.json, .csv, .png; a rerun skips what is done")
    check.add_argument("--seeds", type=seed_list, metavar="LIST", help="comma-separated seeds (default: 0,1)")
    check.add_argument("--fine-points", type=integer(1, 101), metavar="K",
                       help="values of the fine curve, log-spaced from s²/1.5 to 1.5 s² around the recommended s² "
                       "(default: 7)")
    check.add_argument("--nonlinear", choices=["relu", "tanh"],
                       help="does the linear prediction transfer? Train this nonlinear DAE x ↦ W2 f(W1x) instead, at "
                       "the equivalent settings (SGD rate αD/2, float32), its L_test estimated from 4 test-noise "
                       "draws per held-out row")
    where = check.add_mutually_exclusive_group()
    where.add_argument("--serial", action="store_true", help="train in this process, one run after another")
    where.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler of your own (tcp://host:8786)")
    where.add_argument("--scheduler-file", metavar="FILE", help="a Dask scheduler file of your own")
    check.add_argument("--workers", type=integer(1), metavar="N", help="embedded cluster size (default: the cores)")
    check.add_argument("--quiet", action="store_true", help="no progress lines")
    tune.set_defaults(handler=tune_command)
