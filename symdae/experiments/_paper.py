"""The paper's experimental settings, in one place (§6, Figures 5–7, Supp. G).

Where the paper is silent, the authors' published code
(``arnupretorius/lindaedynamics_icml2018``): nonlinear runs use full-batch
SGD with lr 0.9 for 2000 epochs, initial weights ``N(0, 0.001²)``, weight
decay 0.0045 through the optimiser and Gaussian input noise of variance 4
for ReLU (the level that reproduces their saved curves; the paper's text
says σ² = 3) or 2 for tanh (Supp. G).

A leaf module (no symdae imports): :class:`~symdae.experiments.Experiment`
takes its per-dataset defaults from here, and so does
:meth:`symdae.torch.NonlinearConfig.paper`.
"""

from __future__ import annotations

from typing import Any, Literal

Model = Literal["ae", "dae", "wdae"]
Activation = Literal["relu", "tanh"]

LINEAR: dict[str, dict[str, Any]] = {
    "mnist": {"samples": 50000, "hidden": 256, "lr": 0.01},
    "cifar10": {"samples": 30000, "hidden": 512, "lr": 0.001},
    "fashion-mnist": {"samples": 50000, "hidden": 256, "lr": 0.01},
}
"""Figure 5 (§6), per dataset: N, H and the learning rate; N and H serve the nonlinear runs too. Fashion-MNIST
is not in the paper: it takes MNIST's settings (the same 28 × 28 images)."""
LINEAR_EPOCHS = 5000
"""Figure 5: 5000 epochs of full-batch gradient descent."""
FIGURE5_MODELS: dict[Model, dict[str, Any]] = {"ae": {}, "dae": {"noise_var": 0.5}, "wdae": {"weight_decay": 0.5}}
"""Figure 5: the DAE's noise variance σ² = 0.5 and the WDAE's weight decay γ = 0.5."""
NONLINEAR_NOISE: dict[Activation, float] = {"relu": 4.0, "tanh": 2.0}
"""Figures 6 (ReLU) and 7 (tanh): the DAE's Gaussian input-noise variance."""
NONLINEAR_WEIGHT_DECAY = 0.0045
"""Figures 6–7: the WDAE's weight decay, through the optimiser."""
NONLINEAR_DEFAULTS: dict[str, Any] = {"lr": 0.9, "epochs": 2000, "directions": 4}
"""The authors' code for Figures 6–7: full-batch SGD with lr 0.9 for 2000 epochs; the first four directions."""
NONLINEAR_EVERY: dict[Activation, int] = {"relu": 10, "tanh": 100}
"""Figures 6–7: record every 10 epochs (ReLU) or every 100 (tanh, Supp. G)."""
INIT_STD = {"linear": 1e-4, "nonlinear": 1e-3}
"""The initial weights' standard deviation: 10⁻⁴ for linear runs, 10⁻³ (the authors' code) for nonlinear ones."""


def dataset_defaults(dataset: str) -> dict[str, Any]:
    """``samples``, ``hidden`` and ``lr`` of the paper's linear runs on ``dataset``."""
    if dataset not in LINEAR:
        raise ValueError(f"dataset must be one of {', '.join(LINEAR)}; got {dataset!r}")
    return dict(LINEAR[dataset])


def run_defaults(kind: str, dataset: str) -> dict[str, Any]:
    """The settings a run of ``kind`` on ``dataset`` starts from: the dataset's N and H, the rate and epochs of
    the paper's runs of that kind and, for nonlinear runs, the first four directions."""
    settings: dict[str, Any] = {**dataset_defaults(dataset), "epochs": LINEAR_EPOCHS, "directions": None}
    if kind == "nonlinear":
        settings.update(NONLINEAR_DEFAULTS)
    return settings


def nonlinear_terms(model: str, activation: str) -> dict[str, float]:
    """The noise or weight decay of the paper's nonlinear ``model`` with ``activation`` (Figures 6–7)."""
    if model == "dae":
        return {"noise_var": NONLINEAR_NOISE[activation]}  # type: ignore[index]
    return {"weight_decay": NONLINEAR_WEIGHT_DECAY} if model == "wdae" else {}
