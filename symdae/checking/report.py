"""Run the checker over the registry and present the verdicts.

The table lists every claim with its paper reference, scope, status, time and
strategy, its columns sized so that no id is cut; the summary counts the
verdicts ("1 claim", "8 errata from 3 root causes"); the errata section groups
the errata by root cause and prints the printed and corrected forms as Unicode
2-D pretty forms; the JSON is a list of verdict objects (see :func:`record`).
"""

from __future__ import annotations

import difflib
import fnmatch
import json
import multiprocessing
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from symdae._io import write_atomic
from symdae.checking._display import cause_of, consequence_of, erratum_pretty, plural, srepr_pretty
from symdae.checking.checker import Verdict, check
from symdae.checking.claim import Claim, Definition
from symdae.checking.registry import Registry

_WORKER_REGISTRY: Registry | None = None


def _suggestions(pattern: str, ids: Sequence[str], refs: Sequence[str]) -> list[str]:
    """Patterns and ids close to ``pattern`` that do match something (closest first)."""
    groups = sorted({cid.split(".")[0] + ".*" for cid in ids if "." in cid})
    found: list[str] = []
    if not any(c in pattern for c in "*?["):
        for extended in (pattern + ".*", pattern + "*", "*" + pattern + "*"):
            if any(fnmatch.fnmatchcase(x, extended) for x in [*ids, *refs]):
                found.append(extended)
                break
    bare = pattern.rstrip("*.?")
    pool = [*groups, *ids, *sorted(set(refs))]
    for candidate in difflib.get_close_matches(pattern, pool, n=3, cutoff=0.5) + \
            difflib.get_close_matches(bare, [g.removesuffix(".*") for g in groups], n=2, cutoff=0.5):
        if candidate in groups or candidate in ids or candidate in refs:
            entry = candidate
        else:
            entry = candidate + ".*"
        if entry not in found:
            found.append(entry)
    return found[:3]


def select(registry: Registry, pattern: str | None, among: Sequence[str] | None = None) -> list[str]:
    """Claim ids in dependency order, filtered by a glob on id or paper ref.

    ``among`` restricts the candidates (the claims of ``symdae verify``'s
    targets); by default every claim of the registry is a candidate. No match
    is a ``ValueError`` that suggests the closest ids or patterns.
    """
    order = registry.validate()
    if among is not None:
        wanted = set(among)
        order = [cid for cid in order if cid in wanted]
    if not pattern:
        return order
    chosen = [
        cid for cid in order
        if fnmatch.fnmatchcase(cid, pattern) or fnmatch.fnmatchcase(registry.claims[cid].paper_ref, pattern)
    ]
    if not chosen and among is not None:
        outside = [cid for cid in registry.validate() if cid not in set(among) and (
            fnmatch.fnmatchcase(cid, pattern) or fnmatch.fnmatchcase(registry.claims[cid].paper_ref, pattern))]
        if outside:
            raise ValueError(f"--only {pattern!r} matches no claim of the targets, only {len(outside)} of the "
                             f"registry outside them (add their module, e.g. symdae.derivations, as a target)")
    if not chosen:
        hints = _suggestions(pattern, order, [registry.claims[cid].paper_ref for cid in order])
        hint = f"; did you mean {', '.join(repr(h) for h in hints)}?" if hints else ""
        raise ValueError(f"--only {pattern!r} matches no claim id or paper reference (a glob such as "
                         f"'suppB.*'){hint}")
    return chosen


def _known(registry: Registry) -> dict[str, Claim | Definition]:
    """Claims and definitions by id, to resolve the ids a step cites."""
    return {**registry.claims, **registry.definitions}


def _init_worker(registry: Registry) -> None:
    global _WORKER_REGISTRY
    _WORKER_REGISTRY = registry


def _check_in_worker(claim_id: str) -> Verdict:
    assert _WORKER_REGISTRY is not None
    return check(_WORKER_REGISTRY.claims[claim_id], known=_known(_WORKER_REGISTRY))


