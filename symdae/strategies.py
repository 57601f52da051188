"""Hypothesis strategies for the modes of a linear denoising autoencoder, each with the domain it covers.

For property tests of :mod:`symdae.kernels` (and of code built on them): rates, times and weights in
mode units, whole modes as keyword arguments with the kernels' names (``lam``, ``eps``, ``kappa``,
``tau``), initial weight pairs of a named kind (balanced, anti-balanced, nearly so, unbalanced --
each *constructed*, none filtered, so no draw is rejected) and eigenvalue spectra. symdae's own tests
use them; ``docs/strategies.md`` tabulates the domains and shows a property test written with them.

Two domains, chosen per call:

* the **working domain** (the default): ``λ, ε, κ ∈ {0} ∪ [1e-6, 1e6]``, ``τ ∈ [1e-3, 1e8]``,
  ``t ∈ {0} ∪ [1e-6, 1e12]``, ``|w| ∈ [1e-150, 10]`` -- where a training run of the paper lives,
  with a wide margin;
* the **whole range** (``whole_range=True``): ``λ, ε, κ, t ∈ {0} ∪ [1e-300, 1e300] ∪ {5e-324, 1.7e308}``,
  ``τ ∈ [1e-300, 1e300] ∪ {5e-324, 1.7e308}``, ``w ∈ {0} ∪ ±[5e-324, 1.7e308]`` -- every finite input
  the kernels accept, down to the smallest subnormal and up to float64's largest values.

Positive values are drawn log-uniformly (uniform in their exponent), so every decade of a range is
equally likely; a range given as ``low``/``high`` replaces the domain's range (and its extremes).

Hypothesis is needed only here: it comes with the ``test`` extra (``pip install 'symdae[test]'``), and
``import symdae`` never imports this module.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
    from hypothesis.extra import numpy as hnp
except ImportError as err:  # pragma: no cover - exercised in a subprocess by tests/test_strategies.py
    raise ImportError(
        "symdae.strategies needs Hypothesis, which comes with symdae's test extra: pip install 'symdae[test]'"
    ) from err

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "EXTREMES",
    "KINDS",
    "WHOLE_RANGE",
    "WORKING",
    "from_interval",
    "log_uniform",
    "modes",
    "rates",
    "signed",
    "signed_log_uniform",
    "spectra",
    "taus",
    "times",
    "weight_pairs",
    "weights",
]

WORKING: dict[str, tuple[float, float]] = {
    "rate": (1e-6, 1e6),
    "tau": (1e-3, 1e8),
    "time": (1e-6, 1e12),
    "weight": (1e-150, 10.0),
}
"""Ranges of the working domain: positive rates (λ, ε, κ), τ, positive times, and weight magnitudes."""

WHOLE_RANGE: dict[str, tuple[float, float]] = {
    "rate": (1e-300, 1e300),
    "tau": (1e-300, 1e300),
    "time": (1e-300, 1e300),
    "weight": (5e-324, 1.7e308),
}
"""Ranges of the whole float64 domain; rates, τ and times also take the two :data:`EXTREMES`."""

EXTREMES: tuple[float, float] = (5e-324, 1.7e308)
"""The smallest subnormal and (about) the largest float64, added to the whole range's rates, τ and times."""

KINDS: tuple[str, ...] = ("balanced", "anti-balanced", "nearly balanced", "nearly anti-balanced", "unbalanced")
"""The kinds of :func:`weight_pairs`, in the order its mixture shrinks towards."""

_NUDGES = (2.0**-52, 2.0**-40, 1e-12, 1e-9, 1e-6, 1e-3)
"""Relative gaps of the nearly balanced kinds drawn as they are (besides log-uniform ones), where in ``gaps``."""


class _IntervalLike(Protocol):
    low: float
    high: float
    log: bool
    signed: bool


