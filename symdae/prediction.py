"""``symdae predict``: per-direction predictions from a dataset's spectrum alone, without training.

The start is the typical small random initialisation of a network with ``H``
hidden units and weights ``N(0, σ0²)``: for every direction ``|a ± b|² ≈ 2Hσ0²``
and no initial mapping, i.e. effective scalar weights ``w1 = 0``,
``w2 = √(2Hσ0²)`` (see :mod:`symdae.theory`).

Directions with ``λ = 0`` (pixels that are zero in every image; eigenvalues
below the rounding of the eigendecomposition, ``D·ε_mach·λ1``, count as 0) are shown as
they are: with noise or weight decay the loss still curves there and the
fixed point is 0 (nothing to learn, so no times); without either the loss is
flat in that direction and nothing moves ("no dynamics": no fixed point, no
optimal rate).
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass

import numpy as np

from symdae.kernels import equivalent_kappa, fixed_point, mode_trajectory, optimal_tau, time_to_fraction
from symdae.units import from_training, to_training

FRACTIONS = (0.5, 0.9)


def epochs_to_fractions(lam: np.ndarray, eps: float, kappa: float, tau: float, w2_0: float,
                        fractions: tuple[float, ...] = FRACTIONS) -> np.ndarray:
    """Epochs until each mode first reaches each fraction of its fixed point, shape ``(K, F)``.

    Exact closed form without weight decay (:func:`time_to_fraction`); with it,
    the first epoch at which :func:`mode_trajectory` reaches the target, on
    whole epochs up to ``1e7`` (``inf`` if later, or never).
    """
    frac = np.asarray(fractions)[None, :]
    if kappa == 0:
        return np.asarray(time_to_fraction(frac, lam=lam[:, None], eps=eps, tau=tau, w1_0=0.0, w2_0=w2_0))
    epochs = np.unique(np.round(np.geomspace(1, 1e7, 4000)))
    w = np.asarray(mode_trajectory(epochs, lam=lam[:, None], eps=eps, kappa=kappa, tau=tau, w1_0=0.0, w2_0=w2_0))
    target = np.asarray(fixed_point(lam=lam, eps=eps, kappa=kappa))[:, None, None] * frac[..., None]
    reached = (w[:, None, :] >= target) & (target > 0)
    first = np.where(reached.any(axis=2), epochs[np.argmax(reached, axis=2)], np.inf)
    return first


class PredictionError(ValueError):
    """Settings ``symdae predict`` cannot tabulate; the message names the option."""


def check_settings(dataset: str, samples: int, lr: float, *, noise_var: float = 0.0, weight_decay: float = 0.0,
                   hidden: int = 256, init_std: float = 1e-4, top: int = 32) -> tuple[float, float, float, float]:
    """``(τ, ε, κ, w2_0)`` of the settings, or :class:`PredictionError` naming the option and the rule."""
    from symdae.experiments import DIMENSIONS, MAX_INIT_STD, TRAIN_IMAGES

    if dataset not in DIMENSIONS:
        raise PredictionError(f"--dataset must be one of {', '.join(DIMENSIONS)}; got {dataset!r}")
    for name, value, most in (("samples", samples, TRAIN_IMAGES[dataset]), ("hidden", hidden, None),
                              ("top", top, DIMENSIONS[dataset])):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise PredictionError(f"--{name} must be a whole number; got {value!r}")
        if value < 1:
            raise PredictionError(f"--{name} must be >= 1; got {value}")
        if most is not None and value > most:
            what = "training images" if name == "samples" else "directions"
            raise PredictionError(f"--{name} must be <= {most} (the {most} {dataset} {what}); got {value}")
    for option, number, positive in (("lr", lr, True), ("init-std", init_std, True),
                                     ("noise-var", noise_var, False), ("weight-decay", weight_decay, False)):
        if isinstance(number, bool) or not isinstance(number, int | float | np.floating) or \
                not math.isfinite(number):
            raise PredictionError(f"--{option} must be a finite number; got {number!r}")
        if (number <= 0) if positive else (number < 0):
            raise PredictionError(f"--{option} must be {'>' if positive else '>='} 0; got {number:g}")
    if init_std > MAX_INIT_STD:
        raise PredictionError(f"--init-std must be <= {MAX_INIT_STD:g} (the theory's small random start); got "
                              f"{init_std:g}")
    try:
        mode = from_training(n_samples=samples, lr=lr, noise_var=noise_var, weight_decay=weight_decay)
    except ValueError as err:  # "tau = n_samples/lr exceeds float64's range": name the option
        flag, what = {"tau": ("--lr", "N/lr, the time scale τ in epochs"), "eps": ("--noise-var", "N·s², the noise ε"),
                      "kappa": ("--weight-decay", "N·γ, the weight decay κ")}[str(err).split(" ", 1)[0]]
        raise PredictionError(f"{flag} is out of range: {what}, overflows with --samples {samples}") from None
    tau, eps, kappa = (float(mode[k]) for k in ("tau", "eps", "kappa"))
    return tau, eps, kappa, math.sqrt(2 * hidden) * init_std


COLUMNS = ("direction", "eigenvalue", "fixed_point", "epochs_to_50", "epochs_to_90", "optimal_lr",
           "equivalent_weight_decay")
"""Columns of :func:`predictions` (``direction`` counts from 1, largest eigenvalue first)."""


@dataclass(frozen=True)
class Predictions:
    """Per-direction predictions of one setting: ``settings`` (training and mode units) and one row per direction.

    A value that does not exist is ``None``: no fixed point, optimal rate or times where the loss
    is flat (``λ = ε = κ = 0``), no times where the fixed point is 0 (the mode starts there).
    ``inf`` is a time never reached.
    """

    settings: dict[str, object]
    rows: list[dict[str, float | int | None]]
    notes: list[str]

    def table(self) -> str:
        """The aligned text table ``symdae predict`` prints."""
        s = self.settings
        lines = [
            f"{s['dataset']}, N = {s['samples']} ({s['data']}), α = {s['lr']:g}, s² = {s['noise_var']:g}, "
            f"γ = {s['weight_decay']:g}; τ = {s['tau']:g}, ε = {s['eps']:g}, κ = {s['kappa']:g}; start: "
            f"H = {s['hidden']}, σ0 = {s['init_std']:g}",
            f"{'dir':>4} {'λ':>12} {'fixed point':>12} {'t50%':>10} {'t90%':>10} {'α*':>12} {'γ≡ε':>12}",
        ]
        for row in self.rows:
            head = f"{row['direction']:>4} {row['eigenvalue']:12.5g}"
            if row["fixed_point"] is None:
                lines.append(f"{head} {'none':>12} {'-':>10} {'-':>10} {'-':>12} {row['equivalent_weight_decay']:12.5g}"
                             "  no dynamics: λ = ε = κ = 0, the loss is flat here")
                continue
            lines.append(f"{head} {row['fixed_point']:12.5g} {_epochs(row['epochs_to_50'])} "
                         f"{_epochs(row['epochs_to_90'])} {row['optimal_lr']:12.5g} "
                         f"{row['equivalent_weight_decay']:12.5g}")
        return "\n".join([*lines, *self.notes])

    def csv(self) -> str:
        """One header line of :data:`COLUMNS` and one line per direction (empty where a value does not exist)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in self.rows:
            writer.writerow(["" if row[c] is None else repr(row[c]) if isinstance(row[c], float) else row[c]
                             for c in COLUMNS])
        return out.getvalue()

    def json(self) -> str:
        """``{"settings": …, "columns": …, "rows": [...], "notes": [...]}``; times never reached are ``"inf"``."""
        rows = [{c: ("inf" if isinstance(v, float) and math.isinf(v) else v) for c, v in row.items()}
                for row in self.rows]
        return json.dumps({"settings": self.settings, "columns": list(COLUMNS), "rows": rows, "notes": self.notes},
                          indent=2, allow_nan=False, ensure_ascii=False)


