"""Generation refuses a kernel whose claims are not proved.

Every claim a kernel's spec names must be in the registry of
:mod:`symdae.checking` and be ``proved`` when the kernel is generated: not
``numeric`` (evidence, not a proof), not ``erratum`` or ``finding`` (the
paper's form is refuted), not ``failed``. Only the claims the spec names are
settled (the registry is loaded so that the steps they cite resolve), at
every generation; nothing of it is kept, so no verdict can outlive the
sources it was reached from. A warm start never comes here: it loads a module
the index recorded, and the index is rebuilt whenever those sources change.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from symdae.checking import Registry
    from symdae.codegen.spec import Spec

__all__ = ["UnprovedKernel", "require_proved"]

_RULE = "a kernel is generated only from claims the checker proves"


class UnprovedKernel(ValueError):
    """A kernel's spec names no claim, a claim that is not in the registry, or one that is not proved."""


def require_proved(spec: Spec, registry: Registry | None = None) -> None:
    """Check every claim ``spec`` names (in ``registry``, by default the paper's); raise :class:`UnprovedKernel`
    naming the kernel, the claim and its status unless all are ``proved``."""
    from symdae.checking import Claim, Definition, check, load

    if not spec.claims:
        raise UnprovedKernel(f"kernel {spec.name!r} is not generated: its spec names no claim; {_RULE}")
    registry = load() if registry is None else registry
    known: dict[str, Claim | Definition] = {**registry.claims, **registry.definitions}
    for claim_id in spec.claims:
        claim = registry.claims.get(claim_id)
        if claim is None:
            close = difflib.get_close_matches(claim_id, list(registry.claims), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UnprovedKernel(f"kernel {spec.name!r} is not generated: its claim {claim_id!r} is not in the "
                                 f"registry{hint} ({_RULE})")
        verdict = check(claim, known=known)
        if verdict.status != "proved":
            why = f": {verdict.note}" if verdict.note else ""
            raise UnprovedKernel(f"kernel {spec.name!r} is not generated: its claim {claim_id!r} is "
                                 f"{verdict.status}, not proved{why} ({_RULE})")
