"""Independent references for the mode with weight decay and for discrete gradient descent.

None of this shares code with the kernels:

* :func:`mode_reference` integrates the mode ODE at 50 digits (mpmath) over any
  range of its arguments, in coordinates other than the kernel's: ``y = ln P``,
  ``z = ln Q`` (``P = (w1 + w2)²``, ``Q = (w2 − w1)²``), ``d = ln(P/Q)`` near a
  crossing of zero, and ``ln d`` or ``ln(−d)`` where ``w`` is much smaller than
  ``w1² + w2²``; with ``PQ = P0Q0 e^{−4κu}`` (claim ``wdf.product_solution``),
  each is one scalar ODE. The integrator is a 5-stage Radau IIA collocation
  (order 9, L-stable) with simplified Newton and step doubling at a local tolerance of
  1e-17, and once the imbalance ``PQ/w²`` has decayed below 1e-45 relative effect
  (bounded along the way) it finishes with the exact balanced (Bernoulli) solution.
* :func:`bessel_w` evaluates the closed form of claim ``wdf.bessel_solution``
  (modified Bessel functions, via mpmath) at adaptive precision, for moderate
  arguments; :func:`ode_w` integrates the ``(w1, w2)`` ODE with ``mpmath.odefun``.
* :func:`gd_reference` iterates gradient descent at 50 digits; :func:`tests.naive.mode_gd`
  is the plain float64 loop.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass

import mpmath

MAX_DPS = 1280  # the Bessel reference's precision limit
DPS = 50
STAGES = 5
TOLERANCE = mpmath.mpf(10) ** -17
SETTLED = mpmath.mpf(10) ** -45
MAX_STEPS = 50_000
VANISHED = mpmath.mpf(2) ** -1100


class ReferenceTooLong(RuntimeError):
    """:func:`mode_reference` needed more than ``MAX_STEPS`` steps (read at call time)."""


@functools.cache
def radau_iia(stages: int) -> tuple[tuple[mpmath.mpf, ...], tuple[tuple[mpmath.mpf, ...], ...]]:
    """Nodes ``c`` and matrix ``A`` of the ``stages``-stage Radau IIA method (order 2s − 1), at 70 digits."""
    with mpmath.workdps(70):
        s = stages
        coeffs = [mpmath.binomial(s, i) * (-1) ** i for i in range(s + 1)] + [mpmath.mpf(0)] * (s - 1)
        for _ in range(s - 1):  # d^(s−1)/dx^(s−1) of x^(s−1) (x − 1)^s: its zeros are the nodes
            n = len(coeffs) - 1
            coeffs = [coeffs[i] * (n - i) for i in range(n)]
        nodes = sorted(mpmath.re(r) for r in mpmath.polyroots(coeffs, maxsteps=400, extraprec=400))
        nodes[-1] = mpmath.mpf(1)

        # A from the collocation conditions sum_j a_ij c_j^(k-1) = c_i^k / k, k = 1..s
        vandermonde = mpmath.matrix([[cj**k for cj in nodes] for k in range(s)])
        inverse = vandermonde**-1
        a = tuple(tuple(mpmath.fsum(ci ** (k + 1) / (k + 1) * inverse[j, k] for k in range(s)) for j in range(s))
                  for ci in nodes)
        return tuple(nodes), a


def _lu(matrix: list[list[mpmath.mpf]]) -> tuple[list[list[mpmath.mpf]], list[int]]:
    """LU factors (in place, partial pivoting) and the row permutation."""
    n = len(matrix)
    m = [row[:] for row in matrix]
    perm = list(range(n))
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if m[pivot][col] == 0:
            raise ZeroDivisionError("singular Newton matrix")
        m[col], m[pivot] = m[pivot], m[col]
        perm[col], perm[pivot] = perm[pivot], perm[col]
        top = m[col]
        for r in range(col + 1, n):
            row = m[r]
            f = row[col] / top[col]
            row[col] = f
            if f:
                for c in range(col + 1, n):
                    row[c] -= f * top[c]
    return m, perm


def _lu_solve(factors: tuple[list[list[mpmath.mpf]], list[int]], rhs: list[mpmath.mpf]) -> list[mpmath.mpf]:
    m, perm = factors
    n = len(rhs)
    y = [rhs[p] for p in perm]
    for r in range(1, n):
        y[r] -= mpmath.fsum(m[r][c] * y[c] for c in range(r))
    for r in range(n - 1, -1, -1):
        y[r] = (y[r] - mpmath.fsum(m[r][c] * y[c] for c in range(r + 1, n))) / m[r][r]
    return y


@dataclass(frozen=True)
class _Mode:
    """The mode's constants; the charts ``y``, ``z``, ``d``, ``ld`` (ln d), ``nd`` (ln(−d))."""

    lam: mpmath.mpf
    k: mpmath.mpf
    kappa: mpmath.mpf
    log_pq: mpmath.mpf  # ln(P0 Q0); −inf on a balanced line

    def s(self, u: mpmath.mpf) -> mpmath.mpf:
        return self.log_pq - 4 * self.kappa * u

    def d(self, chart: str, x: mpmath.mpf, u: mpmath.mpf) -> mpmath.mpf:
        s = self.s(u)
        if chart == "y":
            return 2 * x - s
        if chart == "z":
            return s - 2 * x
        if chart == "ip":  # x = 1/P, Q = Ex
            return -s - 2 * mpmath.log(x)
        if chart == "iq":  # x = 1/Q, P = Ex
            return s + 2 * mpmath.log(x)
        return x if chart == "d" else (mpmath.exp(x) if chart == "ld" else -mpmath.exp(x))

    def at(self, u: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf]:
        """``(s, E, √E)`` at ``u``: the imbalance ``E = PQ = e^s``."""
        s = self.s(u)
        if s == -mpmath.inf:
            return s, mpmath.mpf(0), mpmath.mpf(0)
        root = mpmath.exp(s / 2)
        return s, root * root, root

    def w_and_n(self, chart: str, x: mpmath.mpf, u: mpmath.mpf,
                consts: tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf] | None = None) -> tuple[mpmath.mpf, mpmath.mpf]:
        """The mapping ``w = (P − Q)/4`` and ``N = (P + Q)/2`` at the chart value ``x``."""
        _, energy, root = consts if consts is not None else self.at(u)
        if consts is not None and chart != "d" and abs(x) > 10**300:
            # a Newton iterate (stage values come with consts) at e^(±1e300) or beyond: wild (mpmath would take
            # ages); an accepted state is never refused (1/P beyond 1e300 is a legitimate ip chart value)
            raise OverflowError("a wild Newton iterate")
        if chart == "y":
            p = mpmath.exp(x)
            q = energy / p
        elif chart == "z":
            q = mpmath.exp(x)
            p = energy / q
        elif chart in ("ip", "iq") and not x > 0:
            raise ValueError("1/P, 1/Q must stay positive")
        elif chart == "ip":
            p, q = 1 / x, energy * x
        elif chart == "iq":
            p, q = energy * x, 1 / x
        else:
            if (chart != "d" and x > 50) or (chart == "d" and abs(x) > 10**6):
                raise OverflowError("a wild Newton iterate")  # d = e^x far outside the chart: reject the step
            half = (x if chart == "d" else (mpmath.exp(x) if chart == "ld" else -mpmath.exp(x))) / 2
            m1 = mpmath.expm1(half)  # sinh = m1 (1 + e^-half)/2, cosh = (e^half + e^-half)/2: no cancellation
            inverse = 1 / (1 + m1)
            return root * m1 * (1 + inverse) / 4, root * (1 + m1 + inverse) / 2
        return (p - q) / 4, (p + q) / 2

    def rhs(self, chart: str, x: mpmath.mpf, u: mpmath.mpf,
            consts: tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf] | None = None) -> tuple[mpmath.mpf, mpmath.mpf]:
        """``dx/du`` and ``∂(dx/du)/∂x``."""
        consts = consts if consts is not None else self.at(u)
        w, n = self.w_and_n(chart, x, u, consts)
        if chart == "y":
            return 2 * (self.lam - self.kappa - self.k * w), -self.k * n
        if chart == "z":
            return -2 * (self.lam + self.kappa - self.k * w), -self.k * n
        if chart in ("ip", "iq"):  # x = 1/P: x' = −P'/P²; x = 1/Q likewise
            ex = consts[1] * x
            rate = -2 * (self.lam - self.kappa) if chart == "ip" else 2 * (self.lam + self.kappa)
            return rate * x + self.k * (1 - ex * x) / 2, rate - self.k * ex
        f = 4 * (self.lam - self.k * w)
        if chart == "d":
            return f, -self.k * n
        f = f / (mpmath.exp(x) if chart == "ld" else -mpmath.exp(x))  # x = ln|d|: dx/du = (dd/du)/d
        return f, -self.k * n - f

    def convert(self, target: str, chart: str, x: mpmath.mpf, u: mpmath.mpf) -> mpmath.mpf:
        s = self.s(u)
        if target in ("d", "ld", "nd"):
            d = self.d(chart, x, u)
            return d if target == "d" else mpmath.log(abs(d))
        if chart == "y":
            log_p, log_q = x, s - x
        elif chart == "z":
            log_p, log_q = s - x, x
        elif chart == "ip":
            log_p, log_q = -mpmath.log(x), s + mpmath.log(x)
        elif chart == "iq":
            log_p, log_q = s + mpmath.log(x), -mpmath.log(x)
        else:
            d = self.d(chart, x, u)
            log_p, log_q = (s + d) / 2, (s - d) / 2
        return {"y": log_p, "z": log_q, "ip": mpmath.exp(-log_p), "iq": mpmath.exp(-log_q)}[target]


