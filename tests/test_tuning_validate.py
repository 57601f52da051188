"""``symdae tune --validate``: tiny real MNIST runs trained as a sweep, measured against plain NumPy.

The reference for every measured held-out loss is the definition itself, computed from the held-out rows
and the trained ``M = W2W1`` of the same run trained again here (``symdae.experiments.run``, the same bits):
``1/(2N_t) Σ_i ||x_i − Mx_i||² + (s_t²/2)||M||²_F``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from symdae.cli import main
from tests.naive import assert_within

pytestmark = pytest.mark.data
pytest.importorskip("torch", reason="training needs torch")

SETTINGS: dict[str, Any] = {"dataset": "mnist", "samples": 100, "hidden": 8, "lr": 0.008, "epochs": 60,
                            "test_noise_var": 0.2, "noise_vars": [0.0, 0.1, 0.4]}
HELDOUT = 2000
SEEDS = [3]


def _validate(data_root: Path, out: Path, **extra: Any) -> Any:
    from symdae.tuning import validate

    return validate(**SETTINGS, data_root=str(data_root), seeds=SEEDS, out=out, serial=True, fine_points=3,
                    heldout_samples=HELDOUT, **extra)


@pytest.fixture(scope="module")
def validated(data_root: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    out = tmp_path_factory.mktemp("validate")
    return _validate(data_root, out), out


def test_every_measured_loss_is_the_definition_on_the_trained_mapping(validated: tuple[Any, Path],
                                                                       data_root: Path) -> None:
    from symdae.data import load, preprocess
    from symdae.experiments import run

    done, out = validated
    rows = np.asarray(preprocess(load("mnist", "test", HELDOUT, data_root=data_root).images), dtype=np.float64)
    table = {(float(r["noise_var"]), s): float(r[f"measured_seed_{s}"])
             for r in csv.DictReader((out / "validation.csv").open()) for s in SEEDS}
    runs = sorted(out.glob("runs/*/result.json"))
    assert len(runs) == len(done.values) == len(table)
    for path in runs[:3]:
        from symdae.experiments import read_result

        stored = read_result(path.parent)
        again = run(stored.experiment)  # the same run, trained again: its weights
        w1, w2 = again.weights
        m = w2 @ w1
        for st2 in (0.0, 0.2):
            direct = 0.5 * np.mean(np.sum((rows - rows @ m.T) ** 2, axis=1)) + st2 / 2 * np.sum(m**2)
            found = json.loads((path.parent / "heldout.json").read_text())
            measured = found["whole"]["reconstruction"] + st2 * found["whole"]["noise"]
            assert_within(measured, direct, rel=1e-12)
        key = (stored.experiment.noise_var, stored.experiment.seed)
        assert_within(table[key], 0.5 * np.mean(np.sum((rows - rows @ m.T) ** 2, axis=1)) + 0.1 * np.sum(m**2),
                      rel=1e-12)


def test_the_comparison_covers_the_grid_the_fine_curve_and_the_naive_choices(validated: tuple[Any, Path]) -> None:
    done, out = validated
    roles = {x: set(r) for x, r in done.roles.items()}
    assert {0.0, 0.1, 0.4} <= {x for x, r in roles.items() if "grid" in r}
    assert any("recommended" in r for r in roles.values()) and any("s_t²" in r for r in roles.values())
    rec = done.summary["recommended"]
    if rec > 0:
        assert sum("fine" in r for r in roles.values()) == 3
    mean = done.measured.mean(axis=0)
    assert done.summary["measured_optimum"]["loss"] == pytest.approx(mean.min(), rel=0, abs=0)
    assert 0 <= done.summary["gap_recommended"] and 0 < done.summary["ratio_at_measured_optimum"] < 2
    report = json.loads((out / "validation.json").read_text())
    assert report["summary"]["recommended"] == rec and len(report["rows"]) == len(done.values)
    assert (out / "validation.png").stat().st_size > 10000
    assert set(done.timing) == set(SEEDS)  # L_test over epochs at the recommended s²


def test_a_rerun_trains_nothing_and_another_heldout_set_measures_without_training(
        validated: tuple[Any, Path], data_root: Path) -> None:
    from symdae.tuning import validate

    done, out = validated
    said: list[str] = []
    again = _validate(data_root, out, say=said.append)
    assert f"{len(done.values)} already done (verified), 0 to run" in said[0]
    np.testing.assert_array_equal(again.measured, done.measured)
    before = {p: np.load(p)["measured"] for p in out.glob("runs/*/result.npz")}
    other = validate(**SETTINGS, data_root=str(data_root), seeds=SEEDS, out=out, serial=True, fine_points=3,
                     heldout_samples=500)
    assert not np.array_equal(other.measured, done.measured)
    kept = [x for x in other.values if x in done.roles]
    assert kept and len(kept) < len(other.values)  # the new recommendation has a fine curve of its own
    for path, measured in before.items():  # measured again from the final checkpoints: not trained again
        if float(json.loads((path.parent / "config.json").read_text())["axes"]["noise_var"]) in kept:
            assert np.load(path)["measured"].tobytes() == measured.tobytes()
            assert json.loads((path.parent / "heldout.json").read_text())["rows"] == 500


@pytest.mark.parametrize(("arguments", "message"), [
    (["--seeds", "0,1"], "symdae tune: --seeds applies with --validate only\n"),
    (["--validate"], "symdae tune: --validate needs --out DIR"),
    (["--validate", "--out", "OUT", "--seed", "2"], "--seed applies without --validate"),
    (["--validate", "--out", "OUT", "--weight-decays", "0,1"], "--weight-decays are not validated"),
    (["--validate", "--out", "OUT", "--serial", "--workers", "2"], "--workers sizes the embedded cluster only"),
])
def test_validation_options_are_refused_where_they_do_not_apply(
        arguments: list[str], message: str, data_root: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    base = ["tune", "--data-root", str(data_root), "--samples", "100", "--hidden", "8", "--lr", "0.008",
            "--epochs", "60", "--test-noise-var", "0.2"]
    given = [str(tmp_path / "out") if a == "OUT" else a for a in arguments]
    assert main([*base, *given]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_the_network_loss_of_a_linear_network_is_the_closed_form() -> None:
    """The Monte Carlo held-out loss of x ↦ W2W1x against heldout.trace_form: exact at s_t² = 0, and within
    four standard errors of the estimate otherwise."""
    from symdae.tuning import measured_heldout_loss
    from symdae.tuning._measure import network_heldout_loss

    rng = np.random.default_rng(5)
    rows = rng.normal(size=(200, 6)) * np.array([3.0, 2.0, 1.0, 0.5, 0.3, 0.1])
    w1, w2 = rng.normal(size=(3, 6)) * 0.4, rng.normal(size=(6, 3)) * 0.4
    gram = rows.T @ rows
    exact0 = measured_heldout_loss(w1, w2, gram=gram, n=200, test_noise_var=0.0)
    assert_within(network_heldout_loss(w1, w2, rows, activation="linear", test_noise_var=0.0), exact0, rel=1e-13)
    st2, draws = 0.3, 400
    exact = measured_heldout_loss(w1, w2, gram=gram, n=200, test_noise_var=st2)
    estimate = network_heldout_loss(w1, w2, rows, activation="linear", test_noise_var=st2, draws=draws)
    m = w2 @ w1
    # per row and draw, ||x − M(x + n)||²/2 = ||(I − M)x||²/2 − ((I − M)x)ᵀMn + ||Mn||²/2: the noise parts'
    # variance is s_t² ||Mᵀ(I − M)x||² + s_t²² ||MᵀM||²_F / 2 (Gaussian n)
    fit = rows @ (np.eye(6) - m).T
    spread = st2 * np.mean(np.sum((fit @ m) ** 2, axis=1)) + st2**2 * np.sum((m.T @ m) ** 2) / 2
    assert abs(estimate - exact) < 4 * np.sqrt(spread / (200 * draws))
    assert estimate != exact  # an estimate, not the closed form


def test_a_nonlinear_validation_measures_each_network_on_the_heldout_rows(data_root: Path, tmp_path: Path) -> None:
    from symdae.data import load, preprocess
    from symdae.experiments import read_result, run
    from symdae.tuning import validate
    from symdae.tuning._measure import network_heldout_loss

    settings = {**SETTINGS, "lr": 0.002, "epochs": 20, "init_std": 1e-3, "noise_vars": [0.0, 0.3]}
    done = validate(**settings, data_root=str(data_root), seeds=[1], out=tmp_path, serial=True, fine_points=1,
                    heldout_samples=300, nonlinear="relu")
    rows = np.asarray(preprocess(load("mnist", "test", 300, data_root=data_root).images), dtype=np.float64)
    folders = sorted(p.parent for p in tmp_path.glob("runs/*/heldout.json"))
    assert len(folders) == len(done.values) >= 3
    for folder in folders[:2]:
        stored = read_result(folder)
        assert stored.experiment.kind == "nonlinear" and stored.experiment.lr == pytest.approx(0.002 * 784 / 2)
        w1, w2 = run(stored.experiment).weights
        found = json.loads((folder / "heldout.json").read_text())["network"]["losses"]
        assert found == {repr(0.2): network_heldout_loss(w1, w2, rows, activation="relu", test_noise_var=0.2)}
    assert done.summary["off_diagonal_max"] is None and "relu DAE" in done.text()
