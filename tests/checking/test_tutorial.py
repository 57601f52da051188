"""The tutorial ``docs/own_claims.md``, run exactly as written, from a folder outside the source tree."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.docs_blocks import blocks


def _blocks(language: str) -> list[str]:
    return blocks("own_claims.md", language)


def test_the_tutorial_runs_verbatim(tmp_path: Path) -> None:
    claim_file = next(b for b in _blocks("python") if b.startswith("# my_claims.py\n"))
    (tmp_path / "my_claims.py").write_text(claim_file, encoding="utf-8")
    console = next(b for b in _blocks("console") if "my_claims.py" in b)
    command, *shown = console.splitlines()
    argv = shlex.split(command.removeprefix("$ "))
    assert argv[:3] == ["python", "-m", "symdae"]
    result = subprocess.run([sys.executable, *argv[1:]], capture_output=True, text=True, cwd=tmp_path,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    records = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in records] == ["mine.shrinkage", "mine.shrinkage_below_one"]
    assert all(r["status"] == "proved" and r["scope"] == "general" for r in records)
    assert records[0]["depends"] == ["s4.fixed_point"]
    # the page shows the output as it comes, up to the timings
    untimed = [re.sub(r"\d+\.\d+\s?s\b", "T", line).rstrip() for line in shown]
    printed = [re.sub(r"\d+\.\d+\s?s\b", "T", line).rstrip() for line in result.stdout.splitlines()]
    missing = [line for line in untimed if line and line not in printed and "process" not in line]
    assert not missing, result.stdout
