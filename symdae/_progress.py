"""A progress bar for long runs (tqdm), fed by the ``progress(done, total)`` callbacks of the trainers,
and :func:`say` for one-line notes that do not tear a bar drawn at the time."""

from __future__ import annotations

import sys
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


def say(text: str) -> None:
    """Print ``text`` as one line on stderr, above any progress bar being drawn."""
    tqdm = sys.modules.get("tqdm")
    if tqdm is not None:
        tqdm.tqdm.write(text, file=sys.stderr)
    else:
        print(text, file=sys.stderr, flush=True)
