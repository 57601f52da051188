"""Mode units and training settings, one conversion for the whole library.

Every kernel and every theory function speaks *mode units* (the paper's
§3.1, ``docs/conventions.md``): the eigenvalue ``lam`` of ``Σ = XᵀX`` (a sum over
the ``N`` samples), the noise ``eps = N s²``, the weight decay ``kappa = Nγ``
and the time constant ``tau = N/α``, with time in epochs. Training speaks
*settings*: ``n_samples`` (N), the learning rate ``lr`` (α), the noise
variance per input component ``noise_var`` (s²) and the weight-decay
coefficient ``weight_decay`` (γ). :func:`from_training` and
:func:`to_training` convert between the two, so a prediction reads::

    from symdae.kernels import dae_trajectory
    from symdae.units import from_training

    mode = from_training(n_samples=1000, lr=0.01, noise_var=0.1)   # {'tau': 1e5, 'eps': 100.0, 'kappa': 0.0}
    w = dae_trajectory(t, lam=lam, eps=mode["eps"], tau=mode["tau"], w1_0=1e-3, w2_0=1e-3)

Both accept scalars or arrays (broadcast together) and return floats for
scalar input.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["from_training", "to_training"]

def _value(name: str, value: ArrayLike, rule: str) -> NDArray[np.float64]:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number or an array of them, got {value!r}") from None
    ok = np.isfinite(array) & ((array > 0) if rule == "positive" else (array >= 0))
    if not np.all(ok):
        bad = array[~ok].flat[0] if array.ndim else array
        wanted = "> 0" if rule == "positive" else ">= 0"
        raise ValueError(f"{name} must be finite and {wanted}, got {float(bad)!r}")
    return array


def _out(array: NDArray[np.float64]) -> float | NDArray[np.float64]:
    return float(array) if array.ndim == 0 else array


def from_training(*, n_samples: ArrayLike, lr: ArrayLike, noise_var: ArrayLike = 0.0,
                  weight_decay: ArrayLike = 0.0) -> dict[str, float | NDArray[np.float64]]:
    """Mode units of a training setting: ``{"tau": N/α, "eps": N s², "kappa": Nγ}``.

    Args:
        n_samples: N, the number of training samples (``> 0``; the loss averages over them).
        lr: α, the learning rate of full-batch gradient descent, one step per epoch (``> 0``).
        noise_var: s², the variance of the input noise per component (``>= 0``).
        weight_decay: γ, the coefficient of ``(γ/2)(||W1||² + ||W2||²)`` (``>= 0``).

    Example:
        >>> from symdae.units import from_training
        >>> from_training(n_samples=1000, lr=0.01, noise_var=0.1)
        {'tau': 100000.0, 'eps': 100.0, 'kappa': 0.0}
    """
    n = _value("n_samples", n_samples, "positive")
    alpha = _value("lr", lr, "positive")
    s2 = _value("noise_var", noise_var, "nonnegative")
    gamma = _value("weight_decay", weight_decay, "nonnegative")
    n, alpha, s2, gamma = np.broadcast_arrays(n, alpha, s2, gamma)
    with np.errstate(over="ignore"):
        tau, eps, kappa = n / alpha, n * s2, n * gamma
    for name, values in (("tau = n_samples/lr", tau), ("eps = n_samples·noise_var", eps),
                         ("kappa = n_samples·weight_decay", kappa)):
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{name} exceeds float64's range (> 1.8e308)")
    return {"tau": _out(tau), "eps": _out(eps), "kappa": _out(kappa)}


def to_training(*, n_samples: ArrayLike, tau: ArrayLike, eps: ArrayLike = 0.0,
                kappa: ArrayLike = 0.0) -> dict[str, float | NDArray[np.float64]]:
    """The training setting of mode units: ``{"lr": N/τ, "noise_var": ε/N, "weight_decay": κ/N}``.

    The inverse of :func:`from_training` for the same ``n_samples``.

    Example:
        >>> from symdae.units import to_training
        >>> to_training(n_samples=1000, tau=1e5, eps=100.0)
        {'lr': 0.01, 'noise_var': 0.1, 'weight_decay': 0.0}
    """
    n = _value("n_samples", n_samples, "positive")
    time_constant = _value("tau", tau, "positive")
    noise = _value("eps", eps, "nonnegative")
    decay = _value("kappa", kappa, "nonnegative")
    n, time_constant, noise, decay = np.broadcast_arrays(n, time_constant, noise, decay)
    with np.errstate(over="ignore"):
        lr, s2, gamma = n / time_constant, noise / n, decay / n
    for name, values in (("lr = n_samples/tau", lr), ("noise_var = eps/n_samples", s2),
                         ("weight_decay = kappa/n_samples", gamma)):
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{name} exceeds float64's range (> 1.8e308)")
    return {"lr": _out(lr), "noise_var": _out(s2), "weight_decay": _out(gamma)}
