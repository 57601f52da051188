"""The spellings of symdae 0.1, accepted for one release with a ``DeprecationWarning``.

symdae 0.2 gave every kernel one signature shape: the evaluation points
positional, then the mode as keyword-only arguments in the order
``lam, eps, kappa, tau, w1_0, w2_0`` (``CHANGELOG.md``). Calls in the 0.1 form,
with the mode passed by position, still work through :func:`positional_mode`
until 0.3; the two kernels that answered in training units are
:func:`optimal_learning_rate` and :func:`equivalent_weight_decay` here.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

F = TypeVar("F", bound=Callable[..., Any])

REMOVED_IN = "0.3"


def warn(old: str, new: str) -> None:
    """One ``DeprecationWarning``, attributed to the caller of the public function."""
    warnings.warn(f"{old} is deprecated since symdae 0.2 and will be removed in {REMOVED_IN}: use {new}",
                  DeprecationWarning, stacklevel=3)


def positional_mode(*old: str) -> Callable[[F], F]:
    """Let ``function`` take the arguments ``old`` by position after its own positional ones, warning once per call.

    ``old`` is the 0.1 order of the arguments that are now keyword-only. The
    wrapper keeps the new signature (``inspect.signature`` shows it).
    """

    def wrap(function: F) -> F:
        signature = inspect.signature(function)
        kept = sum(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in signature.parameters.values())

        @functools.wraps(function)
        def call(*args: Any, **kwargs: Any) -> Any:
            if len(args) > kept:
                extra = args[kept:]
                if len(extra) > len(old):
                    raise TypeError(f"{function.__name__}() takes {kept} positional argument(s) and the keywords "
                                    f"{', '.join(old)}; got {len(args)} positional arguments")
                names = old[:len(extra)]
                twice = sorted(set(names) & kwargs.keys())
                if twice:
                    raise TypeError(f"{function.__name__}() got {', '.join(twice)} both by position and by keyword")
                keywords = ", ".join(f"{name}=…" for name in names)
                warn(f"passing {', '.join(names)} to {function.__name__} by position",
                     f"keywords, {function.__name__}({'…, ' * kept}{keywords})")
                kwargs.update(zip(names, extra, strict=True))
                args = args[:kept]
            return function(*args, **kwargs)

        return call  # type: ignore[return-value]

    return wrap


def optimal_learning_rate(lam: ArrayLike, eps: ArrayLike = 0.0, kappa: ArrayLike = 0.0,
                          n_samples: ArrayLike = 1.0) -> NDArray[np.float64] | np.float64:
    """Deprecated: ``n_samples / optimal_tau(lam=…, eps=…, kappa=…)`` (symdae 0.1's rate α* in training units)."""
    from symdae.kernels import optimal_tau
    from symdae.kernels._arguments import checked, result

    warn("symdae.kernels.optimal_learning_rate", "optimal_tau (mode units) and symdae.units.to_training, "
         "alpha* = n_samples / optimal_tau(lam=..., eps=..., kappa=...)")
    n = checked("n_samples", n_samples, "positive").values
    with np.errstate(over="ignore"):
        values = np.asarray(n / optimal_tau(lam=lam, eps=eps, kappa=kappa), dtype=np.float64)
    if not np.isfinite(values).all():
        raise ValueError("optimal_learning_rate: N/(2λ + 3ε + κ) exceeds float64's range (> 1.8e308), so it "
                         "cannot be represented")
    return result(values)


def equivalent_weight_decay(lam: ArrayLike, eps: ArrayLike,
                            n_samples: ArrayLike = 1.0) -> NDArray[np.float64] | np.float64:
    """Deprecated: ``equivalent_kappa(lam=…, eps=…) / n_samples`` (symdae 0.1's γ in training units)."""
    from symdae.kernels import equivalent_kappa
    from symdae.kernels._arguments import checked, result

    warn("symdae.kernels.equivalent_weight_decay", "equivalent_kappa (mode units, kappa = N gamma), "
         "gamma = equivalent_kappa(lam=..., eps=...) / n_samples")
    n = checked("n_samples", n_samples, "positive").values
    with np.errstate(over="ignore"):
        values = np.asarray(equivalent_kappa(lam=lam, eps=eps) / n, dtype=np.float64)
    if not np.isfinite(values).all():
        raise ValueError("equivalent_weight_decay: λε/(N(λ + ε)) exceeds float64's range (> 1.8e308), so it "
                         "cannot be represented")
    return result(values)


RENAMED = {"optimal_learning_rate": optimal_learning_rate, "equivalent_weight_decay": equivalent_weight_decay}
