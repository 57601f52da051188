"""The core package never imports torch."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_without_torch() -> None:
    code = ("import sys; import symdae, symdae.kernels, symdae.cli; "
            "assert 'torch' not in sys.modules, 'torch was imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
