"""§2 Eq. (1), Supp. A and §3.1: the expected loss and its gradient flow.

Supplement A averages the reconstruction loss over the input noise. With
``M = W2 W1`` and ``x̃ = x + n`` the squared error splits as
``SE(x̃) = ||(I − M)x + M(x − x̃)||²``; the cross term has expectation zero and
the remaining term is ``tr(M (s² I) Mᵀ)``, which gives Eq. (1).

The expectation over the noise is :class:`NoiseMean`: it expands a polynomial
in the noise components and replaces every monomial by its moment using only
``E[n_i] = 0`` and ``E[n_i n_j] = s² δ_ij``. A proof with it therefore holds for
*every* noise distribution with independent zero-mean components of variance
``s²`` (Gaussian, Laplace, uniform, ...). Which ``ε = N s²`` particular
distributions give is checked with :mod:`sympy.stats` (:class:`DistributionMean`).

§3.1 then takes gradient descent on Eq. (1) with learning rate α, one step per
epoch, to continuous time: ``τ dW/dt = −τ α ∇_W E[L]`` with ``τ = N/α`` and
``ε = N s²`` gives the printed matrix updates. There the samples enter only
through ``Σxx = Σ_i x_ix_iᵀ`` (``Σ_i ||x_i − Mx_i||² = tr((I − M)Σxx(I − M)ᵀ)``,
a sum of one-sample identities), so the updates and the weight decay are proved
with ``N`` *symbolic* and ``Σxx`` any symmetric matrix: a wrong convention such
as ``ε = N²s²/2`` or ``τ = 2/α`` fails. Entrywise proofs need concrete sizes
(``D = 3`` inputs, ``H = 2`` hidden units; the expectations ``N = 2`` samples):
SymPy's matrix expressions differentiate traces for symbolic sizes, but the
independent numeric cross-check that every proof needs evaluates entries, so
symbolic sizes are not used. Each claim states its sizes in ``scope``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import sympy as sp
from sympy import stats

from symdae.checking import Claim, Definition, Equality, Interval, steps
from symdae.symbols import N, alpha, eps, gam, kappa, s, tau

# Fixed sizes of the symbolic matrix proofs.
D_IN = 3
HIDDEN = 2
SAMPLES = 2


def symbolic_matrix(name: str, rows: int, cols: int) -> sp.Matrix:
    """A ``rows × cols`` matrix of independent real symbols ``name_ij`` (1-based)."""
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True))


def symbolic_vector(name: str, size: int) -> sp.Matrix:
    """A column of independent real symbols ``name_k`` (1-based)."""
    return sp.Matrix(size, 1, lambda k, _: sp.Symbol(f"{name}_{k + 1}", real=True))


def squared_norm(v: sp.Matrix) -> sp.Expr:
    """``||v||² = vᵀv`` of a column vector."""
    return (v.T * v)[0, 0]


def frobenius_squared(m: sp.Matrix) -> sp.Expr:
    """``||m||²_F``, the sum of the squared entries."""
    return sp.Add(*(entry**2 for entry in m))


def gradient(f: sp.Expr, m: sp.Matrix) -> sp.Matrix:
    """``∇_m f`` entrywise, left unevaluated (a matrix of :class:`sympy.Derivative`)."""
    return m.applyfunc(lambda entry: sp.Derivative(f, entry))


class NoiseMean(sp.Expr):
    """``E_n[expr]`` over noise with ``E[n_i] = 0`` and ``E[n_i n_j] = s² δ_ij``.

    ``expr`` must be a polynomial of degree at most two in the noise
    components ``noise``; higher moments are not fixed by the noise model, so
    :meth:`doit` refuses them. :meth:`doit` expands ``expr`` in the noise and
    replaces every monomial by its moment -- nothing else about the noise is
    used, so the result holds for every such distribution.

    Numeric checks evaluate it independently, as the exact average over
    Rademacher noise ``n_i = ±s`` (one member of the family).
    """

    is_commutative = True

    def __new__(cls, expr: Any, noise: Iterable[sp.Symbol], scale: Any) -> NoiseMean:
        return sp.Expr.__new__(cls, sp.sympify(expr), sp.Tuple(*noise), sp.sympify(scale))

    @property
    def expr(self) -> sp.Expr:
        return self.args[0]

    @property
    def noise(self) -> tuple[sp.Symbol, ...]:
        return tuple(self.args[1])

    @property
    def scale(self) -> sp.Expr:
        return self.args[2]

    @property
    def free_symbols(self) -> set[sp.Basic]:
        """The noise is bound (integrated out), like an integration variable."""
        return (self.expr.free_symbols - set(self.noise)) | self.scale.free_symbols

    def _moment(self, exponents: Sequence[int]) -> sp.Expr:
        degree = sum(exponents)
        if degree == 0:
            return sp.S.One
        if degree == 1:
            return sp.S.Zero
        if degree == 2:
            return self.scale**2 if max(exponents) == 2 else sp.S.Zero
        raise ValueError("noise moments above order 2 are not fixed by E[n_i] = 0, E[n_i n_j] = s² δ_ij")

    def doit(self, **hints: Any) -> sp.Expr:
        poly = sp.Poly(sp.expand(self.expr), *self.noise)
        return sp.Add(*(coeff * self._moment(monom) for monom, coeff in poly.terms()))

    def _mpmathcode(self, printer: Any) -> str:
        signs = itertools.product((1, -1), repeat=len(self.noise))
        terms = [self.expr.subs(dict(zip(self.noise, (k * self.scale for k in sign), strict=True))) for sign in signs]
        return "(" + printer._print(sp.Add(*terms) / len(terms)) + ")"

    def _latex(self, printer: Any) -> str:
        return r"\mathbb{E}_{n}\left[" + printer._print(self.expr) + r"\right]"

    def _sympystr(self, printer: Any) -> str:
        return f"E_n[{printer._print(self.expr)}]"


class DistributionMean(stats.Expectation):
    """``E[expr]`` of one :mod:`sympy.stats` random variable.

    :meth:`doit` evaluates it with :func:`sympy.stats.E`; numeric checks
    evaluate it independently, by quadrature of the density over its support
    (split at 0, where the Laplace density has its kink).
    """

    def doit(self, **hints: Any) -> sp.Expr:
        return stats.E(self.args[0])

    @property
    def free_symbols(self) -> set[sp.Basic]:
        """The distribution's parameters (the random variable itself is bound)."""
        return set().union(*(rv.pspace.distribution.free_symbols for rv in stats.random_symbols(self.args[0])))

    def _mpmathcode(self, printer: Any) -> str:
        (rv,) = stats.random_symbols(self.args[0])
        z = sp.Dummy("z", real=True)
        body = self.args[0].subs(rv, z) * stats.density(rv)(z)
        support = rv.pspace.domain.set
        pieces = [sp.Integral(body, (z, lo, hi)) for lo, hi in ((support.inf, 0), (0, support.sup))]
        return "(" + printer._print(sp.Add(*pieces, evaluate=False)) + ")"


