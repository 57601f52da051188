"""The held-out loss predicted over noise levels and epochs, from exact per-direction dynamics."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from symdae.tuning._checks import FRACTIONS, WITHIN, Engine, FloatArray, Start, _array, _real, _whole
from symdae.tuning._heldout import HeldOut, capacity_start, expected_start, heldout_loss


# ---------------------------------------------------------------------------
# Prediction.
@dataclass(frozen=True)
class HeldoutPrediction:
    """Predicted ``L_test`` over a grid of ``G`` settings (``noise_var``, ``weight_decay``) and ``K`` directions.

    ``loss`` ``(G,)`` and ``per_direction``, ``mapping`` ``(G, K)`` are after ``epochs`` epochs;
    ``loss_over_epochs`` ``(G, epochs + 1)`` at every epoch ``0 … T`` (``None`` unless asked for);
    ``first_reached`` ``(G, K, F)``: the first epoch ``<= T`` at which each direction reached each of
    ``FRACTIONS`` of its fixed point (``inf`` if not by ``T``; ``None`` unless asked for).
    """

    noise_var: FloatArray
    weight_decay: FloatArray
    epochs: int
    loss: FloatArray
    per_direction: FloatArray
    mapping: FloatArray
    loss_over_epochs: FloatArray | None = None
    first_reached: FloatArray | None = None
    settings: dict[str, object] = field(default_factory=dict)


def _iterate_numpy(lam: FloatArray, eps: FloatArray, kappa: FloatArray, tau: float, w1: FloatArray, w2: FloatArray,
                   steps: int, on_step: Callable[[int, FloatArray], None] | None) -> FloatArray:
    """``steps`` simultaneous gradient steps ``w ← w − (1/τ)∇ℓ`` of the mode loss, arrays ``(G, K)``."""
    a, b = w1.copy(), w2.copy()
    total = lam + eps
    decay = kappa / tau
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, steps + 1):
            r = (lam - total * (a * b)) / tau
            a, b = a + b * r - decay * a, b + a * r - decay * b
            if on_step is not None:
                on_step(step, a * b)
    return a * b


def _iterate_kernel(lam: FloatArray, eps: FloatArray, kappa: FloatArray, tau: float, w1: FloatArray, w2: FloatArray,
                    steps: int, on_step: Callable[[int, FloatArray], None] | None) -> FloatArray:
    from symdae.kernels import gd_iterates

    if on_step is None:
        a, b = gd_iterates(steps, lam=lam, eps=eps, kappa=kappa, tau=tau, w1_0=w1, w2_0=w2)
        return np.asarray(a) * np.asarray(b)
    counts = np.arange(steps + 1, dtype=np.float64)
    rows = []
    for g in range(lam.shape[0]):  # one grid point at a time: (K, T + 1) weights, not (G, K, T + 1)
        a, b = gd_iterates(counts, lam=lam[g][:, None], eps=eps[g][:, None], kappa=kappa[g][:, None], tau=tau,
                           w1_0=w1[g][:, None], w2_0=w2[g][:, None])
        rows.append(np.asarray(a) * np.asarray(b))
    trajectory = np.stack(rows)  # (G, K, T + 1)
    for step in range(1, steps + 1):
        on_step(step, trajectory[:, :, step])
    return trajectory[:, :, -1]


def _per_direction(name: str, value: ArrayLike, k: int, dim: int) -> FloatArray:
    """One start value for all ``k`` directions, or one per direction (``k`` or all ``dim`` of them)."""
    array = _array(name, value, ndim=None, rule="any")
    if array.ndim == 0:
        return np.full(k, float(array))
    if array.ndim == 1 and array.size in (k, dim):
        return array[:k].copy()
    raise ValueError(f"{name} needs one value or one per direction ({k}, or all {dim}); got shape {array.shape}")


def _fixed_points(lam: FloatArray, eps: FloatArray, kappa: FloatArray) -> FloatArray:
    """The modes' fixed points ``(G, K)`` (0 where the loss is flat or the mode cannot grow)."""
    from symdae.kernels import fixed_point

    flat = (lam == 0) & (eps == 0) & (kappa == 0)
    star = np.asarray(fixed_point(lam=np.where(flat, 1.0, lam), eps=eps, kappa=kappa), dtype=np.float64)
    return np.where(flat, 0.0, star)


