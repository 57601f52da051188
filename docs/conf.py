"""Sphinx configuration for symdae's documentation (MyST Markdown, MathJax served locally).

The mathematics renders with no network, at build time and when reading: the
``sphinx-mathjax-offline`` extension (in the ``docs`` extra) copies MathJax 3
into ``_static/mathjax`` and points ``mathjax_path`` at it.
``tests/checking/test_docs.py`` fails if a page loads MathJax, or anything
else, from a CDN.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "symdae"
author = "symdae developers"
copyright = "2026, symdae developers"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax from _static/mathjax, not a CDN (the module name has hyphens)
    "claim_pages",
    "executed",  # the quick tour's code blocks, run at build time
]
myst_enable_extensions = ["dollarmath", "amsmath"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
autodoc_typehints = "description"
nitpicky = False
html_theme = "alabaster"
#: Set by sphinx-mathjax-offline too; stated here so that no CDN default can creep back.
mathjax_path = "mathjax/tex-chtml.js"
