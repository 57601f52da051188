"""The handlers of ``symdae sweep SPEC`` and ``symdae sweep report OUT`` (the options are in :mod:`symdae.cli`).

Exit status: 0 when every run finished; 1 when some run failed (each
recorded in its folder's ``error.json``), or the sweep could not run (a
cluster out of reach, the ``sweep`` extra missing, the folder in use); 2 for
a bad option or specification (one line naming the field and the rule); 130
for Ctrl-C (the same command continues).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

USAGE, FAILURE, INTERRUPTED = 2, 1, 130
EXTRA = "sweeps need the sweep extra: pip install 'symdae[sweep]'"


def _error(err: BaseException | str, command: str = "sweep") -> None:
    text = " ".join(str(err).split()) or type(err).__name__
    print(f"symdae {command}: {text}", file=sys.stderr)


def sweep_command(args: argparse.Namespace) -> int:
    """The handler of ``symdae sweep``."""
    if args.spec == "report":
        return _report(args)
    if args.folder is not None:
        _error(f"unexpected argument {args.folder} (only 'symdae sweep report OUT' takes a folder; give --out DIR)")
        return USAGE
    from symdae.sweep._plan import plan
    from symdae.sweep._spec import SpecError, load_spec

    if args.workers is not None and (args.scheduler or args.scheduler_file or args.serial):
        _error("--workers sizes the embedded cluster only (not with --scheduler, --scheduler-file or --serial)")
        return USAGE
    try:
        spec = load_spec(args.spec)
        runs = plan(spec, data_root=None if args.data_root is None else str(args.data_root))
    except SpecError as err:
        _error(err)
        return USAGE
    if args.dry_run:
        return _dry_run(runs, args.out)
    if args.out is None:
        _error("--out DIR is required to run a sweep (or give --dry-run)")
        return USAGE
    return _run(args, spec, runs)


def _dry_run(runs: list[Any], out: Path | None) -> int:
    from symdae.sweep._plan import describe, run_state

    for run in runs:
        state = run_state(run, out) if out is not None else "-"
        print(f"{state:8s} {describe(run)}")
    tail = f" under {out / 'runs'}" if out is not None else ""
    print(f"{len(runs)} run(s){tail} (dry run: nothing was run)")
    return 0


def _run(args: argparse.Namespace, spec: Any, runs: list[Any]) -> int:
    from symdae._io import FolderBusy
    from symdae._progress import say

    try:
        from symdae.sweep._cluster import ClusterError
        from symdae.sweep._execute import run_sweep

        outcome = run_sweep(runs, args.out, serial=args.serial, scheduler=args.scheduler,
                            scheduler_file=args.scheduler_file, workers=args.workers, retries=args.retries,
                            checkpoint_every=spec.checkpoint_every, say=None if args.quiet else say)
    except ImportError as err:
        _error(f"{err} ({EXTRA})")
        return FAILURE
    except (ClusterError, FolderBusy, OSError, MemoryError) as err:
        _error(err)
        return FAILURE
    written = [str(p) for p in outcome.tables]
    if not args.no_plots and not outcome.interrupted:
        from symdae.sweep._report import PLOTS, draw

        current = all((args.out / "plots" / f"{name}.{fmt}").is_file() for name in PLOTS for fmt in ("png", "pdf"))
        if outcome.done or outcome.failed or not current:
            plots = draw(args.out)
            if plots:
                written.append(f"{len(plots)} plots under {plots[0].parent}")
        else:
            written.append(f"(plots under {args.out / 'plots'} up to date: no run was added)")
    print(f"sweep: {outcome.runs} run(s): {len(outcome.done)} run, {len(outcome.skipped)} skipped (already done), "
          f"{len(outcome.failed)} failed, in {outcome.seconds:.1f} s; wrote {', '.join(written) or 'nothing'}")
    for key, error in outcome.failed.items():
        print(f"  failed {key}: {error} (traceback in {args.out / 'runs' / key / 'error.json'})")
    if outcome.interrupted:
        left = outcome.runs - len(outcome.done) - len(outcome.skipped) - len(outcome.failed)
        _error(f"interrupted with {left} run(s) not finished; the same command continues (finished runs are "
               "skipped, started ones resume from their checkpoints)")
        return INTERRUPTED
    return FAILURE if outcome.failed else 0


def _report(args: argparse.Namespace) -> int:
    if args.folder is None:
        _error("'symdae sweep report' needs the sweep's output folder: symdae sweep report OUT", "sweep report")
        return USAGE
    given = [name for name in ("out", "scheduler", "scheduler_file", "workers", "data_root")
             if getattr(args, name) is not None] + [name for name in ("dry_run", "serial") if getattr(args, name)]
    if given:
        _error(f"--{given[0].replace('_', '-')} does not apply to 'report'", "sweep report")
        return USAGE
    try:
        from symdae.sweep._report import draw, failures, load_table, summary

        frame = load_table(args.folder)
        print(summary(frame, failures(args.folder)))
        if not args.no_plots:
            for path in draw(args.folder, frame=frame):
                print(f"wrote {path}")
    except ImportError as err:
        _error(f"{err} ({EXTRA})", "sweep report")
        return FAILURE
    except (OSError, ValueError) as err:
        _error(err, "sweep report")
        return FAILURE
    return 0
