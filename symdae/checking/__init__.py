"""The derivation checker: claims, strategies, verdicts and the registry."""

from symdae.checking import steps
from symdae.checking._display import display, repr_html, repr_latex
from symdae.checking._loading import ENTRY_POINT_GROUP, TargetError, load_targets
from symdae.checking.checker import Verdict, check
from symdae.checking.claim import Cause, Claim, Definition, Equality, Inequality, Interval, Limit
from symdae.checking.registry import Registry, RegistryError, build, load

__all__ = [
    "ENTRY_POINT_GROUP",
    "Cause",
    "Claim",
    "Definition",
    "Equality",
    "Inequality",
    "Interval",
    "Limit",
    "Registry",
    "RegistryError",
    "TargetError",
    "Verdict",
    "build",
    "check",
    "display",
    "load",
    "load_targets",
    "repr_html",
    "repr_latex",
    "steps",
]
