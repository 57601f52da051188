"""The run store: a run's ``result.npz`` and ``result.json``, written as one unit and read back verified.

``result.npz`` is written first and holds the arrays, the run's ``run_id``
and ``metadata`` (the record's description of the run as JSON text: format,
settings, mode units, data, direction convention), so that the file
describes itself; ``result.json`` -- written last, the commit record --
holds the same ``run_id`` and the SHA-256 of the ``result.npz`` it belongs
to. :func:`read_result` checks both, so a pair from two runs (a kill between
the two writes) is never taken for a result.

Results of older symdae versions are read too: those without ``format``
(0-based ``directions`` in the npz, every option in ``experiment``) are
brought to the current conventions as they are read, and those without a
digest are accepted when their agreement metrics, recomputed from the
arrays, equal the recorded ones.
"""

from __future__ import annotations

import io
import json
import os
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from symdae._io import json_text, jsonable, sha256_hex, write_atomic
from symdae.experiments._description import Experiment
from symdae.experiments._errors import ResultMissing, SettingsError
from symdae.experiments._theory import agreement

FORMAT = "symdae-result/2"
"""The layout of the result files this symdae writes (recorded as ``format`` in both)."""
RESULT_NPZ, RESULT_JSON, CHECKPOINT = "result.npz", "result.json", "checkpoint.pt"
WRITTEN = (RESULT_NPZ, RESULT_JSON, CHECKPOINT)
ARRAYS = ("epochs", "measured", "theory", "theory_discrete", "eigenvalues", "directions")
"""The arrays of a result: ``epochs`` (T,), ``measured``, ``theory``, ``theory_discrete`` (T, K),
``eigenvalues`` (D,), ``directions`` (K,) (1-based)."""
_DESCRIPTION = ("format", "experiment", "mode", "data", "directions", "theory")
"""The parts of the record ``result.npz`` carries as its ``metadata``."""


def _array(name: str) -> Any:
    """A read-only attribute for ``arrays[name]``."""
    return property(lambda self: self.arrays[name], doc=f"``arrays[{name!r}]``")


@dataclass(frozen=True, eq=False)
class Result(Mapping[str, Any]):
    """A run's result: its settings, arrays and JSON record, and the folder it is stored in (``None`` when the
    run wrote no files).

    A read-only mapping of the record too (``result["agreement"]``), as the
    record alone was before. The arrays are also attributes: ``epochs`` (T,),
    ``measured``, ``theory`` (continuous time), ``theory_discrete`` (T, K),
    ``eigenvalues`` (D,) and ``directions`` (K,), 1-based: column ``j − 1``
    is direction ``j``. ``weights``: the final ``(W1, W2)`` (H × D, D × H,
    float64, in the data's own basis) of a run just trained, for measurements
    of the whole network (:mod:`symdae.tuning`'s held-out loss); not stored,
    so ``None`` for a result read from files.
    """

    experiment: Experiment
    arrays: dict[str, np.ndarray]
    record: dict[str, Any]
    folder: Path | None = None
    weights: tuple[np.ndarray, np.ndarray] | None = None

    def __getitem__(self, key: str) -> Any:
        return self.record[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.record)

    def __len__(self) -> int:
        return len(self.record)

    epochs = _array("epochs")
    measured = _array("measured")
    theory = _array("theory")
    theory_discrete = _array("theory_discrete")
    eigenvalues = _array("eigenvalues")
    directions = _array("directions")


StoredResult = Result
"""The name :func:`read_result`'s results had before :func:`~symdae.experiments.run` returned them too."""


def write_result(out: str | os.PathLike[str] | None, experiment: Experiment, arrays: dict[str, np.ndarray],
                 record: dict[str, Any]) -> Result:
    """Write ``arrays`` to ``out/result.npz``, then ``record`` -- with ``format``, the npz's ``run_id`` and its
    SHA-256 -- to ``out/result.json``, each atomically; return the result as written (valid JSON: NaN →
    ``null``). With ``out=None`` nothing is written and the result has no folder.

    The caller holds the folder's lock (:func:`~symdae.experiments.run` does).
    """
    run_id = uuid.uuid4().hex
    described = {"format": FORMAT, **record, "run_id": run_id}
    metadata = json_text({name: described[name] for name in ("run_id", *_DESCRIPTION) if name in described},
                         indent=None)
    buffer = io.BytesIO()
    payload: dict[str, Any] = {**arrays, "run_id": np.array(run_id), "metadata": np.array(metadata)}
    np.savez(buffer, **payload)
    content = buffer.getvalue()
    written = jsonable({**described, "result_npz": {"sha256": sha256_hex(content), "bytes": len(content)}})
    if out is not None:
        _write_arrays(Path(out), content)
        _commit(Path(out), written)
    return Result(experiment, dict(arrays), dict(written), None if out is None else Path(out))


