"""The kernels' programs: the SymPy expressions the code generator prints, in the inputs they are printed in.

One module per generated module: :mod:`~symdae.codegen.programs.elementwise`
(``fixed_point``, ``optimal_tau``, ``equivalent_kappa``),
:mod:`~symdae.codegen.programs.trajectory` (``dae_trajectory``,
``time_to_fraction``), :mod:`~symdae.codegen.programs.mode` (``mode_trajectory``)
and :mod:`~symdae.codegen.programs.descent` (``gd_iterates``). A program is
written for the machine: guards at the edges of the domain (``Piecewise``),
inputs that may be 0 (``lam_k``), forms without cancellation, the coefficients
an integrator steps with. The claims that prove each program is the verified
result are in :mod:`symdae.derivations`, which imports the programs to state
them; the programs import only :mod:`symdae.symbols`, so the dependency runs one
way. Importing a program imports SymPy: only the generator and the derivations
do, never a warm start.
"""
