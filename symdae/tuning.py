"""Choosing the noise level: the held-out denoising loss predicted from spectra, before training.

The paper's closing future work, "how these insights could actually be used
for tuning noise levels and predicting the training time of DAEs". The
quantity to tune for is the held-out denoising loss of the trained mapping
``M = W2W1`` on ``N_t`` held-out rows corrupted with variance ``s_t²`` per
component (clean targets; claims ``heldout.*``)::

    L_test(M) = 1/(2N_t) Σ_i E_n ||x_i − M(x_i + n_i)||² = tr((I − M)C_t(I − M)ᵀ)/(2N_t) + (s_t²/2)||M||²_F

with ``C_t = X_tᵀX_t``. When ``M = V diag(m) Vᵀ`` in the training eigenbasis
(every direction an isolated scalar mode) it is
``Σ_j [(1 − m_j)² c_j/(2N_t) + (s_t²/2) m_j²]`` with ``c_j = v_jᵀC_tv_j``
(``heldout.per_direction``); directions left out add
``(tr C_t − Σ_j c_j)/(2N_t)`` (``heldout.unpredicted``). The held-out data
enter only through :class:`HeldOut`: ``c``, ``tr C_t`` and ``N_t``.

:func:`predict_heldout` evolves every direction's mode by the exact
discrete-time gradient descent of training, one step of ``1/τ`` per epoch
(:func:`symdae.kernels.gd_iterates`'s iteration), from the start the random
initialisation gives in expectation (``w1 = 0``, ``w2 = √(2H)σ0``,
:func:`expected_start`) or from one seed's actual initial weights
(:func:`seed_start`), over a grid of noise variances ``s²`` (or weight decays
``γ``) and over epochs. :func:`recommend` finds the ``s²`` (or ``γ``) that
minimises the predicted ``L_test`` after ``T`` epochs -- a fine grid, then a
bounded 1-D minimisation (:func:`minimise_scalar`, Brent's method) -- and the
epoch that minimises it, the epochs until ``L_test`` is within 1% of its value
at ``T``, and the epochs each direction needs to reach 50% / 90% of its fixed
point.

Two engines run the same iteration: ``"numpy"`` (float64, vectorised over
the grid and the directions; the default, fast enough for ``symdae tune`` to
answer in seconds) and ``"kernel"`` (:func:`~symdae.kernels.gd_iterates`,
double-double arithmetic). They agree to ~1e-13 relative over thousands of
epochs (tested).

Units (``docs/conventions.md``): ``λ_j`` are eigenvalues of ``Σ = XᵀX``, a sum
over the ``N`` training rows; ``τ = N/α``, ``ε = N s²``, ``κ = Nγ``; time in
epochs. Every option is keyword-only; a bad one raises ``ValueError`` naming
it and the rule.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from symdae.data import Dataset

__all__ = [
    "HeldOut",
    "HeldoutPrediction",
    "Recommendation",
    "capacity_start",
    "converged_heldout_loss",
    "epochs_to_fractions",
    "epochs_to_within",
    "expected_start",
    "heldout_loss",
    "heldout_moments",
    "measured_heldout_loss",
    "minimise_scalar",
    "predict_heldout",
    "recommend",
    "seed_start",
]

FloatArray = NDArray[np.float64]
Engine = Literal["numpy", "kernel"]
Start = Literal["expected", "capacity"]
WITHIN = 0.01
"""The tolerance of :func:`epochs_to_within`: within 1% of the loss at the last epoch."""
FRACTIONS = (0.5, 0.9)
GRID_POINTS = 64
"""Points of :func:`recommend`'s default log grid (plus 0)."""


# ---------------------------------------------------------------------------
# Checking options.
def _real(name: str, value: object, rule: str = "nonnegative") -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a real number; got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite; got {value!r}")
    if rule == "positive" and not number > 0:
        raise ValueError(f"{name} must be > 0; got {number:g}")
    if rule == "nonnegative" and not number >= 0:
        raise ValueError(f"{name} must be >= 0; got {number:g}")
    return number


def _whole(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be a whole number; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    return int(value)


def _array(name: str, value: ArrayLike, *, ndim: int | None = 1, rule: str = "nonnegative") -> FloatArray:
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be real numbers; got {value!r}") from None
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array; got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite")
    if rule == "nonnegative" and (array < 0).any():
        raise ValueError(f"{name} must be >= 0; got {float(array[array < 0].flat[0]):g}")
    return array


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


# ---------------------------------------------------------------------------
# Prediction.
@dataclass(frozen=True)
class HeldoutPrediction:
    """Predicted ``L_test`` over a grid of ``G`` settings (``noise_var``, ``weight_decay``) and ``K`` directions.

    ``loss`` ``(G,)`` and ``per_direction``, ``mapping`` ``(G, K)`` are after ``epochs`` epochs;
    ``loss_over_epochs`` ``(G, epochs + 1)`` at every epoch ``0 … T`` (``None`` unless asked for);
    ``first_reached`` ``(G, K, F)``: the first epoch ``<= T`` at which each direction reached each of
    ``FRACTIONS`` of its fixed point (``inf`` if not by ``T``; ``None`` unless asked for).
    """

    noise_var: FloatArray
    weight_decay: FloatArray
    epochs: int
    loss: FloatArray
    per_direction: FloatArray
    mapping: FloatArray
    loss_over_epochs: FloatArray | None = None
    first_reached: FloatArray | None = None
    settings: dict[str, object] = field(default_factory=dict)


def _iterate_numpy(lam: FloatArray, eps: FloatArray, kappa: FloatArray, tau: float, w1: FloatArray, w2: FloatArray,
                   steps: int, on_step: Callable[[int, FloatArray], None] | None) -> FloatArray:
    """``steps`` simultaneous gradient steps ``w ← w − (1/τ)∇ℓ`` of the mode loss, arrays ``(G, K)``."""
    a, b = w1.copy(), w2.copy()
    total = lam + eps
    decay = kappa / tau
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, steps + 1):
            r = (lam - total * (a * b)) / tau
            a, b = a + b * r - decay * a, b + a * r - decay * b
            if on_step is not None:
                on_step(step, a * b)
    return a * b


