"""The noise level (or weight decay) that minimises the predicted held-out loss."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from symdae.tuning._checks import FRACTIONS, GRID_POINTS, Engine, FloatArray, Start, _array, _real, _whole
from symdae.tuning._heldout import HeldOut, expected_start
from symdae.tuning._predict import (
    HeldoutPrediction,
    converged_heldout_loss,
    epochs_to_fractions,
    epochs_to_within,
    predict_heldout,
)


# ---------------------------------------------------------------------------
# Search.
def minimise_scalar(f: Callable[[float], float], lower: float, upper: float, *, xtol: float = 1e-5,
                    maxiter: int = 200) -> tuple[float, float, int]:
    """``(x, f(x), evaluations)``: a local minimum of ``f`` on ``[lower, upper]`` by Brent's bounded method.

    Golden-section steps, replaced by parabolic interpolation where that is safe (as
    ``scipy.optimize.fminbound``, which symdae does not depend on); stops when the bracket is within
    ``xtol`` (absolute, plus ``√ε_mach |x|``). Unimodal ``f`` on the interval gives its minimum; the ends
    themselves are not evaluated (the minimum of a monotone ``f`` is approached to within ``xtol``).
    """
    a, b = _real("lower", lower, "any"), _real("upper", upper, "any")
    if not a < b:
        raise ValueError(f"lower must be < upper; got [{a:g}, {b:g}]")
    tol = _real("xtol", xtol, "positive")
    limit = _whole("maxiter", maxiter, 1)
    sqrt_eps = math.sqrt(np.finfo(np.float64).eps)
    golden = 0.5 * (3.0 - math.sqrt(5.0))
    xf = nfc = fulc = a + golden * (b - a)
    fx = float(f(xf))
    count = 1
    ffulc = fnfc = fx
    rat = e = 0.0
    xm = 0.5 * (a + b)
    tol1 = sqrt_eps * abs(xf) + tol / 3.0
    tol2 = 2.0 * tol1
    while abs(xf - xm) > tol2 - 0.5 * (b - a) and count < limit:
        golden_step = True
        if abs(e) > tol1:  # try a parabola through the three best points
            golden_step = False
            r = (xf - nfc) * (fx - ffulc)
            q = (xf - fulc) * (fx - fnfc)
            p = (xf - fulc) * q - (xf - nfc) * r
            q = 2.0 * (q - r)
            if q > 0.0:
                p = -p
            q = abs(q)
            r, e = e, rat
            if abs(p) < abs(0.5 * q * r) and q * (a - xf) < p < q * (b - xf):
                rat = p / q
                x = xf + rat
                if x - a < tol2 or b - x < tol2:
                    rat = tol1 * (1.0 if xm >= xf else -1.0)
            else:
                golden_step = True
        if golden_step:
            e = a - xf if xf >= xm else b - xf
            rat = golden * e
        x = xf + (1.0 if rat >= 0 else -1.0) * max(abs(rat), tol1)
        fu = float(f(x))
        count += 1
        if fu <= fx:
            if x >= xf:
                a = xf
            else:
                b = xf
            fulc, ffulc, nfc, fnfc, xf, fx = nfc, fnfc, xf, fx, x, fu
        else:
            if x < xf:
                a = x
            else:
                b = x
            if fu <= fnfc or nfc == xf:
                fulc, ffulc, nfc, fnfc = nfc, fnfc, x, fu
            elif fu <= ffulc or fulc == xf or fulc == nfc:
                fulc, ffulc = x, fu
        xm = 0.5 * (a + b)
        tol1 = sqrt_eps * abs(xf) + tol / 3.0
        tol2 = 2.0 * tol1
    return xf, fx, count


def _minimise_on_grid(f: Callable[[float], float], grid: FloatArray, values: FloatArray, xtol: float,
                      refine: bool) -> tuple[float, float, int, str]:
    """Refine the grid's argmin between its neighbours (in log space where both are > 0).

    Returns ``(x, f(x), evaluations, where)``; ``where`` is ``"interior"``, ``"lower edge"`` or ``"upper edge"``
    of the grid.
    """
    best = int(np.argmin(values))
    where = "interior" if 0 < best < grid.size - 1 else "lower edge" if best == 0 else "upper edge"
    if not refine or grid.size < 2 or (best == 0 and grid[0] == 0 and values[0] < values[1]):
        return float(grid[best]), float(values[best]), 0, where
    lo, hi = grid[max(best - 1, 0)], grid[min(best + 1, grid.size - 1)]
    if lo > 0:
        u, fu, count = minimise_scalar(lambda v: f(math.exp(v)), math.log(lo), math.log(hi), xtol=xtol)
        x = math.exp(u)
    else:
        x, fu, count = minimise_scalar(f, lo, hi, xtol=xtol * hi)
    if fu > values[best]:  # the grid point is better (f is not unimodal there, or the minimum is at the end)
        return float(grid[best]), float(values[best]), count, where
    return x, fu, count, where


@dataclass(frozen=True)
class Recommendation:
    """:func:`recommend`'s answer. ``over`` names the tuned setting (``"noise_var"`` or ``"weight_decay"``).

    Attributes:
        value: the recommended ``s²`` (or ``γ``); ``predicted_heldout_loss`` the predicted ``L_test`` there
            after ``epochs`` epochs.
        best_epoch, best_epoch_loss: the epoch ``<= T`` at which the predicted ``L_test`` is lowest at ``value``,
            and that loss (early stopping; ``best_epoch = epochs`` when training to ``T`` is best).
        epochs_to_within: epochs until the predicted ``L_test`` stays within 1% of its value at ``T``.
        grid, grid_loss: the grid searched and the predicted ``L_test`` at ``T`` on it.
        where: where on the grid the minimum lay (``"interior"``, ``"lower edge"``, ``"upper edge"``).
        evaluations: predictions made by the 1-D minimisation.
        early_stopping: ``{"value", "epochs", "predicted_heldout_loss"}``, the joint optimum over the setting
            and the epoch ``<= T``.
        baselines: the predicted ``L_test`` at ``T`` of the naive choices: ``s² = s_t²`` and the converged
            (``T → ∞``) optimum, each ``{"value", "predicted_heldout_loss", "converged_heldout_loss"}``.
        prediction: the :class:`HeldoutPrediction` at ``value``, with its trajectory and crossings.
        fractions: continuous-time epochs to 50% / 90% of each direction's fixed point ``(K, 2)`` at ``value``
            (``nan`` where there is nothing to learn; noise only, from the expected start).
        settings: the settings of the prediction.
    """

    over: str
    value: float
    predicted_heldout_loss: float
    epochs: int
    best_epoch: int
    best_epoch_loss: float
    epochs_to_within: int
    grid: FloatArray
    grid_loss: FloatArray
    where: str
    evaluations: int
    early_stopping: dict[str, float]
    baselines: dict[str, dict[str, float]]
    prediction: HeldoutPrediction
    fractions: FloatArray | None
    settings: dict[str, object]


def default_grid(*, eigenvalues: ArrayLike, n_samples: int, test_noise_var: float, points: int = GRID_POINTS,
                 over: str = "noise_var") -> FloatArray:
    """``0`` and ``points`` log-spaced values: ``s_t² · [1e-4, 1e2]`` for the noise when ``s_t² > 0``, else
    (and for the weight decay) ``λ1/N · [1e-6, 1]``."""
    lam = _array("eigenvalues", eigenvalues)
    st2 = _real("test_noise_var", test_noise_var)
    scale = float(lam[0]) / _whole("n_samples", n_samples, 1)
    lo, hi = (st2 * 1e-4, st2 * 1e2) if over == "noise_var" and st2 > 0 else (scale * 1e-6, scale)
    return np.concatenate([[0.0], np.geomspace(lo, hi, _whole("points", points, 2))])


def recommend(*, eigenvalues: ArrayLike, heldout: HeldOut, n_samples: int, lr: float, epochs: int,
              test_noise_var: float, hidden: int | None = None, init_std: float | None = None,
              start: Start = "expected", w1_0: ArrayLike | None = None, w2_0: ArrayLike | None = None,
              over: Literal["noise_var", "weight_decay"] = "noise_var", grid: ArrayLike | None = None,
              refine: bool = True, xtol: float = 1e-4, engine: Engine = "numpy") -> Recommendation:
    """The noise variance ``s²`` (or weight decay ``γ``) that minimises the predicted ``L_test`` after ``epochs``.

    The predicted ``L_test`` (:func:`predict_heldout`) on ``grid`` (default :func:`default_grid`: 0 and 64
    log-spaced values); then, with ``refine``, Brent's bounded minimisation (:func:`minimise_scalar`) between
    the grid argmin's neighbours, in ``log s²`` to ``xtol`` (relative). The other options are those of
    :func:`predict_heldout`. ``xtol = 1e-4`` places the optimum far more finely than the loss can tell apart
    near it (its minima are shallow).
    """
    if over not in ("noise_var", "weight_decay"):
        raise ValueError(f"over must be 'noise_var' or 'weight_decay'; got {over!r}")
    lam = _array("eigenvalues", eigenvalues)
    n = _whole("n_samples", n_samples, 1)
    st2 = _real("test_noise_var", test_noise_var)
    values = default_grid(eigenvalues=lam, n_samples=n, test_noise_var=st2, over=over) if grid is None else \
        np.unique(_array("grid", grid))
    if values.size == 0:
        raise ValueError("grid must hold at least one value")
    common: dict[str, Any] = {"eigenvalues": lam, "heldout": heldout, "n_samples": n, "lr": lr, "epochs": epochs,
              "test_noise_var": st2, "hidden": hidden, "init_std": init_std, "start": start, "w1_0": w1_0,
              "w2_0": w2_0, "engine": engine}

    def setting(x: ArrayLike) -> dict[str, Any]:
        return {over: x}

    on_grid = predict_heldout(**common, **setting(values), trajectory=True)

    def at_t(x: float) -> float:
        return float(predict_heldout(**common, **setting(x)).loss[0])

    value, loss, count, where = _minimise_on_grid(at_t, values, on_grid.loss, xtol, refine)
    best = predict_heldout(**common, **setting(value), trajectory=True, crossings=True)
    assert best.loss_over_epochs is not None and on_grid.loss_over_epochs is not None
    curve = best.loss_over_epochs[0]

    # the joint optimum over the setting and the epoch (early stopping), refined like the first
    def min_over_t(x: float) -> float:
        run = predict_heldout(**common, **setting(x), trajectory=True)
        assert run.loss_over_epochs is not None
        return float(run.loss_over_epochs[0].min())

    early_value, early_loss, extra, _ = _minimise_on_grid(min_over_t, values, on_grid.loss_over_epochs.min(axis=1),
                                                          xtol, refine)
    early = predict_heldout(**common, **setting(early_value), trajectory=True)
    assert early.loss_over_epochs is not None
    early_stopping = {"value": early_value, "epochs": int(np.argmin(early.loss_over_epochs[0])),
                      "predicted_heldout_loss": early_loss}

    baselines: dict[str, dict[str, float]] = {}
    if over == "noise_var":
        def converged(x: float) -> float:
            return float(converged_heldout_loss(eigenvalues=lam, heldout=heldout, n_samples=n, test_noise_var=st2,
                                                noise_var=x)[0])

        conv_grid = converged_heldout_loss(eigenvalues=lam, heldout=heldout, n_samples=n, test_noise_var=st2,
                                           noise_var=values)
        conv_value = _minimise_on_grid(converged, values, conv_grid, xtol, refine)[0]
        for name, x in (("test_noise_var", st2), ("converged_optimum", conv_value)):
            baselines[name] = {"value": x, "predicted_heldout_loss": at_t(x), "converged_heldout_loss": converged(x)}

    fractions = None
    if over == "noise_var" and w1_0 is None and start == "expected" and hidden is not None and init_std is not None:
        fractions = np.full((lam.size, len(FRACTIONS)), np.nan)
        moving = lam > 0  # with noise the fixed point λ/(λ + ε) is > 0 exactly there
        if moving.any():
            fractions[moving] = epochs_to_fractions(eigenvalues=lam[moving], n_samples=n, lr=lr, noise_var=value,
                                                    w2_0=expected_start(hidden=hidden, init_std=init_std)[1])
    settings = {**best.settings, "over": over, "grid_points": int(values.size), "xtol": xtol, "refine": refine}
    return Recommendation(
        over=over, value=value, predicted_heldout_loss=loss, epochs=best.epochs,
        best_epoch=int(np.argmin(curve)), best_epoch_loss=float(curve.min()),
        epochs_to_within=int(epochs_to_within(curve)), grid=values, grid_loss=on_grid.loss, where=where,
        evaluations=count + extra, early_stopping=early_stopping, baselines=baselines, prediction=best,
        fractions=fractions, settings=settings)
