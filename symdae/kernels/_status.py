"""The status codes the compiled kernels report per mode, and what each tells the user to do.

One enumeration for every engine: ``dae_trajectory`` (:mod:`symdae.kernels._trajectory`),
``mode_trajectory`` (:mod:`symdae.kernels._radau`) and ``gd_iterates``
(:mod:`symdae.kernels._gd`) write ``int(Status.X)`` into their status arrays, and the Python
wrappers raise with :func:`message`: the kernel, what happened to which mode (their own
words), then :attr:`Status.advice`.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["Status", "message"]


class Status(IntEnum):
    """What became of a mode in a compiled kernel (0: it was answered)."""

    #: every requested value was computed
    OK = 0
    #: ``|w(t)|`` exceeds float64's range (only near ``t = 0``, from weights whose product does)
    OVERFLOW = 1
    #: the integrator's step fell below the resolution of the time axis (a bug)
    STEP_UNDERFLOW = 2
    #: gradient descent left float64's range: it diverges
    GD_OVERFLOW = 3

    @property
    def advice(self) -> str:
        """What to do about it, as the end of an error message."""
        return _ADVICE[self]


_ADVICE = {
    Status.OK: "",
    Status.OVERFLOW: "ask for later times, or start from smaller weights",
    Status.STEP_UNDERFLOW: "this is a bug: please report these arguments",
    Status.GD_OVERFLOW: "use a larger tau (a smaller learning rate alpha = N/tau)",
}


def message(kernel: str, status: int, what: str) -> str:
    """``"<kernel>: <what>; <advice>"`` for a mode that ended with ``status``."""
    advice = Status(status).advice
    return f"{kernel}: {what}" + (f"; {advice}" if advice else "")