def _choose(mode: _Mode, chart: str, x: mpmath.mpf, u: mpmath.mpf) -> tuple[str, mpmath.mpf]:
    """Hysteresis between the charts, by d = ln(P/Q): y or 1/P for d > 2, z or 1/Q for d < −2; for |d| < 2
    the d chart where the source λN dominates (|w| < λ/(4k), kept to λ/(2k)), else ln d or ln(−d);
    1/P, 1/Q while the quartic term beats the net linear rate, k|w| > |λ − κ| (w > 0) or λ + κ (w < 0)
    (entered at 4 times that)."""
    balanced = mode.log_pq == -mpmath.inf
    d = mode.d(chart, x, u) if not balanced else (mpmath.inf if chart in ("y", "ip") else -mpmath.inf)
    w, _ = mode.w_and_n(chart, x, u)
    rate = abs(mode.lam - mode.kappa) if w > 0 else mode.lam + mode.kappa  # the net linear rate on this side
    quartic = mode.k * abs(w) > (1 if chart in ("ip", "iq") else 4) * rate
    source = mode.k * abs(w) < mode.lam / (2 if chart == "d" else 4)  # w ≈ λN u grows linearly, or crosses 0
    target = chart
    if chart in ("y", "ip"):
        target = ("d" if source else "ld") if d < 2 else ("ip" if quartic else "y")
    elif chart == "ld":
        target = "y" if d > 3 else ("d" if source else "ld")
    elif chart in ("z", "iq"):
        target = ("d" if source else "nd") if d > -2 else ("iq" if quartic else "z")
    elif chart == "d" and (d > 3 or d < -3 or not source):
        target = "y" if d > 3 else ("z" if d < -3 else ("ld" if d > 0 else "nd"))
    elif chart == "nd":
        target = "z" if d < -3 else ("d" if source else "nd")
    return (chart, x) if target == chart else (target, mode.convert(target, chart, x, u))


