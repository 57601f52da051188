"""Sample the kernels over the whole finite float64 domain: finite answer, ValueError, or anything else.

For each closed-form kernel it draws N points (default 10^6) with every
argument log-uniform over float64's range (weights of either sign from 5e-324
to 1.8e308 and some zeros; rates 0 or 5e-324 … 1.8e308; τ > 0; times 0 or
anywhere) and counts, per point, a finite result, a ``ValueError`` (allowed
only where the answer itself exceeds float64), or anything else (a NaN, an
infinity where a finite answer exists, another exception). Half the points
place ``t`` where the mode moves (``x = Rt/τ`` in 1e-8 … 1e5) instead of
anywhere. Then

* a subsample (default 2000 points) is checked against the 60-digit
  references of ``tests/kernels/reference.py`` with the kernels' stated
  contracts, and
* N points of the box ``|w1_0|, |w2_0| ∈ {0} ∪ [1e-300, 1e150]``, rates, ``τ``
  and ``t`` in ``{0} ∪ [1e-300, 1e300]`` must all be answered (no
  ``ValueError``).

Run: ``python benchmarks/sample_domain.py [--n 1000000] [--check 2000] [--seed 0]``
(a few minutes on 2 cores; the reference check dominates). With ``--ode`` the
same for ``mode_trajectory`` (κ > 0 drawn over the whole range) and
``gd_iterates`` (``--gd-n`` points, 0 to 2000 steps), checked against the
50-digit reference of ``tests/kernels/reference_ode.py`` (tens of minutes at
10^6 points). Exits 1 if any point is answered outside its contract.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

Kernel = Callable[..., np.ndarray]


def log_uniform(rng: np.random.Generator, n: int, low: float, high: float, zeros: float = 0.0) -> np.ndarray:
    values = np.exp(rng.uniform(math.log(low), math.log(high), n))
    return np.where(rng.random(n) < zeros, 0.0, values)


def weights(rng: np.random.Generator, n: int, low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
    """(w1, w2): independent, or w2 = ±w1 (1 + tiny), each of either sign."""
    w1 = rng.choice([-1.0, 1.0], n) * log_uniform(rng, n, low, high, zeros=0.03)
    w2 = rng.choice([-1.0, 1.0], n) * log_uniform(rng, n, low, high, zeros=0.03)
    near = rng.random(n) < 0.25
    nudge = 1 + rng.choice([-1.0, 1.0], n) * 10 ** rng.uniform(-16, -1, n)
    with np.errstate(over="ignore"):
        nearby = w1 * rng.choice([-1.0, 1.0], n) * nudge
    # a nudge up from the largest float64 overflows: that pair is sampled independently
    w2 = np.where(near & np.isfinite(nearby), nearby, w2)
    return w1, w2


def moving_times(tau: np.ndarray, lam: np.ndarray, eps: np.ndarray, w1: np.ndarray, w2: np.ndarray,
                 x: np.ndarray) -> np.ndarray:
    """``t`` with ``Rt/τ = x`` (R = √(4λ² + (kc0)²)), where representable; else 0."""
    with np.errstate(all="ignore"):
        k = lam + eps
        c0 = np.abs(w2 * w2 - w1 * w1)
        rate = np.hypot(2 * lam, k * c0)
        t = x * tau / rate
    return np.where(np.isfinite(t) & (rate > 0), t, 0.0)


def domain(rng: np.random.Generator, n: int, box: bool) -> dict[str, np.ndarray]:
    low, high = (1e-300, 1e300) if box else (5e-324, 1.7976931348623157e308)
    w_low, w_high = (1e-300, 1e150) if box else (low, high)
    lam = log_uniform(rng, n, low, high, zeros=0.05)
    eps = log_uniform(rng, n, low, high, zeros=0.1)
    tau = log_uniform(rng, n, low, high)
    w1, w2 = weights(rng, n, w_low, w_high)
    anywhere = log_uniform(rng, n, low, high, zeros=0.05)
    placed = moving_times(tau, lam, eps, w1, w2, 10 ** rng.uniform(-8, 5, n))
    t = np.where(rng.random(n) < 0.5, anywhere, placed)
    if box:
        t = np.where((t > 1e300) | ((t > 0) & (t < 1e-300)), anywhere, t)
    fraction = np.where(rng.random(n) < 0.5, rng.choice([0.0, 0.5, 0.9], n), rng.random(n))
    return {"t": t, "lam": lam, "eps": eps, "tau": tau, "w1": w1, "w2": w2, "fraction": fraction}


def classify(call: Callable[[np.ndarray], np.ndarray], index: np.ndarray,
             allow_inf: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per point of ``index``: finite answer, ValueError, other — bisecting chunks that raise."""
    finite = np.zeros(index.size, dtype=bool)
    refused = np.zeros(index.size, dtype=bool)
    other = np.zeros(index.size, dtype=bool)
    stack = [(0, index.size)]
    while stack:
        lo, hi = stack.pop()
        try:
            values = call(index[lo:hi])
        except ValueError:
            if hi - lo == 1:
                refused[lo] = True
            else:
                mid = (lo + hi) // 2
                stack += [(lo, mid), (mid, hi)]
            continue
        except Exception:  # anything else is a fault to count
            other[lo:hi] = True
            continue
        ok = np.isfinite(values) | (allow_inf & np.isposinf(values))
        finite[lo:hi] = ok
        other[lo:hi] = ~ok
    return finite, refused, other


