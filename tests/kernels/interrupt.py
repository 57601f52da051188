"""Send Ctrl-C to a child process running one long kernel call, and time its answer."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time


def interrupt_call(setup: str, call: str) -> tuple[str, float]:
    """Run ``setup`` then ``call`` in a child, SIGINT it 0.5 s into ``call``.

    Returns the child's next line (``"interrupted"`` when ``KeyboardInterrupt`` was caught,
    ``"finished"`` when the call ended first, or ``"no answer in 30 s"``) and the seconds
    from the signal to that line.
    """
    # a shell that starts jobs in the background makes them ignore SIGINT: restore Python's handler
    code = ("import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n"
            f"{setup}\n"
            "print('ready', flush=True)\n"
            "try:\n"
            f"    {call}\n"
            "    print('finished', flush=True)\n"
            "except KeyboardInterrupt:\n"
            "    print('interrupted', flush=True)\n")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    assert child.stdout is not None
    try:
        assert child.stdout.readline().strip() == "ready"
        time.sleep(0.5)
        sent = time.perf_counter()
        child.send_signal(signal.SIGINT)
        ready, _, _ = select.select([child.stdout], [], [], 30.0)
        answered = time.perf_counter() - sent
        line = child.stdout.readline().strip() if ready else "no answer in 30 s"
    finally:
        child.kill()
        child.communicate()
    return line, answered
