"""The paper's experimental settings (§6, Figures 5–7, Supp. G), and the runs behind its figures.

The settings live in one place, ``symdae.experiments._paper`` (where the
paper is silent: the authors' published code); this module is their public
name, with :func:`paper_experiments`, the runs of Figures 5–7.
"""

from symdae.experiments._paper import FIGURE5_MODELS as FIGURE5_MODELS
from symdae.experiments._paper import INIT_STD as INIT_STD
from symdae.experiments._paper import LINEAR as LINEAR
from symdae.experiments._paper import LINEAR_EPOCHS as LINEAR_EPOCHS
from symdae.experiments._paper import NONLINEAR_DEFAULTS as NONLINEAR_DEFAULTS
from symdae.experiments._paper import NONLINEAR_EVERY as NONLINEAR_EVERY
from symdae.experiments._paper import NONLINEAR_NOISE as NONLINEAR_NOISE
from symdae.experiments._paper import NONLINEAR_WEIGHT_DECAY as NONLINEAR_WEIGHT_DECAY
from symdae.experiments._paper import Model as Model
from symdae.experiments._paper import dataset_defaults as dataset_defaults
from symdae.experiments._paper import nonlinear_terms as nonlinear_terms
from symdae.experiments._paper import run_defaults as run_defaults
from symdae.experiments._paper_runs import paper_experiments as paper_experiments

__all__ = [
    "FIGURE5_MODELS",
    "INIT_STD",
    "LINEAR",
    "LINEAR_EPOCHS",
    "NONLINEAR_DEFAULTS",
    "NONLINEAR_EVERY",
    "NONLINEAR_NOISE",
    "NONLINEAR_WEIGHT_DECAY",
    "Model",
    "dataset_defaults",
    "nonlinear_terms",
    "paper_experiments",
    "run_defaults",
]