def _iterate_kernel(lam: FloatArray, eps: FloatArray, kappa: FloatArray, tau: float, w1: FloatArray, w2: FloatArray,
                    steps: int, on_step: Callable[[int, FloatArray], None] | None) -> FloatArray:
    from symdae.kernels import gd_iterates

    if on_step is None:
        a, b = gd_iterates(steps, lam=lam, eps=eps, kappa=kappa, tau=tau, w1_0=w1, w2_0=w2)
        return np.asarray(a) * np.asarray(b)
    counts = np.arange(steps + 1, dtype=np.float64)
    rows = []
    for g in range(lam.shape[0]):  # one grid point at a time: (K, T + 1) weights, not (G, K, T + 1)
        a, b = gd_iterates(counts, lam=lam[g][:, None], eps=eps[g][:, None], kappa=kappa[g][:, None], tau=tau,
                           w1_0=w1[g][:, None], w2_0=w2[g][:, None])
        rows.append(np.asarray(a) * np.asarray(b))
    trajectory = np.stack(rows)  # (G, K, T + 1)
    for step in range(1, steps + 1):
        on_step(step, trajectory[:, :, step])
    return trajectory[:, :, -1]


def _per_direction(name: str, value: ArrayLike, k: int, dim: int) -> FloatArray:
    """One start value for all ``k`` directions, or one per direction (``k`` or all ``dim`` of them)."""
    array = _array(name, value, ndim=None, rule="any")
    if array.ndim == 0:
        return np.full(k, float(array))
    if array.ndim == 1 and array.size in (k, dim):
        return array[:k].copy()
    raise ValueError(f"{name} needs one value or one per direction ({k}, or all {dim}); got shape {array.shape}")


def _fixed_points(lam: FloatArray, eps: FloatArray, kappa: FloatArray) -> FloatArray:
    """The modes' fixed points ``(G, K)`` (0 where the loss is flat or the mode cannot grow)."""
    from symdae.kernels import fixed_point

    flat = (lam == 0) & (eps == 0) & (kappa == 0)
    star = np.asarray(fixed_point(lam=np.where(flat, 1.0, lam), eps=eps, kappa=kappa), dtype=np.float64)
    return np.where(flat, 0.0, star)


