"""symdae.tuning and ``symdae tune``: the predicted held-out loss against plain NumPy, the search, the command.

The references are the plainly correct ones: matrix gradient descent on a tiny synthetic data set from an
aligned start (every direction then is exactly a scalar mode), ``L_test`` computed from the trained ``M``
directly, brute-force argmins on fine grids.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from symdae import tuning
from symdae._cli_tune import add_tune_command
from tests.naive import assert_within, eigenbasis, orthogonal

D, HIDDEN, N, N_T = 5, 3, 40, 30
LR, EPOCHS = 0.02, 400


@pytest.fixture(scope="module")
def synthetic() -> dict[str, Any]:
    """Training rows with a spread spectrum, held-out rows from the same distribution."""
    rng = np.random.default_rng(7)
    scales = np.array([3.0, 2.0, 1.2, 0.7, 0.3])
    mix = orthogonal(rng, D)
    x = rng.normal(size=(N, D)) * scales @ mix.T
    xt = rng.normal(size=(N_T, D)) * scales @ mix.T
    lam, vecs = eigenbasis(x.T @ x)
    return {"x": x, "xt": xt, "lam": lam, "vecs": vecs}


def direct_loss(m: np.ndarray, xt: np.ndarray, test_noise_var: float) -> float:
    """L_test from M directly: 1/(2N_t) Σ_i ||x_i − Mx_i||² + (s_t²/2)||M||²_F."""
    residual = xt - xt @ m.T
    return float(np.sum(residual**2) / (2 * xt.shape[0]) + test_noise_var / 2 * np.sum(m**2))


def aligned_gd(data: dict[str, Any], d1: np.ndarray, d2: np.ndarray, *, noise_var: float = 0.0,
               weight_decay: float = 0.0, epochs: int = EPOCHS) -> np.ndarray:
    """M = W2W1 after matrix gradient descent from W1 = R D1 Vᵀ, W2 = V D2 Rᵀ (the textbook update)."""
    x, vecs = data["x"], data["vecs"]
    rot = orthogonal(np.random.default_rng(3), HIDDEN)
    w1 = rot @ np.diag(d1)[:HIDDEN] @ vecs.T
    w2 = vecs @ np.diag(d2)[:, :HIDDEN] @ rot.T
    sigma = x.T @ x
    for _ in range(epochs):
        g = (w2 @ w1 @ (sigma + N * noise_var * np.eye(D)) - sigma) / N
        w1, w2 = w1 - LR * (w2.T @ g + weight_decay * w1), w2 - LR * (g @ w1.T + weight_decay * w2)
    return w2 @ w1


def starts() -> tuple[np.ndarray, np.ndarray]:
    d1 = np.array([0.02, 0.03, 0.01, 0.0, 0.0])
    d2 = np.array([0.05, 0.02, 0.04, 0.0, 0.0])  # directions beyond H have no hidden unit: zero weights
    return d1, d2


def heldout_of(data: dict[str, Any]) -> tuning.HeldOut:
    return tuning.heldout_moments(eigenvectors=data["vecs"], rows=data["xt"])


@pytest.mark.parametrize("engine", ["numpy", "kernel"])
@pytest.mark.parametrize(("noise_var", "weight_decay"), [(0.0, 0.0), (0.3, 0.0), (0.0, 0.05)])
def test_prediction_is_matrix_gradient_descent_from_an_aligned_start(synthetic: dict[str, Any], engine: str,
                                                                     noise_var: float, weight_decay: float) -> None:
    d1, d2 = starts()
    m = aligned_gd(synthetic, d1, d2, noise_var=noise_var, weight_decay=weight_decay)
    for st2 in (0.0, 0.2):
        pred = tuning.predict_heldout(eigenvalues=synthetic["lam"], heldout=heldout_of(synthetic), n_samples=N,
                                      lr=LR, epochs=EPOCHS, test_noise_var=st2, noise_var=noise_var,
                                      weight_decay=weight_decay, w1_0=d1, w2_0=d2, engine=engine)  # type: ignore[arg-type]
        assert_within(pred.loss[0], direct_loss(m, synthetic["xt"], st2), rel=1e-11, what=f"L_test, s_t² = {st2}")
        mapping = np.einsum("dj,dk,kj->j", synthetic["vecs"], m, synthetic["vecs"])
        assert_within(pred.mapping[0], mapping, rel=1e-10, abs=1e-14, what="diag(VᵀMV)")


def test_fewer_directions_count_the_rest_through_the_trace(synthetic: dict[str, Any]) -> None:
    """heldout.unpredicted: directions left out have m_j = 0 and add (tr C_t − Σ_{j<=K} c_j)/(2N_t)."""
    d1, d2 = starts()
    m = aligned_gd(synthetic, d1, d2, noise_var=0.1)
    pred = tuning.predict_heldout(eigenvalues=synthetic["lam"][:3], heldout=heldout_of(synthetic), n_samples=N,
                                  lr=LR, epochs=EPOCHS, test_noise_var=0.1, noise_var=0.1, w1_0=d1[:3], w2_0=d2[:3])
    assert_within(pred.loss[0], direct_loss(m, synthetic["xt"], 0.1), rel=1e-11)


def test_grid_trajectory_and_crossings_agree_with_single_runs(synthetic: dict[str, Any]) -> None:
    held = heldout_of(synthetic)
    grid = np.array([0.0, 0.05, 0.5])
    common: dict[str, Any] = {"eigenvalues": synthetic["lam"], "heldout": held, "n_samples": N, "lr": LR,
                              "test_noise_var": 0.1, "hidden": HIDDEN, "init_std": 0.01}
    run = tuning.predict_heldout(**common, epochs=EPOCHS, noise_var=grid, trajectory=True, crossings=True)
    assert run.loss_over_epochs is not None and run.first_reached is not None
    assert run.loss_over_epochs.shape == (3, EPOCHS + 1) and run.first_reached.shape == (3, D, 2)
    for g, s2 in enumerate(grid):
        for t in (0, 1, 37, EPOCHS):
            single = tuning.predict_heldout(**common, epochs=t, noise_var=float(s2))
            assert_within(run.loss_over_epochs[g, t], single.loss[0], rel=1e-13)
    first = run.first_reached[1, 0, 0]  # direction 1 reaches half its fixed point at that epoch, not before
    assert math.isfinite(first)
    star = synthetic["lam"][0] / (synthetic["lam"][0] + N * 0.05)
    before = tuning.predict_heldout(**common, epochs=int(first) - 1, noise_var=0.05).mapping[0, 0]
    at = tuning.predict_heldout(**common, epochs=int(first), noise_var=0.05).mapping[0, 0]
    assert before < 0.5 * star <= at


def test_measured_loss_of_trained_weights_is_the_direct_formula(synthetic: dict[str, Any]) -> None:
    rng = np.random.default_rng(1)
    w1, w2 = rng.normal(size=(HIDDEN, D)), rng.normal(size=(D, HIDDEN))
    xt = synthetic["xt"]
    got = tuning.measured_heldout_loss(w1, w2, gram=xt.T @ xt, n=N_T, test_noise_var=0.3)
    assert_within(got, direct_loss(w2 @ w1, xt, 0.3), rel=1e-12)


def test_heldout_from_rows_and_from_gram_agree(synthetic: dict[str, Any]) -> None:
    xt = synthetic["xt"]
    a = tuning.heldout_moments(eigenvectors=synthetic["vecs"], rows=xt)
    b = tuning.heldout_moments(eigenvectors=synthetic["vecs"], gram=xt.T @ xt, n=N_T)
    assert_within(a.c, b.c, rel=1e-12)
    assert_within(a.trace, b.trace, rel=1e-12)
    assert a.n == b.n == N_T and math.isclose(a.c.sum(), a.trace, rel_tol=1e-12)


def test_seed_start_is_the_training_initialisation(synthetic: dict[str, Any]) -> None:
    pytest.importorskip("torch")
    from symdae.theory import effective_weights, initial_state
    from symdae.torch import random_weights

    vecs = synthetic["vecs"]
    w1, w2 = random_weights(5, HIDDEN, D, 0.01)
    expected = effective_weights(*initial_state(w1 @ vecs, vecs.T @ w2))
    got = tuning.seed_start(5, hidden=HIDDEN, init_std=0.01, eigenvectors=vecs)
    assert_within(got[0], expected[0], rel=1e-15, abs=1e-300)
    assert_within(got[1], expected[1], rel=1e-15, abs=1e-300)


def test_starts() -> None:
    assert tuning.expected_start(hidden=8, init_std=0.1) == (0.0, 0.4)
    w1, w2 = tuning.capacity_start(hidden=3, init_std=0.1, directions=5)
    assert_within(w1, 0.0)
    assert_within(w2, 0.1 * np.sqrt(2 * np.array([3, 2, 1, 0, 0])), rel=1e-15)


def test_minimise_scalar_finds_minima() -> None:
    x, fx, count = tuning.minimise_scalar(lambda v: (v - 2.0) ** 2 + 1.0, 0.0, 5.0, xtol=1e-10)
    assert abs(x - 2.0) < 1e-8 and abs(fx - 1.0) < 1e-15 and count < 20
    x, _, _ = tuning.minimise_scalar(lambda v: math.cosh(v - 0.3) + 0.1 * v**4, -2.0, 3.0, xtol=1e-9)
    grid = np.linspace(-2, 3, 200001)
    assert abs(x - grid[np.argmin(np.cosh(grid - 0.3) + 0.1 * grid**4)]) < 5e-5
    x, _, _ = tuning.minimise_scalar(lambda v: v, 1.0, 2.0, xtol=1e-8)  # monotone: approaches the lower end
    assert 1.0 <= x < 1.0 + 1e-6
    with pytest.raises(ValueError, match="lower must be < upper"):
        tuning.minimise_scalar(lambda v: v, 2.0, 1.0)


def test_recommend_matches_a_brute_force_argmin(synthetic: dict[str, Any]) -> None:
    held = heldout_of(synthetic)
    common: dict[str, Any] = {"eigenvalues": synthetic["lam"], "heldout": held, "n_samples": N, "lr": LR,
                              "epochs": EPOCHS, "test_noise_var": 0.5, "hidden": HIDDEN, "init_std": 0.05}
    rec = tuning.recommend(**common, grid=np.geomspace(1e-3, 10, 12), xtol=1e-7)
    fine = np.geomspace(1e-3, 10, 4001)
    brute = tuning.predict_heldout(**common, noise_var=fine).loss
    best = int(np.argmin(brute))
    assert 0 < best < fine.size - 1 and rec.where == "interior"
    assert abs(math.log(rec.value / fine[best])) < 2 * math.log(fine[1] / fine[0])
    assert rec.predicted_heldout_loss <= brute[best] + 1e-12 * brute[best]
    assert rec.epochs == EPOCHS and 0 <= rec.best_epoch <= EPOCHS and 0 <= rec.epochs_to_within <= EPOCHS
    curve = rec.prediction.loss_over_epochs
    assert curve is not None and rec.best_epoch_loss == pytest.approx(curve[0].min(), rel=1e-15)
    assert rec.early_stopping["predicted_heldout_loss"] <= rec.best_epoch_loss * (1 + 1e-12)
    assert set(rec.baselines) == {"test_noise_var", "converged_optimum"}
    assert rec.fractions is not None and rec.fractions.shape == (D, 2)
    only = tuning.recommend(**common, grid=[0.0, 0.1, 1.0], refine=False)
    assert only.value in (0.0, 0.1, 1.0) and only.evaluations == 0


def test_recommend_over_weight_decay(synthetic: dict[str, Any]) -> None:
    held = heldout_of(synthetic)
    common: dict[str, Any] = {"eigenvalues": synthetic["lam"], "heldout": held, "n_samples": N, "lr": LR,
                              "epochs": EPOCHS, "test_noise_var": 0.5, "hidden": HIDDEN, "init_std": 0.05}
    rec = tuning.recommend(**common, over="weight_decay", grid=np.geomspace(1e-4, 1, 9))
    fine = np.geomspace(1e-4, 1, 801)
    brute = tuning.predict_heldout(**common, weight_decay=fine).loss
    assert rec.predicted_heldout_loss <= brute.min() * (1 + 1e-9)


def test_epochs_to_within() -> None:
    assert tuning.epochs_to_within(np.array([10.0, 5.0, 2.0, 1.02, 1.005, 1.0])).item() == 4
    assert tuning.epochs_to_within(np.array([1.0, 1.0])).item() == 0
    assert tuning.epochs_to_within(np.array([[3.0, 1.0, 1.0], [1.0, 1.3, 1.0]])).tolist() == [1, 2]


@pytest.mark.parametrize(("change", "message"), [
    ({"lr": 0.0}, "lr must be > 0"),
    ({"epochs": -1}, "epochs must be >= 0"),
    ({"epochs": 2.5}, "epochs must be a whole number"),
    ({"test_noise_var": -0.1}, "test_noise_var must be >= 0"),
    ({"noise_var": [0.1, -1.0]}, "noise_var must be >= 0"),
    ({"noise_var": [0.1, 0.2], "weight_decay": [0.1, 0.2, 0.3]}, "must broadcast together"),
    ({"hidden": None}, "hidden and init_std are needed"),
    ({"start": "random"}, "start must be 'expected' or 'capacity'"),
    ({"engine": "gpu"}, "engine must be 'numpy' or 'kernel'"),
    ({"lr": 10.0}, "lr: gradient descent diverges"),
])
def test_bad_options_are_refused_naming_the_option(synthetic: dict[str, Any], change: dict[str, Any],
                                                   message: str) -> None:
    options: dict[str, Any] = {"eigenvalues": synthetic["lam"], "heldout": heldout_of(synthetic), "n_samples": N,
                                  "lr": LR, "epochs": 50, "test_noise_var": 0.1, "hidden": HIDDEN, "init_std": 0.01,
                                  **change}
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        tuning.predict_heldout(**options)


def test_bad_starts_and_held_out_sets_are_refused(synthetic: dict[str, Any]) -> None:
    held = heldout_of(synthetic)
    common: dict[str, Any] = {"eigenvalues": synthetic["lam"], "heldout": held, "n_samples": N, "lr": LR, "epochs": 5,
              "test_noise_var": 0.1}
    with pytest.raises(ValueError, match="give both w1_0 and w2_0"):
        tuning.predict_heldout(**common, w1_0=0.0)
    with pytest.raises(ValueError, match="w2_0 needs one value or one per direction"):
        tuning.predict_heldout(**common, w1_0=0.0, w2_0=[0.1, 0.2])
    with pytest.raises(ValueError, match="with w1_0 and w2_0 leave them out"):
        tuning.predict_heldout(**common, w1_0=0.0, w2_0=0.1, hidden=3, init_std=0.1)
    with pytest.raises(ValueError, match="trace must be >= sum"):
        tuning.HeldOut(np.array([1.0, 2.0]), 1.0, 3)
    with pytest.raises(ValueError, match="not both or neither"):
        tuning.heldout_moments(eigenvectors=synthetic["vecs"])
    with pytest.raises(ValueError, match="over must be"):
        tuning.recommend(**common, hidden=3, init_std=0.1, over="lr")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# The command line (wired as ``symdae tune``; here through add_tune_command alone).
def run_tune(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="symdae")
    add_tune_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["tune", *arguments])
    return int(args.handler(args))


REQUIRED = ["--samples", "200", "--hidden", "16", "--lr", "0.01", "--epochs", "100", "--test-noise-var", "0.1"]


@pytest.mark.parametrize(("arguments", "message"), [
    (["--lr", "0"], "argument --lr: must be > 0"),
    (["--noise-vars", "0.1,-2"], "argument --noise-vars: must be >= 0"),
    (["--noise-vars", ","], "argument --noise-vars: must be a comma-separated list"),
    (["--dataset", "svhn"], "argument --dataset: invalid choice"),
    (["--plot", "out.txt"], "argument --plot: must end in .png, .pdf or .svg"),
    (["--noise-vars", "0.1", "--weight-decays", "0.1"], "not allowed with argument"),
    (["--seed", "1", "--start", "capacity"], "not allowed with argument"),
])
def test_cli_refuses_bad_options(arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        run_tune([*REQUIRED, *arguments])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_refuses_settings_that_cannot_be_used(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_tune([*REQUIRED, "--grid-only"]) == 2
    assert "symdae tune: --grid-only needs --noise-vars" in capsys.readouterr().err


def test_cli_json_shape(synthetic: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON's shape, from a synthetic answer (no data needed)."""
    held = heldout_of(synthetic)
    rec = tuning.recommend(eigenvalues=synthetic["lam"], heldout=held, n_samples=N, lr=LR, epochs=EPOCHS,
                           test_noise_var=0.5, hidden=HIDDEN, init_std=0.05, grid=[0.0, 0.01, 0.1, 1.0, 10.0])
    assert rec.prediction.loss_over_epochs is not None
    curves = {"recommended": rec.prediction.loss_over_epochs[0]}
    answer = tuning.Tuned(rec, synthetic["lam"], held, N, 4, {
        "dataset": "synthetic", "data": "exact", "samples": N, "hidden": HIDDEN, "lr": LR, "epochs": EPOCHS,
        "init_std": 0.05, "test_noise_var": 0.5, "start": "expected", "heldout": "test", "heldout_samples": N_T,
        "heldout_description": "synthetic"}, [], curves)
    monkeypatch.setattr(tuning, "tune", lambda **kwargs: answer)
    out, plot = tmp_path / "tune.json", tmp_path / "tune.png"
    assert run_tune([*REQUIRED, "--json", str(out), "--plot", str(plot)]) == 0
    report = json.loads(out.read_text())
    assert set(report["recommended"]) >= {"noise_var", "epochs", "predicted_heldout_loss"}
    assert report["recommended"]["noise_var"] == rec.value and report["recommended"]["epochs"] == EPOCHS
    assert [set(row) for row in report["grid"]] == [{"noise_var", "weight_decay", "predicted_heldout_loss"}] * 5
    assert [row["noise_var"] for row in report["grid"]] == [0.0, 0.01, 0.1, 1.0, 10.0]
    assert report["settings"]["dataset"] == "synthetic" and len(report["directions"]) == 4
    assert plot.stat().st_size > 0
    assert "recommended s²" in capsys.readouterr().out
    assert run_tune([*REQUIRED, "--json", "-"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["recommended"]["noise_var"] == rec.value and "recommended s²" in captured.err


@pytest.mark.data
def test_cli_on_mnist(data_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "tune.json"
    args = ["--dataset", "mnist", "--data-root", str(data_root), "--samples", "500", "--hidden", "16", "--lr",
            "0.01", "--epochs", "200", "--test-noise-var", "0.1", "--heldout-samples", "1000"]
    assert run_tune([*args, "--noise-vars", "0,0.01,0.1,1", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["settings"]["heldout_samples"] == 1000 and len(report["grid"]) == 4
    assert report["recommended"]["predicted_heldout_loss"] <= min(r["predicted_heldout_loss"] for r in report["grid"])
    assert run_tune([*args[:4], "--samples", "70000", *args[6:]]) == 2
    assert "--samples 70000 exceeds the 60000 mnist train images" in capsys.readouterr().err
    assert run_tune([*args, "--heldout", "train-tail"]) == 0
