"""Run the checker over the registry and present the verdicts.

The table lists every claim with its paper reference, strategy, status and
time; the errata section gives the printed and corrected forms; the JSON is a
list of verdict dictionaries (``id``, ``paper_ref``, ``status``, ... and, for
errata, ``printed`` and ``corrected``).
"""

from __future__ import annotations

import fnmatch
import json
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

from symdae._io import write_atomic
from symdae.checking.checker import Verdict, check
from symdae.checking.registry import Registry

_WORKER_REGISTRY: Registry | None = None


def select(registry: Registry, pattern: str | None) -> list[str]:
    """Claim ids in dependency order, filtered by a glob on id or paper ref."""
    order = registry.validate()
    if not pattern:
        return order
    chosen = [
        cid for cid in order
        if fnmatch.fnmatchcase(cid, pattern) or fnmatch.fnmatchcase(registry.claims[cid].paper_ref, pattern)
    ]
    if not chosen:
        raise ValueError(f"--only {pattern!r} matches no claim id or paper reference")
    return chosen


def _init_worker(registry: Registry) -> None:
    global _WORKER_REGISTRY
    _WORKER_REGISTRY = registry


def _check_in_worker(claim_id: str) -> Verdict:
    assert _WORKER_REGISTRY is not None
    return check(_WORKER_REGISTRY.claims[claim_id])


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
            verdict = check(registry.claims[claim_id])
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


COLUMNS = (("claim", 30), ("paper", 18), ("strategy", 44), ("status", 8), ("time", 7))


def _cell(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def table_header() -> str:
    head = "  ".join(f"{name:<{width}}" for name, width in COLUMNS)
    return head + "\n" + "  ".join("-" * width for _, width in COLUMNS)


def table_row(v: Verdict) -> str:
    status = v.status + ("*" if v.rests_on_numeric else "")
    cells = (v.id, v.paper_ref, v.strategy, status, f"{v.seconds:6.2f}s")
    return "  ".join(f"{_cell(c, w):<{w}}" for c, (_, w) in zip(cells, COLUMNS, strict=True))


def summary(verdicts: Sequence[Verdict]) -> str:
    counts = Counter(v.status for v in verdicts)
    parts = [f"{counts.get(s, 0)} {s}" for s in ("proved", "numeric", "erratum", "failed")]
    lines = [f"{len(verdicts)} claims: " + ", ".join(parts)]
    resting = [v.id for v in verdicts if v.rests_on_numeric]
    if resting:
        lines.append("* rests on a claim settled only numerically: " + ", ".join(resting))
    for v in verdicts:
        if v.status == "failed":
            lines.append(f"FAILED {v.id} ({v.paper_ref}): {v.note}")
            if v.counterexample:
                lines.append(f"  counterexample: {v.counterexample}")
    return "\n".join(lines)


def errata(verdicts: Sequence[Verdict]) -> str:
    found = [v for v in verdicts if v.status == "erratum"]
    if not found:
        return "Errata: none found."
    lines = [f"Errata ({len(found)}): printed form refuted, corrected form checked"]
    for v in found:
        lines += [
            f"- {v.id} ({v.paper_ref}): {v.title}",
            f"    printed:   {v.printed}",
            f"    corrected: {v.corrected}",
            f"    refuted at: {v.counterexample}",
            f"    {v.note}",
        ]
    return "\n".join(lines)


def write_json(path: str, verdicts: Sequence[Verdict]) -> None:
    text = json.dumps([v.as_dict() for v in verdicts], indent=2, ensure_ascii=False)
    write_atomic(path, text + "\n")