def run(
    registry: Registry,
    ids: Sequence[str],
    jobs: int = 1,
    on_verdict: Callable[[Verdict], None] | None = None,
) -> list[Verdict]:
    """Check ``ids`` (in ``jobs`` processes) and annotate numeric foundations."""
    verdicts: dict[str, Verdict] = {}
    if jobs > 1 and len(ids) > 1 and "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                                 initargs=(registry,)) as pool:
            for verdict in pool.map(_check_in_worker, ids):
                verdicts[verdict.id] = verdict
                if on_verdict:
                    on_verdict(verdict)
    else:
        for claim_id in ids:
            verdict = check(registry.claims[claim_id], known=_known(registry))
            verdicts[claim_id] = verdict
            if on_verdict:
                on_verdict(verdict)
    for verdict in verdicts.values():
        verdict.rests_on_numeric = [
            a for a in registry.ancestors(verdict.id)
            if a in verdicts and verdicts[a].status == "numeric"
        ]
    return [verdicts[i] for i in ids]


def default_jobs() -> int:
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))


MIN_WIDTHS = {"claim": 5, "paper": 5, "status": 8, "time": 7, "strategy": 44, "scope": 5}


def _scope_text(scope: str | None) -> str:
    return scope or "general"


@dataclass(frozen=True)
class Table:
    """The verdict table, its columns sized to the claims it lists: an id is never cut.

    No cell is cut: ``strategy`` is padded to a width that fits most strategies
    (a longer one pushes the rest of its row to the right), and ``scope`` --
    ``general`` or what a fixed-size proof covers -- comes last, in full.
    """

    widths: dict[str, int]

    @classmethod
    def for_claims(cls, claims: Iterable[Claim]) -> Table:
        widths = dict(MIN_WIDTHS)
        for claim in claims:
            widths["claim"] = max(widths["claim"], len(claim.id))
            widths["paper"] = max(widths["paper"], len(claim.paper_ref))
        return cls(widths)

    def header(self) -> str:
        names = list(self.widths)
        head = "  ".join(f"{name:<{self.widths[name]}}" for name in names).rstrip()
        return head + "\n" + "  ".join("-" * self.widths[name] for name in names)

    def row(self, v: Verdict) -> str:
        status = v.status + ("*" if v.rests_on_numeric else "")
        cells = {"claim": v.id, "paper": v.paper_ref, "status": status, "time": f"{v.seconds:6.2f}s",
                 "strategy": v.strategy, "scope": _scope_text(v.scope)}
        return "  ".join(f"{cells[name]:<{width}}" for name, width in self.widths.items()).rstrip()


def table_header(table: Table | None = None) -> str:
    return (table or Table(dict(MIN_WIDTHS))).header()


def table_row(v: Verdict, table: Table | None = None) -> str:
    return (table or Table(dict(MIN_WIDTHS))).row(v)


STATUS_ORDER = ("proved", "numeric", "erratum", "finding", "failed")


def _status_count(status: str, count: int) -> str:
    if status == "erratum":
        return plural(count, "erratum", "errata")
    if status == "finding":
        return plural(count, "finding")
    return f"{count} {status}"


def _claim(registry: Registry | None, claim_id: str) -> Claim | None:
    return registry.claims.get(claim_id) if registry is not None else None


def cause_source(v: Verdict, registry: Registry | None) -> object:
    """The object whose ``cause`` / ``consequence_of`` describe ``v``: the verdict if it has them, else its claim."""
    if getattr(v, "cause", None) is not None or getattr(v, "consequence_of", None) is not None:
        return v
    return _claim(registry, v.id) or v


def cause_groups(verdicts: Sequence[Verdict], registry: Registry | None = None
                 ) -> list[tuple[dict[str, str] | None, list[Verdict]]]:
    """Errata grouped by root cause, in order of first appearance.

    An erratum without a ``cause`` of its own takes that of the erratum it is
    a ``consequence_of``. One with neither is its own root cause: it forms a
    group of one with cause ``None`` (these come last).
    """
    found = [v for v in verdicts if v.status == "erratum"]
    groups: dict[str, tuple[dict[str, str] | None, list[Verdict]]] = {}
    alone: list[tuple[dict[str, str] | None, list[Verdict]]] = []
    for v in found:
        cause = resolved_cause(v, registry)
        if cause is None:
            alone.append((None, [v]))
        else:
            groups.setdefault(cause["id"], (cause, []))[1].append(v)
    return [*groups.values(), *alone]


