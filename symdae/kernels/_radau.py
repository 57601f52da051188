"""The 3-stage Radau IIA method of ``mode_trajectory``: its Butcher tableau and one collocation step.

Radau IIA with 3 stages (Hairer & Wanner, *Solving ODEs II*, IV.5) is of order 5, stage order 3,
L-stable and stiffly accurate (``y1 = y0 + Z3``). A step of ``h`` solves for the stage increments
``Z = (Z1, Z2, Z3)`` of ``y' = f(u, y)`` in the form ``A⁻¹ Z = h F(y0 + Z)`` by full Newton
iterations (:func:`radau_solver`); each chart of :mod:`symdae.kernels._charts` divides the
equations by a power of two ``1/mu`` so that no coefficient overflows, giving
``mu A⁻¹ Z = G(Z)``.

The tableau is data: :data:`MATRIX` (``A``) and the nodes :data:`C` (``c = A·1``) and weights
(``b``, the last row of ``A``) derive from it, and :data:`A_INV` is ``A⁻¹`` computed exactly in
``Q(√6)`` and rounded once to float64. Runs as plain Python under ``NUMBA_DISABLE_JIT=1``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

from numba import njit

from symdae.kernels._xint import ldexp, quotient

#: An element ``p + q√6`` of ``Q(√6)`` as ``(p, q)``.
Surd = tuple[Fraction, Fraction]
_F = Fraction

#: ``A`` of 3-stage Radau IIA, exactly: ``MATRIX[i][j] = p + q√6``.
MATRIX: tuple[tuple[Surd, ...], ...] = (
    ((_F(88, 360), _F(-7, 360)), (_F(296, 1800), _F(-169, 1800)), (_F(-2, 225), _F(3, 225))),
    ((_F(296, 1800), _F(169, 1800)), (_F(88, 360), _F(7, 360)), (_F(-2, 225), _F(-3, 225))),
    ((_F(16, 36), _F(-1, 36)), (_F(16, 36), _F(1, 36)), (_F(1, 9), _F(0))),
)
#: The nodes ``c = A·1`` (exactly ``(4 ∓ √6)/10`` and 1) and the weights ``b`` (stiffly accurate: ``A``'s last row).
NODES: tuple[Surd, ...] = tuple((sum((a[0] for a in row), _F(0)), sum((a[1] for a in row), _F(0))) for row in MATRIX)
WEIGHTS: tuple[Surd, ...] = MATRIX[2]


def _mul(a: Surd, b: Surd) -> Surd:
    return a[0] * b[0] + 6 * a[1] * b[1], a[0] * b[1] + a[1] * b[0]


def _sub(a: Surd, b: Surd) -> Surd:
    return a[0] - b[0], a[1] - b[1]


def _inverse(a: Surd) -> Surd:
    norm = a[0] * a[0] - 6 * a[1] * a[1]
    return a[0] / norm, -a[1] / norm


def _matrix_inverse(m: tuple[tuple[Surd, ...], ...]) -> list[list[Surd]]:
    """``m⁻¹`` by Gauss–Jordan elimination in ``Q(√6)`` (exact; ``m`` has nonzero pivots)."""
    n = len(m)
    zero, one = (_F(0), _F(0)), (_F(1), _F(0))
    rows = [list(m[i]) + [one if i == j else zero for j in range(n)] for i in range(n)]
    for k in range(n):
        pivot = _inverse(rows[k][k])
        rows[k] = [_mul(x, pivot) for x in rows[k]]
        for i in range(n):
            if i != k:
                factor = rows[i][k]
                rows[i] = [_sub(x, _mul(factor, y)) for x, y in zip(rows[i], rows[k], strict=True)]
    return [row[n:] for row in rows]


def _round(a: Surd) -> float:
    """``p + q√6`` rounded once to float64 (√6 to 2^-300: a tie is impossible for an irrational)."""
    root = Fraction(math.isqrt(6 << 600), 1 << 300)
    return float(a[0] + a[1] * root)


#: ``A⁻¹`` rounded to float64 (tuples: constants to Numba).
A_INV: tuple[tuple[float, ...], ...] = tuple(tuple(_round(x) for x in row) for row in _matrix_inverse(MATRIX))
SQRT6 = math.sqrt(6.0)
#: The nodes as the integrator uses them: ``(4 ∓ √6)/10`` evaluated in float64 (within an ulp of :data:`NODES`).
C: tuple[float, float, float] = ((4.0 - SQRT6) / 10.0, (4.0 + SQRT6) / 10.0, 1.0)

NEWTON_ITERATIONS = 10
#: Accepted local error per step: of ln|w| (log chart), of the chart's variable relative to its size (others).
TOLERANCE = 1e-13

_jit = njit(error_model="numpy")


@_jit
def row_scale(a: float, b: float, c: float) -> float:
    """A power of two bringing max(|a|, |b|, |c|) into [1/2, 1) (1 for a zero or non-finite row): exact."""
    top = max(abs(a), abs(b), abs(c))
    if not 0.0 < top < math.inf:
        return 1.0
    return ldexp(1.0, -math.frexp(top)[1])


@_jit
def solve3(m11, m12, m13, m21, m22, m23, m31, m32, m33, r1, r2, r3):
    """Solve the 3x3 system M x = r by Cramer's rule, each row first scaled by a power of two
    (exactly) so that the determinant cannot underflow however small the step's scale mu is."""
    f1 = row_scale(m11, m12, m13)
    f2 = row_scale(m21, m22, m23)
    f3 = row_scale(m31, m32, m33)
    m11, m12, m13, r1 = m11 * f1, m12 * f1, m13 * f1, r1 * f1
    m21, m22, m23, r2 = m21 * f2, m22 * f2, m23 * f2, r2 * f2
    m31, m32, m33, r3 = m31 * f3, m32 * f3, m33 * f3, r3 * f3
    c11 = m22 * m33 - m23 * m32
    c12 = m23 * m31 - m21 * m33
    c13 = m21 * m32 - m22 * m31
    det = m11 * c11 + m12 * c12 + m13 * c13
    x1 = quotient(r1 * c11 + m12 * (r3 * m23 - r2 * m33) + m13 * (r2 * m32 - r3 * m22), det)
    x2 = quotient(m11 * (r2 * m33 - r3 * m23) + r1 * c12 + m13 * (r3 * m21 - r2 * m31), det)
    x3 = quotient(m11 * (r3 * m22 - r2 * m32) + m12 * (r2 * m31 - r3 * m21) + r1 * c13, det)
    return x1, x2, x3


