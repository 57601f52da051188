"""A 2-worker Dask cluster on 127.0.0.1 shared by the sweep tests (closed at the end)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def dask_client() -> Iterator[Any]:
    pytest.importorskip("distributed", reason="needs the sweep extra: pip install 'symdae[sweep]'")
    from distributed import Client

    from symdae.sweep import embedded_cluster

    cluster = embedded_cluster(workers=2, dashboard=False)
    try:
        with Client(cluster) as client:
            assert all(address.startswith("tcp://127.0.0.1:") for address in client.scheduler_info()["workers"])
            yield client
    finally:
        cluster.close()