def predict_heldout(*, eigenvalues: ArrayLike, heldout: HeldOut, n_samples: int, lr: float, epochs: int,
                    test_noise_var: float, noise_var: ArrayLike = 0.0, weight_decay: ArrayLike = 0.0,
                    hidden: int | None = None, init_std: float | None = None, start: Start = "expected",
                    w1_0: ArrayLike | None = None, w2_0: ArrayLike | None = None, trajectory: bool = False,
                    crossings: bool = False, engine: Engine = "numpy") -> HeldoutPrediction:
    """Predicted held-out loss after ``epochs`` epochs of full-batch gradient descent, over a grid.

    Args:
        eigenvalues: the ``K`` training eigenvalues ``λ_j`` of ``Σ = XᵀX`` (a sum over the N rows), descending;
            the first ``K`` of ``heldout.c`` go with them and the rest of ``tr C_t`` counts with ``m_j = 0``.
        heldout: the held-out second moments (:func:`heldout_moments`).
        n_samples, lr, epochs: N, α and T of training (``τ = N/α``, one step per epoch).
        test_noise_var: ``s_t²``, the test-time corruption (0: the plain held-out reconstruction loss).
        noise_var, weight_decay: ``s²`` and ``γ``, scalars or 1-D grids broadcast together (``G`` settings).
        hidden, init_std: the network's H and σ0, for the start ``start``: ``"expected"``
            (:func:`expected_start`, the default) or ``"capacity"`` (:func:`capacity_start`); or
        w1_0, w2_0: per-direction effective starts (:func:`seed_start`), instead of ``hidden`` and ``init_std``.
        trajectory: also record ``loss_over_epochs``.
        crossings: also record ``first_reached``.
        engine: ``"numpy"`` or ``"kernel"`` (:func:`~symdae.kernels.gd_iterates`); the same iteration.

    Raises:
        ValueError: an option breaks its rule (the message names it), or gradient descent diverges (``lr``
            beyond the stability limit of the largest eigenvalue).
    """
    lam = _array("eigenvalues", eigenvalues)
    if lam.size == 0 or lam.size > heldout.c.size:
        raise ValueError(f"eigenvalues must hold 1 to D = {heldout.c.size} values; got {lam.size}")
    n = _whole("n_samples", n_samples, 1)
    alpha = _real("lr", lr, "positive")
    steps = _whole("epochs", epochs, 0)
    st2 = _real("test_noise_var", test_noise_var)
    if engine not in ("numpy", "kernel"):
        raise ValueError(f"engine must be 'numpy' or 'kernel'; got {engine!r}")
    s2 = _array("noise_var", np.atleast_1d(np.asarray(noise_var, dtype=np.float64)))
    gamma = _array("weight_decay", np.atleast_1d(np.asarray(weight_decay, dtype=np.float64)))
    try:
        s2, gamma = (np.ascontiguousarray(x) for x in np.broadcast_arrays(s2, gamma))
    except ValueError:
        raise ValueError(f"noise_var ({s2.size} values) and weight_decay ({gamma.size}) must broadcast "
                         "together") from None
    if (w1_0 is None) != (w2_0 is None):
        raise ValueError("give both w1_0 and w2_0 (a seed's start), or neither (the expected start)")
    if w1_0 is None:
        if hidden is None or init_std is None:
            raise ValueError("hidden and init_std are needed for the expected start (or give w1_0 and w2_0)")
        if start == "expected":
            first_w1, first_w2 = expected_start(hidden=hidden, init_std=init_std)
            a0, b0 = np.full(lam.size, first_w1), np.full(lam.size, first_w2)
        elif start == "capacity":
            a0, b0 = capacity_start(hidden=hidden, init_std=init_std, directions=lam.size)
        else:
            raise ValueError(f"start must be 'expected' or 'capacity'; got {start!r}")
    else:
        if hidden is not None or init_std is not None:
            raise ValueError("hidden and init_std give the expected start; with w1_0 and w2_0 leave them out")
        assert w2_0 is not None
        a0, b0 = (_per_direction(name, v, lam.size, heldout.c.size) for name, v in (("w1_0", w1_0), ("w2_0", w2_0)))
    rounding = lam.size * np.finfo(np.float64).eps * float(lam[0]) if lam.size else 0.0
    lam = np.where(lam <= rounding, 0.0, lam)  # below the eigendecomposition's rounding: numerically 0
    tau = n / alpha
    grid = s2.size
    lam_g = np.broadcast_to(lam, (grid, lam.size))
    eps_g = np.broadcast_to((n * s2)[:, None], lam_g.shape)
    kappa_g = np.broadcast_to((n * gamma)[:, None], lam_g.shape)
    w1_g = np.ascontiguousarray(np.broadcast_to(a0, lam_g.shape))
    w2_g = np.ascontiguousarray(np.broadcast_to(b0, lam_g.shape))

    over_epochs = first = None
    on_step = None
    if trajectory:
        over_epochs = np.empty((grid, steps + 1))
        over_epochs[:, 0] = heldout_loss(w1_g * w2_g, heldout, test_noise_var=st2)[0]
    if crossings:
        star = _fixed_points(np.ascontiguousarray(lam_g), np.ascontiguousarray(eps_g), np.ascontiguousarray(kappa_g))
        targets = star[..., None] * np.asarray(FRACTIONS)
        first = np.where((w1_g * w2_g)[..., None] >= targets, 0.0, np.inf)
        first[star <= 0] = np.nan  # nothing to learn (a fixed point of 0): no time
    if trajectory or crossings:
        c_k = heldout.c[:lam.size]
        rest = max(heldout.trace - float(c_k.sum()), 0.0) / (2 * heldout.n)

        def on_step(step: int, m: FloatArray) -> None:
            if over_epochs is not None:  # heldout_loss's total, inlined (it runs at every epoch)
                over_epochs[:, step] = ((1 - m) ** 2 @ c_k) / (2 * heldout.n) + st2 / 2 * np.einsum("gk,gk->g", m, m) \
                    + rest
            if first is not None:
                newly = (m[..., None] >= targets) & np.isinf(first)
                if newly.any():
                    first[newly] = step

    iterate = _iterate_numpy if engine == "numpy" else _iterate_kernel
    try:
        mapping = iterate(np.ascontiguousarray(lam_g), np.ascontiguousarray(eps_g), np.ascontiguousarray(kappa_g),
                          tau, w1_g, w2_g, steps, on_step)
    except ValueError as err:  # gd_iterates: the iterates leave float64's range
        raise ValueError(f"lr: gradient descent diverges ({err})") from None
    if not np.isfinite(mapping).all():
        limit = n / float(lam[0]) if lam[0] > 0 else math.inf
        raise ValueError(f"lr: gradient descent diverges with lr = {alpha:g} (the mapping leaves float64's range "
                         f"within {steps} epochs; the largest direction needs lr < about N/λ1 = {limit:.3g})")
    total, per = heldout_loss(mapping, heldout, test_noise_var=st2)
    settings: dict[str, object] = {"n_samples": n, "lr": alpha, "epochs": steps, "tau": tau, "test_noise_var": st2,
                "n_heldout": heldout.n, "directions": int(lam.size), "engine": engine,
                "start": start if w1_0 is None else "given", "hidden": hidden, "init_std": init_std}
    return HeldoutPrediction(s2, gamma, steps, total, per, mapping, over_epochs, first, settings)