def per_point(points: dict[str, np.ndarray], index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``dae_trajectory`` at every point, and the compiled kernel's own status per point.

    The public function raises ``ValueError`` for a whole call when any point's answer exceeds
    float64 (status 1); the compiled ``flat`` loop it runs reports a status per point instead
    (``--bisect`` counts the refusals through the public function, much more slowly).
    """
    from symdae.codegen import load_kernel

    module = load_kernel("dae_trajectory")
    columns = [np.ascontiguousarray(points[k][index]) for k in ("t", "lam", "eps", "tau", "w1", "w2")]
    out = np.empty(index.size)
    status = np.zeros(index.size, dtype=np.int64)
    module.flat(*columns, out, status)
    return out, status


def main() -> int:
    from symdae.kernels import crossing_time, dae_trajectory, time_to_fraction

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--check", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bisect", action="store_true",
                        help="also count dae_trajectory's refusals through the public function (slow)")
    parser.add_argument("--ode", action="store_true",
                        help="sample mode_trajectory and gd_iterates (κ > 0) instead of the closed forms")
    parser.add_argument("--gd-n", type=int, default=100_000, help="points for gd_iterates (with --ode)")
    parser.add_argument("--check-only", action="store_true",
                        help="skip the 10^6 sample and only compare against the references")
    parser.add_argument("--jobs", type=int, default=1, help="processes for the --ode reference comparison")
    args = parser.parse_args()
    if args.ode:
        if args.check_only:
            failures = check_modes(np.random.default_rng(args.seed + 3), args.check, args.jobs)
        else:
            failures = ode_main(args.n, min(args.gd_n, args.n), args.check, args.seed, args.jobs)
        print(f"\n{'FAILED' if failures else 'ok'}: {failures} point(s) outside their contract")
        return 1 if failures else 0
    rng = np.random.default_rng(args.seed)
    chunk = 100_000
    kernels: dict[str, tuple[Callable[[dict[str, np.ndarray], np.ndarray], np.ndarray], bool]] = {
        "dae_trajectory": (lambda p, i: dae_trajectory(p["t"][i], lam=p["lam"][i], eps=p["eps"][i], tau=p["tau"][i],
                                                       w1_0=p["w1"][i], w2_0=p["w2"][i]), False),
        "dae_trajectory (per-point status)": (lambda p, i: per_point(p, i)[0], False),
        "time_to_fraction": (lambda p, i: time_to_fraction(p["fraction"][i], lam=p["lam"][i], eps=p["eps"][i],
                                                           tau=p["tau"][i], w1_0=p["w1"][i], w2_0=p["w2"][i]), True),
        "crossing_time": (lambda p, i: crossing_time(lam=p["lam"][i], eps=p["eps"][i], tau=p["tau"][i], w1_0=p["w1"][i],
                                                     w2_0=p["w2"][i]), True),
    }
    if not args.bisect:
        del kernels["dae_trajectory"]
    failures = 0
    for box in (False, True):
        points = domain(rng, args.n, box)
        print(f"\n{'box' if box else 'whole float64 domain'}: {args.n:,} points")
        for name, (kernel, allow_inf) in kernels.items():
            start = time.perf_counter()
            totals = np.zeros(3, dtype=np.int64)
            for c0 in range(0, args.n, chunk):
                index = np.arange(c0, min(args.n, c0 + chunk))
                if name.endswith("(per-point status)"):
                    values, status = per_point(points, index)
                    refused = status != 0
                    finite = np.isfinite(values) & ~refused
                    other = ~finite & ~refused
                else:
                    finite, refused, other = classify(lambda i, k=kernel, p=points: k(p, i), index, allow_inf)
                totals += [finite.sum(), refused.sum(), other.sum()]
            bad = int(totals[2]) + (int(totals[1]) if box else 0)
            failures += bad
            print(f"  {name:18s} finite {totals[0]:>9,}  ValueError {totals[1]:>7,}  other {totals[2]:>5,}  "
                  f"({time.perf_counter() - start:.1f} s){'  FAIL' if bad else ''}")
    failures += check_accuracy(np.random.default_rng(args.seed + 1), args.check)
    print(f"\n{'FAILED' if failures else 'ok'}: {failures} point(s) outside their contract")
    return 1 if failures else 0


def check_accuracy(rng: np.random.Generator, count: int) -> int:
    """``count`` points of the whole domain against the 60-digit references, with the stated contracts."""
    import mpmath

    from symdae.kernels import dae_trajectory, time_to_fraction
    from tests.kernels.reference import exact_time, exact_w

    points = domain(rng, count, box=False)
    normal = mpmath.mpf(2.2250738585072014e-308)
    worst = {"dae_trajectory": 0.0, "time_to_fraction": 0.0}
    bad = 0
    refused = 0
    start = time.perf_counter()
    for i in range(count):
        t, lam, eps, tau, w1, w2, f = (float(points[k][i]) for k in ("t", "lam", "eps", "tau", "w1", "w2",
                                                                      "fraction"))
        try:
            w = float(dae_trajectory(t, lam=lam, eps=eps, tau=tau, w1_0=w1, w2_0=w2))
        except ValueError:
            refused += 1
            ref = exact_w(t, lam, eps, tau, w1, w2)[0]
            bad += abs(ref) <= mpmath.mpf("1.7976931348623157e308")
        else:
            ref, norm = exact_w(t, lam, eps, tau, w1, w2)
            with mpmath.workdps(60):
                bound = 1e-13 * max(abs(ref), normal)
                if w1 * w2 < 0:
                    bound += 1e-14 * mpmath.mpf(t) * abs(lam - (mpmath.mpf(lam) + eps) * ref) * norm / tau
                ratio = float(abs(mpmath.mpf(w) - ref) / bound)
            worst["dae_trajectory"] = max(worst["dae_trajectory"], ratio)
            bad += ratio > 1
        got = float(time_to_fraction(f, lam=lam, eps=eps, tau=tau, w1_0=w1, w2_0=w2))
        ref = exact_time(f, lam, eps, tau, w1, w2)
        with mpmath.workdps(60):
            if ref == mpmath.inf or ref > mpmath.mpf("1.7976931348623157e308"):
                bad += got != math.inf
                continue
            if ref == 0:
                bad += got != 0.0
                continue
            w_f, w0 = mpmath.mpf(f) * lam / (mpmath.mpf(lam) + eps), mpmath.mpf(w1) * w2
            bound = (1e-13 + 1e-15 * max(abs(w0), w_f) / (w_f - w0)) * max(ref, normal)
            ratio = float(abs(got - ref) / bound)
        worst["time_to_fraction"] = max(worst["time_to_fraction"], ratio)
        bad += ratio > 1
    print(f"\naccuracy against 60-digit references, {count} points ({time.perf_counter() - start:.1f} s):")
    for name, ratio in worst.items():
        print(f"  {name:18s} worst error / contract = {ratio:.3g}")
    print(f"  dae_trajectory refused {refused} point(s), each one where |w| exceeds float64's range")
    return bad


def ode_domain(rng: np.random.Generator, n: int, box: bool) -> dict[str, np.ndarray]:
    """The closed-form kernels' points, with a weight decay κ > 0 (κ = 0 is ``dae_trajectory``)."""
    points = domain(rng, n, box)
    low, high = (1e-300, 1e300) if box else (5e-324, 1.7976931348623157e308)
    points["kappa"] = log_uniform(rng, n, low, high)
    points["steps"] = np.floor(log_uniform(rng, n, 1.0, 2000.0, zeros=0.05))
    return points


def classify_modes(call: Callable[[np.ndarray], np.ndarray], index: np.ndarray, single: np.ndarray,
                   ) -> tuple[int, int, int]:
    """Counts (finite, ValueError, other): ``single`` points one call each (they may refuse), the rest in blocks."""
    totals = np.zeros(3, dtype=np.int64)
    for i in index[single]:
        finite, refused, other = classify(call, np.array([i]), False)
        totals += [finite.sum(), refused.sum(), other.sum()]
    rest = index[~single]
    for c0 in range(0, rest.size, 10_000):
        finite, refused, other = classify(call, rest[c0:c0 + 10_000], False)
        totals += [finite.sum(), refused.sum(), other.sum()]
    return int(totals[0]), int(totals[1]), int(totals[2])


def ode_main(n: int, gd_n: int, check: int, seed: int, jobs: int = 1) -> int:
    """``mode_trajectory`` (``n`` points) and ``gd_iterates`` (``gd_n``) per domain, then ``check`` references."""
    from symdae.kernels import gd_iterates, mode_trajectory

    def modes(p: dict[str, np.ndarray], i: np.ndarray) -> np.ndarray:
        return mode_trajectory(p["t"][i], lam=p["lam"][i], eps=p["eps"][i], kappa=p["kappa"][i], tau=p["tau"][i],
                               w1_0=p["w1"][i],
                               w2_0=p["w2"][i])

    def gd(p: dict[str, np.ndarray], i: np.ndarray) -> np.ndarray:
        w1, w2 = gd_iterates(p["steps"][i], lam=p["lam"][i], eps=p["eps"][i], kappa=p["kappa"][i], tau=p["tau"][i],
                             w1_0=p["w1"][i],
                             w2_0=p["w2"][i])
        both = np.isfinite(np.asarray(w1)) & np.isfinite(np.asarray(w2))
        return np.where(both, 0.0, np.nan)  # finite exactly when both weights are (their sum could overflow)

    rng = np.random.default_rng(seed + 2)
    failures = 0
    for box in (False, True):
        points = ode_domain(rng, n, box)
        with np.errstate(over="ignore"):
            # only a start with |w1 w2| beyond float64 can have |w(t)| beyond it: those points one by one
            single = ~np.isfinite(points["w1"] * points["w2"])
        print(f"\n{'box' if box else 'whole float64 domain'}, κ > 0: {n:,} points")
        for name, kernel, count in (("mode_trajectory", modes, n), ("gd_iterates", gd, gd_n)):
            start = time.perf_counter()
            index = np.arange(count)
            finite, refused, other = classify_modes(lambda i, k=kernel, p=points: k(p, i), index, single[:count])
            bad = other + (refused if box and name == "mode_trajectory" else 0)
            failures += bad
            print(f"  {name:18s} finite {finite:>9,}  ValueError {refused:>7,}  other {other:>5,}  "
                  f"({time.perf_counter() - start:.1f} s){'  FAIL' if bad else ''}")
    failures += check_modes(np.random.default_rng(seed + 3), check, jobs)
    return failures


def check_mode_point(args: tuple[float, ...]) -> tuple[float, bool, bool]:
    """One point of ``mode_trajectory`` against its 50-digit reference: (error / contract, outside it, refused)."""
    import mpmath

    from symdae.kernels import mode_trajectory
    from symdae.kernels._ode import RELATIVE, SUBNORMAL, TIME_CONDITIONING
    from tests.kernels import mode_call
    from tests.kernels.reference_ode import mode_reference, time_sensitivity

    ref, _ = mode_reference(*args)
    try:
        w = float(mode_call(mode_trajectory, args))
    except ValueError:
        return 0.0, bool(abs(ref) <= mpmath.mpf("1.7976931348623157e308")), True
    error = abs(mpmath.mpf(w) - ref)
    bound = RELATIVE * abs(ref) + SUBNORMAL
    if error > bound:
        bound += TIME_CONDITIONING * time_sensitivity(*args)
    return float(error / bound), bool(error > bound), False


def check_modes(rng: np.random.Generator, count: int, jobs: int = 1) -> int:
    """``count`` whole-domain points of ``mode_trajectory`` against the 50-digit reference and its contract."""
    from concurrent.futures import ProcessPoolExecutor

    points = ode_domain(rng, count, box=False)
    draws = [tuple(float(points[k][i]) for k in ("t", "lam", "eps", "kappa", "tau", "w1", "w2"))
             for i in range(count)]
    worst, bad, refused, start = 0.0, 0, 0, time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) if jobs > 1 else contextlib.nullcontext() as pool:
        results = pool.map(check_mode_point, draws) if pool else map(check_mode_point, draws)
        for done, (ratio, outside, no) in enumerate(results, 1):
            worst, bad, refused = max(worst, ratio), bad + outside, refused + no
            if done % 100 == 0:
                print(f"  {done:>5} of {count}: worst {worst:.3g}, outside {bad} "
                      f"({time.perf_counter() - start:.0f} s)", flush=True)
    print(f"\nmode_trajectory against 50-digit references, {count} points ({time.perf_counter() - start:.1f} s):")
    print(f"  worst error / contract = {worst:.3g}; refused {refused} point(s), each where |w| exceeds float64")
    return bad


if __name__ == "__main__":
    raise SystemExit(main())
