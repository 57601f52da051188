"""Sweeps: a grid of experiments from a TOML specification, run on Dask (``symdae sweep``).

A specification names a base experiment (any ``symdae experiment`` setting,
or the paper's runs of a figure) and the axes to cross (:mod:`._spec`); each
run is named by the hash of its full configuration and written under
``OUT/runs/<key>/`` (:mod:`._plan`); runs execute on an embedded Dask
``LocalCluster`` or an existing cluster (:mod:`._cluster`, :mod:`._execute`),
skipping verified results and recording failures (:mod:`._task`); the
results go to one table ``OUT/results.parquet`` (:mod:`._table`) and the
standard plots (:mod:`._report`). Needs the ``sweep`` extra
(``pip install 'symdae[sweep]'``) to run; this package imports Dask, pandas
and torch only where they are used.
"""

from symdae.sweep._cluster import ClusterError as ClusterError
from symdae.sweep._cluster import embedded_cluster as embedded_cluster
from symdae.sweep._execute import SweepOutcome as SweepOutcome
from symdae.sweep._execute import run_sweep as run_sweep
from symdae.sweep._plan import Run as Run
from symdae.sweep._plan import plan as plan
from symdae.sweep._plan import run_key as run_key
from symdae.sweep._plan import run_state as run_state
from symdae.sweep._report import draw as draw
from symdae.sweep._report import load_table as load_table
from symdae.sweep._report import summary as summary
from symdae.sweep._spec import Spec as Spec
from symdae.sweep._spec import SpecError as SpecError
from symdae.sweep._spec import load_spec as load_spec
from symdae.sweep._spec import parse_spec as parse_spec
from symdae.sweep._table import COLUMNS as COLUMNS
from symdae.sweep._table import table as table
from symdae.sweep._table import write_table as write_table
from symdae.sweep._task import execute_run as execute_run
