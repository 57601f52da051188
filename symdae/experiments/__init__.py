"""Experiments: train on MNIST or CIFAR-10 and compare with the theory (training needs ``torch``).

The whole stage is a Python API; the ``symdae experiment`` and ``symdae
plot`` commands are thin layers over it::

    from symdae.experiments import Experiment, run, read_result, plot_run

    exp = Experiment(kind="linear", dataset="cifar10", model="dae", noise_var=0.5)  # the CLI's defaults
    result = run(exp, "runs/cifar-dae")        # or run(exp): in memory, no files
    result.measured, result.theory_discrete    # (T, K); column j − 1 is direction j
    result.record["mode"]                      # τ, ε, κ of the run
    read_result("runs/cifar-dae")              # the same result, verified, from the files
    plot_run("runs/cifar-dae", formats=("png", "pdf"))

* :class:`Experiment` (``_description``): one run's settings, checked on
  construction, with the per-dataset and per-kind defaults of the command line.
* ``symdae.experiments._paper`` (public as :mod:`symdae.paper`): the paper's
  settings, in one place; :func:`paper_experiments`: the runs of Figures 5–7.
* :func:`run` (``_run``): data, spectrum, training, theory, result.
* :func:`mode_units` and :func:`theory` (``_theory``): the theory for a run.
* :func:`read_result` / :func:`write_result` (``_store``): the run store;
  ``DIR/result.npz`` (``epochs`` (T,), ``measured``, ``theory``,
  ``theory_discrete`` (T, K), ``eigenvalues`` (D,), ``directions`` (K,),
  1-based, and ``metadata``) and ``DIR/result.json`` (``format``, the
  settings that apply to the run, ``mode`` (τ, ε, κ), the data's nature,
  provenance and absolute root, the direction convention, versions, device,
  wall time, agreement metrics), written as one unit.
* :func:`plot_run` (``_plot``): one run drawn, measured against theory;
  :func:`add_plot_parser` and :func:`plot_main` make it ``symdae plot RUN_DIR``.

Linear theory: each direction is exactly a scalar mode with effective
weights from its initial ``|a + b|²`` and ``|a − b|²`` (:mod:`symdae.theory`).
Nonlinear runs record the Supplement F estimate; their ``theory`` is the
linear theory of the equivalent linear network (``α = 2 lr/D``,
``γ = wd·D/2``), a qualitative reference only.
"""

from symdae.experiments._description import DEFAULT as DEFAULT
from symdae.experiments._description import DIMENSIONS as DIMENSIONS
from symdae.experiments._description import LINEAR_ONLY as LINEAR_ONLY
from symdae.experiments._description import MAX_HIDDEN as MAX_HIDDEN
from symdae.experiments._description import MAX_INIT_STD as MAX_INIT_STD
from symdae.experiments._description import MAX_RECORDED as MAX_RECORDED
from symdae.experiments._description import MAX_SEED as MAX_SEED
from symdae.experiments._description import NONLINEAR_ONLY as NONLINEAR_ONLY
from symdae.experiments._description import TRAIN_IMAGES as TRAIN_IMAGES
from symdae.experiments._description import Experiment as Experiment
from symdae.experiments._errors import Diverged as Diverged
from symdae.experiments._errors import ExperimentError as ExperimentError
from symdae.experiments._errors import ResultMissing as ResultMissing
from symdae.experiments._errors import SettingsError as SettingsError
from symdae.experiments._paper_runs import paper_experiments as paper_experiments
from symdae.experiments._plot import add_parser as add_plot_parser
from symdae.experiments._plot import main as plot_main
from symdae.experiments._plot import plot_run as plot_run
from symdae.experiments._run import check as check
from symdae.experiments._run import run as run
from symdae.experiments._store import CHECKPOINT as CHECKPOINT
from symdae.experiments._store import FORMAT as FORMAT
from symdae.experiments._store import RESULT_JSON as RESULT_JSON
from symdae.experiments._store import RESULT_NPZ as RESULT_NPZ
from symdae.experiments._store import Result as Result
from symdae.experiments._store import StoredResult as StoredResult
from symdae.experiments._store import read_result as read_result
from symdae.experiments._store import write_result as write_result
from symdae.experiments._theory import DIRECTION_INDEXING as DIRECTION_INDEXING
from symdae.experiments._theory import HIGHLIGHT as HIGHLIGHT
from symdae.experiments._theory import mode_units as mode_units
from symdae.experiments._theory import theory as theory

__all__ = [
    "CHECKPOINT",
    "DEFAULT",
    "DIMENSIONS",
    "DIRECTION_INDEXING",
    "FORMAT",
    "HIGHLIGHT",
    "LINEAR_ONLY",
    "MAX_HIDDEN",
    "MAX_INIT_STD",
    "MAX_RECORDED",
    "MAX_SEED",
    "NONLINEAR_ONLY",
    "RESULT_JSON",
    "RESULT_NPZ",
    "TRAIN_IMAGES",
    "Diverged",
    "Experiment",
    "ExperimentError",
    "Result",
    "ResultMissing",
    "SettingsError",
    "StoredResult",
    "add_plot_parser",
    "check",
    "mode_units",
    "paper_experiments",
    "plot_main",
    "plot_run",
    "read_result",
    "run",
    "theory",
    "write_result",
]