def _collocate(mode: _Mode, chart: str, x0: mpmath.mpf, u0: mpmath.mpf, h: mpmath.mpf,
               scale: mpmath.mpf) -> mpmath.mpf | None:
    """The increment of ``x`` over one Radau IIA step (full Newton), or None if Newton does not converge."""
    c, a = radau_iia(STAGES)
    s = len(c)
    ha = [[h * a[i][j] for j in range(s)] for i in range(s)]
    consts = [mode.at(u0 + c[j] * h) for j in range(s)]
    try:
        f0, j0 = mode.rhs(chart, x0, u0)
    except (OverflowError, ZeroDivisionError, ValueError):
        return None
    z = [c[i] * h * f0 / (1 - c[i] * h * j0) if 1 - c[i] * h * j0 else mpmath.mpf(0) for i in range(s)]
    stop = TOLERANCE * scale * mpmath.mpf(10) ** -6
    previous = mpmath.inf
    for _ in range(30):
        try:
            stages = [mode.rhs(chart, x0 + z[j], None, consts[j]) for j in range(s)]
            factors = _lu([[(1 if i == j else 0) - ha[i][j] * stages[j][1] for j in range(s)] for i in range(s)])
        except (OverflowError, ZeroDivisionError, ValueError):  # a wild iterate (e^(huge)): reject the step
            return None
        residual = [mpmath.fsum(ha[i][j] * stages[j][0] for j in range(s)) - z[i] for i in range(s)]
        delta = _lu_solve(factors, residual)
        z = [z[i] + delta[i] for i in range(s)]
        size = max(abs(v) for v in delta)
        if size <= stop:
            return z[-1]
        if not size < 2 * previous and size > stop * 10**10:
            return None
        previous = size
    return None


