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


def _convert(inputs: list[tuple[str, ArrayLike, str]],
             outputs: list[tuple[str, str, object]]) -> dict[str, float | NDArray[np.float64]]:
    """Check ``inputs`` (name, value, rule), broadcast them, and evaluate each output (key, formula, function)."""
    arrays = np.broadcast_arrays(*(_value(name, value, rule) for name, value, rule in inputs))
    result: dict[str, float | NDArray[np.float64]] = {}
    for key, formula, function in outputs:
        with np.errstate(over="ignore"):
            values = function(*arrays)  # type: ignore[operator]
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{key} = {formula} exceeds float64's range (> 1.8e308)")
        result[key] = _out(values)
    return result


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
    return _convert(
        [("n_samples", n_samples, "positive"), ("lr", lr, "positive"), ("noise_var", noise_var, "nonnegative"),
         ("weight_decay", weight_decay, "nonnegative")],
        [("tau", "n_samples/lr", lambda n, a, s2, g: n / a), ("eps", "n_samples·noise_var", lambda n, a, s2, g: n * s2),
         ("kappa", "n_samples·weight_decay", lambda n, a, s2, g: n * g)],
    )


def to_training(*, n_samples: ArrayLike, tau: ArrayLike, eps: ArrayLike = 0.0,
                kappa: ArrayLike = 0.0) -> dict[str, float | NDArray[np.float64]]:
    """The training setting of mode units: ``{"lr": N/τ, "noise_var": ε/N, "weight_decay": κ/N}``.

    The inverse of :func:`from_training` for the same ``n_samples``.

    Example:
        >>> from symdae.units import to_training
        >>> to_training(n_samples=1000, tau=1e5, eps=100.0)
        {'lr': 0.01, 'noise_var': 0.1, 'weight_decay': 0.0}
    """
    return _convert(
        [("n_samples", n_samples, "positive"), ("tau", tau, "positive"), ("eps", eps, "nonnegative"),
         ("kappa", kappa, "nonnegative")],
        [("lr", "n_samples/tau", lambda n, t, e, k: n / t), ("noise_var", "eps/n_samples", lambda n, t, e, k: e / n),
         ("weight_decay", "kappa/n_samples", lambda n, t, e, k: k / n)],
    )
