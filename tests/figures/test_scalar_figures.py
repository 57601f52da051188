"""Figures 1–4: the scalar-mode figures, their files and the numbers behind them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from symdae.figures import draw, parse_only, save
from symdae.figures.scalar import Mode
from symdae.kernels import equivalent_kappa, optimal_tau
from tests.naive import mode_gd_path


def naive_gd(mode: Mode, epochs: int, w1: float, w2: float) -> np.ndarray:
    """The mapping after each epoch of :func:`tests.naive.mode_gd_path`."""
    path = mode_gd_path(epochs, lam=mode.lam, eps=mode.eps, kappa=mode.kappa, tau=mode.tau, w1_0=w1, w2_0=w2)
    return np.array([a * b for a, b in path])


@pytest.mark.parametrize("mode", [Mode(1.0, 1.0, tau=50.0), Mode(1.0, kappa=0.091, tau=10.0),
                                  Mode(2.5, 0.5, 0.3, tau=7.0)])
def test_simulated_paths_are_gradient_descent(mode: Mode) -> None:
    w1, w2 = mode.simulate(300, np.array([0.3, -1.1]), np.array([-0.2, 0.9]))
    for run, (a, b) in enumerate([(0.3, -0.2), (-1.1, 0.9)]):
        np.testing.assert_allclose(w1[run] * w2[run], naive_gd(mode, 300, a, b), rtol=1e-12, atol=1e-14)


def test_theory_reaches_the_fixed_point_the_figures_mark() -> None:
    mode = Mode(1.0, 5.0, tau=50.0)
    w = mode.theory(np.array([0.0, 5000.0]), np.array([0.4]), np.array([-0.1]))
    assert w[0, 0] == pytest.approx(-0.04)
    assert w[0, 1] == pytest.approx(1 / 6, rel=1e-9) == mode.fixed_point


@pytest.mark.parametrize("eps", [0.1, 1.0, 7.0])
def test_figure3_dae_and_equivalent_wdae_coincide_from_balanced_starts(eps: float) -> None:
    # the numerical face of claim s5.optimal_rates_same_steps, through the kernels
    kappa = float(equivalent_kappa(lam=1.0, eps=eps))
    noise = Mode(1.0, eps, tau=float(optimal_tau(lam=1.0, eps=eps)))
    decay = Mode(1.0, kappa=kappa, tau=float(optimal_tau(lam=1.0, kappa=kappa)))
    start = np.array([0.02])
    np.testing.assert_allclose(naive_gd(noise, 60, 0.02, 0.02), naive_gd(decay, 60, 0.02, 0.02), rtol=1e-12)
    a, b = noise.simulate(60, start, start), decay.simulate(60, start, start)
    np.testing.assert_allclose(a[0] * a[1], b[0] * b[1], rtol=1e-12)


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_scalar_figures_write_png_pdf_and_settings(number: int, tmp_path: Path) -> None:
    rendered = draw(number, runs=tmp_path / "runs")
    paths = save(rendered, tmp_path, f"figure{number}")
    assert [p.name for p in paths] == [f"figure{number}.png", f"figure{number}.pdf", f"figure{number}.json"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths[1].read_bytes()[:5] == b"%PDF-"
    sidecar = json.loads(paths[2].read_text())
    assert sidecar["caption"].startswith(f"Figure {number}.") and sidecar["settings"]
    assert not list(tmp_path.glob(".*.tmp"))
    assert not (tmp_path / "runs").exists()  # the scalar figures train nothing


def test_parse_only() -> None:
    assert parse_only(None) == [1, 2, 3, 4, 5, 6, 7]
    assert parse_only("3,1") == [3, 1]
    assert parse_only("5-7,6") == [5, 6, 7]
    for bad in ("8", "0-2", "a", "3-1", ""):
        with pytest.raises(ValueError, match="--only"):
            parse_only(bad)


def test_draw_rejects_unknown_figures(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="figure number must be 1 to 7"):
        draw(8, runs=tmp_path)


def test_training_figures_say_they_need_torch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    with pytest.raises(ImportError, match="need torch"):
        draw(6, runs=tmp_path)


def test_the_ode_kernel_is_prepared_in_a_second_process_only_for_the_figures_that_need_it() -> None:
    from symdae.figures import prepare_ode_kernel, wait_for

    assert prepare_ode_kernel([1]) is None  # Figure 1 has no weight decay
    process = prepare_ode_kernel([1, 2])
    if process is None:  # one core: nothing is prepared beside the drawing
        return
    wait_for(process)
    assert process.returncode == 0
    wait_for(None)