# ---------------------------------------------------------------------------
# Supplement A, one input vector: x, its corruption x̃ = x + n, any M (D × D).
X_VEC = symbolic_vector("x", D_IN)
NOISE_VEC = symbolic_vector("n", D_IN)
M_MAT = symbolic_matrix("m", D_IN, D_IN)
X_TILDE = X_VEC + NOISE_VEC
IDENTITY = sp.eye(D_IN)


def noise_mean(expr: sp.Expr) -> NoiseMean:
    """``E_n[expr]`` over the single input's noise ``NOISE_VEC``."""
    return NoiseMean(expr, NOISE_VEC, s)


SE_NOISY = squared_norm(X_VEC - M_MAT * X_TILDE)  # SE(x̃) = ||x − M x̃||²
SE_CLEAN = squared_norm(X_VEC - M_MAT * X_VEC)  # SE(x)
NOISE_TERM = squared_norm(M_MAT * (X_VEC - X_TILDE))  # ||M(x − x̃)||²
CROSS_TERMS = sp.Matrix([
    (X_VEC.T * (IDENTITY - M_MAT).T * M_MAT * (X_VEC - X_TILDE))[0, 0],
    ((X_VEC - X_TILDE).T * M_MAT.T * (IDENTITY - M_MAT) * X_VEC)[0, 0],
])
# The printed trace form of the noise term, E||M(x − x̃)||² = tr(M (s² I) Mᵀ).
TRACE_TERM_PRINTED = (M_MAT * (s**2 * IDENTITY) * M_MAT.T).trace()

# ---------------------------------------------------------------------------
# Eq. (1): N = 2 samples x_i with noise n_i, weights W1 (H × D) and W2 (D × H).
W1_MAT = symbolic_matrix("W1", HIDDEN, D_IN)
W2_MAT = symbolic_matrix("W2", D_IN, HIDDEN)
X_SAMPLES = [symbolic_vector(f"x{i + 1}", D_IN) for i in range(SAMPLES)]
NOISE_SAMPLES = [symbolic_vector(f"n{i + 1}", D_IN) for i in range(SAMPLES)]
SIGMA_XX = sum((x * x.T for x in X_SAMPLES), sp.zeros(D_IN, D_IN))  # a sum, not a mean
NOISE_ALL = [n for noise in NOISE_SAMPLES for n in noise]


