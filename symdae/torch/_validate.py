"""Eager checks of configuration fields: a ``ValueError`` naming the field and the rule.

Users meet these messages instead of a torch traceback, so each names the
field exactly as it is spelled in the configuration dataclass. Numeric checks
return the value as a plain ``int`` or ``float`` (NumPy scalars included), so
configurations serialise to JSON.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from numbers import Integral, Real
from typing import Literal

Rule = Literal["positive", "nonnegative"]


def choice(name: str, value: object, options: Collection[str]) -> None:
    """``value`` must be one of ``options``."""
    if value not in options:
        allowed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")


def real(name: str, value: object, rule: Rule) -> float:
    """``value`` as a ``float``; it must be a finite real number satisfying ``rule``."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite real number; got {value!r}")
    number = float(value)
    if rule == "positive" and not number > 0:
        raise ValueError(f"{name} must be > 0; got {value!r}")
    if rule == "nonnegative" and not number >= 0:
        raise ValueError(f"{name} must be >= 0; got {value!r}")
    return number


def integer(name: str, value: object, minimum: int) -> int:
    """``value`` as an ``int``; it must be an integer (not a ``bool``) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be an integer; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value!r}")
    return int(value)


def device(name: str, value: object) -> None:
    """``value`` must be ``'auto'``, ``'cpu'``, ``'cuda'`` or ``'cuda:<index>'``."""
    ok = isinstance(value, str) and (
        value in ("auto", "cpu", "cuda") or (value.startswith("cuda:") and value[5:].isdigit())
    )
    if not ok:
        raise ValueError(f"{name} must be 'auto', 'cpu', 'cuda' or 'cuda:<index>'; got {value!r}")


def model_terms(model: str, noise_var: float, weight_decay: float) -> None:
    """The model name must agree with its noise and weight decay.

    ``'ae'``: no noise, no weight decay; ``'wdae'``: weight decay, no noise;
    ``'dae'``: noise (weight decay optional).
    """
    if model == "ae" and (noise_var != 0 or weight_decay != 0):
        field = "noise_var" if noise_var != 0 else "weight_decay"
        raise ValueError(f"{field} must be 0 for model 'ae' (use 'dae' for noise, 'wdae' for weight decay)")
    if model == "dae" and noise_var == 0:
        raise ValueError("noise_var must be > 0 for model 'dae'")
    if model == "wdae" and weight_decay == 0:
        raise ValueError("weight_decay must be > 0 for model 'wdae'")
    if model == "wdae" and noise_var != 0:
        raise ValueError("noise_var must be 0 for model 'wdae' (use 'dae' with weight_decay for both)")
