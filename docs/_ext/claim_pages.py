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

_MARKDOWN_SPECIAL = set("\\`*_{}[]<>()#+-.!|$~:")


def escape(text: str) -> str:
    """``text`` with every Markdown (and MyST role/dollar-math) character backslash-escaped: shown as typed."""
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in str(text))


def anchor(item_id: str) -> str:
    """The label of a claim's or definition's heading (Sphinx lower-cases labels)."""
    return f"symdae-{item_id}".lower()


def link(item_id: str) -> str:
    return f"{{ref}}`{item_id} <{anchor(item_id)}>`"


def _scope(verdict: Any) -> str:
    return verdict.scope or "general"


def _point(point: dict[str, str]) -> str:
    from symdae.checking.report import point_text

    return escape(point_text(point))


def _claim_block(verdict: Any, claim: Any) -> str:
    lines = [
        f"({anchor(verdict.id)})=",
        f"## `{verdict.id}` — {escape(verdict.title)}",
        "",
        f"**Paper:** {escape(verdict.paper_ref)} · **status:** `{verdict.status}` · "
        f"**scope:** {escape(_scope(verdict))} · **strategy:** {escape(verdict.strategy)}",
        "",
        "$$",
        verdict.statement,
        "$$",
        "",
    ]
    if verdict.status == "finding" and claim.printed is not None:
        lines += ["The premise as the paper applies it (refuted there):", "", "$$", claim.printed.latex(), "$$", ""]
        if verdict.counterexample:
            lines += [f"Refuted at {_point(verdict.counterexample)}.", ""]
        lines += ["Results resting on it: " + ", ".join(link(d) for d in verdict.premise_of) + ".", ""]
    if verdict.status == "erratum" and claim.printed is not None:
        lines += ["As printed (refuted):", "", "$$", claim.printed.latex(), "$$", ""]
        if verdict.counterexample:
            lines += [f"Refuted at {_point(verdict.counterexample)}.", ""]
        lines += [f"See {{ref}}`the errata <{anchor('errata')}>`.", ""]
    if verdict.depends:
        lines += ["Depends on: " + ", ".join(link(d) for d in verdict.depends), ""]
    if verdict.rests_on_numeric:
        lines += ["Rests on numeric-only claims: " + ", ".join(link(d) for d in verdict.rests_on_numeric), ""]
    if verdict.note:
        lines += [f"Note: {escape(verdict.note)}", ""]
    return "\n".join(lines)


def _definition_block(item: Any) -> str:
    return "\n".join([f"({anchor(item.id)})=", "",
                      f"Definition `{item.id}` ({escape(item.paper_ref)}): {escape(item.text)}: ${item.latex()}$",
                      ""])


def errata_page(verdicts: dict[str, Any], registry: Any) -> str:
    """The errata page: grouped by root cause, each with both sides as printed and corrected, the
    counterexample and a link to its claim."""
    from symdae.checking._display import consequence_of, plural
    from symdae.checking.report import cause_groups, cause_source

    groups = cause_groups(list(verdicts.values()), registry)
    count = sum(len(members) for _, members in groups)
    findings = _findings_section([v for v in verdicts.values() if v.status == "finding"], registry)
    page = [f"({anchor('errata')})=", "# Errata", "",
            "Printed formulas of the paper that the checker refutes (by a counterexample), with the "
            "corrected form it checks, grouped by root cause. Generated from the registry.", ""]
    if not groups:
        page.append("No errata found.")
        return "\n".join(page + findings) + "\n"
    page += [f"{plural(count, 'erratum', 'errata')} from {plural(len(groups), 'root cause')}.", ""]
    alone_shown = False
    for cause, members in groups:
        if cause is not None:
            page += [f"## Cause `{cause['id']}`", "", escape(cause["sentence"]), ""]
        elif not alone_shown:
            page += ["## No cause declared", "", "Each of these is its own root cause.", ""]
            alone_shown = True
        for v in members:
            claim = registry.claims[v.id]
            parent = consequence_of(cause_source(v, registry))
            page += [f"### `{v.id}` ({escape(v.paper_ref)})", "", escape(v.title), "",
                     f"Claim: {link(v.id)}.", ""]
            if parent:
                page += [f"A correct step from the wrong premise {link(parent)}.", ""]
            page += ["Printed:", "", "$$", claim.printed.latex(), "$$", "",
                     "Corrected:", "", "$$", claim.relation.latex(), "$$", ""]
            if v.counterexample:
                page += [f"Refuted at {_point(v.counterexample)}.", ""]
            if v.note:
                page += [escape(v.note), ""]
    return "\n".join(page + findings) + "\n"


def _findings_section(found: list[Any], registry: Any) -> list[str]:
    """Premises the paper applies where they fail: the premise, what holds there, the results resting on it."""
    from symdae.checking._display import plural
    from symdae.checking.report import resolved_cause

    if not found:
        return []
    lines = ["## Findings", "",
             f"{plural(len(found), 'premise')} of the paper, checked where the paper applies it, fail there. "
             "The results built on them follow correctly from the premise (so they are not errata), but they "
             "stand or fall with it.", ""]
    for v in found:
        claim = registry.claims[v.id]
        cause = resolved_cause(v, registry)
        lines += [f"### `{v.id}` ({escape(v.paper_ref)})", "", escape(v.title), "", f"Claim: {link(v.id)}.", ""]
        if cause is not None:
            lines += [f"Cause `{cause['id']}`: {escape(cause['sentence'])}.", ""]
        lines += ["The premise as the paper applies it:", "", "$$", claim.printed.latex(), "$$", "",
                  "What holds there:", "", "$$", claim.relation.latex(), "$$", ""]
        if v.counterexample:
            lines += [f"Refuted at {_point(v.counterexample)}.", ""]
        lines += ["Results resting on the premise: " + ", ".join(link(d) for d in v.premise_of) + ".", ""]
    return lines


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
                body.append(_definition_block(item))
        for item in registry.in_module(name):
            if item.id in verdicts:
                body.append(_claim_block(verdicts[item.id], item))
        _write(out / f"{name}.md", "\n".join(body) + "\n")
        toc.append(name)
    index = ["# Derivations", "", "Generated from the claim registry by `symdae.checking`.", "",
             "```{toctree}", ":maxdepth: 1", "", *toc, "```", ""]
    _write(out / "index.md", "\n".join(index))
    _write(root / "errata.md", errata_page(verdicts, registry))


def _write(path: Path, text: str) -> None:
    """Write only when the text changed, so that Sphinx does not re-read unchanged pages."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", generate)
    return {"parallel_read_safe": True, "version": "1"}
