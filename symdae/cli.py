"""The ``symdae`` command line.

Each subcommand imports what it needs only when it runs, so ``symdae --help``
starts without loading SymPy, Numba or torch.

Every option is checked when the command line is parsed (:mod:`symdae._options`):
a bad value is a one-line usage error naming the option and the rule, exit
status 2, before any work. Settings that are only wrong together (or against
the data found) are refused the same way before training starts. A run that
cannot finish (missing or damaged data, divergence, an output folder in use)
prints one line and exits 1; Ctrl-C prints one line -- for training, where the
state was saved and how to continue -- and exits 130.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from symdae import __version__
from symdae._cli_common import DATASETS, FAILURE, INTERRUPTED, MAX_JOBS, MAX_THREADS, USAGE, failure, set_threads
from symdae._cli_common import error as _error
from symdae._cli_experiment import add_experiment_commands
from symdae._cli_tune import add_tune_command
from symdae._options import add_data_root, device, existing_dir, integer, output_dir, output_file, subset
from symdae.data.cli import add_data_commands

__all__ = ["build_parser", "main"]


def _json_output(text: str) -> str | Path:
    """``--json`` value: ``-`` for standard output, else a file that can be written."""
    return text if text == "-" else output_file(text)


def _unicode_ok(stream: object) -> bool:
    try:
        "─⎛⎞ℯλ≤".encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _verify(args: argparse.Namespace) -> int:
    import symdae.checking as checking
    from symdae.checking import report
    from symdae.checking._display import plural
    from symdae.checking._loading import TargetError, load_targets

    to_stdout = args.json is not None and str(args.json) == "-"
    out = sys.stderr if to_stdout else sys.stdout  # with --json -, standard output carries the JSON alone
    among: list[str] | None = None
    try:
        if args.targets:
            registry, among = load_targets(args.targets)
            if not among:
                _error("verify", f"{', '.join(args.targets)}: CLAIMS is empty: nothing to check")
                return USAGE
        else:
            registry = checking.load()
    except (TargetError, checking.RegistryError) as err:
        _error("verify", err)
        return USAGE
    try:
        ids = report.select(registry, args.only, among)
    except ValueError as err:
        _error("verify", err)
        return USAGE
    jobs = args.jobs if args.jobs is not None else report.default_jobs()
    table = report.Table.for_claims(registry.claims[i] for i in ids)
    unicode = _unicode_ok(out)
    start = time.perf_counter()
    print(table.header(), file=out, flush=True)
    verdicts = report.run(
        registry, ids, jobs=jobs, on_verdict=lambda v: print(table.row(v), file=out, flush=True)
    )
    elapsed = time.perf_counter() - start
    print(file=out)
    print(report.summary(verdicts, registry), file=out)
    print(file=out)
    print(report.errata(verdicts, registry, unicode=unicode), file=out)
    found = report.findings(verdicts, registry, unicode=unicode)
    if found:
        print(f"\n{found}", file=out)
    print(f"\nchecked {plural(len(verdicts), 'claim')} in {elapsed:.1f} s with "
          f"{plural(jobs, 'process', 'processes')}", file=out)
    if args.json is not None:
        try:
            report.write_json(str(args.json), verdicts, registry)
        except OSError as err:
            return failure("verify", err)
        if not to_stdout:
            print(f"wrote {args.json}", file=out)
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
        _error("kernels", err)
        return USAGE
    except OSError as err:
        return failure("kernels", err)
    print(f"cache: {cache.kernels_dir()}")
    print(f"{'kernel':24s} {'fingerprint':14s} {'generated':10s} {'compiled':9s} proved by")
    for row in rows:
        print(f"{row.name:24s} {row.fingerprint[:12]:14s} {_yes(row.generated):10s} "
              f"{_yes(row.compiled):9s} {', '.join(row.claims)}")
    return 0


def _only(text: str) -> list[int]:
    from symdae.figures import parse_only

    try:
        return parse_only(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err).removeprefix("--only: ").removeprefix("--only ")) from None


def _figures(args: argparse.Namespace) -> int:
    from symdae._io import FolderBusy, folder_lock, remove_leftovers
    from symdae.experiments import ExperimentError
    from symdae.figures import NUMBERS, draw, prepare_ode_kernel, save, wait_for

    numbers = args.only if args.only is not None else list(NUMBERS)
    try:
        if any(number >= 5 for number in numbers):  # only Figures 5–7 train (and need torch)
            set_threads(args.threads if args.threads is not None else 1 if args.quick else None)
    except ImportError as err:
        return failure("figures", err)
    out: Path = args.out
    failed = []
    preparing = None
    try:
        with folder_lock(out):
            remove_leftovers(out, [f"figure{n}.{ext}" for n in NUMBERS for ext in ("png", "pdf", "json")])
            preparing = prepare_ode_kernel(numbers)  # the slowest kernel, built beside Figure 1's
            for number in numbers:
                start = time.perf_counter()
                if number != 1:  # only Figure 1 is drawn without the kernel being prepared
                    wait_for(preparing)
                try:
                    rendered = draw(number, runs=out / "runs", quick=args.quick,
                                    data_root=None if args.data_root is None else str(args.data_root),
                                    device=args.device, show_progress=not args.quiet, datasets=args.datasets)
                    paths = save(rendered, out, f"figure{number}")
                except (ValueError, FileNotFoundError, ImportError, ExperimentError, FolderBusy, OSError,
                        MemoryError) as err:
                    _error("figures", f"figure {number}: {err}")
                    failed.append(number)
                    continue
                print(f"figure {number}: wrote {', '.join(str(p) for p in paths)} "
                      f"({time.perf_counter() - start:.1f} s)", flush=True)
                for note in rendered.notes:
                    print(f"  note: {note}")
    except (FolderBusy, OSError) as err:
        return failure("figures", err)
    finally:
        if preparing is not None and preparing.poll() is None:
            preparing.kill()
            preparing.wait()
    if failed:
        _error("figures", f"failed: {', '.join(map(str, failed))}")
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
        help="check every derivation of the paper (or claim files of your own) and report errata",
        description="Check every claim of the paper, or the claims of the TARGETs; exit 1 if any claim "
        "checked failed, 2 for a bad target or option.",
        epilog="A TARGET is a .py file, a dotted module name or an entry point of the group 'symdae.claims', "
        "exporting CLAIMS (and optionally DEFINITIONS) like the modules of symdae.derivations; its claims may "
        "depend on the paper's ids. Only the targets' claims are checked (name 'symdae.derivations' as well to "
        "check the paper's too). With --json -, the JSON goes to standard output and the table to standard "
        "error.",
    )
    verify.add_argument("targets", nargs="*", metavar="TARGET",
                        help="claim files or modules to check instead of the paper")
    verify.add_argument("--json", metavar="FILE", type=_json_output,
                        help="also write the verdicts as JSON to FILE ('-': standard output)")
    verify.add_argument(
        "--only", metavar="PATTERN",
        help="check only claims whose id or paper reference matches this glob, e.g. 'suppB.*'",
    )
    verify.add_argument(
        "--jobs", type=integer(1, MAX_JOBS), metavar="N",
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
    add_experiment_commands(commands)
    add_tune_command(commands)
    _add_sweep_command(commands)
    _add_plot_command(commands)

    figures = commands.add_parser(
        "figures",
        help="regenerate the paper's Figures 1–7 (PNG, PDF and settings JSON)",
        description="Regenerate Figures 1–7: 1–4 from the kernels (seconds), 5–7 by training on MNIST and "
        "CIFAR-10 (needs torch and the data; results are kept under OUT/runs and reused).",
    )
    figures.add_argument("--out", metavar="DIR", type=output_dir, default=Path("figures"),
                         help="output folder (default: figures)")
    figures.add_argument("--only", metavar="LIST", type=_only,
                         help="figure numbers, e.g. '1,3' or '5-7' (default: all)")
    figures.add_argument("--quick", action="store_true",
                         help="reduced training settings, MNIST only unless --datasets is given: all seven in "
                         "under 2 minutes on 2 CPU cores (each caption states its settings)")
    add_data_root(figures)
    figures.add_argument("--datasets", type=subset(DATASETS),
                         help="Figures 5–7: comma-separated datasets (default: mnist,cifar10; with --quick: mnist)")
    figures.add_argument("--device", default="auto", type=device, help="auto, cpu, cuda or cuda:N (Figures 5–7)")
    figures.add_argument("--threads", type=integer(1, MAX_THREADS), default=None,
                         help="torch CPU threads (default: 1 with --quick, whose small full-batch runs are fastest "
                         "on one thread; else torch's choice)")
    figures.add_argument("--quiet", action="store_true", help="no progress bars")
    figures.set_defaults(handler=_figures)
    return parser


def _sweep(args: argparse.Namespace) -> int:
    try:
        from symdae.sweep._cli import sweep_command  # Dask, pandas and torch load only when a sweep runs
    except ImportError as err:
        _error("sweep", f"{err} (sweeps need the sweep extra: pip install 'symdae[sweep]')")
        return FAILURE
    return sweep_command(args)


def _add_sweep_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sweep = commands.add_parser(
        "sweep",
        help="run a grid of experiments from a TOML spec on Dask (needs the sweep extra)",
        description="Cross the axes of the TOML specification SPEC over its base experiment and run every "
        "run not already done on an embedded Dask cluster (one worker per core) or an existing one; writes "
        "OUT/runs/<hash>/, OUT/results.parquet, OUT/results.csv and the plots under OUT/plots. "
        "'symdae sweep report OUT' prints the summary and redraws the plots of a finished sweep.",
        epilog="Exit status 0: every run finished; 1: some run failed (see OUT/runs/<hash>/error.json) or the "
        "sweep could not run; 2: a bad option or specification; 130: Ctrl-C (the same command continues).",
    )
    sweep.add_argument("spec", metavar="SPEC", help="the sweep specification (TOML), or 'report'")
    sweep.add_argument("folder", metavar="OUT", nargs="?", type=existing_dir,
                       help="with 'report': the sweep's output folder")
    sweep.add_argument("--out", metavar="DIR", type=output_dir, help="output folder (required to run)")
    sweep.add_argument("--dry-run", action="store_true",
                       help="list the runs (and, with --out, whether each is done) without running any")
    where = sweep.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", help="use the Dask cluster at ADDRESS (tcp://host:port)")
    where.add_argument("--scheduler-file", metavar="FILE", help="use the Dask cluster described by FILE")
    where.add_argument("--serial", action="store_true", help="run in this process, one run after another (no Dask)")
    sweep.add_argument("--workers", type=integer(1, MAX_JOBS),
                       help="embedded cluster: worker processes (default: the cores)")
    sweep.add_argument("--retries", type=integer(0, 100), default=2,
                       help="times a task is retried after an error outside the run (default 2)")
    add_data_root(sweep, help="dataset folder or a parent of it for every run (default: the spec's, else "
                  "$SYMDAE_DATA_ROOT); not part of the runs' keys")
    sweep.add_argument("--no-plots", action="store_true", help="write the table but draw no plots")
    sweep.add_argument("--quiet", action="store_true", help="no progress lines")
    sweep.set_defaults(handler=_sweep)


def _add_plot_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from symdae.experiments import add_plot_parser  # symdae plot RUN_DIR (handler: symdae.experiments.plot_main)

    add_plot_parser(commands)


def _interrupted(args: argparse.Namespace, arguments: list[str], stop: KeyboardInterrupt) -> int:
    """One line for Ctrl-C: where a training run's state was saved and how to continue; exit status 130."""
    command = args.command
    checkpoint, saved = getattr(stop, "checkpoint", None), getattr(stop, "saved_epoch", None)
    if getattr(stop, "epochs", None) is None:
        _error(command, "interrupted")
        return INTERRUPTED
    where = f"interrupted at epoch {stop.epoch} of {stop.epochs}"  # type: ignore[attr-defined]
    if checkpoint is None or saved is None:
        _error(command, f"{where}; nothing was saved yet")
    elif command == "experiment":
        again = arguments if "--resume" in arguments else [*arguments, "--resume"]
        _error(command, f"{where}; state of epoch {saved} saved in {checkpoint}; continue with: "
                        f"symdae {shlex.join(again)}")
    else:
        _error(command, f"{where}; state of epoch {saved} saved in {checkpoint}; the same command continues it")
    return INTERRUPTED


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(arguments)
    try:
        return int(args.handler(args))
    except KeyboardInterrupt as stop:
        return _interrupted(args, arguments, stop)


if __name__ == "__main__":
    raise SystemExit(main())
