"""The derivation checker: claims, strategies, verdicts and the registry."""

from symdae.checking import steps
from symdae.checking.checker import Verdict, check
from symdae.checking.claim import Claim, Definition, Equality, Inequality, Interval, Limit
from symdae.checking.registry import Registry, RegistryError, build, load

__all__ = [
    "Claim",
    "Definition",
    "Equality",
    "Inequality",
    "Interval",
    "Limit",
    "Registry",
    "RegistryError",
    "Verdict",
    "build",
    "check",
    "load",
    "steps",
]