def _step(mode: _Mode, chart: str, x: mpmath.mpf, u: mpmath.mpf,
          h: mpmath.mpf) -> tuple[mpmath.mpf | None, mpmath.mpf, mpmath.mpf]:
    """One step by step doubling: (new x or None, error estimate, allowed error)."""
    order = 2 * STAGES - 1
    scale = mpmath.mpf(1)  # the Newton iteration's scale: absolute in y, z, ln|d|; relative to d, 1/P, 1/Q
    if chart in ("d", "ip", "iq"):
        scale = abs(x) or abs(h * mode.rhs(chart, x, u)[0]) or mpmath.mpf(1)
    full = _collocate(mode, chart, x, u, h, scale)
    first = _collocate(mode, chart, x, u, h / 2, scale) if full is not None else None
    second = _collocate(mode, chart, x + first, u + h / 2, h / 2, scale) if first is not None else None
    if second is None:
        return None, mpmath.inf, mpmath.mpf(0)
    difference = (first + second - full) / (2**order - 1)
    new = x + first + second + difference
    if chart == "d":  # relative to |d|; at a sign change relative to the larger end
        size = abs(new) if x * new > 0 else max(abs(x), abs(new))
        return new, abs(difference), TOLERANCE * size
    if chart in ("ip", "iq"):  # relative to 1/P, 1/Q
        return (new if new > 0 else None), abs(difference), TOLERANCE * abs(new)
    return new, abs(difference), TOLERANCE