def _check_range(name: str, low: float, high: float) -> None:
    if not (math.isfinite(low) and math.isfinite(high) and 0 < low <= high):
        raise InvalidArgument(f"{name} needs finite 0 < low <= high, got low={low!r}, high={high!r}")


def _range(name: str, whole_range: bool, low: float | None, high: float | None) -> tuple[float, float, bool]:
    """``(low, high, extremes)``: the domain's range (and whether its extremes apply) or the one given."""
    domain = WHOLE_RANGE if whole_range else WORKING
    if low is None and high is None:
        lo, hi = domain[name]
        return lo, hi, whole_range and name != "weight"
    lo = domain[name][0] if low is None else float(low)
    hi = domain[name][1] if high is None else float(high)
    _check_range(name, lo, hi)
    return lo, hi, False


def log_uniform(low: float, high: float) -> st.SearchStrategy[float]:
    """Floats in ``[low, high]`` (``0 < low <= high``, finite), uniform in their logarithm.

    Domain: exactly ``[low, high]``, both ends included (the exponential is clamped, so rounding
    never steps outside); shrinks towards 1, or the end of the range nearest to it.
    """
    _check_range("log_uniform", low, high)
    if low == high:
        return st.just(float(low))
    lo, hi = math.log(low), math.log(high)
    exponents = st.floats(lo, hi)

    @st.composite  # a composite, not a .map: nested maps would share a label and mislead Hypothesis's mutator
    def log_uniform_floats(draw: st.DrawFn) -> float:
        x = draw(exponents)
        if x <= lo or x >= hi:  # the ends themselves (exp(log(x)) need not round back to x)
            return float(low if x <= lo else high)
        try:
            return min(max(math.exp(x), low), high)
        except OverflowError:  # pragma: no cover - log(high) rounded up past float64's largest value
            return float(high)

    return log_uniform_floats()


def signed(magnitudes: st.SearchStrategy[float]) -> st.SearchStrategy[float]:
    """``±m`` for ``m`` drawn from ``magnitudes``, each sign equally likely.

    Domain: ``{m} ∪ {−m}`` over the magnitudes' domain (a magnitude 0 gives ``0.0``, never ``−0.0``);
    shrinks towards the positive sign.
    """

    @st.composite
    def signed_floats(draw: st.DrawFn) -> float:
        m = draw(magnitudes)
        return 0.0 - m if draw(st.booleans()) else m

    return signed_floats()


def signed_log_uniform(low: float, high: float) -> st.SearchStrategy[float]:
    """``±m`` with ``m`` from :func:`log_uniform` ``(low, high)``. Domain: ``[−high, −low] ∪ [low, high]``."""
    return signed(log_uniform(low, high))


def from_interval(interval: _IntervalLike) -> st.SearchStrategy[float]:
    """Floats in a :class:`symdae.checking.claim.Interval` (any object with ``low``, ``high``, ``log``, ``signed``).

    Domain: ``[low, high]``, log-uniform when ``interval.log`` (:func:`log_uniform`), else uniform
    floats without NaN or infinities; with ``interval.signed`` either sign (:func:`signed`).
    """
    if interval.log:
        magnitude = log_uniform(interval.low, interval.high)
    else:
        magnitude = st.floats(interval.low, interval.high, allow_nan=False, allow_infinity=False)
    return signed(magnitude) if interval.signed else magnitude


def _with_edges(body: st.SearchStrategy[float], *, zero: bool, extremes: bool) -> st.SearchStrategy[float]:
    """``body``, or exactly 0 (with ``zero``), or one of :data:`EXTREMES` (with ``extremes``), each branch
    about equally likely; a failing case shrinks towards 0, then ``body``.

    Every branch makes the same draws (a branch index, a ``body`` value, an extreme): unlike ``one_of``,
    Hypothesis's mutations of such a choice sequence always replay, so no test case is wasted.
    """
    branches = (("zero",) if zero else ()) + ("body",) + (("extreme",) if extremes else ())
    if branches == ("body",):
        return body
    index = st.integers(0, len(branches) - 1)
    extreme = st.sampled_from(EXTREMES)

    @st.composite
    def edged(draw: st.DrawFn) -> float:
        branch, value = branches[draw(index)], draw(body)
        edge = draw(extreme) if extremes else 0.0
        return 0.0 if branch == "zero" else value if branch == "body" else edge

    return edged()


