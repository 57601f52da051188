"""§3.2–3.3, Eqs. (2)–(4) and Supp. B Eq. (9): the scalar learning dynamics.

Under aligned initialisation each direction of the data evolves as a scalar
mode (see :mod:`symdae.model`). Here we check that the paper's printed
right-hand sides (2) and (3) are gradient flow of the mode loss, that (4)
generates them, that ``w2² − w1²`` is conserved, and the product rule (9) for
the mapping ``w = w1 w2``.
"""

from __future__ import annotations

import sympy as sp

from symdae.checking import Claim, Definition, Equality, steps
from symdae.model import mode_flow, mode_loss
from symdae.symbols import eps, lam, tau, w1, w2

# The paper's printed right-hand sides of (2) and (3), tau dw/dt.
EQ2_PRINTED = w2 * lam * (1 - w2 * w1) - eps * w2**2 * w1
EQ3_PRINTED = w1 * lam * (1 - w2 * w1) - eps * w2 * w1**2
# Eq. (4) for one direction: the loss whose plain gradient flow dw/dt = -∇ℓ is (2)-(3).
EQ4_PRINTED = lam / (2 * tau) * (1 - w2 * w1) ** 2 + eps / (2 * tau) * (w2 * w1) ** 2

FLOW_W1, FLOW_W2 = mode_flow(kappa_=0)
#: −∂ℓ/∂w1 and −∂ℓ/∂w2 of the mode loss (κ = 0), held for the statements.
_HELD_FLOW_W1 = -sp.Derivative(mode_loss(kappa_=0), w1)
_HELD_FLOW_W2 = -sp.Derivative(mode_loss(kappa_=0), w2)

DEFINITIONS = [
    Definition(
        "def.mode_loss", "§3.2, Eq. (4)",
        "loss of one mode without weight decay, in units where tau dw/dt = -grad",
        sp.Function("ell")(w1, w2), mode_loss(kappa_=0),
    ),
]

CLAIMS = [
    Claim(
        id="eq2.gradient_flow",
        paper_ref="Eq. (2)",
        title="the printed update of w1 is gradient flow of the mode loss",
        relation=Equality(EQ2_PRINTED, _HELD_FLOW_W1),
        strategy=(steps.doit, steps.expand),
        depends=("def.mode_loss",),
    ),
    Claim(
        id="eq3.gradient_flow",
        paper_ref="Eq. (3)",
        title="the printed update of w2 is gradient flow of the mode loss",
        relation=Equality(EQ3_PRINTED, _HELD_FLOW_W2),
        strategy=(steps.doit, steps.expand),
        depends=("def.mode_loss",),
    ),
    Claim(
        id="eq4.generates_dynamics",
        paper_ref="Eq. (4)",
        title="plain gradient flow dw/dt = -grad of (4) gives (2) and (3) divided by tau",
        relation=Equality(
            sp.Matrix([-sp.diff(EQ4_PRINTED, w1), -sp.diff(EQ4_PRINTED, w2)]),
            sp.Matrix([EQ2_PRINTED, EQ3_PRINTED]) / tau,
        ),
        strategy=(steps.expand,),
        depends=("eq2.gradient_flow", "eq3.gradient_flow"),
    ),
    Claim(
        id="s33.conservation",
        paper_ref="§3.3",
        title="w2² − w1² is conserved by the noisy dynamics (2)–(3)",
        relation=Equality(sp.Derivative(w2**2 - w1**2, w2) * EQ3_PRINTED
                          + sp.Derivative(w2**2 - w1**2, w1) * EQ2_PRINTED, 0),
        strategy=(steps.doit, steps.expand),
        depends=("eq2.gradient_flow", "eq3.gradient_flow"),
    ),
    Claim(
        id="suppB.eq9",
        paper_ref="Supp. B, Eq. (9)",
        title="tau dw/dt = (λ − w(λ + ε))(w1² + w2²) for the mapping w = w1 w2",
        relation=Equality(
            w1 * EQ3_PRINTED + w2 * EQ2_PRINTED,
            (lam - w1 * w2 * (lam + eps)) * (w1**2 + w2**2),
        ),
        strategy=(steps.expand,),
        depends=("eq2.gradient_flow", "eq3.gradient_flow"),
    ),
]