def _settled(mode: _Mode, w: mpmath.mpf, n: mpmath.mpf, u: mpmath.mpf, u_end: mpmath.mpf) -> mpmath.mpf | None:
    """w(u_end) from the exact balanced solution when the imbalance can no longer matter, else None.

    Off the balanced lines ``dw/du = F_B(w) + (λ − kw)E/(N + 2|w|)`` with ``F_B`` the balanced
    (Bernoulli) field, which does not expand relative perturbations; so the relative deviation
    from the Bernoulli path is at most ``∫ (λ + k|w|) ρ/4 du`` with ``ρ = E/w²``. Along the path
    ``d ln ρ/du = −4λ + 4kw``; the bound is evaluated with that rate's extreme over the path.
    """
    lam, k, kappa = mode.lam, mode.k, mode.kappa
    energy = mpmath.exp(mode.s(u)) if mode.log_pq > -mpmath.inf else mpmath.mpf(0)
    if w == 0 or lam + k == 0:
        return None
    rho = energy / w**2
    if rho > SETTLED:
        return None
    length = u_end - u
    if rho == 0:  # on a balanced line: exactly the Bernoulli equation
        m = lam - kappa
        if w > 0:
            return _bernoulli_growth(w, m, k, length) if m >= 0 else _bernoulli_decay(w, -m, k, length)
        return -_bernoulli_decay(-w, lam + kappa, k, length)
    if w > 0:
        target = max((lam - kappa) / k, mpmath.mpf(0)) if k else mpmath.mpf(0)
        top = max(w, target)
        rate = 4 * (lam - k * top)  # ρ decays at least this fast
        integral = rho / rate if rate > 0 else rho * length
        if rate <= 0 and k * top > lam:
            return None
        bound = (lam + k * top) * integral / 4
        m = lam - kappa
        w_end = _bernoulli_growth(w, m, k, length) if m >= 0 else _bernoulli_decay(w, -m, k, length)
    else:
        x = -w
        x_end = _bernoulli_decay(x, lam + kappa, k, length)
        rho_end = energy * mpmath.exp(-4 * kappa * length) / x_end**2 if x_end else mpmath.inf
        integral = rho_end / (4 * lam) if lam > 0 else rho_end * length
        bound = (lam + k * x) * integral / 4
        w_end = -x_end
    return w_end if bound < SETTLED else None


def _bernoulli_growth(w0: mpmath.mpf, a: mpmath.mpf, k: mpmath.mpf, u: mpmath.mpf) -> mpmath.mpf:
    """dw/du = 2aw − 2kw², a >= 0 (logistic), from w0 > 0."""
    g = mpmath.exp(-2 * a * u)
    d = -mpmath.expm1(-2 * a * u) / a if a > 0 else 2 * u
    return 1 / (g / w0 + k * d)


def _bernoulli_decay(x0: mpmath.mpf, a: mpmath.mpf, k: mpmath.mpf, u: mpmath.mpf) -> mpmath.mpf:
    """dx/du = −2ax − 2kx², a > 0, from x0 > 0."""
    g = mpmath.exp(-2 * a * u)
    return x0 * g / (1 - k * x0 * mpmath.expm1(-2 * a * u) / a)


