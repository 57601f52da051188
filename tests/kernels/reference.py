"""Independent high-precision references for the κ = 0 mode (mpmath).

The printed Eq. (5) is evaluated with enough extra digits for nearly balanced
starts, where its δ's sit within ``c0/(w1² + w2²)`` of ±1.

These do not share code with the kernels: they evaluate the paper's printed
Eq. (5) (or, where it is undefined, the closed forms of the ODE on the
balanced lines and at λ = 0) at ``DPS`` digits with mpmath's unbounded
exponent range, and integrate the ODE itself with ``mpmath.odefun``.
"""

from __future__ import annotations

import mpmath

DPS = 60


def _mp(*values: float) -> list[mpmath.mpf]:
    return [mpmath.mpf(v) for v in values]


def exact_w(t: float, lam: float, eps: float, tau: float, w1: float, w2: float) -> tuple[mpmath.mpf, mpmath.mpf]:
    """``(w(t), w1² + w2² at t)`` at ``DPS`` digits."""
    with mpmath.workdps(DPS):
        t_, lam_, eps_, tau_, a, b = _mp(t, lam, eps, tau, w1, w2)
        k = lam_ + eps_
        w0 = a * b
        c0 = abs(b * b - a * a)
        if c0 == 0:
            w = _balanced(t_, lam_, k, tau_, w0)
        elif lam_ == 0:
            delta0 = mpmath.tanh(mpmath.asinh(2 * w0 / c0) / 2)
            delta = delta0 * mpmath.exp(-k * c0 * t_ / tau_)
            w = c0 * delta / (1 - delta**2)
        else:
            # δ0 and δf sit within ~min(β, c0/(w1² + w2²)) of ±1: carry that many extra digits
            beta = c0 * (1 + eps_ / lam_)
            scale = min(beta, c0 / (a * a + b * b), mpmath.mpf(1))
            with mpmath.workdps(DPS + int(-mpmath.log10(scale)) + 10):
                w = _printed_eq5(t_, lam_, eps_, tau_, w0, c0)
        return w, mpmath.sqrt(c0**2 + 4 * w**2)


def _printed_eq5(t: mpmath.mpf, lam: mpmath.mpf, eps: mpmath.mpf, tau: mpmath.mpf,
                 w0: mpmath.mpf, c0: mpmath.mpf) -> mpmath.mpf:
    beta = c0 * (1 + eps / lam)
    zeta = mpmath.sqrt(beta**2 + 4)
    delta = mpmath.tanh(mpmath.asinh(2 * w0 / c0) / 2)
    e = mpmath.exp(zeta * lam * t / tau)
    num = (1 - e) * (zeta**2 - beta**2 - 2 * beta * delta) - 2 * (1 + e) * zeta * delta
    den = (1 - e) * (2 * beta + 4 * delta) - 2 * (1 + e) * zeta
    return c0 / 2 * mpmath.sinh(2 * mpmath.atanh(num / den))


def _balanced(t: mpmath.mpf, lam: mpmath.mpf, k: mpmath.mpf, tau: mpmath.mpf, w0: mpmath.mpf) -> mpmath.mpf:
    """On w1 = ±w2: τẇ = 2|w|(λ − k w), a logistic (w0 > 0) or Bernoulli (w0 < 0) equation."""
    if w0 == 0:
        return mpmath.mpf(0)
    if lam == 0:
        return w0 / (1 + 2 * k * abs(w0) * t / tau)
    g = mpmath.exp(-2 * lam * t / tau)
    if w0 > 0:
        return lam * w0 / (lam * g + k * w0 * (1 - g))
    return lam * w0 * g / (lam - k * w0 * (1 - g))


def ode_w(t: float, lam: float, eps: float, tau: float, w1: float, w2: float, dps: int = 30) -> mpmath.mpf:
    """``w(t)`` by integrating ``dw/ds = −∇ℓ`` (``s = t/τ``) with ``mpmath.odefun``."""
    with mpmath.workdps(dps):
        lam_, eps_ = mpmath.mpf(lam), mpmath.mpf(eps)

        def flow(_: mpmath.mpf, y: list[mpmath.mpf]) -> list[mpmath.mpf]:
            a, b = y
            w = a * b
            return [lam_ * b * (1 - w) - eps_ * a * b * b, lam_ * a * (1 - w) - eps_ * b * a * a]

        solution = mpmath.odefun(flow, 0, [mpmath.mpf(w1), mpmath.mpf(w2)])
        a, b = solution(mpmath.mpf(t) / mpmath.mpf(tau))
        return a * b
