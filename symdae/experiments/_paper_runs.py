"""The runs behind the paper's Figures 5–7, built from the settings of :mod:`symdae.experiments._paper`."""

from __future__ import annotations

from typing import Any, Literal

from symdae.experiments._description import Experiment
from symdae.experiments._paper import (
    FIGURE5_MODELS,
    LINEAR_EPOCHS,
    NONLINEAR_DEFAULTS,
    NONLINEAR_EVERY,
    dataset_defaults,
    nonlinear_terms,
)


def paper_experiments(figure: int | None, *, data_root: str | None = None, device: str = "auto",
                      datasets: str = "mnist,cifar10") -> list[tuple[str, Experiment]]:
    """The runs behind ``figure`` (5, 6 or 7) as ``(name, Experiment)`` pairs, named ``figure<F>/<dataset>-<model>``."""
    if figure not in (5, 6, 7):
        raise ValueError(f"--figure must be 5, 6 or 7, got {figure}")
    chosen = [d.strip() for d in datasets.split(",") if d.strip()]
    for dataset in chosen:
        dataset_defaults(dataset)
    runs = []
    for dataset in chosen:
        base: dict[str, Any] = {**dataset_defaults(dataset), "dataset": dataset, "data_root": data_root,
                                "device": device}
        for model in FIGURE5_MODELS:
            if figure == 5:
                exp = Experiment(kind="linear", model=model, epochs=LINEAR_EPOCHS, **base, **FIGURE5_MODELS[model])
            else:
                activation: Literal["relu", "tanh"] = "relu" if figure == 6 else "tanh"
                settings = {**base, **NONLINEAR_DEFAULTS, "every": NONLINEAR_EVERY[activation],
                            **nonlinear_terms(model, activation)}
                exp = Experiment(kind="nonlinear", model=model, activation=activation, **settings)
            runs.append((f"figure{figure}/{dataset}-{model}", exp))
    return runs
