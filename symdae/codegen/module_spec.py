"""The spec of a generated module made of functions printed from SymPy and a few lines of glue.

``dae_trajectory``, ``time_to_fraction`` (:mod:`symdae.codegen.trajectory`),
``mode_trajectory`` and ``gd_iterates`` (:mod:`symdae.codegen.ode`) are each a
:class:`ModuleSpec`: the functions the printer writes from the programs of
:mod:`symdae.codegen.programs` (each a :class:`Printed`), the imports of the
engines in :mod:`symdae.kernels` that the module binds them to, and the glue
(loops over rows, bindings) as fixed text. Only the functions come from SymPy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from symdae.codegen.spec import CODEGEN, ENGINES, header

__all__ = ["ModuleSpec", "Printed"]


class Printed(Protocol):
    """A function printed from SymPy: its source text, and the text its fingerprint covers."""

    def source(self) -> str: ...

    def signature(self) -> str: ...


@dataclass(frozen=True)
class ModuleSpec:
    """A generated module (a :class:`~symdae.codegen.spec.Spec`): printed functions, engine imports and glue.

    ``generator`` names the module of :mod:`symdae.codegen` that defines the spec and ``engines`` the
    modules of :mod:`symdae.kernels` the generated code imports: their sources are part of the
    fingerprint. ``constants`` are written into the module (``STATUS = True``: its loops report a status
    per row).
    """

    name: str
    claims: tuple[str, ...]
    functions: tuple[Printed, ...]
    imports: tuple[str, ...]
    glue: str
    generator: str
    engines: tuple[str, ...]
    constants: tuple[tuple[str, object], ...] = ()

    def sources(self) -> Sequence[Path]:
        return [CODEGEN / "printer.py", CODEGEN / "module_spec.py", CODEGEN / f"{self.generator}.py",
                *(ENGINES / f"{engine}.py" for engine in self.engines)]

    def parts(self) -> Sequence[str]:
        return [*(f.signature() for f in self.functions), *self.imports, self.glue,
                *(f"{name}={value!r}" for name, value in self.constants)]

    def render(self) -> str:
        head = header(self, self.imports, dict(self.constants))
        return "\n\n".join([head, *(f.source() for f in self.functions), self.glue])