def _write_arrays(out: Path, content: bytes) -> None:
    write_atomic(out / RESULT_NPZ, content)


def _commit(out: Path, record: dict[str, Any]) -> None:
    """Write ``result.json``: the step that makes the new ``result.npz`` a result."""
    write_atomic(out / RESULT_JSON, json_text(record))


def read_result(folder: str | os.PathLike[str]) -> Result:
    """The result stored in ``folder``, checked to be one unit; :class:`ResultMissing` if there is none.

    ``result.json`` must be valid and record the SHA-256 of the
    ``result.npz`` beside it (results written before symdae recorded it are
    accepted when their agreement metrics, recomputed from the arrays, equal
    the recorded ones), its settings must describe a valid experiment, and
    the arrays must have the documented shapes.
    """
    folder = Path(folder)
    record = _read_record(folder)
    try:
        content = (folder / RESULT_NPZ).read_bytes()
    except OSError:
        raise ResultMissing(f"{folder / RESULT_JSON} has no {RESULT_NPZ} beside it", damaged=True) from None
    digest = record.get("result_npz", {}).get("sha256") if isinstance(record.get("result_npz"), dict) else None
    if digest is not None and digest != sha256_hex(content):
        raise ResultMissing(f"{folder / RESULT_NPZ} is not the file {RESULT_JSON} records (an interrupted write, "
                            "or another run's file)", damaged=True)
    try:
        with np.load(io.BytesIO(content), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files if name not in ("run_id", "metadata",
                                                                                   "experiment")}
    except Exception as err:  # any failure to parse is a damaged file, whatever numpy raises
        raise ResultMissing(f"{folder / RESULT_NPZ} cannot be read ({type(err).__name__})", damaged=True) from None
    legacy = "format" not in record
    problem = _shape_problem(arrays, first=0 if legacy else 1)
    if problem is None and digest is None:  # written before results recorded their digest
        recomputed = agreement(arrays["measured"], arrays["theory"], arrays["theory_discrete"])
        if jsonable(recomputed) != jsonable(record.get("agreement")):  # NaN is None on both sides
            problem = f"its arrays do not give the agreement {RESULT_JSON} records (another run's files)"
    if problem is not None:
        raise ResultMissing(f"{folder / RESULT_NPZ}: {problem}", damaged=True)
    settings = dict(record["experiment"])
    if legacy:  # the conventions of results written before "format": 0-based directions, and nonlinear runs
        arrays["directions"] = arrays["directions"] + 1  # kept the first 4 directions when given none
        if settings.get("kind") == "nonlinear" and settings.get("directions") is None:
            settings["directions"] = arrays["directions"].size
    try:
        experiment = Experiment.from_settings(settings)
    except (SettingsError, TypeError) as err:
        raise ResultMissing(f"{folder / RESULT_JSON} records settings symdae cannot run ({err})",
                            damaged=True) from None
    return Result(experiment, arrays, record, folder)


def _read_record(folder: Path) -> dict[str, Any]:
    try:
        text = (folder / RESULT_JSON).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultMissing(f"no {RESULT_JSON} in {folder}", damaged=False) from None
    except (OSError, UnicodeDecodeError) as err:
        raise ResultMissing(f"{folder / RESULT_JSON} cannot be read ({err})", damaged=True) from None
    try:
        record = json.loads(text)
    except ValueError:
        raise ResultMissing(f"{folder / RESULT_JSON} is not valid JSON", damaged=True) from None
    if not isinstance(record, dict) or not isinstance(record.get("experiment"), dict):
        raise ResultMissing(f"{folder / RESULT_JSON} is not a symdae result", damaged=True)
    if record.get("format", FORMAT) != FORMAT:
        raise ResultMissing(f"{folder / RESULT_JSON} is in format {record['format']!r}; this symdae reads "
                            f"{FORMAT!r} and older results", damaged=True)
    return record


def _shape_problem(arrays: dict[str, np.ndarray], *, first: int) -> str | None:
    missing = [name for name in ARRAYS if name not in arrays]
    if missing:
        return f"no {', '.join(missing)}"
    t, k = arrays["epochs"].shape[0] if arrays["epochs"].ndim == 1 else -1, arrays["directions"].size
    for name in ("measured", "theory", "theory_discrete"):
        if arrays[name].shape != (t, k):
            return f"{name} has shape {arrays[name].shape}, expected ({t}, {k})"
    if not np.array_equal(arrays["directions"], np.arange(first, first + k)):
        return f"directions must be {first}, …, {first + k - 1} ({'1' if first else '0'}-based)"
    return None
