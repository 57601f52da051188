"""The checker's verdict on one claim (:func:`symdae.checking.checker.check`), as reported and written to JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Status", "Verdict"]

Status = Literal["proved", "numeric", "erratum", "finding", "failed"]


@dataclass
class Verdict:
    """The checker's verdict on one claim, as reported and written to JSON."""

    id: str
    paper_ref: str
    title: str
    kind: str
    status: Status
    strategy: str
    seconds: float
    statement: str
    depends: list[str]
    scope: str | None = None
    numeric_points: int = 0
    cross_check_points: int = 0
    numeric_max_error: float | None = None
    counterexample: dict[str, str] | None = None
    printed: str | None = None
    corrected: str | None = None
    printed_srepr: str | None = None
    corrected_srepr: str | None = None
    note: str = ""
    rests_on_numeric: list[str] = field(default_factory=list)
    premise_of: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def _repr_latex_(self) -> str:
        from symdae.checking._display import repr_latex

        return repr_latex(self)

    def _repr_html_(self) -> str:
        from symdae.checking._display import repr_html

        return repr_html(self)
