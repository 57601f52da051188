"""Shared pytest configuration: Hypothesis profiles and hardware markers.

Profiles: ``dev`` (default, quick) and ``ci`` (more examples, no deadline);
choose with ``SYMDAE_HYPOTHESIS_PROFILE`` or Hypothesis' own
``--hypothesis-profile``. Tests marked ``gpu`` are skipped without CUDA.
"""

from __future__ import annotations

import importlib.util
import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=25, deadline=None)
settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("SYMDAE_HYPOTHESIS_PROFILE", "dev"))


def _cuda_available() -> bool:
    if importlib.util.find_spec("torch") is None:
        return False
    import torch

    return bool(torch.cuda.is_available())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if any("gpu" in item.keywords for item in items) and not _cuda_available():
        skip = pytest.mark.skip(reason="needs a CUDA device")
        for item in items:
            if "gpu" in item.keywords:
                item.add_marker(skip)
