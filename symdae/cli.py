"""The ``symdae`` command line.

Each subcommand imports what it needs only when it runs, so ``symdae --help``
starts without loading SymPy, Numba or torch.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from symdae import __version__
from symdae.data.cli import add_data_commands


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
    print(f"{'kernel':18s} {'fingerprint':14s} {'generated':10s} {'compiled':9s} proved by")
    for row in rows:
        print(f"{row.name:18s} {row.fingerprint[:12]:14s} {_yes(row.generated):10s} "
              f"{_yes(row.compiled):9s} {', '.join(row.claims)}")
    return 0


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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
