"""``symdae.strategies``: each strategy draws what its docstring says, and ``docs/strategies.md``'s example runs."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from symdae import strategies
from symdae.checking.claim import Interval
from symdae.strategies import (
    EXTREMES,
    KINDS,
    from_interval,
    log_uniform,
    modes,
    rates,
    signed,
    signed_log_uniform,
    spectra,
    taus,
    times,
    weight_pairs,
    weights,
)
from tests.docs_blocks import blocks

NORMAL = 2.2250738585072014e-308
MANY = settings(max_examples=200, deadline=None)
"""For the unparametrised tests of the strategies alone (no kernel calls); the others use the profile's count."""


def _blocks(language: str) -> list[str]:
    return blocks("strategies.md", language)


def test_the_docs_example_runs_verbatim(tmp_path: Path) -> None:
    """The user's property test of the page, saved as shown and run by pytest from a folder of its own."""
    example = next(b for b in _blocks("python") if b.startswith("# test_my_modes.py\n"))
    (tmp_path / "test_my_modes.py").write_text(example, encoding="utf-8")
    console = next(b for b in _blocks("console") if "test_my_modes.py" in b)
    argv = console.strip().removeprefix("$ ").split()
    assert argv[:2] == ["pytest", "test_my_modes.py"]
    result = subprocess.run([sys.executable, "-m", *argv, "-p", "no:cacheprovider"], capture_output=True,
                            text=True, cwd=tmp_path, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert set(re.findall(r"(\d+) invalid", result.stdout)) == {"0"}, result.stdout  # nothing rejected


def test_import_symdae_does_not_import_hypothesis() -> None:
    code = "import sys, symdae, symdae.kernels; assert 'hypothesis' not in sys.modules, 'hypothesis imported'"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_without_hypothesis_the_import_error_names_the_extra() -> None:
    code = ("import sys\nsys.modules['hypothesis'] = None\n"
            "try:\n    import symdae.strategies\nexcept ImportError as err:\n    print(err)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert "pip install 'symdae[test]'" in result.stdout, result.stdout + result.stderr


# --- weight pairs ----------------------------------------------------------------------------

def classify(pair: tuple[float, float]) -> str:
    w1, w2 = pair
    if w2 == w1:
        return "balanced"
    if w2 == -w1:
        return "anti-balanced"
    if w1 != 0 and w2 != 0 and abs(abs(w2) / abs(w1) - 1) <= 0.1 * (1 + 1e-15):
        return "nearly balanced" if (w1 > 0) == (w2 > 0) else "nearly anti-balanced"
    return "unbalanced"


RANGES = {  # (arguments, low, high, zero allowed)
    "working": ({}, 1e-150, 10.0, False),
    "whole": ({"whole_range": True}, 5e-324, 1.7e308, True),
    "largest": ({"low": 5e-324, "high": sys.float_info.max, "zero": False}, 5e-324, sys.float_info.max, False),
    "narrow": ({"low": 1.0, "high": 1.05}, 1.0, 1.05, False),  # narrower than the gaps: adjacent floats
    "subnormal": ({"low": 5e-324, "high": 1e-321, "zero": True}, 5e-324, 1e-321, True),
}


def in_range(w: float, low: float, high: float, zero: bool) -> bool:
    return (zero and w == 0.0) or low <= abs(w) <= high


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("domain", list(RANGES))
@given(data=st.data())
def test_each_kind_of_weight_pair_is_what_it_says(kind: str, domain: str, data: st.DataObject) -> None:
    arguments, low, high, zero = RANGES[domain]
    w1, w2 = data.draw(weight_pairs(kind, **arguments))
    assert isinstance(w1, float) and isinstance(w2, float)
    assert in_range(w1, low, high, zero) and in_range(w2, low, high, zero), (w1, w2)
    assert math.copysign(1.0, w1) == 1.0 or w1 != 0.0  # no −0.0
    assert math.copysign(1.0, w2) == 1.0 or w2 != 0.0
    if kind == "balanced":
        assert w1 == w2
    elif kind == "anti-balanced":
        assert w2 == -w1
    elif kind == "unbalanced":
        assert abs(w1) != abs(w2)
    else:
        assert w1 != 0.0 and abs(w1) != abs(w2)
        assert (w1 > 0) == (w2 > 0) if kind == "nearly balanced" else (w1 > 0) != (w2 > 0)
        if abs(w1) >= NORMAL and abs(w2) >= NORMAL:
            assert abs(abs(w2) / abs(w1) - 1) <= 0.1 * (1 + 1e-15), (w1, w2)


@pytest.mark.parametrize("domain", ["working", "whole"])
def test_the_mixture_holds_every_kind(domain: str) -> None:
    arguments = RANGES[domain][0]
    for kind in KINDS:
        found = find(weight_pairs(**arguments), lambda p, kind=kind: classify(p) == kind,
                     settings=settings(max_examples=2000, database=None))
        assert classify(found) == kind


@MANY
@given(pair=weight_pairs(["nearly balanced", "unbalanced"]))
def test_a_list_of_kinds_draws_only_those(pair: tuple[float, float]) -> None:
    assert abs(pair[0]) != abs(pair[1])


@MANY
@given(pair=weight_pairs(["nearly balanced", "nearly anti-balanced"], gaps=(1e-12, 1e-3)))
def test_nearly_balanced_pairs_keep_to_their_gaps(pair: tuple[float, float]) -> None:
    gap = abs(abs(pair[1]) / abs(pair[0]) - 1)
    assert 1e-12 * (1 - 1e-3) <= gap <= 1e-3 * (1 + 1e-12), pair  # up to the rounding of w1(1 ± δ)


def test_invalid_weight_pair_arguments_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="kind must be one of"):
        weight_pairs("independent")
    with pytest.raises(InvalidArgument, match="kind must be one of"):
        weight_pairs([])
    with pytest.raises(InvalidArgument, match="needs distinct magnitudes"):
        weight_pairs("unbalanced", low=1.0, high=1.0)
    assert find(weight_pairs("balanced", low=1.0, high=1.0), lambda p: True) == (1.0, 1.0)
    with pytest.raises(InvalidArgument, match="0 < low <= high"):
        weights(low=0.0, high=1.0)
    with pytest.raises(InvalidArgument, match="gaps"):
        weight_pairs(gaps=(0.1, 1.0))


# --- scalars -------------------------------------------------------------------------------------

SCALARS = {  # name: (strategy, allowed)
    "rates": (rates(), lambda x: x == 0.0 or 1e-6 <= x <= 1e6),
    "rates > 0": (rates(zero=False), lambda x: 1e-6 <= x <= 1e6),
    "rates, whole range": (rates(whole_range=True), lambda x: x == 0.0 or 1e-300 <= x <= 1e300 or x in EXTREMES),
    "rates, own range": (rates(low=1e-2, high=1e2), lambda x: x == 0.0 or 1e-2 <= x <= 1e2),
    "taus": (taus(), lambda x: 1e-3 <= x <= 1e8),
    "taus, whole range": (taus(whole_range=True), lambda x: 1e-300 <= x <= 1e300 or x in EXTREMES),
    "times": (times(), lambda x: x == 0.0 or 1e-6 <= x <= 1e12),
    "times > 0": (times(zero=False), lambda x: 1e-6 <= x <= 1e12),
    "times, whole range": (times(whole_range=True), lambda x: x == 0.0 or 1e-300 <= x <= 1e300 or x in EXTREMES),
    "weights": (weights(), lambda x: 1e-150 <= abs(x) <= 10.0),
    "weights, whole range": (weights(whole_range=True), lambda x: x == 0.0 or 5e-324 <= abs(x) <= 1.7e308),
    "log_uniform": (log_uniform(1e-6, 1e6), lambda x: 1e-6 <= x <= 1e6),  # exp(log(1e-6)) > 1e-6: clamped
    "log_uniform to the largest": (log_uniform(1.0, sys.float_info.max), lambda x: 1.0 <= x <= sys.float_info.max),
    "signed_log_uniform": (signed_log_uniform(1e-3, 1e3), lambda x: 1e-3 <= abs(x) <= 1e3),
    "signed": (signed(st.just(0.0)), lambda x: x == 0.0 and math.copysign(1.0, x) == 1.0),
    "from_interval, log": (from_interval(Interval(1e-4, 1e4, log=True, signed=True)), lambda x: 1e-4 <= abs(x) <= 1e4),
    "from_interval": (from_interval(Interval(-2.0, 3.0)), lambda x: -2.0 <= x <= 3.0),
}


@pytest.mark.parametrize("name", list(SCALARS))
@given(data=st.data())
def test_scalars_stay_in_their_domain(name: str, data: st.DataObject) -> None:
    strategy, allowed = SCALARS[name]
    x = data.draw(strategy)
    assert isinstance(x, float) and math.isfinite(x)
    assert allowed(x), x


@pytest.mark.parametrize("strategy, value", [
    (rates(), 0.0), (rates(whole_range=True), 5e-324), (rates(whole_range=True), 1.7e308), (times(), 0.0),
    (taus(whole_range=True), 5e-324), (weights(whole_range=True), 0.0), (log_uniform(1e-6, 1e6), 1e-6),
    (log_uniform(1e-6, 1e6), 1e6),
])
def test_the_edges_of_a_domain_are_drawn(strategy: st.SearchStrategy[float], value: float) -> None:
    assert find(strategy, lambda x: x == value, settings=settings(max_examples=2000, database=None)) == value


# --- modes and spectra ---------------------------------------------------------------------------

@pytest.mark.parametrize("noise", [True, False])
@pytest.mark.parametrize("weight_decay", [True, False])
@pytest.mark.parametrize("tau", [True, False])
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_modes_are_keyword_arguments_of_the_kernels(noise: bool, weight_decay: bool, tau: bool,
                                                    data: st.DataObject) -> None:
    mode = data.draw(modes(noise=noise, weight_decay=weight_decay, tau=tau, zero=False))
    assert set(mode) == {"lam", "eps"} | ({"kappa"} if weight_decay else set()) | ({"tau"} if tau else set())
    assert mode["lam"] > 0 and ("kappa" not in mode or mode["kappa"] > 0)
    assert (mode["eps"] > 0) if noise else (mode["eps"] == 0.0)
    assert "tau" not in mode or 1e-3 <= mode["tau"] <= 1e8


@MANY
@given(mode=modes(weight_decay=True, whole_range=True))
def test_modes_over_the_whole_range(mode: dict[str, float]) -> None:
    for name in ("lam", "eps", "kappa"):
        assert mode[name] == 0.0 or 1e-300 <= mode[name] <= 1e300 or mode[name] in EXTREMES
    assert 1e-300 <= mode["tau"] <= 1e300 or mode["tau"] in EXTREMES


@settings(max_examples=25, deadline=None)
@given(mode=modes(), pair=weight_pairs(), t=times())
def test_a_mode_goes_straight_into_the_kernels(mode: dict[str, float], pair: tuple[float, float], t: float) -> None:
    from symdae.kernels import dae_trajectory, mode_trajectory

    w = dae_trajectory(t, **mode, w1_0=pair[0], w2_0=pair[1])
    assert mode_trajectory(t, **mode, kappa=0.0, w1_0=pair[0], w2_0=pair[1]) == w


@MANY
@given(spectrum=spectra(min_size=2, max_size=8, distinct=True))
def test_spectra_are_covariance_spectra(spectrum: np.ndarray) -> None:
    assert spectrum.dtype == np.float64 and spectrum.ndim == 1 and 2 <= spectrum.size <= 8
    assert np.all(spectrum >= 0) and np.all(np.isfinite(spectrum))
    assert np.all(np.diff(spectrum) < 0)  # largest first, distinct
    assert np.all((spectrum == 0) | ((spectrum >= 1e-6) & (spectrum <= 1e6)))


@MANY
@given(spectrum=spectra(min_size=0, max_size=5, zero=False, descending=False, low=1.0, high=2.0))
def test_spectra_in_a_range_of_ones_own(spectrum: np.ndarray) -> None:
    assert spectrum.size <= 5 and np.all((spectrum >= 1.0) & (spectrum <= 2.0))


def test_spectra_keep_the_order_drawn_unless_descending() -> None:
    unsorted = find(spectra(descending=False, zero=False), lambda s: bool(np.any(np.diff(s) > 0)),
                    settings=settings(max_examples=2000, database=None))
    assert np.any(np.diff(unsorted) > 0)
    with pytest.raises(InvalidArgument, match="min_size <= max_size"):
        spectra(min_size=3, max_size=2)


def test_the_public_names() -> None:
    assert set(strategies.__all__) >= {"modes", "weight_pairs", "times", "spectra", "rates", "taus", "weights",
                                       "log_uniform", "signed_log_uniform", "from_interval", "KINDS"}
    for name in strategies.__all__:
        obj = getattr(strategies, name)
        assert not callable(obj) or obj.__doc__, name
