"""The noise expectation of Supp. A (:class:`NoiseMean`) against sympy.stats, an independent implementation."""

from __future__ import annotations

import pytest
import sympy as sp
from sympy import stats

from symdae.derivations.expected_loss import NoiseMean
from symdae.symbols import s


def test_noise_mean_matches_gaussian_expectations_of_a_quadratic() -> None:
    n = sp.symbols("n1:4", real=True)
    a, b, c = sp.symbols("a b c", real=True)
    expr = a * n[0] ** 2 + b * n[0] * n[1] + c * n[2] + (n[1] - 2 * n[2]) ** 2 + 7
    gaussian = [stats.Normal(f"g{i}", 0, s) for i in range(3)]
    expected = stats.E(expr.subs(dict(zip(n, gaussian, strict=True))))
    assert sp.expand(NoiseMean(expr, n, s).doit() - expected) == 0
    assert sp.expand(expected - (a * s**2 + 5 * s**2 + 7)) == 0


def test_noise_mean_refuses_moments_the_noise_model_does_not_fix() -> None:
    n = sp.symbols("n1:3", real=True)
    with pytest.raises(ValueError, match="above order 2"):
        NoiseMean(n[0] ** 2 * n[1], n, s).doit()


def test_noise_mean_binds_the_noise() -> None:
    n = sp.symbols("n1:3", real=True)
    x = sp.Symbol("x", real=True)
    assert NoiseMean(x * n[0] ** 2, n, s).free_symbols == {x, s}
