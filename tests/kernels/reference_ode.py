"""Independent references for the mode with weight decay and for discrete gradient descent.

None of this shares code with the kernels:

* :func:`bessel_w` evaluates the closed form of claim ``wdf.bessel_solution``
  (modified Bessel functions, via mpmath) at adaptive precision;
* :func:`ode_w` integrates the ``(w1, w2)`` ODE itself with ``mpmath.odefun``;
* :func:`gd_naive` is a pure-Python loop over the update written from ``DESIGN.md``.
"""

from __future__ import annotations

import mpmath

MAX_DPS = 1280


def _bessel(t: float, lam: float, eps: float, kappa: float, tau: float, w1: float,
            w2: float) -> tuple[mpmath.mpf, mpmath.mpf]:
    """``(w(t), (P + Q)/2 at t)`` from ``P = (2m − 4κ zψ'/ψ)/k``, ``ψ = A I_ν + B K_ν`` (current precision)."""
    lam_, eps_, kappa_, tau_, a, b, t_ = (mpmath.mpf(v) for v in (lam, eps, kappa, tau, w1, w2, t))
    k, m = lam_ + eps_, lam_ - kappa_
    P0, Q0 = (a + b) ** 2, (b - a) ** 2
    nu = abs(m) / (2 * kappa_)
    beta = k * mpmath.sqrt(P0 * Q0) / (4 * kappa_)

    def bessels(z: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf, mpmath.mpf]:
        """I_ν, K_ν, z I_ν', z K_ν' at z."""
        i, k_ = mpmath.besseli(nu, z), mpmath.besselk(nu, z)
        return i, k_, z * mpmath.besseli(nu + 1, z) + nu * i, nu * k_ - z * mpmath.besselk(nu + 1, z)

    rho0 = (2 * m - k * P0) / (4 * kappa_)  # z ψ'/ψ at z = β, from P(0) = P0
    i0, k0, zi0, zk0 = bessels(beta)
    coef_i, coef_k = rho0 * k0 - zk0, zi0 - rho0 * i0
    decay = mpmath.exp(-4 * kappa_ * t_ / tau_)
    i1, k1, zi1, zk1 = bessels(beta * mpmath.sqrt(decay))
    rho = (coef_i * zi1 + coef_k * zk1) / (coef_i * i1 + coef_k * k1)
    P = (2 * m - 4 * kappa_ * rho) / k
    Q = P0 * Q0 * decay / P
    return (P - Q) / 4, (P + Q) / 2


def bessel_w(t: float, lam: float, eps: float, kappa: float, tau: float, w1: float,
             w2: float, digits: int = 20) -> tuple[mpmath.mpf, mpmath.mpf]:
    """``(w(t), w1² + w2² at t)`` for ``κ > 0``, ``c0 ≠ 0``, to ``digits`` digits of ``w1² + w2²``.

    The precision doubles until two evaluations agree (``P`` is a difference
    that cancels where it decays, so keep ``2(κ − λ)t/τ`` moderate).
    """
    dps = 40
    while dps <= MAX_DPS:
        try:
            with mpmath.workdps(dps):
                low = _bessel(t, lam, eps, kappa, tau, w1, w2)
            with mpmath.workdps(2 * dps):
                high = _bessel(t, lam, eps, kappa, tau, w1, w2)
                if high[1] > 0 and abs(low[0] - high[0]) <= mpmath.mpf(10) ** -digits * high[1]:
                    return high
        except ZeroDivisionError:
            pass
        dps *= 2
    raise RuntimeError(f"Bessel reference did not converge by {MAX_DPS} digits")


def ode_w(t: float, lam: float, eps: float, kappa: float, tau: float, w1: float, w2: float,
          dps: int = 30) -> mpmath.mpf:
    """``w(t)`` by integrating ``dw/ds = −∇ℓ`` (``s = t/τ``) with ``mpmath.odefun``."""
    with mpmath.workdps(dps):
        lam_, eps_, kappa_ = mpmath.mpf(lam), mpmath.mpf(eps), mpmath.mpf(kappa)

        def flow(_: mpmath.mpf, y: list[mpmath.mpf]) -> list[mpmath.mpf]:
            a, b = y
            w = a * b
            return [lam_ * b * (1 - w) - eps_ * a * b * b - kappa_ * a,
                    lam_ * a * (1 - w) - eps_ * b * a * a - kappa_ * b]

        solution = mpmath.odefun(flow, 0, [mpmath.mpf(w1), mpmath.mpf(w2)])
        a, b = solution(mpmath.mpf(t) / mpmath.mpf(tau))
        return a * b


def gd_naive(steps: int, lam: float, eps: float, kappa: float, tau: float, w1: float,
             w2: float) -> tuple[float, float]:
    """``steps`` simultaneous updates ``w ← w − (1/τ)∇ℓ``, in plain Python floats."""
    for _ in range(steps):
        w = w1 * w2
        grad1 = -lam * w2 * (1 - w) + eps * w * w2 + kappa * w1
        grad2 = -lam * w1 * (1 - w) + eps * w * w1 + kappa * w2
        w1, w2 = w1 - grad1 / tau, w2 - grad2 / tau
    return w1, w2