def predict_heldout(*, eigenvalues: ArrayLike, heldout: HeldOut, n_samples: int, lr: float, epochs: int,
                    test_noise_var: float, noise_var: ArrayLike = 0.0, weight_decay: ArrayLike = 0.0,
                    hidden: int | None = None, init_std: float | None = None, start: Start = "expected",
                    w1_0: ArrayLike | None = None, w2_0: ArrayLike | None = None, trajectory: bool = False,
                    crossings: bool = False, engine: Engine = "numpy") -> HeldoutPrediction:
    """Predicted held-out loss after ``epochs`` epochs of full-batch gradient descent, over a grid.

    Args:
        eigenvalues: the ``K`` training eigenvalues ``λ_j`` of ``Σ = XᵀX`` (a sum over the N rows), descending;
            the first ``K`` of ``heldout.c`` go with them and the rest of ``tr C_t`` counts with ``m_j = 0``.
        heldout: the held-out second moments (:func:`heldout_moments`).
        n_samples, lr, epochs: N, α and T of training (``τ = N/α``, one step per epoch).
        test_noise_var: ``s_t²``, the test-time corruption (0: the plain held-out reconstruction loss).
        noise_var, weight_decay: ``s²`` and ``γ``, scalars or 1-D grids broadcast together (``G`` settings).
        hidden, init_std: the network's H and σ0, for the start ``start``: ``"expected"``
            (:func:`expected_start`, the default) or ``"capacity"`` (:func:`capacity_start`); or
        w1_0, w2_0: per-direction effective starts (:func:`seed_start`), instead of ``hidden`` and ``init_std``.
        trajectory: also record ``loss_over_epochs``.
        crossings: also record ``first_reached``.
        engine: ``"numpy"`` or ``"kernel"`` (:func:`~symdae.kernels.gd_iterates`); the same iteration.

    Raises:
        ValueError: an option breaks its rule (the message names it), or gradient descent diverges (``lr``
            beyond the stability limit of the largest eigenvalue).
    """
    lam = _array("eigenvalues", eigenvalues)
    if lam.size == 0 or lam.size > heldout.c.size:
        raise ValueError(f"eigenvalues must hold 1 to D = {heldout.c.size} values; got {lam.size}")
    n = _whole("n_samples", n_samples, 1)
    alpha = _real("lr", lr, "positive")
    steps = _whole("epochs", epochs, 0)
    st2 = _real("test_noise_var", test_noise_var)
    if engine not in ("numpy", "kernel"):
        raise ValueError(f"engine must be 'numpy' or 'kernel'; got {engine!r}")
    s2 = _array("noise_var", np.atleast_1d(np.asarray(noise_var, dtype=np.float64)))
    gamma = _array("weight_decay", np.atleast_1d(np.asarray(weight_decay, dtype=np.float64)))
    try:
        s2, gamma = (np.ascontiguousarray(x) for x in np.broadcast_arrays(s2, gamma))
    except ValueError:
        raise ValueError(f"noise_var ({s2.size} values) and weight_decay ({gamma.size}) must broadcast "
                         "together") from None
    if (w1_0 is None) != (w2_0 is None):
        raise ValueError("give both w1_0 and w2_0 (a seed's start), or neither (the expected start)")
    if w1_0 is None:
        if hidden is None or init_std is None:
            raise ValueError("hidden and init_std are needed for the expected start (or give w1_0 and w2_0)")
        if start == "expected":
            first_w1, first_w2 = expected_start(hidden=hidden, init_std=init_std)
            a0, b0 = np.full(lam.size, first_w1), np.full(lam.size, first_w2)
        elif start == "capacity":
            a0, b0 = capacity_start(hidden=hidden, init_std=init_std, directions=lam.size)
        else:
            raise ValueError(f"start must be 'expected' or 'capacity'; got {start!r}")
    else:
        if hidden is not None or init_std is not None:
            raise ValueError("hidden and init_std give the expected start; with w1_0 and w2_0 leave them out")
        assert w2_0 is not None
        a0, b0 = (_per_direction(name, v, lam.size, heldout.c.size) for name, v in (("w1_0", w1_0), ("w2_0", w2_0)))
    rounding = lam.size * np.finfo(np.float64).eps * float(lam[0]) if lam.size else 0.0
    lam = np.where(lam <= rounding, 0.0, lam)  # below the eigendecomposition's rounding: numerically 0
    tau = n / alpha
    grid = s2.size
    lam_g = np.broadcast_to(lam, (grid, lam.size))
    eps_g = np.broadcast_to((n * s2)[:, None], lam_g.shape)
    kappa_g = np.broadcast_to((n * gamma)[:, None], lam_g.shape)
    w1_g = np.ascontiguousarray(np.broadcast_to(a0, lam_g.shape))
    w2_g = np.ascontiguousarray(np.broadcast_to(b0, lam_g.shape))

    over_epochs = first = None
    on_step = None
    if trajectory:
        over_epochs = np.empty((grid, steps + 1))
        over_epochs[:, 0] = heldout_loss(w1_g * w2_g, heldout, test_noise_var=st2)[0]
    if crossings:
        star = _fixed_points(np.ascontiguousarray(lam_g), np.ascontiguousarray(eps_g), np.ascontiguousarray(kappa_g))
        targets = star[..., None] * np.asarray(FRACTIONS)
        first = np.where((w1_g * w2_g)[..., None] >= targets, 0.0, np.inf)
        first[star <= 0] = np.nan  # nothing to learn (a fixed point of 0): no time
    if trajectory or crossings:
        c_k = heldout.c[:lam.size]
        rest = max(heldout.trace - float(c_k.sum()), 0.0) / (2 * heldout.n)

        def on_step(step: int, m: FloatArray) -> None:
            if over_epochs is not None:  # heldout_loss's total, inlined (it runs at every epoch)
                over_epochs[:, step] = ((1 - m) ** 2 @ c_k) / (2 * heldout.n) + st2 / 2 * np.einsum("gk,gk->g", m, m) \
                    + rest
            if first is not None:
                newly = (m[..., None] >= targets) & np.isinf(first)
                if newly.any():
                    first[newly] = step

    iterate = _iterate_numpy if engine == "numpy" else _iterate_kernel
    try:
        mapping = iterate(np.ascontiguousarray(lam_g), np.ascontiguousarray(eps_g), np.ascontiguousarray(kappa_g),
                          tau, w1_g, w2_g, steps, on_step)
    except ValueError as err:  # gd_iterates: the iterates leave float64's range
        raise ValueError(f"lr: gradient descent diverges ({err})") from None
    if not np.isfinite(mapping).all():
        limit = n / float(lam[0]) if lam[0] > 0 else math.inf
        raise ValueError(f"lr: gradient descent diverges with lr = {alpha:g} (the mapping leaves float64's range "
                         f"within {steps} epochs; the largest direction needs lr < about N/λ1 = {limit:.3g})")
    total, per = heldout_loss(mapping, heldout, test_noise_var=st2)
    settings: dict[str, object] = {"n_samples": n, "lr": alpha, "epochs": steps, "tau": tau, "test_noise_var": st2,
                "n_heldout": heldout.n, "directions": int(lam.size), "engine": engine,
                "start": start if w1_0 is None else "given", "hidden": hidden, "init_std": init_std}
    return HeldoutPrediction(s2, gamma, steps, total, per, mapping, over_epochs, first, settings)


def converged_heldout_loss(*, eigenvalues: ArrayLike, heldout: HeldOut, n_samples: int, test_noise_var: float,
                           noise_var: ArrayLike = 0.0, weight_decay: ArrayLike = 0.0) -> FloatArray:
    """``L_test`` at ``T → ∞`` (every direction at its fixed point, as from the expected start), per setting."""
    lam = _array("eigenvalues", eigenvalues)
    n = _whole("n_samples", n_samples, 1)
    s2, gamma = np.broadcast_arrays(_array("noise_var", np.atleast_1d(noise_var)),
                                    _array("weight_decay", np.atleast_1d(weight_decay)))
    shape = (s2.size, lam.size)
    star = _fixed_points(np.ascontiguousarray(np.broadcast_to(lam, shape)),
                         np.ascontiguousarray(np.broadcast_to((n * s2)[:, None], shape)),
                         np.ascontiguousarray(np.broadcast_to((n * gamma)[:, None], shape)))
    return heldout_loss(star, heldout, test_noise_var=test_noise_var)[0]


def epochs_to_within(loss_over_epochs: ArrayLike, fraction: float = WITHIN) -> NDArray[np.int64]:
    """The first epoch from which the loss stays within ``fraction`` (relative) of its value at the last epoch.

    ``loss_over_epochs`` has shape ``(..., T + 1)`` (epochs ``0 … T``).
    """
    loss = np.asarray(loss_over_epochs, dtype=np.float64)
    tol = _real("fraction", fraction, "positive")
    final = loss[..., -1:]
    outside = np.abs(loss - final) > tol * np.abs(final)
    # the last epoch outside the band, + 1 (0 if the loss is always inside)
    reversed_first = np.argmax(outside[..., ::-1], axis=-1)
    last_outside = loss.shape[-1] - 1 - reversed_first
    return np.where(outside.any(axis=-1), last_outside + 1, 0).astype(np.int64)


