"""Fixtures for the data tests: an isolated cache, no network, real datasets when present."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from symdae.data import Dataset, checksums, load
from symdae.data import spectra as spectra_module
from symdae.data.roots import Location, locate
from tests.data.helpers import FileServer, serve


@pytest.fixture(scope="session", autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Own cache folder; downloads can only go to a closed local port unless a test names its server."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SYMDAE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        patch.setenv("SYMDAE_DOWNLOAD_URL", "http://127.0.0.1:9/")
        for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
            patch.delenv(proxy, raising=False)
        yield


_EIGH: dict[str, tuple[np.ndarray, np.ndarray]] = {}


@pytest.fixture(autouse=True)
def _remembered_eigh(monkeypatch: pytest.MonkeyPatch) -> None:
    """``spectrum`` computes each distinct Σ's eigendecomposition once per session (tests recompute many).

    The real :func:`~symdae.data.spectra.psd_eigh` runs the first time a Σ
    is seen; later calls get copies of its result. Tests of ``psd_eigh``
    itself call it directly and are unaffected.
    """
    real = spectra_module.psd_eigh

    def remembered(sigma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        key = hashlib.sha256(np.ascontiguousarray(sigma).tobytes()).hexdigest()
        if key not in _EIGH:
            _EIGH[key] = real(sigma)
        values, vectors = _EIGH[key]
        return values.copy(), vectors.copy()

    monkeypatch.setattr(spectra_module, "psd_eigh", remembered)


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder for this test only."""
    folder = tmp_path / "fresh-cache"
    monkeypatch.setenv("SYMDAE_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def settle(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Shorten the checksum cache's racy-clean margin to 50 ms; calling the result waits it out.

    Files written by a test are cached only once ``settle()`` has let their
    status-change time fall that far into the past (as 2 s would in use).
    """
    monkeypatch.setattr(checksums, "_SETTLE_NS", 50_000_000)
    return lambda: time.sleep(0.06)


def _located(data_root: Path, dataset: str) -> Location:
    try:
        return locate(dataset, data_root)
    except FileNotFoundError as err:
        pytest.skip(f"{dataset} not under the data root: {err}")


@pytest.fixture(scope="session")
def mnist_folder(data_root: Path) -> Path:
    return _located(data_root, "mnist").folder


@pytest.fixture(scope="session")
def cifar_folder(data_root: Path) -> Path:
    return _located(data_root, "cifar10").folder


@pytest.fixture(scope="session")
def mnist_train(data_root: Path, mnist_folder: Path) -> Dataset:
    return load("mnist", "train", data_root=data_root)


@pytest.fixture(scope="session")
def cifar_train(data_root: Path, cifar_folder: Path) -> Dataset:
    return load("cifar10", "train", data_root=data_root)


@pytest.fixture
def file_server(tmp_path: Path) -> Iterator[FileServer]:
    """A local HTTP server for the files in ``tmp_path / "served"``."""
    root = tmp_path / "served"
    root.mkdir()
    with serve(root) as server:
        yield server