@_jit
def newton_done(size: float, previous: float, floor: float, tol: float) -> bool:
    """Converged: below the floor, or at the rounding floor and no longer contracting."""
    return size <= floor or (size > 0.5 * previous and size <= 1e-2 * tol + 10.0 * floor)


@_jit
def initial_increment(c: float, g0: float, d0: float, mu: float) -> float:
    """The start of Newton's iteration for the stage at node ``c``: one linearised implicit-Euler step."""
    return c * g0 / (mu - c * d0) if mu - c * d0 > 0.0 else 0.0


@_jit
def step_factor(error: float, allowed: float) -> float:
    """Next step over this step: the usual 0.9 (allowed/error)^(1/6), between 0.2 and 4."""
    if error == 0.0:
        return 4.0
    return min(4.0, max(0.2, 0.9 * (allowed / error) ** (1.0 / 6.0)))


(AI11, AI12, AI13), (AI21, AI22, AI23), (AI31, AI32, AI33) = A_INV
C1, C2, C3 = C


def radau_solver(stage: Callable[..., tuple[float, float]]) -> Callable[..., tuple[bool, float]]:
    """The collocation step for the chart whose scaled right-hand side at stage ``s`` is ``stage(p, s, z)``.

    ``stage(p, s, z)`` returns ``(G, dG/dz)`` at stage ``s`` (1, 2, 3: the nodes :data:`C`) for the
    stage increment ``z``, ``p`` being the chart's coefficients for the step. The returned
    ``solve(p, y0, g0, d0, mu, relative)`` starts from ``(g0, d0)`` at the step's start and returns
    ``(converged, Z3)``; ``relative`` measures convergence relative to ``max(|y0|, |y0 + Z3|)``
    (else absolutely, as for ``ln|w|``).
    """

    @_jit
    def solve(p, y0, g0, d0, mu, relative):
        z1 = initial_increment(C1, g0, d0, mu)
        z2 = initial_increment(C2, g0, d0, mu)
        z3 = initial_increment(C3, g0, d0, mu)
        previous = math.inf
        for _ in range(NEWTON_ITERATIONS):
            g1, d1 = stage(p, 1, z1)
            g2, d2 = stage(p, 2, z2)
            g3, d3 = stage(p, 3, z3)
            r1 = mu * (AI11 * z1 + AI12 * z2 + AI13 * z3) - g1
            r2 = mu * (AI21 * z1 + AI22 * z2 + AI23 * z3) - g2
            r3 = mu * (AI31 * z1 + AI32 * z2 + AI33 * z3) - g3
            x1, x2, x3 = solve3(mu * AI11 - d1, mu * AI12, mu * AI13, mu * AI21, mu * AI22 - d2, mu * AI23,
                                mu * AI31, mu * AI32, mu * AI33 - d3, -r1, -r2, -r3)
            z1 += x1
            z2 += x2
            z3 += x3
            size = max(abs(x1), abs(x2), abs(x3))
            if not size < math.inf:
                return False, 0.0
            if relative:
                scale = max(abs(y0), abs(y0 + z3))
                floor = 1e-3 * TOLERANCE * scale + 1e-15 * max(abs(z1), abs(z2), abs(z3), abs(y0))
                tol = TOLERANCE * scale
            else:
                floor = 1e-3 * TOLERANCE + 1e-15 * max(abs(z1), abs(z2), abs(z3))
                tol = TOLERANCE
            if newton_done(size, previous, floor, tol):
                return True, z3
            previous = size
        return False, 0.0

    return solve