def predict_dataset(dataset: str, samples: int, lr: float, *, noise_var: float = 0.0, weight_decay: float = 0.0,
                    hidden: int = 256, init_std: float = 1e-4, data_root: str | None = None,
                    top: int = 32) -> str:
    """The text table of :func:`predictions` (what ``symdae predict`` prints by default)."""
    return predictions(dataset, samples, lr, noise_var=noise_var, weight_decay=weight_decay, hidden=hidden,
                       init_std=init_std, data_root=data_root, top=top).table()


def predictions(dataset: str, samples: int, lr: float, *, noise_var: float = 0.0, weight_decay: float = 0.0,
                hidden: int = 256, init_std: float = 1e-4, data_root: str | None = None,
                top: int = 32) -> Predictions:
    """Predictions for the first ``top`` directions of ``dataset``'s first ``samples`` images.

    Raises :class:`PredictionError` (a ``ValueError`` naming the option) for
    settings that cannot be tabulated, before any data is read.
    """
    from symdae.data import load, spectrum

    tau, eps, kappa, w2_0 = check_settings(dataset, samples, lr, noise_var=noise_var, weight_decay=weight_decay,
                                           hidden=hidden, init_std=init_std, top=top)
    try:
        data = load(dataset, n=samples, data_root=data_root)
    except ValueError as err:
        if str(err).startswith(f"n = {samples} exceeds"):
            raise PredictionError(f"--samples {samples}{str(err)[len(f'n = {samples}'):]}") from None
        raise
    eigenvalues = np.asarray(spectrum(data).eigenvalues, dtype=np.float64)
    shown = eigenvalues[:top]
    # below the rounding of the eigendecomposition (D·ε_mach·λ1) an eigenvalue is numerically 0
    rounding = eigenvalues.size * np.finfo(np.float64).eps * max(float(eigenvalues[0]), 0.0)
    null = shown <= rounding
    lam = np.where(null, 0.0, shown)
    flat = (lam == 0) & (eps == 0) & (kappa == 0)  # the loss does not depend on these directions: no dynamics
    curved = ~flat
    star = np.full(lam.size, np.nan)
    rate = np.full(lam.size, np.nan)
    times = np.full((lam.size, len(FRACTIONS)), np.nan)
    if curved.any():
        star[curved] = fixed_point(lam=lam[curved], eps=eps, kappa=kappa)
        best = optimal_tau(lam=lam[curved], eps=eps, kappa=kappa)
        rate[curved] = to_training(n_samples=samples, tau=best)["lr"]
        moving = curved & (star > 0)  # a fixed point of 0 is where the mode starts: nothing to learn
        if moving.any():
            times[moving] = epochs_to_fractions(lam[moving], eps, kappa, tau, w2_0)
    equivalent = equivalent_kappa(lam=lam, eps=eps)
    gamma = np.asarray(to_training(n_samples=samples, tau=tau, kappa=equivalent)["weight_decay"])
    rows: list[dict[str, float | int | None]] = []
    for j in range(lam.size):
        def value(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        rows.append({"direction": j + 1, "eigenvalue": float(shown[j]), "fixed_point": value(star[j]),
                     "epochs_to_50": value(times[j, 0]), "epochs_to_90": value(times[j, 1]),
                     "optimal_lr": value(rate[j]), "equivalent_weight_decay": float(gamma[j])})
    notes = ["t50%, t90%: epochs to 50% / 90% of the fixed point ('-': the fixed point is 0, where the mode "
             "starts); α*: learning rate matching the curvature at w1 = w2 = 1 (Supp. D); γ≡ε: weight decay "
             "with the same fixed point as the noise (Supp. E)"]
    if (null & (shown != 0)).any():
        notes.append(f"{int((null & (shown != 0)).sum())} eigenvalue(s) below the rounding of the eigendecomposition "
                     f"(D·ε_mach·λ1 = {rounding:.3g}) are taken as λ = 0")
    if flat.any():
        notes.append(f"{int(flat.sum())} direction(s) with λ = 0 and neither noise nor weight decay: the loss does "
                     "not depend on them, so training leaves them where they start")
    settings: dict[str, object] = {
        "dataset": dataset, "samples": samples, "data": data.nature, "lr": lr, "noise_var": noise_var,
        "weight_decay": weight_decay, "hidden": hidden, "init_std": init_std, "top": top,
        "tau": tau, "eps": eps, "kappa": kappa, "w1_0": 0.0, "w2_0": w2_0,
        "units": "λ: eigenvalue of Σ = XᵀX (a sum over the N images); times in epochs; optimal_lr: α* = N/τ*",
    }
    return Predictions(settings, rows, notes)


def _epochs(value: float | None) -> str:
    if value is None or math.isnan(value):
        return f"{'-':>10}"
    if math.isinf(value) or value < 1e7:
        return f"{value:10.0f}"
    return f"{value:10.3g}"
