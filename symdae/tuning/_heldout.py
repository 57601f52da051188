"""The held-out set in the training eigenbasis, its loss, and the starts of a prediction."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from symdae.tuning._checks import FloatArray, _array, _real, _whole


# ---------------------------------------------------------------------------
# The held-out set and the loss (claims heldout.*).
@dataclass(frozen=True)
class HeldOut:
    """What :func:`predict_heldout` needs of a held-out set: its second moments in the training eigenbasis.

    Attributes:
        c: ``(D,)`` ``c_j = v_jᵀ X_tᵀX_t v_j``, the diagonal of ``VᵀC_tV`` (a sum over the rows, like ``λ``).
        trace: ``tr(X_tᵀX_t)``, so that directions left out of a prediction still count.
        n: ``N_t``, the number of held-out rows.
        description: where the rows come from (for reports).
    """

    c: FloatArray
    trace: float
    n: int
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "c", _array("c", self.c))
        object.__setattr__(self, "trace", _real("trace", self.trace))
        object.__setattr__(self, "n", _whole("n", self.n, 1))
        if self.trace < self.c.sum() * (1 - 1e-9) - 1e-12:
            raise ValueError(f"trace must be >= sum(c) (= {self.c.sum():g}: tr C_t = Σ_j c_j over all D "
                             f"directions); got {self.trace:g}")


def heldout_moments(*, eigenvectors: ArrayLike, rows: ArrayLike | None = None, gram: ArrayLike | None = None,
                    n: int | None = None, description: str = "") -> HeldOut:
    """:class:`HeldOut` from the held-out rows ``X_t`` (N_t × D), or from ``gram = X_tᵀX_t`` and ``n``.

    ``eigenvectors`` is the training ``V`` (columns). The rows must be preprocessed as the training rows.
    """
    vecs = _array("eigenvectors", eigenvectors, ndim=2, rule="any")
    if (rows is None) == (gram is None):
        raise ValueError("give the held-out rows or their gram matrix X_tᵀX_t (with n), not both or neither")
    if rows is not None:
        x = _array("rows", rows, ndim=2, rule="any")
        if x.shape[1] != vecs.shape[0]:
            raise ValueError(f"rows must have D = {vecs.shape[0]} columns; got {x.shape[1]}")
        if n is not None and n != x.shape[0]:
            raise ValueError(f"n must be the number of rows ({x.shape[0]}); got {n}")
        projected = x @ vecs
        return HeldOut(np.einsum("ij,ij->j", projected, projected), float(np.einsum("ij,ij->", x, x)),
                       x.shape[0], description)
    assert gram is not None
    g = _array("gram", gram, ndim=2, rule="any")
    if g.shape != (vecs.shape[0], vecs.shape[0]):
        raise ValueError(f"gram must be D × D = {vecs.shape[0]} × {vecs.shape[0]}; got {g.shape}")
    if n is None:
        raise ValueError("n (the number of held-out rows) is needed with gram")
    c = np.einsum("ij,ij->j", vecs, g @ vecs)
    return HeldOut(np.maximum(c, 0.0), float(np.trace(g)), _whole("n", n, 1), description)


def heldout_loss(mapping: ArrayLike, heldout: HeldOut, *, test_noise_var: float) -> tuple[FloatArray, FloatArray]:
    """``(total, per_direction)`` of ``L_test`` for ``M = V diag(m) Vᵀ`` (claims ``heldout.per_direction``,
    ``heldout.unpredicted``).

    ``mapping`` has shape ``(..., K)`` for the first ``K <= D`` directions (the others count as ``m_j = 0``);
    ``per_direction`` is ``(1 − m_j)² c_j/(2N_t) + (s_t²/2) m_j²``, ``total`` its sum plus
    ``(tr C_t − Σ_{j ≤ K} c_j)/(2N_t)``.
    """
    m = np.asarray(mapping, dtype=np.float64)
    st2 = _real("test_noise_var", test_noise_var)
    k = m.shape[-1]
    if k > heldout.c.size:
        raise ValueError(f"mapping has {k} directions; the held-out set has D = {heldout.c.size}")
    c = heldout.c[:k]
    per = (1 - m) ** 2 * c / (2 * heldout.n) + st2 / 2 * m**2
    rest = max(heldout.trace - float(c.sum()), 0.0) / (2 * heldout.n)
    return per.sum(axis=-1) + rest, per


def measured_heldout_loss(w1: ArrayLike, w2: ArrayLike, *, gram: ArrayLike, n: int, test_noise_var: float) -> float:
    """``L_test`` of a trained ``M = W2W1`` exactly (claim ``heldout.trace_form``), from ``gram = X_tᵀX_t``.

    ``tr((I − M)C(I − M)ᵀ) = tr C − 2 tr(W1 C W2) + tr((W1CW1ᵀ)(W2ᵀW2))`` and ``||M||²_F = tr((W1W1ᵀ)(W2ᵀW2))``,
    so the cost is ``O(D² H)``, not ``O(D³)``.
    """
    a = np.asarray(w1, dtype=np.float64)
    b = np.asarray(w2, dtype=np.float64)
    g = np.asarray(gram, dtype=np.float64)
    st2 = _real("test_noise_var", test_noise_var)
    gw = a @ g  # H × D
    b_gram = b.T @ b
    fit = np.trace(g) - 2 * np.einsum("hd,dh->", gw, b) + np.einsum("hk,kh->", gw @ a.T, b_gram)
    return float(fit / (2 * _whole("n", n, 1)) + st2 / 2 * np.einsum("hk,kh->", a @ a.T, b_gram))


# ---------------------------------------------------------------------------
# Starts.
def expected_start(*, hidden: int, init_std: float) -> tuple[float, float]:
    """``(w1_0, w2_0) = (0, √(2H) σ0)``: every direction's effective start under i.i.d. ``N(0, σ0²)`` weights
    in expectation (``|a ± b|² ≈ 2Hσ0²``, no initial mapping; :mod:`symdae.prediction`)."""
    return 0.0, math.sqrt(2 * _whole("hidden", hidden, 1)) * _real("init_std", init_std, "positive")


def capacity_start(*, hidden: int, init_std: float, directions: int) -> tuple[FloatArray, FloatArray]:
    """The expected start in the hidden space the larger directions leave free (an empirical model, not a claim).

    Direction ``j`` (0-based, descending ``λ``) grows after the ``j`` larger ones, which by then span ``j``
    of the ``H`` hidden dimensions; gradient descent removes the components of ``j``'s initial hidden vectors
    along them first, and a random vector keeps ``(H − j)/H`` of its squared norm outside ``j`` dimensions.
    So ``w1_0 = 0``, ``w2_0 = σ0 √(2 max(H − j, 0))``: directions beyond the ``H``-th start at the saddle and
    stay there (the network's rank is at most ``H``). On MNIST at the validation settings it predicts the
    measured ``L_test`` to ~3e-4 where :func:`expected_start` is 1–2% low (``docs/tuning.md``).
    """
    h = _whole("hidden", hidden, 1)
    std = _real("init_std", init_std, "positive")
    free = np.maximum(h - np.arange(_whole("directions", directions, 1)), 0)
    return np.zeros(free.size), std * np.sqrt(2.0 * free)


def seed_start(seed: int, *, hidden: int, init_std: float, eigenvectors: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Per-direction effective start ``(w1_0, w2_0)`` of seed ``seed``'s actual initial weights.

    The weights are those of :func:`symdae.torch.random_weights` (``numpy.random.default_rng(seed)``:
    ``W1`` then ``W2``, i.i.d. ``N(0, σ0²)``; the same for every ``s²``), reduced as
    :func:`symdae.theory.initial_state` and :func:`symdae.theory.effective_weights` do.
    """
    from symdae.theory import effective_weights, initial_state

    vecs = _array("eigenvectors", eigenvectors, ndim=2, rule="any")
    h, std = _whole("hidden", hidden, 1), _real("init_std", init_std, "positive")
    rng = np.random.default_rng(_whole("seed", seed, 0))
    w1 = std * rng.standard_normal((h, vecs.shape[0]))
    w2 = std * rng.standard_normal((vecs.shape[0], h))
    return effective_weights(*initial_state(w1 @ vecs, vecs.T @ w2))