def _positive(name: str, zero: bool, whole_range: bool, low: float | None,
              high: float | None) -> st.SearchStrategy[float]:
    lo, hi, extremes = _range(name, whole_range, low, high)
    return _with_edges(log_uniform(lo, hi), zero=zero, extremes=extremes)


def rates(*, zero: bool = True, whole_range: bool = False, low: float | None = None,
          high: float | None = None) -> st.SearchStrategy[float]:
    """A rate of the mode: λ (an eigenvalue of XᵀX), ε = N s² (noise) or κ = N γ (weight decay).

    Domain: working ``[1e-6, 1e6]``; ``whole_range`` ``[1e-300, 1e300] ∪ {5e-324, 1.7e308}``;
    ``low``/``high`` replace the range (without extremes). Log-uniform; ``zero`` adds exactly 0 (about
    half the draws, a third with ``whole_range``; where a failing case shrinks to).
    """
    return _positive("rate", zero, whole_range, low, high)


def taus(*, whole_range: bool = False, low: float | None = None, high: float | None = None) -> st.SearchStrategy[float]:
    """τ = N/α, the time constant (epochs per unit of the gradient flow); always > 0.

    Domain: working ``[1e-3, 1e8]``; ``whole_range`` ``[1e-300, 1e300] ∪ {5e-324, 1.7e308}``;
    ``low``/``high`` replace the range (without extremes). Log-uniform.
    """
    return _positive("tau", False, whole_range, low, high)


def times(*, zero: bool = True, whole_range: bool = False, low: float | None = None,
          high: float | None = None) -> st.SearchStrategy[float]:
    """A time ``t >= 0`` in epochs.

    Domain: working ``[1e-6, 1e12]``; ``whole_range`` ``[1e-300, 1e300] ∪ {5e-324, 1.7e308}``;
    ``low``/``high`` replace the range (without extremes). Log-uniform; ``zero`` adds ``t = 0``
    (the start).
    """
    return _positive("time", zero, whole_range, low, high)


def weights(*, zero: bool | None = None, whole_range: bool = False, low: float | None = None,
            high: float | None = None) -> st.SearchStrategy[float]:
    """One initial weight ``w1_0`` or ``w2_0``, of either sign.

    Domain: ``±[low, high]``, working ``[1e-150, 10]``, ``whole_range`` ``[5e-324, 1.7e308]``;
    magnitudes log-uniform. ``zero`` adds 0 (default: only with ``whole_range``).
    """
    lo, hi, _ = _range("weight", whole_range, low, high)
    return _with_edges(signed_log_uniform(lo, hi), zero=whole_range if zero is None else zero, extremes=False)


def _kinds(kind: str | Iterable[str] | None) -> tuple[str, ...]:
    chosen = KINDS if kind is None else (kind,) if isinstance(kind, str) else tuple(kind)
    unknown = [k for k in chosen if k not in KINDS]
    if unknown or not chosen:
        raise InvalidArgument(f"weight_pairs kind must be one of {', '.join(map(repr, KINDS))} "
                              f"(or several, or None for all); got {kind!r}")
    return chosen


def _near(m: float, gap: float, up: bool, low: float, high: float) -> float:
    """A magnitude ``≠ m`` in ``[low, high]``: ``m(1 ± gap)``, else the neighbouring float64."""
    for direction in (up, not up):
        near = m * (1 + gap) if direction else m * (1 - gap)
        if near == m:  # subnormal m: the gap is below its spacing
            near = math.nextafter(m, math.inf if direction else 0.0)
        if low <= near <= high and near != m:
            return near
    for direction in (up, not up):  # [low, high] is narrower than the gap
        near = math.nextafter(m, math.inf if direction else 0.0)
        if low <= near <= high:
            return near
    raise AssertionError("unreachable: low < high")  # pragma: no cover


