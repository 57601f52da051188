"""Validate ``symdae tune`` by training: predicted against measured held-out denoising loss over s².

For each dataset, at the validation settings of issue 16 (N = 2000 training images, H = 64, α = 0.008,
T = 3000 epochs, init std 1e-4, held-out set the official test split, test noise s_t² = 0.05 and 0.2), it

1. asks :func:`symdae.tuning.recommend` for the s² minimising the predicted L_test (expected start; the
   capacity start too), and for the naive choices (s² = s_t², the converged T → ∞ optimum);
2. trains the linear DAE (full-batch gradient descent in Σ's eigenbasis, float64,
   :func:`symdae.torch.train_linear`) at 0, a 12-point log grid, a fine log curve around each recommended
   s² and the naive choices -- every s² from the same initial weights for a given seed
   (:func:`symdae.torch.random_weights` depends on the seed only);
3. measures L_test exactly from each trained M = W2W1 (:func:`symdae.tuning.measured_heldout_loss`), and
   its off-diagonal part in the training eigenbasis (claim ``heldout.off_diagonal``);
4. at the recommended s², measures L_test every ``--every`` epochs (training in chunks from the previous
   chunk's weights) to compare the epochs until L_test is within 1% of its final value;
5. prints the tables and writes everything to ``--out`` (JSON).

The measured optimum is judged on the fine curve (the optimum lies between grid points): the lowest
measured point and, from a parabola through the lowest point and its neighbours in log s², the interpolated
minimum. Run from the repository root (about 5 s per training run on one CPU thread)::

    python benchmarks/validate_tuning.py --data-root ../shared/data --out validate.json
    python benchmarks/validate_tuning.py --datasets mnist --seeds 0 --quick   # a smoke test, ~1 minute

``--raw FILE`` keeps the measurements after every seed and reads them back instead of training.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from symdae import tuning
from symdae.tuning._validate import _parabola, _ranks

GRID = np.geomspace(1e-3, 1.0, 12)
"""The 12 log-spaced noise variances (plus 0) of the coarse grid."""


def _rank_agreement(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation (no ties expected), as ``symdae tune --validate`` computes it."""
    return float(np.corrcoef(_ranks(a), _ranks(b))[0, 1])


def _parabola_minimum(x: np.ndarray, y: np.ndarray) -> tuple[float, float] | None:
    """Minimum of the parabola through the lowest point and its two neighbours (x in log s²), if interior."""
    order = np.argsort(x)
    return _parabola(x[order], y[order], int(np.argmin(y[order])))


