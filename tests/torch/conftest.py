"""Fixtures for the torch trainer tests (the test modules skip themselves without torch)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.torch.synthetic import synthetic_rows

if TYPE_CHECKING:
    from symdae.torch import TrainingData


@pytest.fixture(scope="session", autouse=True)
def _one_thread() -> Iterator[None]:
    """The tensors here are tiny: one thread is faster and spares cores shared with other work."""
    try:
        import torch
    except ImportError:
        yield
        return
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def data() -> TrainingData:
    from symdae.torch import TrainingData

    return TrainingData.from_samples(synthetic_rows())