def weight_pairs(kind: str | Iterable[str] | None = None, *, whole_range: bool = False, low: float | None = None,
                 high: float | None = None, zero: bool | None = None,
                 gaps: tuple[float, float] = (2.0**-52, 0.1)) -> st.SearchStrategy[tuple[float, float]]:
    """Initial weights ``(w1_0, w2_0)`` of the given kind, constructed (never filtered: no draw is rejected).

    Both magnitudes lie in the range of :func:`weights` (working ``[1e-150, 10]``, ``whole_range``
    ``[5e-324, 1.7e308]``, or ``low``/``high``), with 0 where ``zero`` allows it (default: only with
    ``whole_range``). The kinds:

    * ``"balanced"``: ``w2_0 = w1_0`` (the mode's ``c0 = w2² − w1²`` is 0);
    * ``"anti-balanced"``: ``w2_0 = −w1_0`` (``w1_0 w2_0 <= 0``; the mode decays to the saddle);
    * ``"nearly balanced"``: same sign, ``w1_0 ≠ 0``, ``|w2_0| = |w1_0|(1 ± δ)`` rounded to float64, with
      ``δ ∈ gaps`` (default ``[2^-52, 0.1]``: log-uniform, and as they are those of 2^-52, 2^-40, 1e-12,
      1e-9, 1e-6, 1e-3 inside it); where that leaves the range the other side is taken, and where it
      rounds back to ``|w1_0|`` (subnormal weights) the adjacent float64. So ``|w1_0| ≠ |w2_0|`` always,
      and for normal weights (``|w| >= 2.2e-308``) the relative gap is at most ``gaps[1]`` (plus one
      rounding);
    * ``"nearly anti-balanced"``: the same with opposite signs;
    * ``"unbalanced"``: ``|w1_0| ≠ |w2_0|``, independent draws (ratios up to the whole range, e.g.
      ``1e-150`` beside ``10``); a draw of equal magnitudes is moved to a nearly balanced one.

    ``kind`` is one of :data:`KINDS`, several of them, or ``None`` for a mixture of all five. Needs
    ``low < high`` for every kind but the two balanced ones, and ``0 < gaps[0] <= gaps[1] < 1``.
    """
    chosen = _kinds(kind)
    lo, hi, _ = _range("weight", whole_range, low, high)
    with_zero = whole_range if zero is None else zero
    if lo == hi and any(k not in ("balanced", "anti-balanced") for k in chosen):
        raise InvalidArgument(f"weight_pairs({kind!r}) needs distinct magnitudes: low < high, got {lo!r}")
    magnitudes = log_uniform(lo, hi)
    any_weight = weights(zero=with_zero, low=lo, high=hi)
    if not 0 < gaps[0] <= gaps[1] < 1:
        raise InvalidArgument(f"weight_pairs needs gaps (low, high) with 0 < low <= high < 1, got {gaps!r}")
    fixed_gaps = st.sampled_from([g for g in _NUDGES if gaps[0] <= g <= gaps[1]] or [gaps[0]])
    any_gap = log_uniform(*gaps)

    @st.composite
    def relative_gaps(draw: st.DrawFn) -> float:
        log_uniform_gap, fixed, anything = draw(st.booleans()), draw(fixed_gaps), draw(any_gap)
        return anything if log_uniform_gap else fixed

    @st.composite
    def pairs(draw: st.DrawFn) -> tuple[float, float]:
        # Every kind makes the same draws in the same order, used or not: Hypothesis's mutations (which
        # copy one draw over another, e.g. w2 := w1) then always replay, so no test case is wasted.
        k = draw(st.sampled_from(chosen)) if len(chosen) > 1 else chosen[0]
        w1, w2 = draw(any_weight), draw(any_weight)
        m, negative, gap, up = draw(magnitudes), draw(st.booleans()), draw(relative_gaps()), draw(st.booleans())
        if k in ("balanced", "anti-balanced"):
            return (w1, w1) if k == "balanced" else (w1, 0.0 - w1)
        if k == "unbalanced":
            if abs(w1) != abs(w2):
                return w1, w2
            if w1 == 0.0:
                return w1, -m if negative else m
            return w1, math.copysign(_near(abs(w1), gap, up, lo, hi), w2)
        near = _near(m, gap, up, lo, hi)
        w1, w2 = (-m, -near) if negative else (m, near)
        return (w1, w2) if k == "nearly balanced" else (w1, -w2)

    return pairs()