def epochs_to_fractions(*, eigenvalues: ArrayLike, n_samples: int, lr: float, noise_var: float = 0.0,
                        weight_decay: float = 0.0, w2_0: float, fractions: tuple[float, ...] = FRACTIONS) -> FloatArray:
    """Continuous-time epochs until each direction reaches each fraction of its fixed point, ``(K, F)``
    (from the expected start ``w1 = 0``; :func:`symdae.prediction.epochs_to_fractions`)."""
    from symdae.prediction import epochs_to_fractions as closed_form

    lam = _array("eigenvalues", eigenvalues)
    n = _whole("n_samples", n_samples, 1)
    tau = n / _real("lr", lr, "positive")
    return np.asarray(closed_form(lam, n * _real("noise_var", noise_var), n * _real("weight_decay", weight_decay),
                                  tau, _real("w2_0", w2_0, "positive"), fractions), dtype=np.float64)


# ---------------------------------------------------------------------------
# Search.
def minimise_scalar(f: Callable[[float], float], lower: float, upper: float, *, xtol: float = 1e-5,
                    maxiter: int = 200) -> tuple[float, float, int]:
    """``(x, f(x), evaluations)``: a local minimum of ``f`` on ``[lower, upper]`` by Brent's bounded method.

    Golden-section steps, replaced by parabolic interpolation where that is safe (as
    ``scipy.optimize.fminbound``, which symdae does not depend on); stops when the bracket is within
    ``xtol`` (absolute, plus ``√ε_mach |x|``). Unimodal ``f`` on the interval gives its minimum; the ends
    themselves are not evaluated (the minimum of a monotone ``f`` is approached to within ``xtol``).
    """
    a, b = _real("lower", lower, "any"), _real("upper", upper, "any")
    if not a < b:
        raise ValueError(f"lower must be < upper; got [{a:g}, {b:g}]")
    tol = _real("xtol", xtol, "positive")
    limit = _whole("maxiter", maxiter, 1)
    sqrt_eps = math.sqrt(np.finfo(np.float64).eps)
    golden = 0.5 * (3.0 - math.sqrt(5.0))
    xf = nfc = fulc = a + golden * (b - a)
    fx = float(f(xf))
    count = 1
    ffulc = fnfc = fx
    rat = e = 0.0
    xm = 0.5 * (a + b)
    tol1 = sqrt_eps * abs(xf) + tol / 3.0
    tol2 = 2.0 * tol1
    while abs(xf - xm) > tol2 - 0.5 * (b - a) and count < limit:
        golden_step = True
        if abs(e) > tol1:  # try a parabola through the three best points
            golden_step = False
            r = (xf - nfc) * (fx - ffulc)
            q = (xf - fulc) * (fx - fnfc)
            p = (xf - fulc) * q - (xf - nfc) * r
            q = 2.0 * (q - r)
            if q > 0.0:
                p = -p
            q = abs(q)
            r, e = e, rat
            if abs(p) < abs(0.5 * q * r) and q * (a - xf) < p < q * (b - xf):
                rat = p / q
                x = xf + rat
                if x - a < tol2 or b - x < tol2:
                    rat = tol1 * (1.0 if xm >= xf else -1.0)
            else:
                golden_step = True
        if golden_step:
            e = a - xf if xf >= xm else b - xf
            rat = golden * e
        x = xf + (1.0 if rat >= 0 else -1.0) * max(abs(rat), tol1)
        fu = float(f(x))
        count += 1
        if fu <= fx:
            if x >= xf:
                a = xf
            else:
                b = xf
            fulc, ffulc, nfc, fnfc, xf, fx = nfc, fnfc, xf, fx, x, fu
        else:
            if x < xf:
                a = x
            else:
                b = x
            if fu <= fnfc or nfc == xf:
                fulc, ffulc, nfc, fnfc = nfc, fnfc, x, fu
            elif fu <= ffulc or fulc == xf or fulc == nfc:
                fulc, ffulc = x, fu
        xm = 0.5 * (a + b)
        tol1 = sqrt_eps * abs(xf) + tol / 3.0
        tol2 = 2.0 * tol1
    return xf, fx, count


def _minimise_on_grid(f: Callable[[float], float], grid: FloatArray, values: FloatArray, xtol: float,
                      refine: bool) -> tuple[float, float, int, str]:
    """Refine the grid's argmin between its neighbours (in log space where both are > 0).

    Returns ``(x, f(x), evaluations, where)``; ``where`` is ``"interior"``, ``"lower edge"`` or ``"upper edge"``
    of the grid.
    """
    best = int(np.argmin(values))
    where = "interior" if 0 < best < grid.size - 1 else "lower edge" if best == 0 else "upper edge"
    if not refine or grid.size < 2 or (best == 0 and grid[0] == 0 and values[0] < values[1]):
        return float(grid[best]), float(values[best]), 0, where
    lo, hi = grid[max(best - 1, 0)], grid[min(best + 1, grid.size - 1)]
    if lo > 0:
        u, fu, count = minimise_scalar(lambda v: f(math.exp(v)), math.log(lo), math.log(hi), xtol=xtol)
        x = math.exp(u)
    else:
        x, fu, count = minimise_scalar(f, lo, hi, xtol=xtol * hi)
    if fu > values[best]:  # the grid point is better (f is not unimodal there, or the minimum is at the end)
        return float(grid[best]), float(values[best]), count, where
    return x, fu, count, where


