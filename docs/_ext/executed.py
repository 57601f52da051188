"""Sphinx extension: ``{executed}`` code blocks, run when the docs are built.

Each block of a page runs in one namespace shared by the page's blocks, in
order; the page shows the code, what it printed, and every matplotlib figure
it left open (embedded as PNG). A block that raises fails the build with its
traceback, so a page of executed blocks cannot drift from the library. A block
with ``:needs-data:`` that raises ``FileNotFoundError`` (no dataset under
``$SYMDAE_DATA_ROOT``) is shown unexecuted, with a note, and logs a warning
(an error under ``sphinx-build -W``); the page's later blocks are then shown
unexecuted as well.
"""

from __future__ import annotations

import base64
import contextlib
import io
import traceback
from typing import Any, ClassVar, cast

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)
_SKIPPED = object()


class Executed(SphinxDirective):
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"needs-data": directives.flag}

    def run(self) -> list[nodes.Node]:
        code = "\n".join(self.content)
        shown: list[nodes.Node] = [nodes.literal_block(code, code, language="python")]
        pages = cast(dict[str, dict[str, Any]], self.env.temp_data.setdefault("executed", {}))
        namespace = pages.setdefault(self.env.docname, {"__name__": f"docs.{self.env.docname}"})
        if namespace.get("__skipped__") is _SKIPPED:
            return [*shown, _note("Not executed: an earlier block on this page needed the data.")]
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        plt.close("all")
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                exec(compile(code, f"<{self.env.docname}: block at line {self.lineno}>", "exec"), namespace)
        except FileNotFoundError as err:
            if "needs-data" not in self.options:
                raise self._failure() from err
            namespace["__skipped__"] = _SKIPPED
            logger.warning(f"{self.env.docname}: block not executed, no data found ({err}); set SYMDAE_DATA_ROOT",
                           location=(self.env.docname, self.lineno))
            return [*shown, _note(f"Not executed when these docs were built: {err}")]
        except Exception as err:
            raise self._failure() from err
        output = printed.getvalue()
        if output:
            block = nodes.literal_block(output, output, language="none")
            block["classes"].append("executed-output")
            shown.append(block)
        for number in plt.get_fignums():
            image = io.BytesIO()
            plt.figure(number).savefig(image, format="png", dpi=90, bbox_inches="tight")
            data = base64.b64encode(image.getvalue()).decode("ascii")
            shown.append(nodes.image(uri=f"data:image/png;base64,{data}", alt="figure drawn by the block above"))
        plt.close("all")
        return shown

    def _failure(self) -> ExtensionError:
        return ExtensionError(f"{self.env.docname}, executed block at line {self.lineno} failed:\n"
                              f"{traceback.format_exc()}")


def _note(text: str) -> nodes.Node:
    paragraph = nodes.paragraph(text=text)
    return nodes.note("", paragraph)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("executed", Executed)
    return {"parallel_read_safe": False, "version": "1"}