class Validation:
    """The data, the held-out moments and the trainer of one dataset."""

    def __init__(self, dataset: str, data_root: str | None, args: argparse.Namespace) -> None:
        from symdae.data import load, spectrum
        from symdae.torch import TrainingData

        self.dataset, self.args = dataset, args
        train = load(dataset, n=args.samples, data_root=data_root)
        spec = spectrum(train)
        test = load(dataset, "test", data_root=data_root)
        tspec = spectrum(test)
        self.gram = (tspec.eigenvectors * tspec.eigenvalues) @ tspec.eigenvectors.T
        self.lam = np.asarray(spec.eigenvalues)
        self.vecs = np.asarray(spec.eigenvectors)
        self.heldout = tuning.heldout_moments(eigenvectors=self.vecs, gram=self.gram, n=test.n,
                                              description=f"{dataset} test split ({test.n} images)")
        self.data = TrainingData(self.lam, self.vecs, args.samples)
        self.nature = f"{train.nature} ({train.provenance})"
        self.runs = 0
        self.train_seconds = 0.0

    def common(self, st2: float) -> dict[str, Any]:
        a = self.args
        return {"eigenvalues": self.lam, "heldout": self.heldout, "n_samples": a.samples, "lr": a.lr,
                "epochs": a.epochs, "test_noise_var": st2}

    def train(self, s2: float, seed: int, *, every: int | None = None) -> tuple[Any, list[tuple[int, Any, Any]]]:
        """The trained run at s² (and, with ``every``, the weights every ``every`` epochs)."""
        from symdae.torch import LinearConfig, random_weights, train_linear

        a = self.args
        began = time.perf_counter()

        def config(epochs: int) -> Any:
            return LinearConfig(model="dae" if s2 > 0 else "ae", lr=a.lr, epochs=epochs, hidden=a.hidden,
                                noise_var=float(s2), init_std=a.init_std, seed=seed, dtype="float64", device="cpu",
                                every=max(epochs, 1), space="eigen")

        path: list[tuple[int, Any, Any]] = []
        if every is None:
            run = train_linear(self.data, config(a.epochs))
        else:  # in chunks from the same start: the same iteration, with the weights seen every `every` epochs
            w1, w2 = random_weights(seed, a.hidden, self.lam.size, a.init_std)
            path.append((0, w1, w2))
            done = 0
            while done < a.epochs:
                step = min(every, a.epochs - done)
                run = train_linear(self.data, config(step), init=(w1, w2))
                w1, w2, done = run.w1, run.w2, done + step
                path.append((done, w1, w2))
        self.runs += 1
        self.train_seconds += time.perf_counter() - began
        return run, path

    def loss(self, w1: Any, w2: Any, st2: float) -> float:
        return tuning.measured_heldout_loss(w1, w2, gram=self.gram, n=self.heldout.n, test_noise_var=st2)

    def diagonal_loss(self, w1: Any, w2: Any, st2: float) -> float:
        """L_test of the diagonal part of M in the training eigenbasis (heldout.per_direction)."""
        mapping = np.einsum("dj,dh,hj->j", self.vecs, w2 @ w1, self.vecs)
        return float(tuning.heldout_loss(mapping, self.heldout, test_noise_var=st2)[0])