def mode_reference(t: float, lam: float, eps: float, kappa: float, tau: float, w1: float,
                   w2: float) -> tuple[mpmath.mpf, int]:
    """``(w(t), steps)`` of the mode ODE, to about 17 significant digits (50-digit arithmetic).

    Any finite arguments (``κ`` may be 0).
    """
    with mpmath.workdps(DPS):
        lam_, eps_, kappa_, tau_, a, b, t_ = (mpmath.mpf(v) for v in (lam, eps, kappa, tau, w1, w2, t))
        k = lam_ + eps_
        u_end = t_ / tau_
        p0, q0 = (a + b) ** 2, (b - a) ** 2
        if u_end == 0 or p0 + q0 == 0:
            return a * b, 0
        mode = _Mode(lam_, k, kappa_, mpmath.log(p0 * q0) if p0 * q0 > 0 else -mpmath.inf)
        if q0 == 0:
            chart, x = "y", mpmath.log(p0)
        elif p0 == 0:
            chart, x = "z", mpmath.log(q0)
        else:
            x = a / b if abs(a) < abs(b) else b / a  # ln(P0/Q0) = 4 atanh(x): log(p0/q0) would cancel for |x| << 1
            d0 = 4 * mpmath.atanh(x)
            if d0 > 2:
                chart, x = "y", mpmath.log(p0)
            elif d0 == 0 or (d0 >= -2 and k * abs(a * b) < lam_ / 4):
                chart, x = "d", d0
            elif d0 > 0:
                chart, x = "ld", mpmath.log(d0)
            elif d0 >= -2:
                chart, x = "nd", mpmath.log(-d0)
            else:
                chart, x = "z", mpmath.log(q0)
        if chart == "d" and x == 0 and lam_ == 0:
            return mpmath.mpf(0), 0  # w1 or w2 = 0 and λ = 0: w stays 0
        u = mpmath.mpf(0)
        h = min(u_end, mpmath.mpf(2) ** -6 / (2 * (lam_ + kappa_) + 4 * k * (p0 + q0) / 2))
        steps = 0
        w = None
        while u < u_end:
            chart, x = _choose(mode, chart, x, u)
            w_now, n_now = mode.w_and_n(chart, x, u)
            if abs(w_now) < VANISHED and (lam_ == 0 or (lam_ <= kappa_ and (
                    mode.log_pq == -mpmath.inf or mode.s(u) < 2 * mpmath.log(VANISHED)))):
                # |w| can no longer exceed |w| + λ√E/(2κ) (λ <= κ), or grow at all (λ = 0): it rounds to 0
                return mpmath.mpf(0), steps
            if chart != "d":
                w = _settled(mode, w_now, n_now, u, u_end)
                if w is not None:
                    break
            last = h >= u_end - u
            step = u_end - u if last else h
            new, error, allowed = _step(mode, chart, x, u, step)
            steps += 1
            if steps > MAX_STEPS:
                raise ReferenceTooLong(f"mode_reference: more than {MAX_STEPS} steps")
            accepted = new is not None and error <= allowed
            if accepted:
                u = u_end if last else u + step
                x = new
            if new is None:
                factor = mpmath.mpf(1) / 4
            elif error <= allowed * mpmath.mpf(10) ** -12:
                factor = mpmath.mpf(10) ** 6  # settled: the error estimate sees any feature inside the next step
            else:
                factor = min(mpmath.mpf(10), max(mpmath.mpf(1) / 5, (allowed / error) ** (mpmath.mpf(1) / 10) * 0.9))
            h = step * factor
        if w is None:
            w, _ = mode.w_and_n(chart, x, u_end)
        return w, steps


def time_sensitivity(t: float, lam: float, eps: float, kappa: float, tau: float, w1: float,
                     w2: float) -> mpmath.mpf:
    """``|t dw/dt|``, the change of ``w(t)`` per unit relative change of ``t``: a central difference of
    :func:`mode_reference` at ``t(1 ± 2^-30)`` (relative error ~1e-8 of ``|w|`` at worst).

    (The right-hand side at ``t`` would be no good: in stiff quasi-steady states ``λ − kw`` is a
    cancellation far below 50 digits.)
    """
    if t == 0:
        return mpmath.mpf(0)
    with mpmath.workdps(DPS):
        delta = mpmath.mpf(2) ** -30
        t_ = mpmath.mpf(t)
        up, _ = mode_reference(t_ * (1 + delta), lam, eps, kappa, tau, w1, w2)
        down, _ = mode_reference(t_ * (1 - delta), lam, eps, kappa, tau, w1, w2)
        return abs(up - down) / (2 * delta)


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



def gd_reference(steps: int, lam: float, eps: float, kappa: float, tau: float, w1: float,
                 w2: float) -> tuple[mpmath.mpf, mpmath.mpf, int | None]:
    """``(w1, w2, None)`` after ``steps`` updates ``w ← w − (1/τ)∇ℓ`` at 50 digits, or ``(·, ·, n)`` when
    some ``|w_i|`` exceeds float64's largest value at step ``n <= steps`` (the iteration is stopped there)."""
    with mpmath.workdps(DPS):
        lam_, eps_, kappa_, tau_ = (mpmath.mpf(v) for v in (lam, eps, kappa, tau))
        a, b = mpmath.mpf(w1), mpmath.mpf(w2)
        largest = mpmath.mpf(sys.float_info.max)
        for n in range(1, steps + 1):
            w = a * b
            grad1 = -lam_ * b * (1 - w) + eps_ * w * b + kappa_ * a
            grad2 = -lam_ * a * (1 - w) + eps_ * w * a + kappa_ * b
            a, b = a - grad1 / tau_, b - grad2 / tau_
            if abs(a) > largest or abs(b) > largest:
                return a, b, n
        return a, b, None
