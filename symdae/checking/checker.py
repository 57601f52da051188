"""Settle one claim: symbolic proof first, numeric evidence only as a fallback.

Order of strategies, strongest first:

1. the claim's own targeted steps reduce ``lhs − rhs`` to exactly ``0``
   (for a limit: SymPy's ``limit`` and then the steps; for an inequality: the
   steps and then SymPy's sign assumptions);
2. SymPy's ``equals`` on what is left (skipped for very large expressions);
3. mpmath at 40 digits at many points drawn from the claim's domain.

Verdicts 1 and 2 are ``proved``; 3 is ``numeric``; a counterexample or
inconclusive evidence is ``failed``. ``equals`` (2) runs only for claims that
opt in (``use_equals=True``), and the strategy column then names it. A
symbolic reduction is ``proved`` only together with an independent cross-check
at no fewer than :data:`CROSS_CHECK_POINTS` points of the claim's domain
(boundaries such as ε = 0 included, see :mod:`symdae.checking.numeric`): a
claim whose domain and condition admit fewer points, or whose numbers disagree
with the proof, is ``failed``.

Every substitution step must be justified (see :func:`symdae.checking.steps.subs`);
one that is not makes the claim ``failed``. Steps that narrow the claim (a
fixed size, ``ε > 0``) are listed in the verdict's ``scope``. A domain that pins
a symbol to one value is refused: state the value in the relation instead.
When a claim carries the paper's printed form and the numbers refute that
form while the corrected relation holds, the verdict is ``erratum``; for a
claim that tests a premise where the paper applies it (``premise_of``) it is
``finding``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import sympy as sp

from symdae.checking._audit import audit, strategy_steps
from symdae.checking._settle import (
    CROSS_CHECK_POINTS,
    EQUALS_MAX_OPS,
    EQUALS_NAME,
    Evidence,
    Settlement,
    settle,
)
from symdae.checking._verdict import Status, Verdict
from symdae.checking.claim import Claim, Definition, Relation
from symdae.checking.steps import StepRefused, describe

__all__ = [
    "CROSS_CHECK_POINTS",
    "EQUALS_MAX_OPS",
    "EQUALS_NAME",
    "Evidence",
    "Settlement",
    "Status",
    "Verdict",
    "audit",
    "check",
    "settle",
]


def _srepr(relation: Relation) -> str:
    return sp.srepr(relation.expressions())


def _refused(claim: Claim, reason: str, seconds: float) -> Verdict:
    return Verdict(
        id=claim.id, paper_ref=claim.paper_ref, title=claim.title, kind=claim.kind, status="failed",
        strategy=describe(strategy_steps(claim)), seconds=seconds, statement=claim.relation.latex(),
        depends=list(claim.depends), scope=claim.scope, note=f"refused: {reason}",
    )


def check(claim: Claim, *, known: Mapping[str, Claim | Definition] | None = None) -> Verdict:
    """Check ``claim`` (and its printed form, if any) and return the verdict.

    ``known`` (claims and definitions by id, e.g. a registry's) resolves the
    ids that substitution steps cite in ``because``.
    """
    start = time.perf_counter()
    try:
        narrowings = audit(claim, known)
        main = settle(claim, claim.relation)
        printed = settle(claim, claim.printed) if claim.printed is not None else None
    except StepRefused as refusal:
        return _refused(claim, str(refusal), time.perf_counter() - start)

    note = ""
    counterexample = main.result.counterexample if main.result else None
    if not main.holds:
        status: Status = "failed"
        points = main.result.points if main.result else 0
        if main.refuted and main.evidence == "symbolic":
            note = "the symbolic proof disagrees with the numbers (counterexample)"
        elif main.evidence == "symbolic" and points < CROSS_CHECK_POINTS:
            note = (f"the steps reduce it to 0, but the independent cross-check found only {points} of the "
                    f"{CROSS_CHECK_POINTS} points of the domain it needs: not proved (widen the domain or condition)")
        elif main.evidence == "none" and main.result is not None and not main.refuted and points < CROSS_CHECK_POINTS:
            note = f"not proved, and only {points} points of the domain could be evaluated"
        elif main.result is not None and main.result.note:
            note = main.result.note
        else:
            note = f"not proved; residual {main.residual}" if main.residual else "not proved"
    elif printed is None or printed.holds:
        status = "proved" if main.evidence == "symbolic" else "numeric"
        if printed is not None:
            note = "the printed form holds as printed"
    elif printed.refuted:
        status = "finding" if claim.premise_of else "erratum"
        counterexample = printed.result.counterexample if printed.result else None
        kind = "proved" if main.evidence == "symbolic" else "numeric only"
        if claim.premise_of:
            note = (f"the premise as the paper applies it is refuted by counterexample; what holds there is {kind}; "
                    f"it bears on {', '.join(claim.premise_of)}")
        else:
            note = f"printed form refuted by counterexample; corrected form {kind}"
    else:
        status = "failed"
        note = "the printed form was neither proved nor refuted"

    if main.error:
        raised = f"a strategy step raised {main.error}, so it was judged by the numbers alone"
        note = f"{raised}; {note}" if note else raised
    result = main.result
    verdict = Verdict(
        id=claim.id,
        paper_ref=claim.paper_ref,
        title=claim.title,
        kind=claim.kind,
        status=status,
        strategy=main.strategy,
        seconds=time.perf_counter() - start,
        statement=claim.relation.latex(),
        depends=list(claim.depends),
        scope="; ".join([claim.scope, *narrowings] if claim.scope else narrowings) or None,
        numeric_points=result.points if result else 0,
        cross_check_points=result.points if result and main.evidence == "symbolic" else 0,
        numeric_max_error=result.max_error if result else None,
        counterexample=counterexample,
        note=note,
        premise_of=list(claim.premise_of),
    )
    if claim.printed is not None:
        verdict.printed, verdict.corrected = claim.erratum_forms()
        verdict.printed_srepr = _srepr(claim.printed)
        verdict.corrected_srepr = _srepr(claim.relation)
    return verdict
