"""``symdae data ...``: find, check, download datasets and compute their spectra.

Hooked into the main parser by :func:`add_data_commands`. Network and
heavy work happen only when a command runs.

Every option value is checked when the command line is parsed (a bad one is
a usage error naming the option, exit status 2), as is the
``$SYMDAE_DATA_ROOT`` or ``$SYMDAE_DOWNLOAD_URL`` standing in for a missing
option (exit status 2, naming the variable). A command that then fails (a
file unrecognised, a download cut off) says why in one line on standard
error and exits with status 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from symdae._options import existing_dir, integer, output_dir, real
from symdae.data.datasets import SPLITS
from symdae.data.downloads import DEFAULT_TIMEOUT
from symdae.data.preprocessing import TRANSFORMS
from symdae.data.registry import DATASETS, DOWNLOAD_URL_ENV
from symdae.data.roots import DATA_ROOT_ENV

__all__ = ["add_data_commands"]


USAGE = 2
FAILURE = 1


def _fail(command: str, err: Exception | str) -> int:
    print(f"symdae data {command}: {err}", file=sys.stderr)
    return FAILURE


def _usage(command: str, message: str) -> int:
    print(f"symdae data {command}: {message}", file=sys.stderr)
    return USAGE


data_root_dir = existing_dir
"""``--data-root`` to read from: an existing, readable directory."""
download_root_dir = output_dir
"""``--data-root`` to download into: a writable directory, or one that can be created."""


def http_url(text: str) -> str:
    """An ``http://`` or ``https://`` URL with a host."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"must be an http:// or https:// URL with a host, got {text!r}")
    return text.strip()


def _from_environment(variable: str, check: Callable[[str], object]) -> str | None:
    """The usage error for a bad ``$variable`` (standing in for an option), or ``None`` when it is fine or unset."""
    value = os.environ.get(variable)
    if value is None:
        return None
    try:
        check(value)
    except argparse.ArgumentTypeError as err:
        return f"${variable}: {err}"
    return None


def _unusable_root(command: str, args: argparse.Namespace) -> int | None:
    """The usage error when neither ``--data-root`` nor a good ``$SYMDAE_DATA_ROOT`` gives a root to read."""
    if args.data_root is not None:
        return None
    if not os.environ.get(DATA_ROOT_ENV):
        return _usage(command, f"give --data-root DIR (or set {DATA_ROOT_ENV})")
    problem = _from_environment(DATA_ROOT_ENV, data_root_dir)
    return _usage(command, problem) if problem else None


def _info(args: argparse.Namespace) -> int:
    from symdae.data.checksums import check_file
    from symdae.data.roots import find_file, resolve_root, survey

    unusable = _unusable_root("info", args)
    if unusable is not None:
        return unusable
    try:
        root = resolve_root(args.data_root)
        locations = survey(root)
    except (OSError, ValueError) as err:
        return _fail("info", err)
    print(f"data root: {root}")
    if not locations:
        print("no datasets found (see `symdae data download --help`)")
        return 1
    problems = 0
    for location in locations:
        dataset = location.layout.dataset
        print(f"\n{dataset} ({location.layout.format}) in {location.folder}")
        natures = []
        for name in location.layout.all_files:
            path = find_file(location.folder, name)
            if path is None:
                print(f"  {name:28s} missing")
                continue
            try:
                check = check_file(path, dataset, verify=False)
            except (OSError, ValueError) as err:
                problems += 1
                print(f"  {path.name:28s} UNREADABLE: {err}")
                continue
            problems += not check.recognised
            status = "ok" if check.recognised else "UNRECOGNISED"
            natures.append(check.source.nature)
            print(f"  {path.name:28s} {status:12s} {check.source.id} ({check.source.nature}; "
                  f"{check.basis}{', cached checksum' if check.cached else ''}) sha256 {check.digests.sha256[:16]}…")
        print(f"  nature: {' + '.join(dict.fromkeys(natures)) or 'no readable files'}")
    return 1 if problems else 0


def _download(args: argparse.Namespace) -> int:
    from symdae.data.downloads import DownloadError, download

    root = args.data_root or os.environ.get(DATA_ROOT_ENV)
    if not root:
        return _usage("download", f"give --data-root DIR (or set {DATA_ROOT_ENV})")
    problems = [] if args.data_root else [_from_environment(DATA_ROOT_ENV, download_root_dir)]
    if not args.base_url:
        problems.append(_from_environment(DOWNLOAD_URL_ENV, http_url))
    for problem in problems:
        if problem:
            return _usage("download", problem)
    start = time.perf_counter()
    try:
        paths = download(args.dataset, root, base_url=args.base_url, keep_archive=args.keep_archive,
                         timeout=args.timeout, log=print)
    except (OSError, ValueError, DownloadError) as err:
        return _fail("download", err)
    print(f"{args.dataset}: {len(paths)} file(s) ready in {Path(paths[0]).parent} "
          f"({time.perf_counter() - start:.1f} s)")
    return 0


