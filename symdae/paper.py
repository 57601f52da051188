"""The paper's experimental settings (§6, Figures 5–7, Supp. G).

Where the paper is silent, the authors' published code: nonlinear runs use
full-batch SGD with lr 0.9 for 2000 epochs, initial weights ``N(0, 0.001²)``,
weight decay 0.0045 through the optimiser and Gaussian input noise of
variance 4 for ReLU (the level that reproduces their saved curves; the
paper's text says σ² = 3) or 2 for tanh (Supp. G).
"""

from __future__ import annotations

from typing import Any, Literal

from symdae.experiments import Experiment

LINEAR = {
    "mnist": {"samples": 50000, "hidden": 256, "lr": 0.01},
    "cifar10": {"samples": 30000, "hidden": 512, "lr": 0.001},
}
"""Figure 5 (§6): 5000 epochs; WDAE γ = 0.5, DAE σ² = 0.5."""

Model = Literal["ae", "dae", "wdae"]
FIGURE5_MODELS: dict[Model, dict[str, Any]] = {"ae": {}, "dae": {"noise_var": 0.5}, "wdae": {"weight_decay": 0.5}}
NONLINEAR_NOISE = {"relu": 4.0, "tanh": 2.0}
NONLINEAR_DEFAULTS = {"lr": 0.9, "epochs": 2000, "directions": 4}
"""The authors' code for Figures 6–7: full-batch SGD with lr 0.9 for 2000 epochs; the first four directions."""


def dataset_defaults(dataset: str) -> dict[str, Any]:
    """``samples``, ``hidden`` and ``lr`` of the paper's linear runs on ``dataset``."""
    if dataset not in LINEAR:
        raise ValueError(f"dataset must be one of {sorted(LINEAR)}, got {dataset!r}")
    return dict(LINEAR[dataset])


def paper_experiments(figure: int | None, *, data_root: str | None = None, device: str = "auto",
                      datasets: str = "mnist,cifar10") -> list[tuple[str, Experiment]]:
    """The runs behind ``figure`` (5, 6 or 7) as ``(name, Experiment)`` pairs."""
    if figure not in (5, 6, 7):
        raise ValueError(f"--figure must be 5, 6 or 7, got {figure}")
    chosen = [d.strip() for d in datasets.split(",") if d.strip()]
    for dataset in chosen:
        dataset_defaults(dataset)
    runs = []
    for dataset in chosen:
        base: dict[str, Any] = {**dataset_defaults(dataset), "dataset": dataset, "data_root": data_root,
                                "device": device}
        for model, terms in FIGURE5_MODELS.items():
            if figure == 5:
                runs.append((f"figure5/{dataset}-{model}",
                             Experiment(kind="linear", model=model, epochs=5000, **base, **terms)))
                continue
            activation: Literal["relu", "tanh"] = "relu" if figure == 6 else "tanh"
            nonlinear_terms: dict[str, Any] = ({"noise_var": NONLINEAR_NOISE[activation]} if model == "dae"
                               else {"weight_decay": 0.0045} if model == "wdae" else {})
            settings: dict[str, Any] = {**base, **NONLINEAR_DEFAULTS, "every": 10 if figure == 6 else 100}
            runs.append((f"figure{figure}/{dataset}-{model}",
                         Experiment(kind="nonlinear", model=model, activation=activation,
                                    **settings, **nonlinear_terms)))
    return runs
