"""The sweep's results table: one row per finished run and recorded direction (``OUT/results.parquet``, ``.csv``).

Load it with ``pandas.read_parquet("OUT/results.parquet")``. The columns are
:data:`COLUMNS`, in that order. Times to 50 % and 90 % are the first
*recorded* epoch at which the mapping reaches that fraction of the theory's
fixed point ``λ/(λ + ε + κ)`` (NaN if it never does within the run, or the
fixed point is 0); measured and predicted use the same epochs, so they are
compared at the same resolution (``every``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np

from symdae._io import write_atomic
from symdae.experiments import Experiment, ResultMissing, mode_units, read_result
from symdae.sweep._plan import Run, configuration

PARQUET, CSV = "results.parquet", "results.csv"
TABLE_FILES = (PARQUET, CSV)
CONFIG_COLUMNS = tuple(f.name for f in fields(Experiment) if f.name != "data_root")
COLUMNS: dict[str, str] = {
    "run": "the run's key (its folder OUT/runs/<run>)",
    **{name: f"configuration: {name}" for name in CONFIG_COLUMNS},
    "direction": "the direction j (1-based; eigenvalues in descending order)",
    "eigenvalue": "λ_j of Σ = XᵀX (a sum over the N images)",
    "tau": "τ = N/α, the time scale in epochs (nonlinear: of the equivalent linear network, α = 2·lr/D)",
    "eps": "ε = N·s² (noise_var)",
    "kappa": "κ = N·γ (nonlinear: γ = weight_decay·D/2)",
    "fixed_point": "the theory's final mapping λ/(λ + ε + κ)",
    "final_measured": "the measured mapping at the last epoch",
    "final_theory": "the theory's mapping at the last epoch (discrete time: one gradient step per epoch)",
    "final_theory_continuous": "the same in continuous time",
    "final_error": "final_measured − final_theory",
    "epochs_to_half_measured": "first recorded epoch with the measured mapping ≥ 50 % of fixed_point",
    "epochs_to_90_measured": "the same for 90 %",
    "epochs_to_half_theory": "the same for the theory's (discrete-time) mapping",
    "epochs_to_90_theory": "the same for 90 %",
    "max_error_continuous": "max over recorded epochs of |measured − theory| (continuous time)",
    "max_error_discrete": "the same against discrete time",
    "wall_time_s": "the run's wall time (data, training, theory)",
    "train_time_s": "training time alone",
    "device_used": "the device the run trained on",
    "init_std_used": "the initial weights' std the run used",
    "data_nature": "exact, or the approximation the data is (cifar10 here: JPEG-decoded pixels)",
    "data_provenance": "the data's identity (from its checksums)",
    "symdae_version": "the symdae that ran it",
    "torch_version": "the torch that trained it",
    "result_sha256": "SHA-256 of the run's result.npz",
}


def _first_reached(epochs: np.ndarray, values: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per column, the first epoch with ``values >= target`` (NaN where never, or target <= 0)."""
    reached = (values >= target[None, :]) & (target[None, :] > 0)
    first = np.argmax(reached, axis=0)
    return np.where(reached.any(axis=0), epochs[first].astype(float), np.nan)


def _fixed_points(lam: np.ndarray, eps: float, kappa: float) -> np.ndarray:
    from symdae.kernels import fixed_point

    result = np.full(lam.shape, np.nan)
    moving = (lam + eps + kappa) > 0
    if moving.any():
        result[moving] = np.asarray(fixed_point(lam=lam[moving], eps=eps, kappa=kappa), dtype=float)
    return result


def rows(run: Run, folder: Path) -> list[dict[str, Any]]:
    """The rows of one finished run (:class:`~symdae.experiments.ResultMissing` if it has no result)."""
    stored = read_result(folder)
    exp, record, arrays = run.experiment, stored.record, stored.arrays
    mode = mode_units(exp)
    tau, eps, kappa = mode["tau"], mode["eps"], mode["kappa"]
    measured, theory, discrete = arrays["measured"], arrays["theory"], arrays["theory_discrete"]
    epochs = arrays["epochs"]
    k = measured.shape[1]
    lam = np.asarray(arrays["eigenvalues"][:k], dtype=float)
    fixed = _fixed_points(lam, eps, kappa)
    times = {f"epochs_to_{name}_{side}": _first_reached(epochs, values, fixed * fraction)
             for name, fraction in (("half", 0.5), ("90", 0.9))
             for side, values in (("measured", measured), ("theory", discrete))}
    err_c = np.nanmax(np.abs(measured - theory), axis=0) if len(epochs) else np.full(k, np.nan)
    err_d = np.nanmax(np.abs(measured - discrete), axis=0) if len(epochs) else np.full(k, np.nan)
    config = configuration(exp)
    data = record.get("data", {})
    common = {"run": run.key, **{name: config[name] for name in CONFIG_COLUMNS}, "tau": tau, "eps": eps,
              "kappa": kappa, "wall_time_s": record.get("wall_time_s"), "train_time_s": record.get("train_time_s"),
              "device_used": record.get("device"), "init_std_used": record.get("init_std"),
              "data_nature": data.get("nature"), "data_provenance": data.get("provenance"),
              "symdae_version": record.get("versions", {}).get("symdae"),
              "torch_version": record.get("versions", {}).get("torch"),
              "result_sha256": record.get("result_npz", {}).get("sha256")}
    out = []
    for j in range(k):
        out.append({**common, "direction": j + 1, "eigenvalue": lam[j], "fixed_point": fixed[j],
                    "final_measured": measured[-1, j], "final_theory": discrete[-1, j],
                    "final_theory_continuous": theory[-1, j], "final_error": measured[-1, j] - discrete[-1, j],
                    **{name: values[j] for name, values in times.items()},
                    "max_error_continuous": err_c[j], "max_error_discrete": err_d[j]})
    return out


def table(out: Path | str, runs: Sequence[Run]) -> Any:
    """The results table of ``runs`` (a pandas ``DataFrame``, columns :data:`COLUMNS`); runs without a result
    are left out."""
    import pandas as pd

    collected: list[dict[str, Any]] = []
    for run in runs:
        try:
            collected.extend(rows(run, run.folder(Path(out))))
        except ResultMissing:
            continue
    frame = pd.DataFrame(collected, columns=list(COLUMNS))
    for name in ("directions", "init_std"):  # optional settings: nullable, never object columns of None
        frame[name] = pd.to_numeric(frame[name]).astype("Int64" if name == "directions" else "Float64")
    return frame


def write_table(out: Path | str, runs: Sequence[Run]) -> list[Path]:
    """Write ``out/results.parquet`` and ``out/results.csv`` atomically; return their paths."""
    frame = table(out, runs)
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    paths = [write_atomic(Path(out) / PARQUET, buffer.getvalue()),
             write_atomic(Path(out) / CSV, frame.to_csv(index=False))]
    return paths
