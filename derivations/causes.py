"""The root causes of the paper's errata (each erratum claim names one).

Not a claim module: the errata of :mod:`symdae.derivations` refer to these
causes, and an erratum that is a correct step from an earlier wrong premise
also names that erratum in ``consequence_of``.
"""

from symdae.checking import Cause

EQ7_EXPONENT = Cause(
    "eq7-exponent",
    "Eq. (7) prints the exponent 2ξt/τ where the ODE gives 2λξt/τ: a substantive slip "
    "(the printed w(t) is right only for λ = 1)",
)
N_DROPPED = Cause(
    "eq6-N-dropped",
    "the weight decay of Eq. (6) enters the mode loss as Nγ (the penalty is summed over N samples' "
    "worth of loss); Supp. D–E write γ, and every step built on that premise carries the missing N "
    "(same when N = 1)",
)
S4_TAU = Cause(
    "s4-spurious-tau",
    "§4 differentiates the loss with a 1/τ that the printed ℓλ does not carry: cosmetic, the root is unchanged",
)
