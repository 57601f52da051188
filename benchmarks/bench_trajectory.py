"""Benchmark: exact DAE trajectories over a whole spectrum, settled and rising.

Workload (issue #3): 784 eigenvalues log-spaced in [1e-3, 1e3] × 5000 epochs
= 3.92 M evaluations of w(t), in two regimes (issue #12):

* ``τ = 100``: most of the grid has **settled** (``x = Rt/τ`` up to 1e5;
  ``e^{−x}`` underflows), where a naive evaluation falls into float64's
  subnormal range;
* ``τ = 5e6``: every mode is still **rising** (``x <= 2``).

For each regime it compares symdae's ``dae_trajectory`` (with and without a
preallocated ``out``) with naive NumPy broadcasting of the printed Eq. (5)
(the baseline, in the same run), and prints ns per evaluation, the ratio to
the baseline, the settled/rising cost ratio, and how many results are not
finite. For ``τ = 100`` it also times ``sympy.lambdify`` of Eq. (5), a
per-eigenvalue Python loop (the style of the paper's published code) and
``scipy.integrate.solve_ivp`` (rtol 1e-10) on the ODE (the last two on a
subset, per-evaluation cost extrapolated), then the compile time (cold
cache) and the warm-cache start-up in fresh processes.

Run: ``pip install -e '.[bench]'`` (scipy), then ``python benchmarks/bench_trajectory.py``
(about two minutes on 2 cores).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import numpy as np

LAM = np.logspace(-3, 3, 784)
T = np.arange(5000.0)
EPS, TAU, W1, W2 = 1.0, 100.0, 1e-3, 2e-3


def best_of(fn: Callable[[], object], repeat: int = 5) -> tuple[float, object]:
    best, value = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def printed_eq5_numpy(t: np.ndarray, lam: np.ndarray, tau: float = TAU) -> np.ndarray:
    """The printed Eq. (5), broadcast naively with NumPy (as a user would write it)."""
    c0 = abs(W2**2 - W1**2)
    w0 = W1 * W2
    beta = c0 * (1 + EPS / lam)
    zeta = np.sqrt(beta**2 + 4)
    delta = np.tanh(np.arcsinh(2 * w0 / c0) / 2)
    e = np.exp(zeta * lam * t / tau)
    num = (1 - e) * (zeta**2 - beta**2 - 2 * beta * delta) - 2 * (1 + e) * zeta * delta
    den = (1 - e) * (2 * beta + 4 * delta) - 2 * (1 + e) * zeta
    return c0 / 2 * np.sinh(2 * np.arctanh(num / den))


def printed_eq5_scalar(t: float, lam: float) -> float:
    """The printed Eq. (5) for one point with NumPy scalar functions, as the paper's code does."""
    c0 = abs(W2**2 - W1**2)
    beta = c0 * (1 + EPS / lam)
    zeta = np.sqrt(beta**2 + 4)
    delta = np.tanh(np.arcsinh(2 * W1 * W2 / c0) / 2)
    e = np.exp(zeta * lam * t / TAU)
    num = (1 - e) * (zeta**2 - beta**2 - 2 * beta * delta) - 2 * (1 + e) * zeta * delta
    den = (1 - e) * (2 * beta + 4 * delta) - 2 * (1 + e) * zeta
    return float(c0 / 2 * np.sinh(2 * np.arctanh(num / den)))


def lambdified_eq5() -> Callable[..., np.ndarray]:
    import sympy as sp

    from symdae.derivations.exact_solution import EQ5_W_PRINTED, EQ5_WHERE
    from symdae.symbols import c0, eps, lam, t, tau, w0

    expr = EQ5_W_PRINTED
    for _ in range(len(EQ5_WHERE)):
        expr = expr.subs(EQ5_WHERE)
    return sp.lambdify((t, lam, eps, tau, w0, c0), expr, "numpy", cse=True)


def solve_ivp_row(lam: float) -> np.ndarray:
    from scipy.integrate import solve_ivp

    def rhs(_: float, w: np.ndarray) -> list[float]:
        a, b = w
        return [(lam * b * (1 - a * b) - EPS * a * b * b) / TAU, (lam * a * (1 - a * b) - EPS * b * a * a) / TAU]

    sol = solve_ivp(rhs, (0.0, T[-1]), [W1, W2], t_eval=T, rtol=1e-10, atol=1e-300, method="DOP853")
    return sol.y[0] * sol.y[1]


def report(rows: list[tuple[str, float, int, int]], reference: float) -> None:
    print(f"{'method':52s} {'ns/eval':>10s} {'× symdae':>10s} {'non-finite':>12s}")
    for name, seconds, evals, bad in rows:
        per = seconds / evals * 1e9
        print(f"{name:52s} {per:10.2f} {per / reference:10.1f} {bad:>6d}/{evals}")