@dataclass(frozen=True)
class Recommendation:
    """:func:`recommend`'s answer. ``over`` names the tuned setting (``"noise_var"`` or ``"weight_decay"``).

    Attributes:
        value: the recommended ``s²`` (or ``γ``); ``predicted_heldout_loss`` the predicted ``L_test`` there
            after ``epochs`` epochs.
        best_epoch, best_epoch_loss: the epoch ``<= T`` at which the predicted ``L_test`` is lowest at ``value``,
            and that loss (early stopping; ``best_epoch = epochs`` when training to ``T`` is best).
        epochs_to_within: epochs until the predicted ``L_test`` stays within 1% of its value at ``T``.
        grid, grid_loss: the grid searched and the predicted ``L_test`` at ``T`` on it.
        where: where on the grid the minimum lay (``"interior"``, ``"lower edge"``, ``"upper edge"``).
        evaluations: predictions made by the 1-D minimisation.
        early_stopping: ``{"value", "epochs", "predicted_heldout_loss"}``, the joint optimum over the setting
            and the epoch ``<= T``.
        baselines: the predicted ``L_test`` at ``T`` of the naive choices: ``s² = s_t²`` and the converged
            (``T → ∞``) optimum, each ``{"value", "predicted_heldout_loss", "converged_heldout_loss"}``.
        prediction: the :class:`HeldoutPrediction` at ``value``, with its trajectory and crossings.
        fractions: continuous-time epochs to 50% / 90% of each direction's fixed point ``(K, 2)`` at ``value``
            (``nan`` where there is nothing to learn; noise only, from the expected start).
        settings: the settings of the prediction.
    """

    over: str
    value: float
    predicted_heldout_loss: float
    epochs: int
    best_epoch: int
    best_epoch_loss: float
    epochs_to_within: int
    grid: FloatArray
    grid_loss: FloatArray
    where: str
    evaluations: int
    early_stopping: dict[str, float]
    baselines: dict[str, dict[str, float]]
    prediction: HeldoutPrediction
    fractions: FloatArray | None
    settings: dict[str, object]


def default_grid(*, eigenvalues: ArrayLike, n_samples: int, test_noise_var: float, points: int = GRID_POINTS,
                 over: str = "noise_var") -> FloatArray:
    """``0`` and ``points`` log-spaced values: ``s_t² · [1e-4, 1e2]`` for the noise when ``s_t² > 0``, else
    (and for the weight decay) ``λ1/N · [1e-6, 1]``."""
    lam = _array("eigenvalues", eigenvalues)
    st2 = _real("test_noise_var", test_noise_var)
    scale = float(lam[0]) / _whole("n_samples", n_samples, 1)
    lo, hi = (st2 * 1e-4, st2 * 1e2) if over == "noise_var" and st2 > 0 else (scale * 1e-6, scale)
    return np.concatenate([[0.0], np.geomspace(lo, hi, _whole("points", points, 2))])


def recommend(*, eigenvalues: ArrayLike, heldout: HeldOut, n_samples: int, lr: float, epochs: int,
              test_noise_var: float, hidden: int | None = None, init_std: float | None = None,
              start: Start = "expected", w1_0: ArrayLike | None = None, w2_0: ArrayLike | None = None,
              over: Literal["noise_var", "weight_decay"] = "noise_var", grid: ArrayLike | None = None,
              refine: bool = True, xtol: float = 1e-4, engine: Engine = "numpy") -> Recommendation:
    """The noise variance ``s²`` (or weight decay ``γ``) that minimises the predicted ``L_test`` after ``epochs``.

    The predicted ``L_test`` (:func:`predict_heldout`) on ``grid`` (default :func:`default_grid`: 0 and 64
    log-spaced values); then, with ``refine``, Brent's bounded minimisation (:func:`minimise_scalar`) between
    the grid argmin's neighbours, in ``log s²`` to ``xtol`` (relative). The other options are those of
    :func:`predict_heldout`. ``xtol = 1e-4`` places the optimum far more finely than the loss can tell apart
    near it (its minima are shallow).
    """
    if over not in ("noise_var", "weight_decay"):
        raise ValueError(f"over must be 'noise_var' or 'weight_decay'; got {over!r}")
    lam = _array("eigenvalues", eigenvalues)
    n = _whole("n_samples", n_samples, 1)
    st2 = _real("test_noise_var", test_noise_var)
    values = default_grid(eigenvalues=lam, n_samples=n, test_noise_var=st2, over=over) if grid is None else \
        np.unique(_array("grid", grid))
    if values.size == 0:
        raise ValueError("grid must hold at least one value")
    common: dict[str, Any] = {"eigenvalues": lam, "heldout": heldout, "n_samples": n, "lr": lr, "epochs": epochs,
              "test_noise_var": st2, "hidden": hidden, "init_std": init_std, "start": start, "w1_0": w1_0,
              "w2_0": w2_0, "engine": engine}

    def setting(x: ArrayLike) -> dict[str, Any]:
        return {over: x}

    on_grid = predict_heldout(**common, **setting(values), trajectory=True)

    def at_t(x: float) -> float:
        return float(predict_heldout(**common, **setting(x)).loss[0])

    value, loss, count, where = _minimise_on_grid(at_t, values, on_grid.loss, xtol, refine)
    best = predict_heldout(**common, **setting(value), trajectory=True, crossings=True)
    assert best.loss_over_epochs is not None and on_grid.loss_over_epochs is not None
    curve = best.loss_over_epochs[0]

    # the joint optimum over the setting and the epoch (early stopping), refined like the first
    def min_over_t(x: float) -> float:
        run = predict_heldout(**common, **setting(x), trajectory=True)
        assert run.loss_over_epochs is not None
        return float(run.loss_over_epochs[0].min())

    early_value, early_loss, extra, _ = _minimise_on_grid(min_over_t, values, on_grid.loss_over_epochs.min(axis=1),
                                                          xtol, refine)
    early = predict_heldout(**common, **setting(early_value), trajectory=True)
    assert early.loss_over_epochs is not None
    early_stopping = {"value": early_value, "epochs": int(np.argmin(early.loss_over_epochs[0])),
                      "predicted_heldout_loss": early_loss}

    baselines: dict[str, dict[str, float]] = {}
    if over == "noise_var":
        def converged(x: float) -> float:
            return float(converged_heldout_loss(eigenvalues=lam, heldout=heldout, n_samples=n, test_noise_var=st2,
                                                noise_var=x)[0])

        conv_grid = converged_heldout_loss(eigenvalues=lam, heldout=heldout, n_samples=n, test_noise_var=st2,
                                           noise_var=values)
        conv_value = _minimise_on_grid(converged, values, conv_grid, xtol, refine)[0]
        for name, x in (("test_noise_var", st2), ("converged_optimum", conv_value)):
            baselines[name] = {"value": x, "predicted_heldout_loss": at_t(x), "converged_heldout_loss": converged(x)}

    fractions = None
    if over == "noise_var" and w1_0 is None and start == "expected" and hidden is not None and init_std is not None:
        fractions = np.full((lam.size, len(FRACTIONS)), np.nan)
        moving = lam > 0  # with noise the fixed point λ/(λ + ε) is > 0 exactly there
        if moving.any():
            fractions[moving] = epochs_to_fractions(eigenvalues=lam[moving], n_samples=n, lr=lr, noise_var=value,
                                                    w2_0=expected_start(hidden=hidden, init_std=init_std)[1])
    settings = {**best.settings, "over": over, "grid_points": int(values.size), "xtol": xtol, "refine": refine}
    return Recommendation(
        over=over, value=value, predicted_heldout_loss=loss, epochs=best.epochs,
        best_epoch=int(np.argmin(curve)), best_epoch_loss=float(curve.min()),
        epochs_to_within=int(epochs_to_within(curve)), grid=values, grid_loss=on_grid.loss, where=where,
        evaluations=count + extra, early_stopping=early_stopping, baselines=baselines, prediction=best,
        fractions=fractions, settings=settings)


