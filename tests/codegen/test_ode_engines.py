"""The data and helpers of the ODE/GD engines: the Radau IIA tableau, the status codes, the printer's powers."""

from __future__ import annotations

import math
from fractions import Fraction

import numba
import numpy as np
import pytest
import sympy as sp

from symdae.codegen.printer import NumbaPrinter
from symdae.kernels import _radau
from symdae.kernels._status import Status, message
from symdae.kernels._xint import exp, fma, ldexp, quotient


def _power(c: tuple[Fraction, Fraction], k: int) -> tuple[Fraction, Fraction]:
    result = (Fraction(1), Fraction(0))
    for _ in range(k):
        result = _radau._mul(result, c)
    return result


def test_radau_tableau_has_order_five() -> None:
    """B(5): sum_i b_i c_i^(k-1) = 1/k for k = 1..5, and C(3): sum_j a_ij c_j^(k-1) = c_i^k / k, exactly."""
    b, c, a = _radau.WEIGHTS, _radau.NODES, _radau.MATRIX
    for k in range(1, 6):
        total = (Fraction(0), Fraction(0))
        for bi, ci in zip(b, c, strict=True):
            term = _radau._mul(bi, _power(ci, k - 1))
            total = (total[0] + term[0], total[1] + term[1])
        assert total == (Fraction(1, k), Fraction(0))
    for i in range(3):
        for k in range(1, 4):
            total = (Fraction(0), Fraction(0))
            for j in range(3):
                term = _radau._mul(a[i][j], _power(c[j], k - 1))
                total = (total[0] + term[0], total[1] + term[1])
            target = _power(c[i], k)
            assert total == (target[0] / k, target[1] / k)


def test_radau_inverse_and_nodes_are_rounded_from_the_exact_tableau() -> None:
    a = np.array([[_radau._round(x) for x in row] for row in _radau.MATRIX])
    np.testing.assert_allclose(np.array(_radau.A_INV) @ a, np.eye(3), atol=1e-14)
    exact = [float(p + q * Fraction(math.sqrt(6.0))) for p, q in _radau.NODES]
    assert all(abs(x - y) <= math.ulp(y) for x, y in zip(_radau.C, exact, strict=True))


def test_every_failure_status_says_what_to_do() -> None:
    assert Status.OK.advice == ""
    for status in Status:
        if status is not Status.OK:
            assert status.advice and message("k", status, "what").startswith("k: what; ")


def test_pure_python_helpers_answer_as_numba_does() -> None:
    assert ldexp(0.75, 5000) == math.inf and ldexp(-0.75, 5000) == -math.inf and ldexp(0.5, 3) == 4.0
    assert exp(1e6) == math.inf
    assert quotient(1.0, 0.0) == math.inf and quotient(-1.0, 0.0) == -math.inf and math.isnan(quotient(0.0, 0.0))
    a, b = 1.0 + 2.0**-30, 1.0 - 2.0**-30
    assert fma(a, b, -1.0) == -(2.0**-60)  # a*b - 1 exactly, where a*b rounds to 1


@pytest.mark.jit  # compares with Numba's compiled x**n
@pytest.mark.parametrize("n", [2, 3, 4, 5, 7, -2, -3])
def test_integer_powers_print_as_numba_computes_them(n: int) -> None:
    x = sp.Symbol("x")
    source = NumbaPrinter({"fully_qualified_modules": True, "inline": True}).doprint(x**n)
    printed = eval(f"lambda x: {source}")  # our own printer's output
    compiled = numba.njit(eval(f"lambda x: x**{n}"))
    values = np.random.default_rng(n + 10).uniform(0.1, 10.0, 2000)
    assert all(printed(v) == compiled(v) for v in values)