def startup(cache: str) -> float:
    code = (
        "import time; s = time.perf_counter()\n"
        "from symdae.kernels import dae_trajectory\n"
        "dae_trajectory(1.0, lam=1.0, eps=0.5, tau=10.0, w1_0=0.01, w2_0=0.02)\n"
        "print(time.perf_counter() - s)\n"
    )
    env = dict(os.environ, SYMDAE_CACHE_DIR=cache)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def regime(tau: float) -> tuple[list[tuple[str, float, int, int]], float]:
    """symdae and naive NumPy at this ``τ``; returns the rows and symdae's ns/eval (preallocated ``out``)."""
    from symdae.kernels import dae_trajectory

    n = LAM.size * T.size
    lam_col = LAM[:, None]
    out = np.empty((LAM.size, T.size))
    rows: list[tuple[str, float, int, int]] = []
    sec, w = best_of(lambda: dae_trajectory(T, lam=lam_col, eps=EPS, tau=tau, w1_0=W1, w2_0=W2))
    rows.append(("symdae dae_trajectory (allocates result)", sec, n, int((~np.isfinite(w)).sum())))
    sec_out, w = best_of(lambda: dae_trajectory(T, lam=lam_col, eps=EPS, tau=tau, w1_0=W1, w2_0=W2, out=out))
    rows.append(("symdae dae_trajectory (out=preallocated)", sec_out, n, int((~np.isfinite(w)).sum())))
    with np.errstate(all="ignore"):
        sec, w = best_of(lambda: printed_eq5_numpy(T, lam_col, tau))
    rows.append(("naive NumPy broadcasting, printed Eq. (5) (baseline)", sec, n, int((~np.isfinite(w)).sum())))
    return rows, sec_out / n * 1e9


def main() -> None:
    from symdae.kernels import dae_trajectory

    n = LAM.size * T.size
    lam_col = LAM[:, None]
    dae_trajectory(T, lam=lam_col, eps=EPS, tau=100.0, w1_0=W1, w2_0=W2)  # compile or load from cache
    print(f"workload: {LAM.size} eigenvalues × {T.size} epochs = {n:,} evaluations; "
          f"{os.cpu_count()} CPU(s), best of 5")
    per_eval = {}
    for tau, label in ((100.0, "settled"), (5e6, "rising")):
        rows, per_eval[label] = regime(tau)
        baseline = rows[-1][1] / n * 1e9
        print(f"\nτ = {tau:g} ({label}: x = Rt/τ up to {2 * LAM[-1] * T[-1] / tau:.3g})")
        print(f"{'method':52s} {'ns/eval':>10s} {'baseline/it':>12s} {'non-finite':>12s}")
        for name, seconds, evals, bad in rows:
            per = seconds / evals * 1e9
            print(f"{name:52s} {per:10.2f} {baseline / per:12.1f} {bad:>6d}/{evals}")
    print(f"\nsettled / rising cost (preallocated): {per_eval['settled'] / per_eval['rising']:.2f}")

    print("\nother methods at τ = 100 (ratio: their cost / symdae's allocating call)")
    rows: list[tuple[str, float, int, int]] = []
    sec, w = best_of(lambda: dae_trajectory(T, lam=lam_col, eps=EPS, tau=TAU, w1_0=W1, w2_0=W2))
    rows.append(("symdae dae_trajectory (allocates result)", sec, n, int((~np.isfinite(w)).sum())))
    with np.errstate(all="ignore"):
        f = lambdified_eq5()
        c0, w0 = abs(W2**2 - W1**2), W1 * W2
        sec, w = best_of(lambda: f(T, lam_col, EPS, TAU, w0, c0))
        rows.append(("sympy.lambdify(numpy, cse=True), printed Eq. (5)", sec, n, int((~np.isfinite(w)).sum())))

    subset = LAM[:: LAM.size // 8][:8]
    start = time.perf_counter()
    with np.errstate(all="ignore"):
        loop = [[printed_eq5_scalar(float(tt), float(lm)) for tt in T] for lm in subset]
    sec = time.perf_counter() - start
    rows.append(("per-eigenvalue Python loop (8 eigenvalues)", sec, subset.size * T.size,
                 int((~np.isfinite(np.array(loop))).sum())))

    ivp_subset = LAM[[0, 400, 783]]
    start = time.perf_counter()
    ivp = [solve_ivp_row(float(lm)) for lm in ivp_subset]
    sec = time.perf_counter() - start
    rows.append(("scipy solve_ivp DOP853 rtol 1e-10 (3 eigenvalues)", sec, ivp_subset.size * T.size,
                 int((~np.isfinite(np.array(ivp))).sum())))
    exact = dae_trajectory(T, lam=ivp_subset[:, None], eps=EPS, tau=TAU, w1_0=W1, w2_0=W2)
    ivp_err = np.max(np.abs(np.array(ivp) - exact) / np.maximum(np.abs(exact), 1e-300))
    report(rows, rows[0][1] / n * 1e9)
    print(f"max relative difference solve_ivp vs symdae on its subset: {ivp_err:.2e}")

    with tempfile.TemporaryDirectory() as cache:
        cold = startup(cache)
        warm = min(startup(cache) for _ in range(3))
    print(f"fresh process, cold cache (generate + compile) import + first call: {cold:.2f} s")
    print(f"fresh process, warm cache import + first call: {warm:.2f} s")


if __name__ == "__main__":
    main()