def resolved_cause(v: Verdict | Claim, registry: Registry | None = None,
                   seen: tuple[str, ...] = ()) -> dict[str, str] | None:
    """``v``'s root cause: its own, else that of the erratum it is a ``consequence_of`` (transitively)."""
    source = cause_source(v, registry) if isinstance(v, Verdict) else v
    cause = cause_of(source)
    if cause is not None:
        return cause
    parent = consequence_of(source)
    if parent is not None and parent not in seen:
        parent_claim = _claim(registry, parent)
        if parent_claim is not None:
            return resolved_cause(parent_claim, registry, (*seen, v.id))
    return None


def summary(verdicts: Sequence[Verdict], registry: Registry | None = None) -> str:
    counts: Counter[str] = Counter(str(v.status) for v in verdicts)
    statuses = [*STATUS_ORDER, *sorted(set(counts) - set(STATUS_ORDER))]
    parts = []
    for status in statuses:
        if status == "finding" and not counts.get(status):
            continue  # a paper without findings reads as before
        part = _status_count(status, counts.get(status, 0))
        if status == "erratum" and counts.get(status):
            part += " from " + plural(len(cause_groups(verdicts, registry)), "root cause")
        parts.append(part)
    lines = [plural(len(verdicts), "claim") + ": " + ", ".join(parts)]
    resting = [v.id for v in verdicts if v.rests_on_numeric]
    if resting:
        lines.append("* rests on a claim settled only numerically: " + ", ".join(resting))
    for v in verdicts:
        if v.status == "failed":
            lines.append(f"FAILED {v.id} ({v.paper_ref}): {v.note}")
            if v.counterexample:
                lines.append(f"  counterexample: {point_text(v.counterexample)}")
    return "\n".join(lines)


def point_text(point: dict[str, str], unicode: bool = True) -> str:
    """``λ = 2.5, t = 0.1`` from a counterexample (names pretty-printed, numbers to 6 digits)."""
    import sympy as sp

    parts = []
    for name, value in point.items():
        shown = sp.pretty(sp.Symbol(name), use_unicode=unicode) if name.isidentifier() else name
        try:
            number = f"{float(value):.6g}"
        except (TypeError, ValueError):
            number = str(value)
        parts.append(f"{shown} = {number}")
    return ", ".join(parts)


def _forms(v: Verdict, claim: Claim | None, unicode: bool) -> tuple[str, str]:
    if claim is not None and claim.printed is not None:
        try:
            return erratum_pretty(claim, unicode)
        except Exception:  # a form SymPy cannot print: fall back to the stored text
            pass
    return (srepr_pretty(v.printed_srepr, unicode) or v.printed or "",
            srepr_pretty(v.corrected_srepr, unicode) or v.corrected or "")


def errata(verdicts: Sequence[Verdict], registry: Registry | None = None, unicode: bool = True) -> str:
    """The errata, grouped by root cause, with printed and corrected forms as 2-D pretty forms.

    With ``registry`` the forms are printed from the claims themselves (and
    causes read from them); without it from the verdicts' stored ``srepr``.
    """
    groups = cause_groups(verdicts, registry)
    if not groups:
        return "Errata: none found."
    count = sum(len(members) for _, members in groups)
    lines = [f"Errata: {plural(count, 'erratum', 'errata')} from {plural(len(groups), 'root cause')} "
             "(printed form refuted, corrected form checked)"]
    shown_alone = False
    for cause, members in groups:
        if cause is not None:
            lines += ["", f"cause {cause['id']}: {cause['sentence']}".rstrip(": ")]
        elif not shown_alone:
            lines += ["", "no cause declared (each its own root cause):"]
            shown_alone = True
        for v in members:
            lines += _erratum_lines(v, registry, unicode)
    return "\n".join(lines)


