"""Sphinx extension: one page per derivation module, generated from the registry.

On ``builder-inited`` every claim is checked (``symdae.checking``) and
``derivations/<module>.md`` plus ``errata.md`` are written from the verdicts,
so the statements, dependencies, strategies and statuses in the docs are the
checker's, never hand-written.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx


def _claim_block(verdict: Any, claim: Any) -> str:
    lines = [
        f"## `{verdict.id}` — {verdict.title}",
        "",
        f"**Paper:** {verdict.paper_ref} · **status:** `{verdict.status}` · "
        f"**strategy:** {verdict.strategy}",
        "",
        "$$",
        verdict.corrected or verdict.statement,
        "$$",
        "",
    ]
    if verdict.status == "erratum":
        lines += ["As printed (refuted):", "", "$$", verdict.printed, "$$", ""]
    if verdict.depends:
        lines += ["Depends on: " + ", ".join(f"`{d}`" for d in verdict.depends), ""]
    if verdict.scope:
        lines += [f"Scope of the proof: {verdict.scope}", ""]
    if verdict.rests_on_numeric:
        lines += ["Rests on numeric-only claims: " + ", ".join(verdict.rests_on_numeric), ""]
    if verdict.note:
        lines += [f"Note: {verdict.note}", ""]
    return "\n".join(lines)


def generate(app: Sphinx) -> None:
    from symdae.checking import load
    from symdae.checking.report import default_jobs, run, select

    registry = load()
    verdicts = {v.id: v for v in run(registry, select(registry, None), jobs=default_jobs())}
    root = Path(app.srcdir)
    out = root / "derivations"
    out.mkdir(exist_ok=True)
    derivations = importlib.import_module("symdae.derivations")
    toc = []
    for name in derivations.MODULES:
        module = importlib.import_module(f"symdae.derivations.{name}")
        doc = (module.__doc__ or name).strip()
        title = doc.splitlines()[0].rstrip(".")
        body = [f"# {title}", "", "\n".join(doc.splitlines()[1:]).strip(), ""]
        for item in registry.in_module(name):
            if item.id in registry.definitions:
                body += [f"- definition `{item.id}` ({item.paper_ref}): {item.text}: "
                         f"${item.latex()}$", ""]
        for item in registry.in_module(name):
            if item.id in verdicts:
                body.append(_claim_block(verdicts[item.id], item))
        (out / f"{name}.md").write_text("\n".join(body) + "\n", encoding="utf-8")
        toc.append(name)
    index = ["# Derivations", "", "Generated from the claim registry by `symdae.checking`.", "",
             "```{toctree}", ":maxdepth: 1", "", *toc, "```", ""]
    (out / "index.md").write_text("\n".join(index), encoding="utf-8")
    errata = [v for v in verdicts.values() if v.status == "erratum"]
    page = ["# Errata", "",
            "Printed formulas of the paper that the checker refutes (by a counterexample), "
            "with the corrected form it checks. Generated from the registry.", ""]
    for v in errata:
        page += [f"## `{v.id}` ({v.paper_ref})", "", v.title, "", "Printed:", "", "$$", v.printed or "",
                 "$$", "", "Corrected:", "", "$$", v.corrected or "", "$$", "", f"{v.note}", ""]
    if not errata:
        page.append("No errata found.")
    (root / "errata.md").write_text("\n".join(page) + "\n", encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", generate)
    return {"parallel_read_safe": True, "version": "1"}
