"""What every ``symdae`` subcommand shares: exit statuses, one-line errors, torch threads."""

from __future__ import annotations

import sys

USAGE, FAILURE, INTERRUPTED = 2, 1, 130
DATASETS = ("mnist", "cifar10", "fashion-mnist")
MAX_THREADS = 1024
MAX_JOBS = 256


def error(command: str, err: BaseException | str) -> None:
    """``symdae COMMAND: message`` on one line of standard error, whatever the message holds."""
    text = " ".join(str(err).split()) or type(err).__name__
    print(f"symdae {command}: {text}", file=sys.stderr)


def failure(command: str, err: BaseException) -> int:
    """One line for a run that could not finish; exit status 1."""
    if isinstance(err, MemoryError):
        error(command, "out of memory: use fewer --samples or --hidden units")
    elif isinstance(err, ImportError):
        error(command, f"{err} (training needs torch: pip install 'symdae[torch]')")
    else:
        error(command, err)
    return FAILURE


def out_of_memory(err: BaseException) -> bool:
    return type(err).__name__ == "OutOfMemoryError"  # torch's CUDA/CPU allocator (a RuntimeError)


def set_threads(threads: int | None) -> None:
    """Set torch's CPU threads (``None``: leave torch's choice)."""
    if threads is None:
        return
    import torch

    torch.set_num_threads(threads)
