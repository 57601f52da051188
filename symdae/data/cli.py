"""``symdae data ...``: find, check, download datasets and compute their spectra.

Hooked into the main parser by :func:`add_data_commands`. Network and
heavy work happen only when a command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from symdae.data.datasets import SPLITS
from symdae.data.preprocessing import TRANSFORMS
from symdae.data.registry import DATASETS, DOWNLOAD_URL_ENV
from symdae.data.roots import DATA_ROOT_ENV

__all__ = ["add_data_commands"]


def _fail(command: str, err: Exception) -> int:
    print(f"symdae data {command}: {err}", file=sys.stderr)
    return 1


def _info(args: argparse.Namespace) -> int:
    from symdae.data.checksums import check_file
    from symdae.data.roots import find_file, resolve_root, survey

    try:
        root = resolve_root(args.data_root)
        locations = survey(root)
    except (FileNotFoundError, ValueError) as err:
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
            except ValueError as err:
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
        return _fail("download", ValueError(f"give --data-root DIR (or set {DATA_ROOT_ENV})"))
    start = time.perf_counter()
    try:
        paths = download(args.dataset, root, base_url=args.base_url, keep_archive=args.keep_archive,
                         timeout=args.timeout, log=print)
    except (FileNotFoundError, ValueError, DownloadError) as err:
        return _fail("download", err)
    print(f"{args.dataset}: {len(paths)} file(s) ready in {Path(paths[0]).parent} "
          f"({time.perf_counter() - start:.1f} s)")
    return 0


def _spectrum(args: argparse.Namespace) -> int:
    from symdae.data.datasets import load
    from symdae.data.spectra import spectrum

    try:
        start = time.perf_counter()
        data = load(args.dataset, args.split, args.n, data_root=args.data_root, verify=not args.no_verify)
        loaded = time.perf_counter()
        result = spectrum(data, args.transform, cache=not args.no_cache)
    except (FileNotFoundError, ValueError) as err:
        return _fail("spectrum", err)
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
        "data", help="find, check and download MNIST / CIFAR-10; compute data spectra",
        description="Datasets: where they are, what they are (exact or approximate), download, spectra.",
    )
    commands = data.add_subparsers(dest="data_command", required=True, metavar="COMMAND")
    root_help = "data root: a dataset folder or a parent of mnist/, MNIST/raw/, cifar-10-batches-bin/, " \
                "cifar-10-batches-py/ (default: $SYMDAE_DATA_ROOT)"

    info = commands.add_parser("info", help="datasets found, their nature and checksum status",
                               description="List the datasets under the data root and check every file.")
    info.add_argument("--data-root", metavar="DIR", help=root_help)
    info.set_defaults(handler=_info)

    download = commands.add_parser(
        "download", help="download a dataset from its official location, verified",
        description="Download into DIR/mnist/ or DIR/cifar-10-batches-bin/ (resumable; verified before use). "
        "A cifar-10-binary.tar.gz already in DIR is verified and extracted without network access.",
    )
    download.add_argument("--dataset", required=True, choices=DATASETS)
    download.add_argument("--data-root", metavar="DIR", help="where to put it (default: $SYMDAE_DATA_ROOT)")
    download.add_argument("--base-url", metavar="URL",
                          help=f"fetch from this base URL instead of the official locations (or ${DOWNLOAD_URL_ENV})")
    download.add_argument("--keep-archive", action="store_true", help="keep cifar-10-binary.tar.gz after extracting")
    download.add_argument("--timeout", type=float, default=60.0, metavar="S", help="network timeout in seconds")
    download.set_defaults(handler=_download)

    spectrum = commands.add_parser(
        "spectrum", help="eigenvalues of Σ = XᵀX of the first N images (cached)",
        description="Load the first N images, preprocess, eigendecompose Σ = XᵀX (a sum over rows); cached.",
    )
    spectrum.add_argument("--dataset", required=True, choices=DATASETS)
    spectrum.add_argument("--samples", "--n", dest="n", type=int, metavar="N",
                          help="the first N images, as in 'symdae experiment' (default: all available)")
    spectrum.add_argument("--split", default="train", choices=SPLITS)
    spectrum.add_argument("--transform", default="none", choices=TRANSFORMS,
                          help="preprocessing after pixels/255 (default: none, the paper's uncentred data)")
    spectrum.add_argument("--data-root", metavar="DIR", help=root_help)
    spectrum.add_argument("--no-verify", action="store_true", help="accept files with unrecognised checksums")
    spectrum.add_argument("--no-cache", action="store_true", help="recompute and do not save")
    spectrum.add_argument("--top", type=int, default=5, metavar="K", help="print the K largest eigenvalues")
    spectrum.set_defaults(handler=_spectrum)
