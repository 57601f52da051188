"""The paper's derivations, one module per section, as checkable claims.

Installed as :mod:`symdae.derivations` (the folder ``derivations/`` of the
source tree). Each module exports ``CLAIMS`` (and optionally ``DEFINITIONS``);
``MODULES`` fixes the order in which they are read, which is the paper's.
"""

MODULES = (
    "expected_loss",
    "eigenbasis",
    "scalar_dynamics",
    "exact_solution",
    "exact_solution_properties",
    "fixed_points",
    "weight_decay",
    "learning_rates",
    "equivalence",
    "rate_premise",
    "estimator",
    "reduction",
    "stable_forms",
    "positive_forms",
    "closed_forms",
    "weight_decay_forms",
    "weight_decay_charts",
    "weight_decay_balanced",
    "weight_decay_descent",
    "heldout",
)
