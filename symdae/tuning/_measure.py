"""The held-out loss of a trained run, measured in its folder (``heldout.json``): a sweep's :class:`Measure`.

For ``M = W2W1`` the held-out loss is linear in the test noise,
``L_test(s_t²) = R + s_t² Q`` with ``R = tr((I − M)C_t(I − M)ᵀ)/(2N_t)`` and
``Q = ||M||²_F / 2`` (claim ``heldout.loss``), so a run measured once
serves every ``s_t²``: ``heldout.json`` keeps ``R`` and ``Q`` of the whole
mapping and of its diagonal part ``V diag(v_jᵀMv_j) Vᵀ`` in the training
eigenbasis (what the prediction models; the difference is the off-diagonal
part, claim ``heldout.off_diagonal``), and, for runs that recorded every
direction, the diagonal part's ``R`` and ``Q`` at every recorded epoch.

A nonlinear network ``x ↦ W2 f(W1x)`` has no such form: its held-out loss is
measured at the given ``s_t²`` directly, the expectation over the test noise
estimated from a few draws per row, the same draws for every run (common
random numbers, so that runs compare with less noise than each estimate has).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from symdae.tuning._heldout import heldout_loss, measured_heldout_loss

if TYPE_CHECKING:
    from symdae.experiments import Result
    from symdae.tuning._data import HeldoutData

HELDOUT_JSON = "heldout.json"
FORMAT = "symdae-heldout/1"
DRAWS = 4


def _relu(h: np.ndarray) -> np.ndarray:
    return np.maximum(h, 0.0)


def _identity(h: np.ndarray) -> np.ndarray:
    return h


ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {"relu": _relu, "tanh": np.tanh, "linear": _identity}


@dataclass(frozen=True)
class HeldoutMeasure:
    """Measure the held-out loss of each trained linear run (the held-out set of ``symdae tune --heldout``)."""

    dataset: str
    samples: int
    heldout: str = "test"
    heldout_samples: int | None = None
    data_root: str | None = None
    test_noise_vars: tuple[float, ...] = ()
    """Nonlinear runs: the ``s_t²`` to measure (no closed form in ``s_t²``; linear runs serve every one)."""
    draws: int = DRAWS
    """Nonlinear runs: test-noise draws per held-out row (the same draws, seed 0, for every run)."""

    def names(self) -> dict[str, Any]:
        """What identifies the held-out set (not where its files are, nor the nonlinear runs' options)."""
        return {name: value for name, value in asdict(self).items()
                if name not in ("data_root", "test_noise_vars", "draws")}

    def read(self, folder: Path) -> dict[str, Any] | None:
        """``folder/heldout.json`` when it measures this held-out set on the result stored there, else ``None``."""
        try:
            measured = json.loads((Path(folder) / HELDOUT_JSON).read_text(encoding="utf-8"))
            stored = json.loads((Path(folder) / "result.json").read_text(encoding="utf-8"))
            digest = stored["result_npz"]["sha256"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(measured, dict) or measured.get("format") != FORMAT:
            return None
        if measured.get("heldout") != self.names() or measured.get("result_sha256") != digest:
            return None
        network = measured.get("network")
        if network is not None:  # a nonlinear run: measured at given test noise levels
            if network.get("draws") != self.draws or not all(repr(float(v)) in network.get("losses", {})
                                                             for v in self.test_noise_vars):
                return None
        return measured

    def done(self, folder: Path) -> bool:
        """Whether ``folder`` holds this measurement of the result stored there."""
        return self.read(folder) is not None

    def __call__(self, result: Result, folder: Path) -> None:
        """Measure ``result`` (a linear run just trained, with its weights) into ``folder/heldout.json``."""
        from symdae._io import json_text, write_atomic

        if result.weights is None:
            raise ValueError("the held-out loss needs the final weights of a run just trained")
        w1, w2 = result.weights
        if result.experiment.kind == "nonlinear":
            rows, description, nature = _heldout_rows(self)
            losses = {repr(float(v)): network_heldout_loss(w1, w2, rows, activation=result.experiment.activation,
                                                           test_noise_var=float(v), draws=self.draws)
                      for v in self.test_noise_vars}
            write_atomic(Path(folder) / HELDOUT_JSON, json_text({
                "format": FORMAT, "heldout": self.names(), "description": description, "rows": rows.shape[0],
                "nature": nature, "result_sha256": result.record["result_npz"]["sha256"],
                "network": {"activation": result.experiment.activation, "draws": self.draws, "losses": losses}}))
            return
        data, vecs = _heldout_data(self)
        held, gram = data.heldout, data.gram
        whole_r = measured_heldout_loss(w1, w2, gram=gram, n=held.n, test_noise_var=0.0)
        whole_q = measured_heldout_loss(w1, w2, gram=gram, n=held.n, test_noise_var=1.0) - whole_r
        diagonal = np.einsum("dj,dj->j", vecs, w2 @ (w1 @ vecs))  # v_jᵀ W2W1 v_j, all D directions
        diag_r, diag_q = _pieces(diagonal, data)
        record: dict[str, Any] = {
            "format": FORMAT, "heldout": self.names(), "description": held.description, "rows": held.n,
            "nature": data.nature, "result_sha256": result.record["result_npz"]["sha256"],
            "whole": {"reconstruction": whole_r, "noise": whole_q},
            "diagonal": {"reconstruction": float(diag_r), "noise": float(diag_q)},
            "rule": "L_test(s_t²) = reconstruction + s_t² · noise",
        }
        measured = np.asarray(result.arrays["measured"], dtype=np.float64)
        if measured.shape[1] == vecs.shape[1]:  # every direction recorded: the diagonal part over epochs
            over_r, over_q = _pieces(measured, data)
            record["over_epochs"] = {"epochs": np.asarray(result.arrays["epochs"]).tolist(),
                                     "reconstruction": over_r.tolist(), "noise": over_q.tolist()}
        write_atomic(Path(folder) / HELDOUT_JSON, json_text(record))


def network_heldout_loss(w1: np.ndarray, w2: np.ndarray, rows: np.ndarray, *, activation: str,
                         test_noise_var: float, draws: int = DRAWS) -> float:
    """``1/(2N_t) Σ_i E_n ||x_i − W2 f(W1(x_i + n_i))||²`` of a nonlinear network, the expectation over
    ``n_i ~ N(0, s_t² I)`` estimated from ``draws`` draws per row (seed 0); exact for ``s_t² = 0``."""
    f = ACTIVATIONS[activation]
    rng = np.random.default_rng(0)
    total = 0.0
    count = 1 if test_noise_var == 0 else draws
    for _ in range(count):
        noisy = rows if test_noise_var == 0 else rows + np.sqrt(test_noise_var) * rng.standard_normal(rows.shape)
        residual = rows - f(noisy @ w1.T) @ w2.T
        total += float(np.einsum("ij,ij->", residual, residual))
    return total / (2 * rows.shape[0] * count)


def loss(pieces: dict[str, Any], test_noise_var: float) -> Any:
    """``L_test`` at ``test_noise_var`` from a ``reconstruction`` / ``noise`` pair (numbers or lists)."""
    return np.asarray(pieces["reconstruction"]) + test_noise_var * np.asarray(pieces["noise"])


def _pieces(mapping: np.ndarray, data: HeldoutData) -> tuple[np.ndarray, np.ndarray]:
    r = heldout_loss(mapping, data.heldout, test_noise_var=0.0)[0]
    return r, heldout_loss(mapping, data.heldout, test_noise_var=1.0)[0] - r


@functools.lru_cache(maxsize=2)
def _heldout_rows(measure: HeldoutMeasure) -> tuple[np.ndarray, str, str]:
    from symdae.tuning._data import heldout_rows

    return heldout_rows(measure.dataset, samples=measure.samples, heldout=measure.heldout,
                        heldout_samples=measure.heldout_samples, data_root=measure.data_root)


@functools.lru_cache(maxsize=4)
def _heldout_data(measure: HeldoutMeasure) -> tuple[HeldoutData, np.ndarray]:
    """The held-out set and the training eigenvectors, once per worker process and held-out set."""
    from symdae.data import spectrum
    from symdae.tuning._data import heldout_data, load_data

    train = load_data(measure.dataset, "train", measure.samples, measure.data_root, "--samples")
    vecs = np.asarray(spectrum(train).eigenvectors, dtype=np.float64)
    data = heldout_data(measure.dataset, samples=measure.samples, heldout=measure.heldout,
                        heldout_samples=measure.heldout_samples, data_root=measure.data_root, eigenvectors=vecs)
    return data, vecs