def eq1_printed(xs: Sequence[sp.Matrix], w1_: sp.Matrix, w2_: sp.Matrix, s_: sp.Expr = s) -> sp.Expr:
    """Eq. (1) as printed: ``1/(2N) Σ_i ||x_i − W2W1x_i||² + (s²/2) tr(W2W1W1ᵀW2ᵀ)``."""
    fit = sp.Add(*(squared_norm(x - w2_ * w1_ * x) for x in xs)) / (2 * len(xs))
    return fit + s_**2 / 2 * (w2_ * w1_ * w1_.T * w2_.T).trace()


def update_w1_printed(w1_: sp.Matrix, w2_: sp.Matrix, sigma: sp.Matrix, eps_: sp.Expr = eps) -> sp.Matrix:
    """§3.1 as printed: ``τ dW1/dt = W2ᵀ(Σxx − W2W1Σxx) − εW2ᵀW2W1``."""
    return w2_.T * (sigma - w2_ * w1_ * sigma) - eps_ * w2_.T * w2_ * w1_


def update_w2_printed(w1_: sp.Matrix, w2_: sp.Matrix, sigma: sp.Matrix, eps_: sp.Expr = eps) -> sp.Matrix:
    """§3.1 as printed: ``τ dW2/dt = (Σxx − W2W1Σxx)W1ᵀ − εW2W1W1ᵀ``."""
    return (sigma - w2_ * w1_ * sigma) * w1_.T - eps_ * w2_ * w1_ * w1_.T


LOSS_NOISY = sp.Add(*(
    squared_norm(x - W2_MAT * W1_MAT * (x + n)) for x, n in zip(X_SAMPLES, NOISE_SAMPLES, strict=True)
)) / (2 * SAMPLES)
EXPECTED_LOSS = NoiseMean(LOSS_NOISY, NOISE_ALL, s)
EQ1_PRINTED = eq1_printed(X_SAMPLES, W1_MAT, W2_MAT)
UPDATE_W1_PRINTED = update_w1_printed(W1_MAT, W2_MAT, SIGMA_XX)
# The first printed form of the W1 update, a sum over the samples.
UPDATE_W1_SUM_PRINTED = sum(
    (W2_MAT.T * (x * x.T - W2_MAT * W1_MAT * x * x.T) for x in X_SAMPLES), sp.zeros(HIDDEN, D_IN)
) - eps * W2_MAT.T * W2_MAT * W1_MAT
# Weight decay (§5, Eq. (6)) adds (γ/2)(||W1||²_F + ||W2||²_F) to the loss.
WEIGHT_PENALTY = gam / 2 * (frobenius_squared(W1_MAT) + frobenius_squared(W2_MAT))

# Eq. (1) with the samples through Σxx, any symmetric D × D matrix, and N symbolic.
SIGMA_SYM = sp.Matrix(D_IN, D_IN, lambda i, j: sp.Symbol(f"Sigma_{min(i, j) + 1}{max(i, j) + 1}", real=True))
M_W = W2_MAT * W1_MAT
EQ1_SIGMA = ((IDENTITY - M_W) * SIGMA_SYM * (IDENTITY - M_W).T).trace() / (2 * N) + s**2 / 2 * (M_W * M_W.T).trace()
UPDATE_W1_SIGMA = update_w1_printed(W1_MAT, W2_MAT, SIGMA_SYM)
UPDATE_W2_SIGMA = update_w2_printed(W1_MAT, W2_MAT, SIGMA_SYM)

# Continuous time: τ dW/dt = −τ α ∇E[L], with τ = N/α and ε = N s², N symbolic.
CONTINUOUS_WHERE = {tau: N / alpha, eps: N * s**2}
CONTINUOUS_TIME = steps.subs(CONTINUOUS_WHERE, label="subs(τ = N/α, ε = N s²)")