def modes(*, noise: bool = True, weight_decay: bool = False, tau: bool = True, zero: bool = True,
          whole_range: bool = False) -> st.SearchStrategy[dict[str, float]]:
    """A mode's parameters as keyword arguments of the kernels: ``{"lam", "eps"[, "kappa"][, "tau"]}``.

    * ``lam`` (λ) is a :func:`rates` draw;
    * ``eps`` (ε, noise) is a :func:`rates` draw with ``noise``, else exactly 0;
    * ``kappa`` (κ, weight decay) is present only with ``weight_decay``, then a :func:`rates` draw --
      without it the dict fits :func:`~symdae.kernels.dae_trajectory` and
      :func:`~symdae.kernels.time_to_fraction` (κ = 0), with it
      :func:`~symdae.kernels.mode_trajectory` and :func:`~symdae.kernels.gd_iterates`;
    * ``tau`` (τ) is present with ``tau``, a :func:`taus` draw (leave it out for
      :func:`~symdae.kernels.fixed_point`).

    So noise only: ``modes()``; weight decay only: ``modes(noise=False, weight_decay=True)``; both:
    ``modes(weight_decay=True)``. Domain: each rate in the working domain or ``whole_range``, and 0
    among the draws with ``zero`` (then e.g. ``λ = ε = 0`` occurs); ``zero=False`` keeps every drawn
    rate > 0 (``fixed_point`` is then always defined).
    """
    rate = rates(zero=zero, whole_range=whole_range)
    fields: dict[str, st.SearchStrategy[float]] = {"lam": rate, "eps": rate if noise else st.just(0.0)}
    if weight_decay:
        fields["kappa"] = rate
    if tau:
        fields["tau"] = taus(whole_range=whole_range)
    return st.fixed_dictionaries(fields)


def spectra(*, min_size: int = 1, max_size: int = 16, zero: bool = True, descending: bool = True,
            distinct: bool = False, whole_range: bool = False, low: float | None = None,
            high: float | None = None) -> st.SearchStrategy[NDArray[np.float64]]:
    """1-D float64 arrays of eigenvalues ``λ_j >= 0``, like the spectrum of a covariance ``XᵀX``.

    Domain: ``min_size`` to ``max_size`` entries, each a :func:`rates` draw (working ``{0} ∪ [1e-6, 1e6]``,
    ``whole_range``, or ``low``/``high``; ``zero`` allows exact zeros: directions with no variance);
    ``distinct`` makes the entries unique; sorted largest first with ``descending`` (as
    :func:`symdae.data.spectrum` reports them), else in the order drawn.
    """
    if not 0 <= min_size <= max_size:
        raise InvalidArgument(f"spectra needs 0 <= min_size <= max_size, got {min_size}, {max_size}")
    elements = rates(zero=zero, whole_range=whole_range, low=low, high=high)
    arrays = hnp.arrays(np.float64, st.integers(min_size, max_size), elements=elements, unique=distinct)
    if not descending:
        return arrays

    def largest_first(values: Any) -> NDArray[np.float64]:
        return np.sort(values)[::-1].copy()

    return arrays.map(largest_first)
