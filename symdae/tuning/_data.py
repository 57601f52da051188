"""The data of a tuning, as ``symdae tune`` names it: the training spectrum and the held-out set."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from symdae.tuning._checks import FloatArray
from symdae.tuning._heldout import HeldOut, heldout_moments

if TYPE_CHECKING:
    from symdae.data import Dataset

DATASETS = ("mnist", "fashion-mnist", "cifar10")
HELDOUT = ("test", "train-tail")
TAIL = 10000
"""The held-out rows ``--heldout train-tail`` takes by default (at most)."""


class TuneError(ValueError):
    """Settings :func:`tune` cannot use; the message names the option (as on the command line) and the rule."""


@dataclass(frozen=True)
class HeldoutData:
    """A held-out set: its moments in the training eigenbasis, its gram matrix ``X_tᵀX_t`` (D × D) and the
    nature of its data (``exact``, or the approximation)."""

    heldout: HeldOut
    gram: FloatArray
    nature: str


def load_data(dataset: str, split: str, n: int | None, data_root: str | None, option: str) -> Dataset:
    """:func:`symdae.data.load`, with too large an ``n`` refused as a :class:`TuneError` naming ``option``."""
    from symdae.data import load

    try:
        return load(dataset, split, n, data_root=data_root)
    except ValueError as err:
        text = str(err)
        if n is not None and text.startswith(f"n = {n} exceeds"):
            raise TuneError(f"{option} {n}{text[len(f'n = {n}'):]}") from None
        raise


def heldout_rows(dataset: str, *, samples: int, heldout: str, heldout_samples: int | None,
                 data_root: str | None) -> tuple[FloatArray, str, str]:
    """The held-out rows of ``--heldout`` (preprocessed as the training rows, float64), their description and
    the nature of their data: the official test split (its first ``heldout_samples`` images, or all) or the
    ``heldout_samples`` training images after the first ``samples`` (default up to :data:`TAIL`)."""
    from symdae.data import preprocess

    if heldout not in HELDOUT:
        raise TuneError(f"--heldout must be one of {', '.join(HELDOUT)}; got {heldout!r}")
    if heldout == "test":
        test = load_data(dataset, "test", heldout_samples, data_root, "--heldout-samples")
        rows = np.asarray(preprocess(test.images), dtype=np.float64)
        return rows, f"{dataset} test split, first {test.n} images", test.nature
    everything = load_data(dataset, "train", None, data_root, "--samples")
    available = int(everything.n) - samples
    if available < 1:
        raise TuneError(f"--heldout train-tail needs training images beyond the first --samples {samples}; the "
                        f"{dataset} training split here has {everything.n}")
    rows_t = min(TAIL, available) if heldout_samples is None else heldout_samples
    if rows_t > available:
        raise TuneError(f"--heldout-samples {rows_t} exceeds the {available} training images after the first "
                        f"{samples}")
    rows = np.asarray(preprocess(everything.images[samples:samples + rows_t]), dtype=np.float64)
    return rows, f"{dataset} training images {samples + 1}–{samples + rows_t}", everything.nature


def heldout_data(dataset: str, *, samples: int, heldout: str, heldout_samples: int | None, data_root: str | None,
                 eigenvectors: FloatArray) -> HeldoutData:
    """The held-out set of ``--heldout`` (:func:`heldout_rows`) in the training eigenbasis; for the test split
    the gram matrix comes from its cached spectrum."""
    from symdae.data import spectrum

    if heldout == "test":
        test = load_data(dataset, "test", heldout_samples, data_root, "--heldout-samples")
        tspec = spectrum(test)
        gram = (tspec.eigenvectors * tspec.eigenvalues) @ tspec.eigenvectors.T
        rows_t = int(test.n)
        held = heldout_moments(eigenvectors=eigenvectors, gram=gram, n=rows_t,
                               description=f"{dataset} test split, first {rows_t} images")
        return HeldoutData(held, np.asarray(gram, dtype=np.float64), test.nature)
    rows, description, nature = heldout_rows(dataset, samples=samples, heldout=heldout,
                                             heldout_samples=heldout_samples, data_root=data_root)
    held = heldout_moments(eigenvectors=eigenvectors, rows=rows, description=description)
    return HeldoutData(held, rows.T @ rows, nature)