def converged_heldout_loss(*, eigenvalues: ArrayLike, heldout: HeldOut, n_samples: int, test_noise_var: float,
                           noise_var: ArrayLike = 0.0, weight_decay: ArrayLike = 0.0) -> FloatArray:
    """``L_test`` at ``T → ∞`` (every direction at its fixed point, as from the expected start), per setting."""
    lam = _array("eigenvalues", eigenvalues)
    n = _whole("n_samples", n_samples, 1)
    s2, gamma = np.broadcast_arrays(_array("noise_var", np.atleast_1d(noise_var)),
                                    _array("weight_decay", np.atleast_1d(weight_decay)))
    shape = (s2.size, lam.size)
    star = _fixed_points(np.ascontiguousarray(np.broadcast_to(lam, shape)),
                         np.ascontiguousarray(np.broadcast_to((n * s2)[:, None], shape)),
                         np.ascontiguousarray(np.broadcast_to((n * gamma)[:, None], shape)))
    return heldout_loss(star, heldout, test_noise_var=test_noise_var)[0]


def epochs_to_within(loss_over_epochs: ArrayLike, fraction: float = WITHIN) -> NDArray[np.int64]:
    """The first epoch from which the loss stays within ``fraction`` (relative) of its value at the last epoch.

    ``loss_over_epochs`` has shape ``(..., T + 1)`` (epochs ``0 … T``).
    """
    loss = np.asarray(loss_over_epochs, dtype=np.float64)
    tol = _real("fraction", fraction, "positive")
    final = loss[..., -1:]
    outside = np.abs(loss - final) > tol * np.abs(final)
    # the last epoch outside the band, + 1 (0 if the loss is always inside)
    reversed_first = np.argmax(outside[..., ::-1], axis=-1)
    last_outside = loss.shape[-1] - 1 - reversed_first
    return np.where(outside.any(axis=-1), last_outside + 1, 0).astype(np.int64)


def epochs_to_fractions(*, eigenvalues: ArrayLike, n_samples: int, lr: float, noise_var: float = 0.0,
                        weight_decay: float = 0.0, w2_0: float, fractions: tuple[float, ...] = FRACTIONS) -> FloatArray:
    """Continuous-time epochs until each direction reaches each fraction of its fixed point, ``(K, F)``
    (from the expected start ``w1 = 0``; :func:`symdae.prediction.epochs_to_fractions`)."""
    from symdae.prediction import epochs_to_fractions as closed_form

    lam = _array("eigenvalues", eigenvalues)
    n = _whole("n_samples", n_samples, 1)
    tau = n / _real("lr", lr, "positive")
    return np.asarray(closed_form(lam, n * _real("noise_var", noise_var), n * _real("weight_decay", weight_decay),
                                  tau, _real("w2_0", w2_0, "positive"), fractions), dtype=np.float64)
