"""Code generation and the kernel cache: provenance, invalidation, warm starts."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from symdae.cli import main
from symdae.codegen import KERNELS, build_spec, cache, load_kernel
from symdae.codegen.kernel import KernelSpec
from symdae.codegen.printer import NumbaPrinter, function_source
from symdae.codegen.spec import Spec, fingerprint

x, y = sp.symbols("x y", real=True)


def spec(output: sp.Expr) -> KernelSpec:
    return KernelSpec(name="toy", claims=("toy.claim",), row_args=(("x", x), ("y", y)), output=output)


def test_fingerprint_changes_with_the_expression_and_records_provenance() -> None:
    first, second = spec(x * y), spec(x * y + 1)
    assert fingerprint(first) == fingerprint(spec(x * y))
    assert fingerprint(first) != fingerprint(second)
    source = first.render()
    assert "do not edit" in source and "toy.claim" in source and fingerprint(first) in source
    compile(source, "<generated>", "exec")


@pytest.mark.parametrize("name", list(KERNELS))
def test_every_kernel_has_one_spec_of_its_name(name: str) -> None:
    """One protocol for every kind of kernel; each renders a module that records its name, claims and fingerprint."""
    kernel = build_spec(name)
    assert isinstance(kernel, Spec) and kernel.name == name and kernel.claims
    source = kernel.render()
    assert f"KERNEL = {name!r}" in source and f"FINGERPRINT = {fingerprint(kernel)!r}" in source
    assert f"CLAIMS = {tuple(kernel.claims)!r}" in source
    assert ("STATUS = True" in source) == (name == "dae_trajectory")  # its loops report a status per row
    compile(source, f"<{name}>", "exec")


def test_an_unknown_kernel_is_a_key_error_naming_the_kernels() -> None:
    with pytest.raises(KeyError, match=r"no generated kernel named 'nope' \(the kernels: fixed_point, "):
        load_kernel("nope")
    with pytest.raises(KeyError, match="no generated kernel named 'nope'"):
        build_spec("nope")


def test_printer_uses_vectorisable_exp_and_guards_piecewise() -> None:
    printer = NumbaPrinter({"fully_qualified_modules": True, "inline": True})
    text = printer.doprint(sp.Piecewise((0, sp.Eq(x, 0)), (sp.exp(-x) / x, True)))
    assert "vexp(" in text and "if" in text and "math.exp" not in text
    source = function_source("f", ["x", "y"], [("a", x * sp.exp(x)), ("b", y * sp.exp(x))], ["a", "b"])
    assert source.count("vexp(") == 1  # common subexpression computed once


def test_generated_modules_are_content_addressed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYMDAE_CACHE_DIR", str(tmp_path))
    for output in (x * y, x + y):
        toy = spec(output)
        path = cache.module_path(toy.name, fingerprint(toy))
        path.write_text(toy.render())
        module = cache.import_generated(path, hashlib.sha256(toy.render().encode()).hexdigest())
        assert module is not None and module.FINGERPRINT == fingerprint(toy)
    assert cache.import_generated(path, "0" * 64) is None  # content not as recorded: reported, removed
    path.write_text(toy.render())
    assert len(list((tmp_path / "kernels").glob("toy-*.py"))) == 2
    assert cache.clear() == 2
    assert not (tmp_path / "kernels").exists()


def test_unusable_cache_dir_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("SYMDAE_CACHE_DIR", str(blocker / "cache"))
    with pytest.raises(ValueError, match=r"SYMDAE_CACHE_DIR .* cannot be created"):
        cache.cache_dir()


_PROBE = (
    "import sys\n"
    "from symdae.kernels import dae_trajectory\n"
    "assert abs(dae_trajectory(1e9, lam=1.0, eps=1.0, tau=1.0, w1_0=0.1, w2_0=0.2) - 0.5) < 1e-14\n"
    "print('sympy' in sys.modules)\n"
)


def test_a_warm_start_loads_the_compiled_kernel_without_sympy() -> None:
    """This session's caches, once the kernel is built here: a new process needs neither SymPy nor Numba's compiler."""
    from symdae.kernels import dae_trajectory

    assert abs(dae_trajectory(1e9, lam=1.0, eps=1.0, tau=1.0, w1_0=0.1, w2_0=0.2) - 0.5) < 1e-14
    warm = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=600, check=True)
    assert warm.stdout.strip() == "False", warm.stdout + warm.stderr


@pytest.mark.slow  # a cold start derives, generates and compiles: 45 s on 2 cores
@pytest.mark.jit  # counts the dispatchers' compilations
def test_warm_start_needs_no_sympy_and_cli_reports_cache_state(tmp_path: Path) -> None:
    env = dict(os.environ, SYMDAE_CACHE_DIR=str(tmp_path), NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    run = [sys.executable, "-c", _PROBE]
    cold = subprocess.run(run, env=env, capture_output=True, text=True, timeout=600, check=True)
    warm = subprocess.run(run, env=env, capture_output=True, text=True, timeout=600, check=True)
    assert cold.stdout.strip() == "True"  # the first start derives, generates and compiles
    assert warm.stdout.strip() == "False"  # later starts load the compiled kernel only
    (data,) = (tmp_path / "numba").rglob("dae_trajectory-*.flat-*.nbc")
    data.write_bytes(data.read_bytes()[:100])
    damaged = subprocess.run(run, env=env, capture_output=True, text=True, timeout=600, check=True)
    assert damaged.stdout.strip() == "False"  # recompiled, without SymPy
    assert damaged.stderr == f"symdae: kernel cache: {data} is damaged (its content does not match the " \
        "SHA-256 recorded when it was saved); rebuilding\n"
    listing = subprocess.run([sys.executable, "-m", "symdae", "kernels"], env=env, capture_output=True,
                             text=True, timeout=600, check=True).stdout
    line = next(row for row in listing.splitlines() if row.startswith("dae_trajectory"))
    assert "stable.equals_eq5" in line and line.split()[2:4] == ["yes", "yes"]
    names = {row.split()[0] for row in listing.splitlines()[2:]}
    assert {"dae_trajectory", "gd_iterates", "mode_trajectory"} <= names  # the ODE/GD modules are listed too


def test_kernels_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SYMDAE_CACHE_DIR", str(tmp_path))
    (tmp_path / "kernels").mkdir()
    (tmp_path / "kernels" / "stale.py").write_text("")
    assert main(["kernels", "--clear"]) == 0
    assert "removed 1 file" in capsys.readouterr().out


def _full_expression(kernel: KernelSpec) -> sp.Expr:
    expr = kernel.output
    for name, value in reversed((*kernel.row, *kernel.element)):
        expr = expr.subs(name, value)
    return expr


@pytest.mark.parametrize("name", ["fixed_point", "optimal_tau", "equivalent_kappa"])
def test_each_generated_kernel_equals_mpmath_evaluation_of_its_expression(name: str) -> None:
    """The compiled ``flat`` loop computes the SymPy expression it was generated from (40 digits)."""
    import mpmath
    import numpy as np

    kernel = build_spec(name)
    assert isinstance(kernel, KernelSpec)
    args = [sym for _, sym in (*kernel.element_args, *kernel.row_args)]
    reference = sp.lambdify(args, _full_expression(kernel), modules="mpmath")
    rng = np.random.default_rng(7)
    n = 60
    columns = []
    for arg, sym in (*kernel.element_args, *kernel.row_args):
        if arg in ("w1", "w2"):
            columns.append(rng.choice([-1.0, 1.0], n) * 10 ** rng.uniform(-4, 0.5, n))
        elif arg == "fraction":
            columns.append(rng.uniform(0.0, 0.99, n))
        else:
            columns.append(np.where(rng.random(n) < 0.1, 0.0, 10 ** rng.uniform(-2, 2, n))
                           if not sym.is_positive else 10 ** rng.uniform(-2, 2, n))
    out = np.empty(n)
    load_kernel(name).flat(*columns, out)
    for i in range(n):
        point = [float(col[i]) for col in columns]
        with mpmath.workdps(40):
            try:
                expected = reference(*(mpmath.mpf(v) for v in point))
            except ZeroDivisionError:
                continue
        if not mpmath.isfinite(expected):
            assert out[i] == float(expected), (name, point)
            continue
        assert out[i] == pytest.approx(float(expected), rel=1e-11, abs=1e-14), (name, point)


@pytest.mark.parametrize("table", ["table_nonneg", "table_neg"])
def test_trajectory_tables_equal_mpmath_evaluation_of_their_expressions(table: str) -> None:
    """The extended-float code printed from the coefficient tables computes them (40 digits), at any scale."""
    import mpmath
    import numpy as np

    from symdae.codegen.programs import trajectory as program
    from symdae.kernels._xf import xf
    from symdae.symbols import a_hat, d_hat

    module = load_kernel("dae_trajectory")
    rows = program.FORMS_NONNEG if table == "table_nonneg" else program.FORMS_NEG
    last = d_hat if table == "table_nonneg" else a_hat
    symbols = (*program.KERNEL_ARGS, last)
    reference = sp.lambdify(symbols, [c for row in rows for c in row], modules="mpmath")
    rng = np.random.default_rng(11)
    for _ in range(40):
        ph, qh = rng.uniform(0.1, 1.0, 2)
        t_w = 10 ** rng.uniform(-300, 0) / (2 * ph * qh)  # T <= 1/(2p̂q̂): m̂ <= 1
        mh = 2 * ph * qh * t_w
        lh = float(np.sqrt(1 - mh * mh))
        d = (ph - qh) if table == "table_nonneg" else abs(ph - qh)
        d = abs(d) * 10 ** rng.uniform(-300, 0)  # d̂ from w1 w2 may be far below p̂ − q̂ in size
        point = (lh, mh, t_w, ph, qh, ph + qh, d)
        got = module.__dict__[table](*(xf(float(v)) for v in point))
        with mpmath.workdps(40):
            expected = reference(*(mpmath.mpf(float(v)) for v in point))
        for g, e in zip(got, expected, strict=True):  # each coefficient keeps its own exponent
            assert abs(mpmath.ldexp(mpmath.mpf(g[0]), int(g[1])) - e) <= 1e-14 * abs(e), (table, point)
