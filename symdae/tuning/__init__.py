"""Choosing the noise level: the held-out denoising loss predicted from spectra, before training.

The paper's closing future work, "how these insights could actually be used
for tuning noise levels and predicting the training time of DAEs". The
quantity to tune for is the held-out denoising loss of the trained mapping
``M = W2W1`` on ``N_t`` held-out rows corrupted with variance ``s_t²`` per
component (clean targets; claims ``heldout.*``)::

    L_test(M) = 1/(2N_t) Σ_i E_n ||x_i − M(x_i + n_i)||² = tr((I − M)C_t(I − M)ᵀ)/(2N_t) + (s_t²/2)||M||²_F

with ``C_t = X_tᵀX_t``. When ``M = V diag(m) Vᵀ`` in the training eigenbasis
(every direction an isolated scalar mode) it is
``Σ_j [(1 − m_j)² c_j/(2N_t) + (s_t²/2) m_j²]`` with ``c_j = v_jᵀC_tv_j``
(``heldout.per_direction``); directions left out add
``(tr C_t − Σ_j c_j)/(2N_t)`` (``heldout.unpredicted``). The held-out data
enter only through :class:`HeldOut`: ``c``, ``tr C_t`` and ``N_t``.

:func:`predict_heldout` evolves every direction's mode by the exact
discrete-time gradient descent of training, one step of ``1/τ`` per epoch
(:func:`symdae.kernels.gd_iterates`'s iteration), from the start the random
initialisation gives in expectation (``w1 = 0``, ``w2 = √(2H)σ0``,
:func:`expected_start`) or from one seed's actual initial weights
(:func:`seed_start`), over a grid of noise variances ``s²`` (or weight decays
``γ``) and over epochs. :func:`recommend` finds the ``s²`` (or ``γ``) that
minimises the predicted ``L_test`` after ``T`` epochs -- a fine grid, then a
bounded 1-D minimisation (:func:`minimise_scalar`, Brent's method) -- and the
epoch that minimises it, the epochs until ``L_test`` is within 1% of its value
at ``T``, and the epochs each direction needs to reach 50% / 90% of its fixed
point.

Two engines run the same iteration: ``"numpy"`` (float64, vectorised over
the grid and the directions; the default, fast enough for ``symdae tune`` to
answer in seconds) and ``"kernel"`` (:func:`~symdae.kernels.gd_iterates`,
double-double arithmetic). They agree to ~1e-13 relative over thousands of
epochs (tested).

Units (``docs/conventions.md``): ``λ_j`` are eigenvalues of ``Σ = XᵀX``, a sum
over the ``N`` training rows; ``τ = N/α``, ``ε = N s²``, ``κ = Nγ``; time in
epochs. Every option is keyword-only; a bad one raises ``ValueError`` naming
it and the rule.

:func:`validate` (``symdae tune --validate``) checks a recommendation by
training: the linear DAE at every noise variance of the grid and of a fine
curve around the recommendation, for several seeds, as one sweep
(:mod:`symdae.sweep`), each run's held-out loss measured exactly from its
trained ``M`` (:class:`HeldoutMeasure`), measured against predicted.
"""

from symdae.tuning._checks import FRACTIONS as FRACTIONS
from symdae.tuning._checks import GRID_POINTS as GRID_POINTS
from symdae.tuning._checks import WITHIN as WITHIN
from symdae.tuning._data import TuneError as TuneError
from symdae.tuning._heldout import HeldOut as HeldOut
from symdae.tuning._heldout import capacity_start as capacity_start
from symdae.tuning._heldout import expected_start as expected_start
from symdae.tuning._heldout import heldout_loss as heldout_loss
from symdae.tuning._heldout import heldout_moments as heldout_moments
from symdae.tuning._heldout import measured_heldout_loss as measured_heldout_loss
from symdae.tuning._heldout import seed_start as seed_start
from symdae.tuning._measure import HeldoutMeasure as HeldoutMeasure
from symdae.tuning._predict import HeldoutPrediction as HeldoutPrediction
from symdae.tuning._predict import converged_heldout_loss as converged_heldout_loss
from symdae.tuning._predict import epochs_to_fractions as epochs_to_fractions
from symdae.tuning._predict import epochs_to_within as epochs_to_within
from symdae.tuning._predict import predict_heldout as predict_heldout
from symdae.tuning._search import Recommendation as Recommendation
from symdae.tuning._search import default_grid as default_grid
from symdae.tuning._search import minimise_scalar as minimise_scalar
from symdae.tuning._search import recommend as recommend
from symdae.tuning._tune import Tuned as Tuned
from symdae.tuning._tune import tune as tune
from symdae.tuning._validate import Validated as Validated
from symdae.tuning._validate import validate as validate

__all__ = [
    "FRACTIONS", "GRID_POINTS", "WITHIN", "HeldOut", "HeldoutMeasure", "HeldoutPrediction", "Recommendation",
    "TuneError", "Tuned", "Validated",
    "capacity_start", "converged_heldout_loss", "default_grid", "epochs_to_fractions", "epochs_to_within",
    "expected_start", "heldout_loss", "heldout_moments", "measured_heldout_loss", "minimise_scalar",
    "predict_heldout", "recommend", "seed_start", "tune", "validate",
]
