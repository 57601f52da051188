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
"""Digits the reference is good to: each value is computed at a precision chosen from its inputs and
confirmed at twice that precision (the two must agree to ``DPS - 10`` digits)."""


def _mp(*values: float) -> list[mpmath.mpf]:
    return [mpmath.mpf(v) for v in values]


def exact_w(t: float, lam: float, eps: float, tau: float, w1: float, w2: float) -> tuple[mpmath.mpf, mpmath.mpf]:
    """``(w(t), (P + Q)/2 = √(c0² + 4w²) at t)`` to ``DPS`` digits.

    The printed Eq. (5) cancels: ``δ0`` and ``δf`` sit within
    ``min(β, c0/(w1² + w2²))`` of ±1, ``1 − e^{ζλt/τ}`` is ``−ζλt/τ`` for small
    times, and the solution is ``c0/2 · sinh(2 atanh δf)`` with ``c0`` up to
    1e600 times the mapping. The working precision starts from those
    magnitudes and doubles until two precisions agree.
    """
    previous = None
    digits = DPS + _extra_digits(t, lam, eps, tau, w1, w2)
    for _ in range(6):
        value = _exact_w(t, lam, eps, tau, w1, w2, digits)
        if previous is not None:
            with mpmath.workdps(digits):
                if abs(value[0] - previous[0]) <= mpmath.mpf(10) ** (10 - DPS) * abs(value[0]):
                    return value
        previous = value
        digits *= 2
    raise RuntimeError(f"reference did not settle at {digits // 2} digits for {(t, lam, eps, tau, w1, w2)}")


def _extra_digits(t: float, lam: float, eps: float, tau: float, w1: float, w2: float) -> int:
    """Digits the printed Eq. (5) loses at this point (a generous estimate; doubling confirms it)."""
    with mpmath.workdps(30):
        t_, lam_, eps_, tau_, a, b = _mp(t, lam, eps, tau, w1, w2)
        c0 = abs(b * b - a * a)
        norm = a * a + b * b
        if c0 == 0 or lam_ == 0 or norm == 0:
            return 10
        w0 = abs(a * b)
        beta = c0 * (1 + eps_ / lam_)
        x = mpmath.sqrt(beta**2 + 4) * lam_ * t_ / tau_
        magnitudes = [beta, 1 / beta, norm / c0, c0 / w0 if w0 else 1, c0 * (lam_ + eps_) / lam_,
                      1 / x if x else 1]
        return 20 + int(sum(max(0, mpmath.log10(m)) for m in magnitudes))


def _exact_w(t: float, lam: float, eps: float, tau: float, w1: float, w2: float,
             digits: int) -> tuple[mpmath.mpf, mpmath.mpf]:
    with mpmath.workdps(digits):
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
            w = _printed_eq5(t_, lam_, eps_, tau_, w0, c0)
        return w, mpmath.sqrt(c0**2 + 4 * w**2)


def _printed_eq5(t: mpmath.mpf, lam: mpmath.mpf, eps: mpmath.mpf, tau: mpmath.mpf,
                 w0: mpmath.mpf, c0: mpmath.mpf) -> mpmath.mpf:
    """The printed Eq. (5), with its own ``ζ² − β² = 4`` and ``1 ∓ E`` written through ``expm1``."""
    beta = c0 * (1 + eps / lam)
    zeta = mpmath.sqrt(beta**2 + 4)
    delta = mpmath.tanh(mpmath.asinh(2 * w0 / c0) / 2)
    e1 = mpmath.expm1(zeta * lam * t / tau)  # E − 1
    num = -e1 * (4 - 2 * beta * delta) - 2 * (2 + e1) * zeta * delta
    den = -e1 * (2 * beta + 4 * delta) - 2 * (2 + e1) * zeta
    return c0 / 2 * mpmath.sinh(2 * mpmath.atanh(num / den))


def exact_time(fraction: float, lam: float, eps: float, tau: float, w1: float, w2: float) -> mpmath.mpf:
    """First ``t`` with ``w(t) >= f λ/(λ + ε)``: the printed Eq. (5) solved for ``E = e^{ζλt/τ}``, to ``DPS`` digits.

    ``0`` if the start is there already and ``inf`` if the mode never gets there.
    """
    previous = None
    digits = DPS + _extra_digits(1.0, lam, eps, tau, w1, w2) + 20
    for _ in range(6):
        value = _exact_time(fraction, lam, eps, tau, w1, w2, digits)
        if value is None:  # the log's argument rounded to 1 (a target within 10^-digits of the start)
            digits *= 2
            continue
        if value in (0, mpmath.inf) or (previous is not None and abs(value - previous) <= mpmath.mpf(10) ** (
                10 - DPS) * abs(value)):
            return value
        previous = value
        digits *= 2
    raise RuntimeError(f"reference time did not settle for {(fraction, lam, eps, tau, w1, w2)}")


def _exact_time(fraction: float, lam: float, eps: float, tau: float, w1: float, w2: float,
                digits: int) -> mpmath.mpf | None:
    with mpmath.workdps(digits):
        f, lam_, eps_, tau_, a, b = _mp(fraction, lam, eps, tau, w1, w2)
        k = lam_ + eps_
        w_f = f * lam_ / k if k else mpmath.mpf(0)
        w0 = a * b
        if w0 >= w_f:
            return mpmath.mpf(0)
        c0 = abs(b * b - a * a)
        if f >= 1 or lam_ == 0 or w0 + c0 == 0 or (c0 == 0 and w0 < 0):
            return mpmath.inf  # past the fixed point, λ = 0 (w decays to w* = 0), the origin, or w1 = −w2
        if c0 == 0:  # w1 = w2: the logistic w = λw0/(λg + kw0(1 − g)), g = e^{−2λt/τ}
            g = w0 * (lam_ - k * w_f) / (w_f * (lam_ - k * w0))
            return None if g == 1 else -tau_ / (2 * lam_) * mpmath.log(g)
        beta = c0 * (1 + eps_ / lam_)
        zeta = mpmath.sqrt(beta**2 + 4)
        delta = mpmath.tanh(mpmath.asinh(2 * w0 / c0) / 2)
        delta_f = mpmath.tanh(mpmath.asinh(2 * w_f / c0) / 2)
        u = delta_f * (2 * beta + 4 * delta) - (4 - 2 * beta * delta)  # δf · den = num, linear in E
        v = 2 * zeta * (delta_f - delta)
        ratio = (u - v) / (u + v)
        return None if ratio == 1 else tau_ / (zeta * lam_) * mpmath.log(ratio)


def _balanced(t: mpmath.mpf, lam: mpmath.mpf, k: mpmath.mpf, tau: mpmath.mpf, w0: mpmath.mpf) -> mpmath.mpf:
    """On w1 = ±w2: τẇ = 2|w|(λ − k w), a logistic (w0 > 0) or Bernoulli (w0 < 0) equation."""
    if w0 == 0:
        return mpmath.mpf(0)
    if lam == 0:
        return w0 / (1 + 2 * k * abs(w0) * t / tau)
    g = mpmath.exp(-2 * lam * t / tau)
    one_minus_g = -mpmath.expm1(-2 * lam * t / tau)  # 1 − g without cancelling at small λt/τ
    if w0 > 0:
        return lam * w0 / (lam * g + k * w0 * one_minus_g)
    return lam * w0 * g / (lam - k * w0 * one_minus_g)


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
