"""Smoke test on CUDA: every path runs there and agrees with float64 on the CPU."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

pytest.importorskip("torch")

from symdae.torch import LinearConfig, NonlinearConfig, TrainingData, train_linear, train_nonlinear

BASE: dict[str, Any] = {"model": "dae", "noise_var": 0.05, "lr": 0.5, "epochs": 200, "hidden": 4, "every": 20,
                        "init_std": 0.01}


@pytest.mark.gpu
def test_cuda_matches_cpu(data: TrainingData) -> None:
    ref = train_linear(data, LinearConfig(dtype="float64", device="cpu", **BASE))
    for space in ("eigen", "covariance", "data"):
        for dtype in ("float32", "float64"):
            run = train_linear(data, LinearConfig(space=space, dtype=dtype, device="cuda", **BASE))
            assert run.device.startswith("cuda")
            np.testing.assert_allclose(run.mapping, ref.mapping, rtol=0, atol=1e-4 if dtype == "float32" else 1e-10)
    sampled = train_linear(data, LinearConfig(noise_mode="sampled", device="auto", **BASE))
    assert sampled.device.startswith("cuda") and np.isfinite(sampled.mapping).all()
    nonlinear = train_nonlinear(data, NonlinearConfig(model="dae", noise_var=1.0, hidden=8, epochs=50,
                                                      device="cuda"))
    assert nonlinear.device.startswith("cuda") and np.isfinite(nonlinear.mapping).all()