# Particular noise distributions (§3.3): each has mean 0, and ε = N E[n²].
sigma_n = sp.Symbol("sigma", positive=True)
b_laplace = sp.Symbol("b", positive=True)
a_uniform = sp.Symbol("a", positive=True)
r_logistic = sp.Symbol("r_n", positive=True)
NOISE_DISTRIBUTIONS = {  # random variable, E[n²], name, ε in words
    "gaussian": (stats.Normal("n", 0, sigma_n), sigma_n**2, "Gaussian N(0, σ²)", "Nσ²"),
    "laplace": (stats.Laplace("n", 0, b_laplace), 2 * b_laplace**2, "Laplace with scale b", "2Nb²"),
    "uniform": (stats.Uniform("n", -a_uniform, a_uniform), a_uniform**2 / 3,
                "uniform on [−a, a] (beyond the paper)", "Na²/3"),
    "logistic": (stats.Logistic("n", 0, r_logistic), sp.pi**2 * r_logistic**2 / 3,
                 "logistic with scale r (beyond the paper)", "Nπ²r²/3"),
}
PARAMETER_DOMAIN = {sym: Interval(0.1, 10.0, log=True) for sym in (sigma_n, b_laplace, a_uniform, r_logistic)}

SIZE_ONE = "one input of size D = 3, any real D × D matrix M"
SIZE_EQ1 = "N = 2 samples, D = 3 inputs, H = 2 hidden units, symbolic entries"
SIZE_FLOW = "D = 3 inputs, H = 2 hidden units, any N (symbolic), Σxx any symmetric matrix"
NOISE_SCOPE = "; any noise with independent components of mean 0 and variance s²"

DEFINITIONS = [
    Definition(
        "def.noise_moments", "§2",
        "corruption x̃ = x + n with independent noise components of mean 0 and variance s²: "
        "E[n_i] = 0, E[n_i n_j] = s² δ_ij",
        sp.Tuple(sp.ImmutableMatrix(NOISE_VEC.applyfunc(noise_mean)),
                 sp.ImmutableMatrix((NOISE_VEC * NOISE_VEC.T).applyfunc(noise_mean))),
        sp.Tuple(sp.ImmutableMatrix(sp.zeros(D_IN, 1)), sp.ImmutableMatrix(s**2 * IDENTITY)),
    ),
    Definition(
        "def.dae_loss", "§2",
        "loss of the linear DAE, averaged over N samples, M = W2W1",
        sp.Symbol("L"), LOSS_NOISY,
    ),
]


def _distribution_claim(key: str) -> Claim:
    rv, variance, name, in_words = NOISE_DISTRIBUTIONS[key]
    return Claim(
        id=f"s33.eps_{key}",
        paper_ref="§3.3",
        title=f"{name} noise has mean 0 and gives ε = N E[n²] = {in_words}",
        relation=Equality(
            sp.Matrix([DistributionMean(rv), N * DistributionMean(rv**2)]),
            sp.Matrix([0, N * variance]),
        ),
        strategy=(steps.doit, steps.expand),
        depends=("def.noise_moments",),
        domain=PARAMETER_DOMAIN,
    )