def validate(dataset: str, args: argparse.Namespace) -> dict[str, Any]:
    v = Validation(dataset, args.data_root, args)
    a = args
    print(f"\n== {dataset}: {v.nature}; N = {a.samples}, H = {a.hidden}, α = {a.lr:g}, T = {a.epochs}, "
          f"σ0 = {a.init_std:g}; held-out: {v.heldout.description}; seeds {a.seeds}", flush=True)
    plan: dict[float, dict[str, Any]] = {}
    wanted: set[float] = {0.0, *map(float, GRID)}
    for st2 in a.test_noise_vars:
        began = time.perf_counter()
        rec = tuning.recommend(**v.common(st2), hidden=a.hidden, init_std=a.init_std)
        seconds = time.perf_counter() - began
        cap = tuning.recommend(**v.common(st2), hidden=a.hidden, init_std=a.init_std, start="capacity")
        seeded = {seed: tuning.recommend(**v.common(st2), w1_0=start[0], w2_0=start[1]).value
                  for seed in a.seeds
                  for start in [tuning.seed_start(seed, hidden=a.hidden, init_std=a.init_std, eigenvectors=v.vecs)]}
        if rec.value > 0:  # log-spaced around the recommendation, which is one of the points exactly
            fine = rec.value * np.geomspace(1 / a.fine_span, a.fine_span, a.fine_points)
            fine[np.argmin(np.abs(np.log(fine / rec.value)))] = rec.value
        else:
            fine = np.concatenate([[0.0], np.geomspace(GRID[0] / 10, GRID[0], a.fine_points - 1)])
        naive = {"s² = s_t²": st2, "converged optimum": rec.baselines["converged_optimum"]["value"]}
        plan[st2] = {"recommended": rec.value, "capacity": cap.value, "seeded": seeded, "fine": fine, "naive": naive,
                     "recommend_seconds": seconds, "epochs_to_within": rec.epochs_to_within,
                     "capacity_epochs_to_within": cap.epochs_to_within}
        wanted |= {float(x) for x in fine} | set(naive.values()) | {cap.value, rec.value}
        print(f"s_t² = {st2:g}: recommended s² = {rec.value:.6g} (capacity start {cap.value:.6g}; seeds "
              + ", ".join(f"{k}: {x:.6g}" for k, x in seeded.items())
              + f"), converged optimum {naive['converged optimum']:.6g}; recommend() {seconds:.1f} s", flush=True)

    values = np.array(sorted(wanted))
    measured = {st2: np.zeros((len(a.seeds), values.size)) for st2 in a.test_noise_vars}
    diagonal = {st2: np.zeros((len(a.seeds), values.size)) for st2 in a.test_noise_vars}
    timing: dict[float, dict[int, list[tuple[int, float]]]] = {st2: {} for st2 in a.test_noise_vars}
    chunked = {plan[st2]["recommended"] for st2 in a.test_noise_vars}
    raw = None if a.raw is None else a.raw.with_name(f"{a.raw.stem}-{dataset}{a.raw.suffix}")
    if raw is not None and raw.exists():  # the measurements of an earlier run of the same plan
        stored = json.loads(raw.read_text())
        if stored["values"] != values.tolist() or stored["seeds"] != a.seeds:
            raise SystemExit(f"{raw} holds measurements of another plan; remove it to retrain")
        for st2 in a.test_noise_vars:
            measured[st2] = np.array(stored["measured"][repr(st2)])
            diagonal[st2] = np.array(stored["diagonal"][repr(st2)])
            timing[st2] = {int(k): [tuple(x) for x in series] for k, series in stored["timing"][repr(st2)].items()}
        print(f"measurements read from {raw} (no training)", flush=True)
    for k, seed in enumerate([] if raw is not None and raw.exists() else a.seeds):
        for i, s2 in enumerate(values):
            every = a.every if s2 in chunked else None
            run, path = v.train(float(s2), seed, every=every)
            for st2 in a.test_noise_vars:
                measured[st2][k, i] = v.loss(run.w1, run.w2, st2)
                diagonal[st2][k, i] = v.diagonal_loss(run.w1, run.w2, st2)
            for st2 in a.test_noise_vars:
                if path and s2 == plan[st2]["recommended"]:
                    timing[st2][seed] = [(epoch, v.loss(w1, w2, st2)) for epoch, w1, w2 in path]
        print(f"seed {seed}: {values.size} runs trained ({v.train_seconds:.0f} s so far)", flush=True)
        if raw is not None:  # after every seed, so that the analysis can be rerun without training
            raw.write_text(json.dumps({
                "values": values.tolist(), "seeds": a.seeds[:k + 1] if k + 1 < len(a.seeds) else a.seeds,
                "measured": {repr(s): measured[s].tolist() for s in a.test_noise_vars},
                "diagonal": {repr(s): diagonal[s].tolist() for s in a.test_noise_vars},
                "timing": {repr(s): {str(q): series for q, series in timing[s].items()} for s in a.test_noise_vars}}))

    results: dict[str, Any] = {"dataset": dataset, "data": v.nature, "settings": {
        "samples": a.samples, "hidden": a.hidden, "lr": a.lr, "epochs": a.epochs, "init_std": a.init_std,
        "seeds": a.seeds, "heldout": v.heldout.description, "grid": GRID.tolist(), "fine_points": a.fine_points,
        "fine_span": a.fine_span, "dtype": "float64", "space": "eigen"}, "by_test_noise": []}
    for st2 in a.test_noise_vars:
        p = plan[st2]
        mean = measured[st2].mean(axis=0)
        exp_pred = tuning.predict_heldout(**v.common(st2), noise_var=values, hidden=a.hidden, init_std=a.init_std).loss
        cap_pred = tuning.predict_heldout(**v.common(st2), noise_var=values, hidden=a.hidden, init_std=a.init_std,
                                          start="capacity").loss
        index = {float(x): i for i, x in enumerate(values)}
        fine_idx = [index[float(x)] for x in p["fine"]]
        grid_idx = [index[0.0], *(index[float(x)] for x in GRID)]
        best = int(np.argmin(mean))
        fit = _parabola_minimum(values[fine_idx], mean[fine_idx])
        floor = min(float(mean[best]), fit[1]) if fit else float(mean[best])

        def gap(s2: float, floor: float = floor, mean: np.ndarray = mean, index: dict[float, int] = index) -> float:
            return float(mean[index[float(s2)]] - floor) / floor

        per_seed_gap = [float(measured[st2][k, index[p["recommended"]]] - measured[st2][k].min())
                        / measured[st2][k].min() for k in range(len(a.seeds))]
        grid_meas, grid_exp, grid_cap = mean[grid_idx], exp_pred[grid_idx], cap_pred[grid_idx]
        meas_rows = []
        for label, i in (("measured optimum", best), ("recommended", index[p["recommended"]])):
            meas_rows.append({"at": label, "noise_var": float(values[i]), "measured": float(mean[i]),
                              "predicted_expected": float(exp_pred[i]), "predicted_capacity": float(cap_pred[i])})
        times = {}
        for seed, series in timing[st2].items():
            curve = np.array([loss for _, loss in series])
            epochs = np.array([epoch for epoch, _ in series])
            inside = np.abs(curve - curve[-1]) <= tuning.WITHIN * curve[-1]
            outside = np.nonzero(~inside)[0]
            # first recorded epoch from which it stays inside (resolution: --every epochs)
            times[seed] = int(epochs[outside[-1] + 1]) if outside.size else 0
        entry = {
            "test_noise_var": st2, "recommended": p["recommended"], "recommended_capacity": p["capacity"],
            "recommended_seeded": p["seeded"], "recommend_seconds": p["recommend_seconds"],
            "measured_optimum": {"noise_var": float(values[best]), "loss": float(mean[best]),
                                 "parabola": None if fit is None else {"noise_var": fit[0], "loss": fit[1]},
                                 "on_fine_curve_edge": best in (fine_idx[0], fine_idx[-1])},
            "gap_recommended": gap(p["recommended"]), "gap_recommended_per_seed": per_seed_gap,
            "gap_capacity": gap(p["capacity"]),
            "gap_naive": {name: gap(x) for name, x in p["naive"].items()},
            "at_points": meas_rows,
            "grid": [{"noise_var": float(values[i]), "measured": float(mean[i]), "measured_per_seed":
                      measured[st2][:, i].tolist(), "predicted_expected": float(exp_pred[i]),
                      "predicted_capacity": float(cap_pred[i]),
                      "off_diagonal": float(mean[i] - diagonal[st2].mean(axis=0)[i])} for i in grid_idx],
            "fine": [{"noise_var": float(values[i]), "measured": float(mean[i]),
                      "predicted_expected": float(exp_pred[i]), "predicted_capacity": float(cap_pred[i])}
                     for i in fine_idx],
            "ratio_at_measured_optimum": {"expected": float(exp_pred[best] / mean[best]),
                                          "capacity": float(cap_pred[best] / mean[best])},
            "grid_ratio_range": {name: [float((pred / grid_meas).min()), float((pred / grid_meas).max())]
                                 for name, pred in (("expected", grid_exp), ("capacity", grid_cap))},
            "grid_rank_agreement": {"expected": _rank_agreement(grid_exp, grid_meas),
                                    "capacity": _rank_agreement(grid_cap, grid_meas)},
            "grid_argmin": {"measured": float(values[grid_idx][np.argmin(grid_meas)]),
                            "expected": float(values[grid_idx][np.argmin(grid_exp)]),
                            "capacity": float(values[grid_idx][np.argmin(grid_cap)])},
            "epochs_to_within_1_percent": {"predicted_expected": p["epochs_to_within"],
                                           "predicted_capacity": p["capacity_epochs_to_within"],
                                           "measured_per_seed": times, "resolution_epochs": a.every},
            "off_diagonal_at_recommended": float(mean[index[p["recommended"]]]
                                                 - diagonal[st2].mean(axis=0)[index[p["recommended"]]]),
        }
        results["by_test_noise"].append(entry)
        _print(entry, a.seeds)
    results["training_runs"] = v.runs
    results["training_seconds"] = v.train_seconds
    return results


