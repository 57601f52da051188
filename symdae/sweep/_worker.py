"""Set-up of the embedded cluster's worker processes (a Dask preload module: ``dask_setup`` runs in each).

A terminal's Ctrl-C goes to the whole process group: the sweep's own process
and the worker processes the embedded cluster started. Without this, every
worker printed ``KeyboardInterrupt`` tracebacks from Dask's event loop while
the sweep shut down. The workers now ignore ``SIGINT``; the sweep's process
alone handles Ctrl-C: it cancels the runs and closes the cluster, and the runs
in progress keep their last checkpoints, from which the same command resumes
them. Workers of a cluster of your own are not in your terminal's process
group and are left alone.
"""

from __future__ import annotations

import signal
import threading
from typing import Any


def dask_setup(worker: Any) -> None:
    """Ignore ``SIGINT`` in this worker process (from its main thread, where Dask calls preloads)."""
    del worker
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
