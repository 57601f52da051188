"""The docs: MathJax served locally (no CDN), claim pages escaped and linked, errata page complete."""

from __future__ import annotations

import importlib.util
import re
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
CDN = re.compile(r"""(?:src|href)=["'](?:https?:)?//[^"']*(?:cdn|mathjax|jsdelivr|unpkg|cloudflare)""", re.I)


def _conf() -> dict[str, object]:
    return runpy.run_path(str(DOCS / "conf.py"))


def test_conf_serves_mathjax_locally() -> None:
    conf = _conf()
    assert "sphinx-mathjax-offline" in conf["extensions"]  # type: ignore[operator]
    path = str(conf["mathjax_path"])
    assert "://" not in path and not path.startswith("//"), f"mathjax_path must be local, got {path!r}"


def test_the_offline_mathjax_ships_its_script() -> None:
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:
        pytest.skip("the docs extra is not installed (pip install 'symdae[docs]')")
    assert (Path(spec.origin).parent / "static" / "mathjax" / "tex-chtml.js").is_file()


def _pages() -> object:
    pytest.importorskip("sphinx")
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        import claim_pages
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    return claim_pages


def test_strategy_strings_are_escaped_and_depends_are_links() -> None:
    pages: object = _pages()
    escape = pages.escape  # type: ignore[attr-defined]
    assert escape("cancel → rewrite(x**2)") == "cancel → rewrite\\(x\\*\\*2\\)"
    assert "**" not in escape("a ** b and $x$ and `c`")
    verdict = SimpleNamespace(id="a.b", title="w* = 1", paper_ref="§4", status="proved", scope=None,
                              strategy="subs(w → x**2)", statement="x = x", depends=["s4.fixed_point"],
                              rests_on_numeric=[], note="", counterexample=None)
    block = pages._claim_block(verdict, SimpleNamespace(printed=None))  # type: ignore[attr-defined]
    assert "(symdae-a.b)=" in block and "x\\*\\*2" in block and "w\\* = 1" in block
    assert "{ref}`s4.fixed_point <symdae-s4.fixed_point>`" in block and "**scope:** general" in block


@pytest.mark.slow
@pytest.mark.data
def test_docs_build_cleanly_with_local_mathjax(tmp_path: Path, data_root: Path) -> None:
    """The whole site with warnings as errors, the quick tour's blocks executed on the real MNIST."""
    import os

    pytest.importorskip("sphinx")
    out = tmp_path / "html"
    result = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                             str(DOCS), str(out)], capture_output=True, text=True, timeout=900, check=False,
                            env={**os.environ, "SYMDAE_DATA_ROOT": str(data_root)})
    assert result.returncode == 0, result.stderr[-4000:]
    assert (out / "_static" / "mathjax" / "tex-chtml.js").is_file()
    pages = list(out.rglob("*.html"))
    offenders = [str(p.relative_to(out)) for p in pages if CDN.search(p.read_text(encoding="utf-8"))]
    assert not offenders, f"pages loading from a CDN: {offenders}"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "_static/mathjax/tex-chtml.js" in index
    tour = (out / "tour.html").read_text(encoding="utf-8")
    assert "100 cases passed" in tour and "data:image/png;base64," in tour and "Not executed" not in tour
    errata = (out / "errata.html").read_text(encoding="utf-8")
    assert "Printed" in errata and "Corrected" in errata and "Refuted at" in errata and "root cause" in errata
    for page in (out / "derivations").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert 'href="#symdae-' in text or "symdae-" not in text, page.name  # depends are links
        for line in re.findall(r"<p>.*?<strong>strategy:</strong>.*?</p>", text, flags=re.S):
            rest = re.sub(r"<strong>(Paper:|status:|scope:|strategy:)</strong>", "", line)
            assert "<strong>" not in rest and "<em>" not in rest, (page.name, line)  # strategies escaped
