"""The paper's symbols, with the assumptions SymPy may use.

Conventions (Pretorius, Kroon & Kamper 2018, and ``docs/conventions.md``):

* ``Σ = XᵀX`` is a *sum* over the N data rows, so eigenvalues ``lam`` grow with N;
* ``tau = N/α`` (epochs per unit of the continuous time), ``eps = N s²`` (noise),
  ``kappa = N γ`` (weight decay);
* a scalar *mode* has weights ``w1, w2`` and mapping ``w = w1 w2``;
* Supplement B's hyperbolic coordinates use ``c0 = |w2² − w1²|``, ``theta``,
  ``beta = c0 (1 + eps/lam)``, ``zeta = √(beta² + 4)``, ``delta = tanh(theta/2)``
  and ``E = exp(zeta lam t / tau)``.

Every derivation module takes its shared symbols from here, and a symbol of
its own has a name no other symbol has: one name always means one SymPy
symbol (SymPy identifies symbols by name *and* assumptions, so two symbols of
one name are unrelated variables that print alike). A proof that needs a
stronger sign substitutes a narrowed symbol of its own name (``eps_pos``,
printed ``ε₊``) and states the narrowing in its scope.
``tests/codegen/test_symbols.py`` walks every claim and every module-level
SymPy object of the derivations and the kernels' programs and fails when a
name denotes two symbols.
"""

from __future__ import annotations

import sympy as sp

# Data and optimisation.
N = sp.Symbol("N", positive=True)
alpha = sp.Symbol("alpha", positive=True)
tau = sp.Symbol("tau", positive=True)
t = sp.Symbol("t", nonnegative=True)

# Spectrum, noise and weight decay.
lam = sp.Symbol("lambda", positive=True)
eps = sp.Symbol("epsilon", nonnegative=True)
s = sp.Symbol("s", positive=True)
gam = sp.Symbol("gamma", nonnegative=True)
kappa = sp.Symbol("kappa", nonnegative=True)

# Scalar mode.
w1, w2 = sp.symbols("w1 w2", real=True)
w = sp.Symbol("w", real=True)
w0 = sp.Symbol("w0", real=True)
w_f = sp.Symbol("w_f", real=True)  # a target mapping (the training time to reach it, Supp. C, §8)

# Supplement B's hyperbolic coordinates.
c0 = sp.Symbol("c0", positive=True)
theta = sp.Symbol("theta", real=True)
theta0 = sp.Symbol("theta0", real=True)
beta = sp.Symbol("beta", positive=True)
zeta = sp.Symbol("zeta", positive=True)
delta = sp.Symbol("delta", real=True)
delta0 = sp.Symbol("delta0", real=True)
E = sp.Symbol("E", positive=True)

# Weight decay on the balanced line (Eq. 7).
xi = sp.Symbol("xi", real=True)
E_gamma = sp.Symbol("E_gamma", positive=True)

# Narrowed symbols: a proof that needs a sign the general symbol lacks substitutes one of these (and says
# so in its scope); each has a name of its own, since one name is one symbol.
eps_pos = sp.Symbol("epsilon_+", positive=True)  # ε > 0
kappa_pos = sp.Symbol("kappa_+", positive=True)  # κ > 0
w0_pos = sp.Symbol("w_0+", positive=True)  # w0 > 0 (a start above the saddle)
w0_neg = sp.Symbol("w_0-", negative=True)  # w0 < 0 (a start below it)

# symdae's own forms of the solution (derivations/stable_forms.py, positive_forms.py) and the kernels.
lam_k = sp.Symbol("lambda_k", nonnegative=True)  # the kernels' eigenvalue: λ = 0 is allowed there
k = sp.Symbol("k", positive=True)  # k = λ + ε
fraction = sp.Symbol("f", nonnegative=True)  # a target mapping f λ/(λ + ε), as a fraction of the fixed point
lam_hat = sp.Symbol("lambda_hat", nonnegative=True)  # λ̂ = 2λ/R
m_hat = sp.Symbol("m_hat", nonnegative=True)  # m̂ = k c0 / R
T_w = sp.Symbol("T_w", positive=True)  # T = k S² / (2R)
p_hat = sp.Symbol("p_hat", positive=True)  # |w1 + w2| / S
q_hat = sp.Symbol("q_hat", positive=True)  # |w2 − w1| / S
s_hat = sp.Symbol("s_hat", positive=True)  # p̂ + q̂
d_hat = sp.Symbol("d_hat", real=True)  # p̂ − q̂ = 4 w1 w2 / (S² ŝ)
a_hat = sp.Symbol("a_hat", positive=True)  # |d̂| = q̂ − p̂ when d̂ < 0

__all__ = [
    "E",
    "E_gamma",
    "N",
    "T_w",
    "a_hat",
    "alpha",
    "beta",
    "c0",
    "d_hat",
    "delta",
    "delta0",
    "eps",
    "eps_pos",
    "fraction",
    "gam",
    "k",
    "kappa",
    "kappa_pos",
    "lam",
    "lam_hat",
    "lam_k",
    "m_hat",
    "p_hat",
    "q_hat",
    "s",
    "s_hat",
    "t",
    "tau",
    "theta",
    "theta0",
    "w",
    "w0",
    "w0_neg",
    "w0_pos",
    "w1",
    "w2",
    "w_f",
    "xi",
    "zeta",
]
