"""Every public kernel has the one signature shape of ``symdae.kernels`` (its module docstring)."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import symdae.kernels as kernels

ORDER = ("lam", "eps", "kappa", "tau", "w1_0", "w2_0")
DEFAULTS = {"eps": 0.0, "kappa": 0.0}
POINTS = {"t", "steps", "fraction"}
FUNCTIONS = [name for name in kernels.__all__ if inspect.isfunction(getattr(kernels, name))]


def test_the_kernels_are_the_documented_eight() -> None:
    assert sorted(FUNCTIONS) == ["crossing_time", "dae_trajectory", "equivalent_kappa", "fixed_point", "gd_iterates",
                                 "mode_trajectory", "optimal_tau", "time_to_fraction"]
    assert kernels.MODE_ORDER == ORDER


@pytest.mark.parametrize("name", FUNCTIONS)
def test_points_positional_then_the_mode_by_keyword_in_one_order_then_out(name: str) -> None:
    parameters = list(inspect.signature(getattr(kernels, name)).parameters.values())
    positional = [p for p in parameters if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    keywords = [p for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY]
    assert len(positional) <= 1 and all(p.name in POINTS and p.default is p.empty for p in positional), positional
    assert positional[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD if positional else True
    assert keywords[-1].name == "out" and keywords[-1].default is None, keywords
    mode = [p.name for p in keywords[:-1]]
    assert "lam" in mode and mode == [n for n in ORDER if n in mode], f"{name}: {mode} is not in the order {ORDER}"
    for p in keywords[:-1]:
        wanted = DEFAULTS.get(p.name, inspect.Parameter.empty)
        if name == "equivalent_kappa" and p.name == "eps":
            wanted = inspect.Parameter.empty  # with ε = 0 there is nothing to be equivalent to
        assert p.default == wanted, f"{name}: {p.name} defaults to {p.default}, not {wanted}"
    # a time axis comes with τ and the initial weights, and only then
    assert ({"tau", "w1_0", "w2_0"} <= set(mode)) == bool(positional or name == "crossing_time"), mode


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_docstring_names_every_argument_and_has_an_example_or_refers_to_one(name: str) -> None:
    function = getattr(kernels, name)
    doc = inspect.getdoc(function) or ""
    parameters = inspect.signature(function).parameters
    if "Args:" in doc:
        for parameter in parameters:
            assert parameter in doc, f"{name}'s docstring does not describe {parameter}"
    assert "Example:" in doc or ":func:`" in doc, name


_CALLS = {
    "dae_trajectory": ((1.0,), {"lam": 1.0, "eps": 0.5, "tau": 2.0, "w1_0": 0.1, "w2_0": 0.2}),
    "time_to_fraction": ((0.5,), {"lam": 1.0, "eps": 0.5, "tau": 2.0, "w1_0": 0.1, "w2_0": 0.2}),
    "crossing_time": ((), {"lam": 1.0, "eps": 0.5, "tau": 2.0, "w1_0": -0.1, "w2_0": 0.2}),
    "fixed_point": ((), {"lam": 1.0, "eps": 0.5, "kappa": 0.25}),
    "optimal_tau": ((), {"lam": 1.0, "eps": 0.5, "kappa": 0.25}),
    "equivalent_kappa": ((), {"lam": 1.0, "eps": 0.5}),
    "mode_trajectory": ((1.0,), {"lam": 1.0, "eps": 0.5, "kappa": 0.25, "tau": 2.0, "w1_0": 0.1, "w2_0": 0.2}),
    "gd_iterates": ((3,), {"lam": 1.0, "eps": 0.5, "kappa": 0.25, "tau": 2.0, "w1_0": 0.1, "w2_0": 0.2}),
}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_the_0_1_positional_spelling_warns_and_gives_the_same_answer(name: str) -> None:
    function = getattr(kernels, name)
    points, mode = _CALLS[name]
    new = function(*points, **mode)
    with pytest.warns(DeprecationWarning, match=rf"passing .* to {name} by position is deprecated .* keywords"):
        old = function(*points, *mode.values())
    assert np.array_equal(np.asarray(old), np.asarray(new))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        function(*points, **mode)  # the keyword form does not warn
    first = next(iter(mode))
    with pytest.raises(TypeError, match=f"{first} both by position and by keyword"):
        function(*points, mode[first], **mode)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_out_receives_the_result(name: str) -> None:
    function = getattr(kernels, name)
    points, mode = _CALLS[name]
    expected = function(*points, **{k: np.full(3, v) for k, v in mode.items()})
    if name == "gd_iterates":
        out = (np.empty(3), np.empty(3))
        got = function(*points, **{k: np.full(3, v) for k, v in mode.items()}, out=out)
        assert got[0] is out[0] and got[1] is out[1]
        np.testing.assert_array_equal(out, expected)
        with pytest.raises(ValueError, match="out must be two separate arrays"):
            function(*points, **{k: np.full(3, v) for k, v in mode.items()}, out=(out[0], out[0]))
        return
    out = np.empty(3)
    got = function(*points, **{k: np.full(3, v) for k, v in mode.items()}, out=out)
    assert got is out
    np.testing.assert_array_equal(out, expected)