def findings(verdicts: Sequence[Verdict], registry: Registry | None = None, unicode: bool = True) -> str:
    """The findings: premises the paper applies where they fail, with the results resting on them."""
    found = [v for v in verdicts if v.status == "finding"]
    if not found:
        return ""
    lines = [f"Findings: {plural(len(found), 'premise')} of the paper refuted where the paper applies it "
             "(the results follow from it, so they stand or fall with it)"]
    for v in found:
        claim = _claim(registry, v.id)
        cause = resolved_cause(v, registry)
        printed, holds = _forms(v, claim, unicode)
        lines += ["", f"  - {v.id} ({v.paper_ref}): {v.title}"]
        if cause is not None:
            lines.append(f"      cause {cause['id']}: {cause['sentence']}".rstrip(": "))
        lines += _both_forms(v, ("premise:", printed), ("holds:  ", holds), unicode)
        if v.premise_of:
            lines.append(f"      results resting on the premise: {', '.join(v.premise_of)}")
    return "\n".join(lines)


def _labelled(label: str, block: str, pad: int) -> list[str]:
    """``label block`` on one line for a one-line form, else the label over the indented 2-D form."""
    if "\n" not in block:
        return [f"{' ' * pad}{label} {block}"]
    return [f"{' ' * pad}{label}", *(f"{' ' * (pad + 2)}{line}".rstrip() for line in block.splitlines())]


def _both_forms(v: Verdict, refuted: tuple[str, str], holds: tuple[str, str], unicode: bool) -> list[str]:
    """The refuted form and the one that holds, labelled, and the point that refutes the first."""
    lines = [*_labelled(*refuted, 6), *_labelled(*holds, 6)]
    if v.counterexample:
        lines.append(f"      refuted at: {point_text(v.counterexample, unicode)}")
    return lines


def _erratum_lines(v: Verdict, registry: Registry | None, unicode: bool) -> list[str]:
    claim = _claim(registry, v.id)
    parent = consequence_of(cause_source(v, registry))
    follows = f" [a correct step from the wrong premise {parent}]" if parent else ""
    printed, corrected = _forms(v, claim, unicode)
    lines = [f"  - {v.id} ({v.paper_ref}): {v.title}{follows}"]
    lines += _both_forms(v, ("printed:  ", printed), ("corrected:", corrected), unicode)
    if v.note:
        lines.append(f"      {v.note}")
    return lines


def record(v: Verdict, registry: Registry | None = None, unicode: bool = True) -> dict[str, Any]:
    """One verdict as a JSON object: the verdict's fields plus ``statement``, ``scope`` (``"general"`` when
    unrestricted), ``cross_check_points``, ``cause`` (``{"id", "sentence"}`` or null), ``consequence_of``
    (an id or null) and, for errata, ``printed_pretty`` / ``corrected_pretty`` (Unicode 2-D forms)."""
    data = v.as_dict()
    claim = _claim(registry, v.id)
    if not data.get("statement") and claim is not None:
        data["statement"] = claim.relation.latex()
    data["scope"] = _scope_text(data.get("scope"))
    if data.get("cross_check_points") is None:
        data["cross_check_points"] = data.get("numeric_points", 0)
    erratum = v.status in ("erratum", "finding")
    data["cause"] = resolved_cause(v, registry) if erratum else None
    data["consequence_of"] = consequence_of(cause_source(v, registry)) if v.status == "erratum" else None
    data.setdefault("premise_of", [])
    if v.printed_srepr or v.printed:
        printed, corrected = _forms(v, claim, unicode)
        data["printed_pretty"], data["corrected_pretty"] = printed, corrected
    return data


def records(verdicts: Sequence[Verdict], registry: Registry | None = None) -> list[dict[str, Any]]:
    """The JSON report: one :func:`record` per verdict."""
    return [record(v, registry) for v in verdicts]


def json_text(verdicts: Sequence[Verdict], registry: Registry | None = None) -> str:
    return json.dumps(records(verdicts, registry), indent=2, ensure_ascii=False) + "\n"


def write_json(path: str, verdicts: Sequence[Verdict], registry: Registry | None = None) -> None:
    """Write the JSON report to ``path`` atomically, or to standard output when ``path`` is ``"-"``."""
    text = json_text(verdicts, registry)
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_atomic(path, text)
