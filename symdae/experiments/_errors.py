"""The exceptions of the experiments stage: a usage error, a failed run, a missing result."""

from __future__ import annotations


class SettingsError(ValueError):
    """Settings that cannot run, found before or while preparing the run (a usage error)."""


class ExperimentError(RuntimeError):
    """A run that could not finish (a failure, not a usage error)."""


class Diverged(ExperimentError):
    """Training diverged; the message names the epoch and the learning rate to use instead."""


class ResultMissing(LookupError):
    """No usable result in a folder; ``damaged`` is true when files are there but do not form one result."""

    def __init__(self, message: str, damaged: bool) -> None:
        super().__init__(message)
        self.damaged = damaged
