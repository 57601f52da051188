"""Fixtures for the data tests: an isolated cache, no network, real datasets when present."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from symdae.data import Dataset, load
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


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder for this test only."""
    folder = tmp_path / "fresh-cache"
    monkeypatch.setenv("SYMDAE_CACHE_DIR", str(folder))
    return folder


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