def _print(e: dict[str, Any], seeds: list[int]) -> None:
    st2 = e["test_noise_var"]
    opt = e["measured_optimum"]
    fit = opt["parabola"]
    print(f"\n-- s_t² = {st2:g} (measured: mean over seeds {seeds}) --")
    print(f"{'s²':>10} {'measured':>12} {'pred (exp)':>12} {'ratio':>8} {'pred (cap)':>12} {'ratio':>8} "
          f"{'off-diag':>9}")
    for row in e["grid"]:
        print(f"{row['noise_var']:10.4g} {row['measured']:12.7f} {row['predicted_expected']:12.7f} "
              f"{row['predicted_expected'] / row['measured']:8.5f} {row['predicted_capacity']:12.7f} "
              f"{row['predicted_capacity'] / row['measured']:8.5f} {row['off_diagonal']:9.2e}")
    print("fine curve:")
    for row in e["fine"]:
        print(f"{row['noise_var']:10.5g} {row['measured']:12.7f} {row['predicted_expected']:12.7f} "
              f"{row['predicted_expected'] / row['measured']:8.5f} {row['predicted_capacity']:12.7f}")
    print(f"measured optimum s² = {opt['noise_var']:.5g} (L = {opt['loss']:.7f})"
          + (f"; parabola: s² = {fit['noise_var']:.5g}, L = {fit['loss']:.7f}" if fit else "")
          + ("  [at the edge of the fine curve]" if opt["on_fine_curve_edge"] else ""))
    print(f"recommended s² = {e['recommended']:.5g}: relative gap to the measured minimum {e['gap_recommended']:.2e} "
          f"(per seed {', '.join(f'{g:.1e}' for g in e['gap_recommended_per_seed'])}); capacity start "
          f"{e['recommended_capacity']:.5g}: {e['gap_capacity']:.2e}")
    print("naive choices: " + "; ".join(f"{k}: {g:.2e}" for k, g in e["gap_naive"].items()))
    r = e["ratio_at_measured_optimum"]
    print(f"predicted/measured at the measured optimum: expected start {r['expected']:.5f}, capacity "
          f"{r['capacity']:.5f}")
    ranges = e["grid_ratio_range"]
    print(f"grid: ratio range expected {ranges['expected']}, capacity {ranges['capacity']}; "
          f"rank agreement {e['grid_rank_agreement']}; argmin {e['grid_argmin']}")
    t = e["epochs_to_within_1_percent"]
    print(f"epochs to within 1% of L_test(T): predicted {t['predicted_expected']} (capacity "
          f"{t['predicted_capacity']}), measured {t['measured_per_seed']} (resolution {t['resolution_epochs']})")
    print(f"off-diagonal part of M at the recommended s²: {e['off_diagonal_at_recommended']:.3e}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default="mnist", help="comma-separated: mnist, fashion-mnist")
    parser.add_argument("--data-root", default=None)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.008)
    parser.add_argument("--epochs", type=int, default=3000)
    parser.add_argument("--init-std", type=float, default=1e-4)
    parser.add_argument("--test-noise-vars", default="0.05,0.2")
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--fine-points", type=int, default=7)
    parser.add_argument("--fine-span", type=float, default=1.5, help="the fine curve spans s²/SPAN to s²·SPAN")
    parser.add_argument("--every", type=int, default=10, help="epochs between L_test measurements of the timing runs")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="N = 500, T = 1000, 3 fine points (a smoke test)")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    parser.add_argument("--raw", type=Path, default=None,
                        help="keep the measurements in RAW-<dataset>.json after every seed, and read them from there "
                        "instead of training when they exist (same plan)")
    args = parser.parse_args()
    args.test_noise_vars = [float(x) for x in args.test_noise_vars.split(",")]
    args.seeds = [int(x) for x in args.seeds.split(",")]
    if args.quick:
        args.samples, args.epochs, args.fine_points, args.every = 500, 1000, 3, 50
    import torch

    torch.set_num_threads(args.threads)
    began = time.perf_counter()
    everything = [validate(name.strip(), args) for name in args.datasets.split(",")]
    print(f"\ntotal {time.perf_counter() - began:.0f} s")
    if args.out is not None:
        args.out.write_text(json.dumps({"results": everything, "seconds": time.perf_counter() - began}, indent=1))
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
