"""A progress bar for long runs (tqdm), fed by the ``progress(done, total)`` callbacks of the trainers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress_bar(label: str, total: int, disable: bool = False) -> Iterator[Callable[[int, int], None]]:
    """Yield a ``progress(done, total)`` callback that drives a tqdm bar named ``label``."""
    from tqdm import tqdm

    with tqdm(total=total, desc=label, unit="epoch", disable=disable) as bar:
        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)  # tqdm throttles the redraws

        yield progress