# ---------------------------------------------------------------------------
# The workflow behind ``symdae tune``: data, held-out set, recommendation, report, plot.
DATASETS = ("mnist", "fashion-mnist", "cifar10")
HELDOUT = ("test", "train-tail")
TOP = 32


class TuneError(ValueError):
    """Settings :func:`tune` cannot use; the message names the option (as on the command line) and the rule."""


@dataclass(frozen=True)
class Tuned:
    """:func:`tune`'s answer: the :class:`Recommendation`, the data it came from and everything for reports."""

    recommendation: Recommendation
    eigenvalues: FloatArray
    heldout: HeldOut
    samples: int
    top: int
    settings: dict[str, object]
    notes: list[str]
    curves: dict[str, FloatArray]

    def report(self) -> dict[str, object]:
        """The JSON of ``symdae tune --json``: ``recommended``, ``grid``, ``settings`` and the rest."""
        rec = self.recommendation
        other = "weight_decay" if rec.over == "noise_var" else "noise_var"

        def point(value: float, **extra: object) -> dict[str, object]:
            return {rec.over: value, other: 0.0, **extra}

        pred = rec.prediction
        n, lam = self.samples, self.eigenvalues
        star = _fixed_points(lam, np.full(lam.size, n * pred.noise_var[0]), np.full(lam.size, n * pred.weight_decay[0]))
        first = pred.first_reached[0] if pred.first_reached is not None else None
        rows = []
        for j in range(min(self.top, lam.size)):
            row: dict[str, object] = {
                "direction": j + 1, "eigenvalue": float(lam[j]), "heldout_moment": float(self.heldout.c[j]),
                "mapping": float(pred.mapping[0, j]), "fixed_point": float(star[j]),
                "heldout_loss_term": float(pred.per_direction[0, j])}
            for k, fraction in enumerate(FRACTIONS):
                label = f"{round(fraction * 100)}"
                row[f"epochs_to_{label}"] = _number(rec.fractions[j, k]) if rec.fractions is not None else None
                row[f"epochs_to_{label}_discrete"] = _number(first[j, k]) if first is not None else None
            rows.append(row)
        return {
            "recommended": point(rec.value, epochs=rec.epochs, predicted_heldout_loss=rec.predicted_heldout_loss,
                                 best_epoch=rec.best_epoch, best_epoch_loss=rec.best_epoch_loss,
                                 epochs_to_within_1_percent=rec.epochs_to_within, where_on_grid=rec.where),
            "early_stopping": point(rec.early_stopping["value"], epochs=int(rec.early_stopping["epochs"]),
                                    predicted_heldout_loss=rec.early_stopping["predicted_heldout_loss"]),
            "baselines": {name: point(b["value"], predicted_heldout_loss=b["predicted_heldout_loss"],
                                      converged_heldout_loss=b["converged_heldout_loss"])
                          for name, b in rec.baselines.items()},
            "grid": [point(float(x), predicted_heldout_loss=float(v)) for x, v in zip(rec.grid, rec.grid_loss,
                                                                                       strict=True)],
            "directions": rows,
            "settings": self.settings,
            "notes": self.notes,
        }

    def text(self) -> str:
        """The summary ``symdae tune`` prints."""
        rec, s = self.recommendation, self.settings
        name = "s²" if rec.over == "noise_var" else "γ"
        lines = [
            f"{s['dataset']} ({s['data']}), N = {s['samples']}, H = {s['hidden']}, α = {s['lr']:g}, "
            f"T = {s['epochs']}, σ0 = {s['init_std']:g}, start: {s['start']}; held-out: {s['heldout_description']}; "
            f"test noise s_t² = {s['test_noise_var']:g}",
            f"recommended {name} = {rec.value:.6g}: predicted L_test = {rec.predicted_heldout_loss:.8g} after "
            f"{rec.epochs} epochs ({rec.where} of the grid, {rec.evaluations} refinements)",
            f"  lowest over epochs <= T at epoch {rec.best_epoch} ({rec.best_epoch_loss:.8g}); within 1% of the "
            f"epoch-{rec.epochs} value from epoch {rec.epochs_to_within}",
            f"  joint optimum over {name} and epochs: {name} = {rec.early_stopping['value']:.6g} at epoch "
            f"{int(rec.early_stopping['epochs'])} ({rec.early_stopping['predicted_heldout_loss']:.8g})",
        ]
        for label, key in (("s² = s_t²", "test_noise_var"), ("converged (T → ∞) optimum", "converged_optimum")):
            if key in rec.baselines:
                b = rec.baselines[key]
                lines.append(f"  {label}: s² = {b['value']:.6g}, predicted L_test = {b['predicted_heldout_loss']:.8g} "
                             f"(+{b['predicted_heldout_loss'] - rec.predicted_heldout_loss:.3g})")
        lines.append(f"{name:>12} {'predicted L_test':>18}")
        lines.extend(f"{x:12.6g} {v:18.10g}" for x, v in zip(rec.grid, rec.grid_loss, strict=True))
        return "\n".join([*lines, *(f"note: {n}" for n in self.notes)])

    def plot(self, path: str | os.PathLike[str]) -> None:
        """Predicted ``L_test`` against the setting (at ``T``) and against epochs; the format from the suffix."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        rec = self.recommendation
        name = "s²" if rec.over == "noise_var" else "γ"
        figure = Figure(figsize=(11, 4.2), layout="constrained")
        FigureCanvasAgg(figure)
        left, right = figure.subplots(1, 2)
        positive = rec.grid > 0
        left.plot(rec.grid[positive], rec.grid_loss[positive], ".-", lw=1, label=f"predicted, epoch {rec.epochs}")
        if (~positive).any():
            left.axhline(float(rec.grid_loss[~positive][0]), color="grey", ls=":", lw=1, label=f"{name} = 0")
        left.plot([rec.value], [rec.predicted_heldout_loss], "r*", ms=12, label=f"recommended {name} = {rec.value:.4g}")
        for key, style in (("test_noise_var", "--"), ("converged_optimum", "-.")):
            if key in rec.baselines:
                left.axvline(rec.baselines[key]["value"], color="k", ls=style, lw=0.8,
                             label={"test_noise_var": "s² = s_t²", "converged_optimum": "converged optimum"}[key])
        left.set(xscale="log", xlabel=name, ylabel="predicted held-out loss L_test",
                 title=f"after T = {rec.epochs} epochs")
        lowest = float(rec.grid_loss.min())
        left.set_ylim(lowest - 0.003 * abs(lowest), lowest + 0.03 * abs(lowest))  # the minima are shallow
        left.legend(fontsize=7)
        epochs = np.arange(rec.epochs + 1)
        for label, curve in self.curves.items():
            right.plot(epochs, curve, lw=1.2, label=label)
        right.axvline(rec.epochs_to_within, color="grey", ls=":", lw=0.8, label="within 1% of epoch T from here")
        right.set(xlabel="epoch", ylabel="predicted held-out loss L_test", title="over training")
        final = float(self.curves[next(iter(self.curves))][-1])
        right.set_ylim(final * 0.98, final * 1.3)
        right.legend(fontsize=7)
        s = self.settings
        figure.suptitle(f"{s['dataset']}: N = {s['samples']}, H = {s['hidden']}, α = {s['lr']:g}, "
                        f"s_t² = {s['test_noise_var']:g}, held-out: {s['heldout']} ({s['heldout_samples']} rows)",
                        fontsize=10)
        figure.savefig(os.fspath(path))


def _number(value: float) -> float | str | None:
    """JSON-safe: ``nan`` (does not apply) as ``None``, ``inf`` (not reached) as ``"inf"``."""
    if math.isnan(value):
        return None
    return "inf" if math.isinf(value) else float(value)


def _load(dataset: str, split: str, n: int | None, data_root: str | None, option: str) -> Dataset:
    from symdae.data import load

    try:
        return load(dataset, split, n, data_root=data_root)
    except ValueError as err:
        text = str(err)
        if n is not None and text.startswith(f"n = {n} exceeds"):
            raise TuneError(f"{option} {n}{text[len(f'n = {n}'):]}") from None
        raise


def tune(*, dataset: str, samples: int, hidden: int, lr: float, epochs: int, test_noise_var: float,
         init_std: float = 1e-4, noise_vars: ArrayLike | None = None, weight_decays: ArrayLike | None = None,
         seed: int | None = None, start: Start = "expected", heldout: str = "test", heldout_samples: int | None = None,
         data_root: str | None = None, grid_only: bool = False, top: int = TOP, engine: Engine = "numpy") -> Tuned:
    """Recommend the noise variance (or weight decay) for a linear DAE on a dataset, from its spectrum alone.

    The training spectrum of the first ``samples`` images (cached, :func:`symdae.data.spectrum`), the held-out
    set (``heldout="test"``: the official test split, its first ``heldout_samples`` images or all;
    ``"train-tail"``: the ``heldout_samples`` training images after the first ``samples``, default up to
    10000), then :func:`recommend` over ``noise_vars`` (default :func:`default_grid`) or, with
    ``weight_decays``, over ``γ`` (the WDAE). ``seed`` starts from that seed's actual initial weights
    (:func:`seed_start`) instead of ``start``. ``grid_only``: no refinement between grid points.

    Raises :class:`TuneError` (naming the option) for settings that cannot be used, before the heavy work;
    ``FileNotFoundError`` / ``ValueError`` for missing or unrecognised data.
    """
    import time

    from symdae.data import preprocess, spectrum

    began = time.perf_counter()
    if dataset not in DATASETS:
        raise TuneError(f"--dataset must be one of {', '.join(DATASETS)}; got {dataset!r}")
    if heldout not in HELDOUT:
        raise TuneError(f"--heldout must be one of {', '.join(HELDOUT)}; got {heldout!r}")
    if noise_vars is not None and weight_decays is not None:
        raise TuneError("--noise-vars and --weight-decays: give one (the DAE's s² or the WDAE's γ), not both")
    if seed is not None and start != "expected":
        raise TuneError("--seed starts from that seed's actual weights; --start applies without --seed only")
    if start not in ("expected", "capacity"):
        raise TuneError(f"--start must be 'expected' or 'capacity'; got {start!r}")
    checks = (("--samples", samples, 1), ("--hidden", hidden, 1), ("--epochs", epochs, 1), ("--top", top, 1))
    for option, value, least in checks:
        try:
            _whole(option, value, least)
        except ValueError as err:
            raise TuneError(str(err)) from None
    for option, number, rule in (("--lr", lr, "positive"), ("--init-std", init_std, "positive"),
                                 ("--test-noise-var", test_noise_var, "nonnegative")):
        try:
            _real(option, number, rule)
        except ValueError as err:
            raise TuneError(str(err)) from None
    if heldout_samples is not None and (isinstance(heldout_samples, bool) or not isinstance(heldout_samples, int)
                                        or heldout_samples < 1):
        raise TuneError(f"--heldout-samples must be a whole number >= 1; got {heldout_samples!r}")
    over: Literal["noise_var", "weight_decay"] = "noise_var" if weight_decays is None else "weight_decay"
    given = noise_vars if weight_decays is None else weight_decays
    option = "--noise-vars" if weight_decays is None else "--weight-decays"
    grid = None
    if given is not None:
        try:
            grid = np.unique(_array(option, given))
        except ValueError as err:
            raise TuneError(str(err)) from None
        if grid.size == 0:
            raise TuneError(f"{option} must name at least one value")
    if grid_only and grid is None:
        raise TuneError("--grid-only needs --noise-vars or --weight-decays (the grid to choose from)")

    train = _load(dataset, "train", samples, data_root, "--samples")
    spec = spectrum(train)
    vecs = np.asarray(spec.eigenvectors)
    if heldout == "test":
        test = _load(dataset, "test", heldout_samples, data_root, "--heldout-samples")
        tspec = spectrum(test)
        gram = (tspec.eigenvectors * tspec.eigenvalues) @ tspec.eigenvectors.T
        rows_t = int(test.n)
        held = heldout_moments(eigenvectors=vecs, gram=gram, n=rows_t,
                               description=f"{dataset} test split, first {rows_t} images")
        nature = test.nature
    else:
        everything = _load(dataset, "train", None, data_root, "--samples")
        available = int(everything.n) - samples
        if available < 1:
            raise TuneError(f"--heldout train-tail needs training images beyond the first --samples {samples}; the "
                            f"{dataset} training split here has {everything.n}")
        rows_t = min(10000, available) if heldout_samples is None else heldout_samples
        if rows_t > available:
            raise TuneError(f"--heldout-samples {rows_t} exceeds the {available} training images after the first "
                            f"{samples}")
        rows = preprocess(everything.images[samples:samples + rows_t])
        held = heldout_moments(eigenvectors=vecs, rows=rows,
                               description=f"{dataset} training images {samples + 1}–{samples + rows_t}")
        nature = everything.nature
    lam = np.asarray(spec.eigenvalues, dtype=np.float64)
    starts: dict[str, Any]
    if seed is not None:
        w1_0, w2_0 = seed_start(seed, hidden=hidden, init_std=init_std, eigenvectors=vecs)
        starts = {"w1_0": w1_0, "w2_0": w2_0}
    else:
        starts = {"hidden": hidden, "init_std": init_std, "start": start}
    common: dict[str, Any] = {"eigenvalues": lam, "heldout": held, "n_samples": samples, "lr": lr,
                                 "epochs": epochs, "test_noise_var": test_noise_var, "engine": engine, **starts}
    try:
        rec = recommend(**common, over=over, grid=grid, refine=not grid_only)
    except ValueError as err:
        if str(err).startswith("lr:"):
            raise TuneError("--" + str(err)) from None
        raise
    curves: dict[str, FloatArray] = {}
    name = "s²" if over == "noise_var" else "γ"
    assert rec.prediction.loss_over_epochs is not None
    curves[f"recommended {name} = {rec.value:.4g}"] = rec.prediction.loss_over_epochs[0]
    others = [("s² = s_t²", test_noise_var), ("s² = 0", 0.0)] if over == "noise_var" else [("γ = 0", 0.0)]
    for label, x in others:
        extra: dict[str, Any] = {over: x}
        run = predict_heldout(**common, **extra, trajectory=True)
        assert run.loss_over_epochs is not None
        curves[f"{label} ({x:.4g})" if x else label] = run.loss_over_epochs[0]
    notes = []
    if nature != "exact" or train.nature != "exact":
        notes.append(f"data: {train.describe()}")
    if rec.where != "interior":
        notes.append(f"the minimum lies at the {rec.where} of the grid searched ({rec.grid[0]:.3g} to "
                     f"{rec.grid[-1]:.3g}): widen {option} to be sure it is the optimum")
    if rec.epochs_to_within > 0.9 * epochs:
        notes.append(f"L_test is still falling at epoch {epochs} (within 1% of its final value only from epoch "
                     f"{rec.epochs_to_within}): longer training changes the optimum")
    settings: dict[str, object] = {
        "dataset": dataset, "data": train.nature, "provenance": train.provenance,
        "samples": samples, "hidden": hidden, "lr": lr, "epochs": epochs, "init_std": init_std,
        "test_noise_var": test_noise_var, "over": over, "heldout": heldout, "heldout_samples": held.n,
        "heldout_description": held.description, "heldout_data": nature,
        "start": f"seed {seed}" if seed is not None else start, "seed": seed, "tau": samples / lr,
        "grid": "given" if grid is not None else "default", "grid_only": grid_only, "engine": engine, "top": top,
        "spectrum_cached": bool(spec.from_cache), "wall_time_s": round(time.perf_counter() - began, 3)}
    return Tuned(rec, lam, held, samples, top, settings, notes, curves)
