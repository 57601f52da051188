"""symdae: machine-checked learning dynamics of linear denoising autoencoders.

Pretorius, Kroon & Kamper, "Learning Dynamics of Linear Denoising
Autoencoders", ICML 2018. The derivation checker lives in
:mod:`symdae.checking`, the paper's claims in :mod:`symdae.derivations`.
Heavy dependencies (SymPy, torch) are imported only by the modules that use
them, so ``import symdae`` is cheap.
"""

__version__ = "0.2.0"

__all__ = ["__version__"]