def _spectrum(args: argparse.Namespace) -> int:
    from symdae.data.datasets import load
    from symdae.data.spectra import spectrum

    unusable = _unusable_root("spectrum", args)
    if unusable is not None:
        return unusable
    try:
        start = time.perf_counter()
        data = load(args.dataset, args.split, args.n, data_root=args.data_root, verify=not args.no_verify)
        loaded = time.perf_counter()
        result = spectrum(data, args.transform, cache=not args.no_cache)
    except (OSError, ValueError) as err:
        message = str(err)
        if args.n is not None and message.startswith(f"n = {args.n} exceeds"):  # name the option given
            message = f"--samples {message.removeprefix('n = ')}"
        return _fail("spectrum", message)
    done = time.perf_counter()
    print(data.describe())
    print(f"provenance {data.provenance} ({data.nature}); data checksum {data.checksum[:16]}…")
    origin = "read from cache" if result.from_cache else "computed"
    print(f"load {loaded - start:.2f} s; spectrum {origin} in {done - loaded:.2f} s"
          + (f" ({result.path})" if result.path else ""))
    values = result.eigenvalues
    print(f"Σ = XᵀX (sum over N = {data.n}, transform {args.transform}): trace {values.sum():.6g}, "
          f"D = {values.size}")
    for j, value in enumerate(values[: args.top], start=1):
        print(f"  λ_{j} = {value:.10g}")
    return 0


def add_data_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``data`` (with ``info``, ``download``, ``spectrum``) to the ``symdae`` subcommands."""
    data = subparsers.add_parser(
        "data", help="find, check and download MNIST / Fashion-MNIST / CIFAR-10; compute data spectra",
        description="Datasets: where they are, what they are (exact or approximate), download, spectra.",
    )
    commands = data.add_subparsers(dest="data_command", required=True, metavar="COMMAND")
    root_help = "data root: a dataset folder or a parent of mnist/, MNIST/raw/, fashion-mnist/, " \
                "FashionMNIST/raw/, cifar-10-batches-bin/, cifar-10-batches-py/ (default: $SYMDAE_DATA_ROOT)"

    info = commands.add_parser("info", help="datasets found, their nature and checksum status",
                               description="List the datasets under the data root and check every file.")
    info.add_argument("--data-root", metavar="DIR", type=data_root_dir, help=root_help)
    info.set_defaults(handler=_info)

    download = commands.add_parser(
        "download", help="download a dataset from its official location, verified",
        description="Download into DIR/mnist/, DIR/fashion-mnist/ or DIR/cifar-10-batches-bin/ (resumable; "
        "verified before use). "
        "A cifar-10-binary.tar.gz already in DIR is verified and extracted without network access.",
    )
    download.add_argument("--dataset", required=True, choices=DATASETS)
    download.add_argument("--data-root", metavar="DIR", type=download_root_dir,
                          help="where to put it (default: $SYMDAE_DATA_ROOT)")
    download.add_argument("--base-url", metavar="URL", type=http_url,
                          help=f"fetch from this base URL instead of the official locations (or ${DOWNLOAD_URL_ENV})")
    download.add_argument("--keep-archive", action="store_true", help="keep cifar-10-binary.tar.gz after extracting")
    download.add_argument("--timeout", type=real(0, strict=True), default=DEFAULT_TIMEOUT, metavar="S",
                          help=f"deadline of each file from each location, in seconds: connecting, waiting and "
                          f"receiving (default {DEFAULT_TIMEOUT:g}); a file cut off is kept as <file>.part and "
                          f"running again resumes it")
    download.set_defaults(handler=_download)

    spectrum = commands.add_parser(
        "spectrum", help="eigenvalues of Σ = XᵀX of the first N images (cached)",
        description="Load the first N images, preprocess, eigendecompose Σ = XᵀX (a sum over rows); cached.",
    )
    spectrum.add_argument("--dataset", required=True, choices=DATASETS)
    spectrum.add_argument("--samples", "--n", dest="n", type=integer(1), metavar="N",
                          help="the first N images, as in 'symdae experiment' (default: all available)")
    spectrum.add_argument("--split", default="train", choices=SPLITS)
    spectrum.add_argument("--transform", default="none", choices=TRANSFORMS,
                          help="preprocessing after pixels/255 (default: none, the paper's uncentred data)")
    spectrum.add_argument("--data-root", metavar="DIR", type=data_root_dir, help=root_help)
    spectrum.add_argument("--no-verify", action="store_true", help="accept files with unrecognised checksums")
    spectrum.add_argument("--no-cache", action="store_true", help="recompute and do not save")
    spectrum.add_argument("--top", type=integer(1), default=5, metavar="K",
                          help="print the K largest eigenvalues (default 5; all D when K > D)")
    spectrum.set_defaults(handler=_spectrum)