CLAIMS = [
    Claim(
        id="suppA.residual_split",
        paper_ref="Supp. A",
        title="x − Mx̃ = (I − M)x + M(x − x̃), so SE(x̃) = ||(I − M)x + M(x − x̃)||²",
        relation=Equality(SE_NOISY, squared_norm((IDENTITY - M_MAT) * X_VEC + M_MAT * (X_VEC - X_TILDE))),
        strategy=(steps.expand,),
        depends=("def.dae_loss",),
        scope=SIZE_ONE,
    ),
    Claim(
        id="suppA.cross_term",
        paper_ref="Supp. A",
        title="the cross terms xᵀ(I − M)ᵀM(x − x̃) and (x − x̃)ᵀMᵀ(I − M)x have expectation 0",
        relation=Equality(CROSS_TERMS.applyfunc(noise_mean), sp.zeros(2, 1)),
        strategy=(steps.doit, steps.expand),
        depends=("def.noise_moments",),
        scope=SIZE_ONE + NOISE_SCOPE,
    ),
    Claim(
        id="suppA.decomposition",
        paper_ref="Supp. A",
        title="E[SE(x̃)] = SE(x) + E||M(x − x̃)||²",
        relation=Equality(noise_mean(SE_NOISY), SE_CLEAN + noise_mean(NOISE_TERM)),
        strategy=(steps.doit, steps.expand),
        depends=("suppA.residual_split", "suppA.cross_term"),
        scope=SIZE_ONE + NOISE_SCOPE,
    ),
    Claim(
        id="suppA.trace_cyclic",
        paper_ref="Supp. A",
        title="||M(x − x̃)||² = tr[M n nᵀ Mᵀ] (cyclic invariance of the trace), n = x̃ − x",
        relation=Equality(NOISE_TERM, (M_MAT * NOISE_VEC * NOISE_VEC.T * M_MAT.T).trace()),
        strategy=(steps.expand,),
        scope=SIZE_ONE,
    ),
    Claim(
        id="suppA.trace_term",
        paper_ref="Supp. A",
        title="E||M(x − x̃)||² = tr(M (s²I) Mᵀ)",
        relation=Equality(noise_mean(NOISE_TERM), TRACE_TERM_PRINTED),
        strategy=(steps.doit, steps.expand),
        depends=("suppA.trace_cyclic", "def.noise_moments"),
        scope=SIZE_ONE + NOISE_SCOPE,
    ),
    Claim(
        id="suppA.eq1",
        paper_ref="Eq. (1), Supp. A",
        title="the expected DAE loss is the clean loss plus (s²/2) tr(W2W1W1ᵀW2ᵀ)",
        relation=Equality(EXPECTED_LOSS, EQ1_PRINTED),
        strategy=(steps.doit, steps.expand),
        depends=("suppA.decomposition", "suppA.trace_term"),
        scope=SIZE_EQ1 + NOISE_SCOPE,
    ),
    *(_distribution_claim(key) for key in NOISE_DISTRIBUTIONS),
    Claim(
        id="s31.sum_form",
        paper_ref="§3.1",
        title="Σ_i W2ᵀ(x_ix_iᵀ − W2W1x_ix_iᵀ) − εW2ᵀW2W1 = W2ᵀ(Σxx − W2W1Σxx) − εW2ᵀW2W1",
        relation=Equality(UPDATE_W1_SUM_PRINTED, UPDATE_W1_PRINTED),
        strategy=(steps.expand,),
        scope=SIZE_EQ1,
    ),
    Claim(
        id="s31.fit_trace",
        paper_ref="§3.1",
        title="one sample's fit term is a trace, ||x − Mx||² = tr((I − M)xxᵀ(I − M)ᵀ); summed over the N "
              "samples (the trace is linear), Σ_i ||x_i − Mx_i||² = tr((I − M)Σxx(I − M)ᵀ) for every N",
        relation=Equality(SE_CLEAN, ((IDENTITY - M_MAT) * X_VEC * X_VEC.T * (IDENTITY - M_MAT).T).trace()),
        strategy=(steps.expand,),
        scope=SIZE_ONE,
    ),
    Claim(
        id="s31.update_W1",
        paper_ref="§3.1",
        title="the printed W1 update is gradient flow τ dW1/dt = −τα ∇_{W1} E[L] of Eq. (1), with τ = N/α "
              "and ε = N s² for every N",
        relation=Equality(UPDATE_W1_SIGMA, -tau * alpha * gradient(EQ1_SIGMA, W1_MAT)),
        strategy=(steps.doit, CONTINUOUS_TIME, steps.expand),
        depends=("suppA.eq1", "s31.fit_trace", "s31.sum_form"),
        where=CONTINUOUS_WHERE,
        scope=SIZE_FLOW,
    ),
    Claim(
        id="s31.update_W2",
        paper_ref="§3.1",
        title="the printed W2 update is gradient flow τ dW2/dt = −τα ∇_{W2} E[L] of Eq. (1), with τ = N/α "
              "and ε = N s² for every N",
        relation=Equality(UPDATE_W2_SIGMA, -tau * alpha * gradient(EQ1_SIGMA, W2_MAT)),
        strategy=(steps.doit, CONTINUOUS_TIME, steps.expand),
        depends=("suppA.eq1", "s31.fit_trace"),
        where=CONTINUOUS_WHERE,
        scope=SIZE_FLOW,
    ),
    Claim(
        id="s31.weight_decay",
        paper_ref="§3.1, Eq. (6)",
        title="weight decay (γ/2)(||W1||² + ||W2||²) adds −κW1 and −κW2 to the updates, κ = Nγ",
        relation=Equality(
            -tau * alpha * sp.Matrix([*gradient(WEIGHT_PENALTY, W1_MAT), *gradient(WEIGHT_PENALTY, W2_MAT)]),
            -kappa * sp.Matrix([*W1_MAT, *W2_MAT]),
        ),
        strategy=(steps.doit, steps.subs({tau: N / alpha, kappa: N * gam}, label="subs(τ = N/α, κ = Nγ)"),
                  steps.expand),
        where={tau: N / alpha, kappa: N * gam},
        scope="D = 3, H = 2, any N (symbolic), symbolic entries",
    ),
]
