"""Shared pytest configuration: Hypothesis profiles and hardware markers.

Profiles: ``dev`` (default, quick, a fresh random search each run) and ``ci``
(more examples, no deadline, derandomised so that a landing is judged on the
same examples every time); choose with ``SYMDAE_HYPOTHESIS_PROFILE`` or Hypothesis' own
``--hypothesis-profile``. Tests marked ``gpu`` are skipped without CUDA, tests
marked ``jit`` under ``NUMBA_DISABLE_JIT=1`` (the kernels run as plain Python there).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=25, deadline=None)
settings.register_profile(
    "ci", max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
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
    if os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0"):
        no_jit = pytest.mark.skip(reason="needs compiled kernels (NUMBA_DISABLE_JIT is set)")
        for item in items:
            if "jit" in item.keywords:
                item.add_marker(no_jit)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--data-root", default=None, metavar="DIR",
        help="data root for tests marked `data` (default: $SYMDAE_DATA_ROOT, else ../shared/data beside the checkout)",
    )


def _find_data_root(config: pytest.Config) -> Path | None:
    """``--data-root``, else ``$SYMDAE_DATA_ROOT``, else the ``shared/data`` folder next to the repository."""
    configured = config.getoption("--data-root") or os.environ.get("SYMDAE_DATA_ROOT")
    if configured:
        return Path(configured).expanduser()
    beside = Path(__file__).resolve().parents[2] / "shared" / "data"
    return beside if beside.is_dir() else None


@pytest.fixture(scope="session")
def data_root(pytestconfig: pytest.Config) -> Path:
    """The data root holding the real datasets (tests using it are marked `data`)."""
    root = _find_data_root(pytestconfig)
    if root is None or not root.is_dir():
        pytest.skip("no data root: pass --data-root DIR or set SYMDAE_DATA_ROOT")
    return root


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("data") is not None:
        root = _find_data_root(item.config)
        if root is None or not root.is_dir():
            pytest.skip(f"needs the real datasets: pass --data-root DIR or set SYMDAE_DATA_ROOT (got {root})")
