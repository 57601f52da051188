"""How claims and verdicts look: Unicode pretty forms, notebook display, causes.

- :func:`pretty_relation` and :func:`erratum_pretty` print relations as
  SymPy's 2-D Unicode pretty forms (or ASCII), for errata in a terminal;
- :func:`repr_latex` and :func:`repr_html` are what a notebook shows for a
  :class:`~symdae.checking.claim.Claim` or a
  :class:`~symdae.checking.checker.Verdict` (``Claim._repr_latex_`` and
  friends delegate here); :func:`display` wraps any of them for IPython's
  ``display``;
- :func:`cause_of` reads an erratum's root cause however it is given (an
  object with ``id`` and ``sentence``, a pair, a mapping or a bare id).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import sympy as sp


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``"1 claim"``, ``"2 claims"``, ``"1 erratum"``, ``"3 errata"``."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def relation_object(relation: Any) -> Any:
    """The relation as one unevaluated SymPy object to print (``Eq``, ``Limit`` = value, ``Rel``)."""
    kind = type(relation).__name__
    if kind == "Equality":
        return _Pair(relation.lhs, "=", relation.rhs)
    if kind == "Limit":
        direction = relation.direction if relation.direction in ("+", "-", "+-") else "+-"
        if relation.point in (sp.oo, -sp.oo):
            direction = "-" if relation.point == sp.oo else "+"
        held = sp.Limit(relation.expr, relation.var, relation.point, dir=direction)
        return _Pair(held, "=", relation.value)
    if kind == "Inequality":
        symbol = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}[relation.op]
        return _Pair(relation.lhs, symbol, relation.rhs)
    return relation


class _Pair:
    """``lhs op rhs`` printed side by side, matrices included (``Eq`` would evaluate or refuse those)."""

    def __init__(self, lhs: Any, op: str, rhs: Any) -> None:
        self.lhs, self.op, self.rhs = lhs, op, rhs

    def pretty(self, unicode: bool = True) -> str:
        from sympy.printing.pretty.stringpict import prettyForm, stringPict

        op = self.op if unicode else {"≤": "<=", "≥": ">="}.get(self.op, self.op)
        left = _pretty_form(self.lhs, unicode)
        right = _pretty_form(self.rhs, unicode)
        joined = prettyForm(*stringPict.next(left, f" {op} ", right))
        return str(joined.render(wrap_line=False))


def _pretty_form(expr: Any, unicode: bool) -> Any:
    from sympy.printing.pretty.pretty import PrettyPrinter

    printer = PrettyPrinter({"use_unicode": unicode, "wrap_line": False})
    return printer._print(sp.sympify(expr) if not isinstance(expr, sp.MatrixBase) else expr)


def pretty(expr: Any, unicode: bool = True) -> str:
    """A 2-D pretty form of an expression or relation (no line wrapping)."""
    if isinstance(expr, _Pair):
        return expr.pretty(unicode)
    if type(expr).__name__ in ("Equality", "Limit", "Inequality") and hasattr(expr, "expressions"):
        return relation_object(expr).pretty(unicode)
    return str(sp.pretty(expr, use_unicode=unicode, wrap_line=False))


def pretty_relation(relation: Any, unicode: bool = True) -> str:
    return pretty(relation_object(relation), unicode)


def erratum_pretty(claim: Any, unicode: bool = True) -> tuple[str, str]:
    """Pretty forms of the printed and corrected formulas: only the sides that differ.

    Mirrors :meth:`Claim.erratum_forms` (which gives LaTeX).
    """
    printed, relation = claim.printed, claim.relation
    if printed is None:
        raise ValueError(f"claim {claim.id} has no printed form")
    if claim.shown is not None:
        return pretty(claim.shown[0], unicode), pretty(claim.shown[1], unicode)
    if type(printed).__name__ == "Equality" and type(relation).__name__ == "Equality" and printed.lhs == relation.lhs:
        return pretty(printed.rhs, unicode), pretty(relation.rhs, unicode)
    return pretty_relation(printed, unicode), pretty_relation(relation, unicode)


def srepr_pretty(text: str | None, unicode: bool = True) -> str | None:
    """A pretty form rebuilt from a verdict's stored ``srepr`` (a tuple of the relation's sides)."""
    if not text:
        return None
    try:
        value = sp.sympify(text)
    except (sp.SympifyError, SyntaxError, TypeError, ValueError):
        return None
    if isinstance(value, (tuple, sp.Tuple)) and len(value) == 2:
        return _Pair(value[0], "=", value[1]).pretty(unicode)
    return pretty(value, unicode)


def cause_of(obj: Any) -> dict[str, str] | None:
    """An erratum's root cause as ``{"id": ..., "sentence": ...}``, or ``None``.

    Reads ``obj.cause`` (a claim or verdict; absent on older ones), given as an
    object with ``id`` and ``sentence`` (or ``text``), a ``(id, sentence)``
    pair, a mapping or a bare id.
    """
    cause = getattr(obj, "cause", None)
    if cause is None:
        return None
    if isinstance(cause, str):
        return {"id": cause, "sentence": ""}
    if isinstance(cause, Mapping):
        return {"id": str(cause.get("id", "")), "sentence": str(cause.get("sentence", cause.get("text", "")))}
    if isinstance(cause, (tuple, list)) and len(cause) == 2:
        return {"id": str(cause[0]), "sentence": str(cause[1])}
    ident = getattr(cause, "id", None)
    if ident is not None:
        return {"id": str(ident), "sentence": str(getattr(cause, "sentence", getattr(cause, "text", "")) or "")}
    return {"id": str(cause), "sentence": ""}


def consequence_of(obj: Any) -> str | None:
    value = getattr(obj, "consequence_of", None)
    if value is None:
        return None
    return str(getattr(value, "id", value))


# --- notebooks -----------------------------------------------------------------------------------------------

def _is_verdict(obj: Any) -> bool:
    return hasattr(obj, "status") and hasattr(obj, "statement")


def repr_latex(obj: Any) -> str:
    """LaTeX for a notebook: the relation (a verdict's statement), in display math."""
    if _is_verdict(obj):
        body = obj.statement
        if obj.status in ("erratum", "finding") and obj.printed:
            body = f"\\text{{printed: }}\\; {obj.printed} \\qquad \\text{{corrected: }}\\; {obj.corrected}"
        return f"$\\displaystyle {body} \\quad \\text{{[{obj.status}]}}$"
    if hasattr(obj, "relation"):
        return f"$\\displaystyle {obj.relation.latex()}$"
    if hasattr(obj, "latex"):
        return f"$\\displaystyle {obj.latex()}$"
    return f"$\\displaystyle {sp.latex(obj)}$"


_STATUS_COLOUR = {"proved": "#1a7f37", "numeric": "#9a6700", "erratum": "#8250df", "finding": "#bc4c00",
                  "failed": "#cf222e"}


def repr_html(obj: Any) -> str:
    """HTML for a notebook: id, paper reference, statement (as MathJax) and, for a verdict, how it was settled."""
    esc = html.escape
    rows: list[tuple[str, str]] = []
    if _is_verdict(obj):
        colour = _STATUS_COLOUR.get(obj.status, "inherit")
        rows.append(("status", f'<b style="color:{colour}">{esc(obj.status)}</b>'))
        rows.append(("strategy", f"<code>{esc(obj.strategy)}</code>"))
        rows.append(("scope", esc(obj.scope or "general")))
        points = getattr(obj, "cross_check_points", None)
        rows.append(("points checked", esc(str(points if points is not None else obj.numeric_points))))
        statement = obj.statement
        if obj.status in ("erratum", "finding") and obj.printed:
            rows.append(("printed", f"\\({esc(obj.printed)}\\)"))
            rows.append(("corrected", f"\\({esc(obj.corrected or '')}\\)"))
        if obj.counterexample:
            point = ", ".join(f"{k} = {v}" for k, v in obj.counterexample.items())
            rows.append(("counterexample", esc(point)))
        if obj.note:
            rows.append(("note", esc(obj.note)))
    else:
        statement = obj.relation.latex() if hasattr(obj, "relation") else obj.latex()
        rows.append(("scope", esc(getattr(obj, "scope", None) or "general")))
    depends = getattr(obj, "depends", None)
    if depends:
        rows.append(("depends on", ", ".join(f"<code>{esc(d)}</code>" for d in depends)))
    cause = cause_of(obj)
    if cause:
        rows.append(("cause", f"<code>{esc(cause['id'])}</code> {esc(cause['sentence'])}"))
    title = str(getattr(obj, "title", None) or getattr(obj, "text", ""))
    head = (f"<div><b><code>{esc(obj.id)}</code></b> ({esc(obj.paper_ref)}): {esc(title)}</div>"
            f"<div>\\[{esc(str(statement))}\\]</div>")
    table = "".join(f'<tr><th style="text-align:left">{k}</th><td style="text-align:left">{v}</td></tr>'
                    for k, v in rows)
    return f'<div class="symdae-claim">{head}<table>{table}</table></div>'


class Display:
    """Wraps a claim, definition or verdict for IPython's rich display."""

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def _repr_latex_(self) -> str:
        return repr_latex(self.obj)

    def _repr_html_(self) -> str:
        return repr_html(self.obj)

    def __repr__(self) -> str:
        obj = self.obj
        status = f" [{obj.status}]" if _is_verdict(obj) else ""
        return f"{obj.id}{status}: {getattr(obj, 'title', '') or getattr(obj, 'text', '')}"


def display(obj: Any) -> Display:
    """A notebook-displayable view of a claim, definition or verdict (``_repr_latex_``, ``_repr_html_``)."""
    return Display(obj)
