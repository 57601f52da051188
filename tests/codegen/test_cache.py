"""A damaged kernel cache is reported in one line, removed and rebuilt -- never a traceback, never executed.

One cache (every module generated, its claims checked; ``fixed_point``
compiled, Numba's files beside the modules) is built per session; each test
damages a copy.
"""

from __future__ import annotations

import json
import pickle
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from numba.core import config as numba_config

from symdae.codegen import KERNELS, cache, fingerprints, load_kernel

MARKER = "SYMDAE_TEST_MARKER"


def fixed_point_value() -> float:
    """``fixed_point(λ=2, ε=1, κ=0.5) = (λ − κ)/(λ + ε) = 0.5`` through the cached kernel."""
    out = np.empty(1)
    load_kernel("fixed_point").flat(np.array([2.0]), np.array([1.0]), np.array([0.5]), out)
    return float(out[0])


@pytest.fixture(scope="session")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("warm") / "cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SYMDAE_CACHE_DIR", str(root))
        patch.setattr(numba_config, "CACHE_DIR", "")  # Numba's files in kernels/__pycache__, copied with them
        cache.forget_loaded()
        fingerprints()  # every module generated
        assert fixed_point_value() == 0.5
        cache.forget_loaded()
    return root


@pytest.fixture
def kernels(warm_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The ``kernels`` folder of a fresh copy of the warm cache (nothing of it loaded yet)."""
    root = tmp_path / "cache"
    shutil.copytree(warm_cache, root)
    monkeypatch.setenv("SYMDAE_CACHE_DIR", str(root))
    monkeypatch.setattr(numba_config, "CACHE_DIR", "")
    cache.forget_loaded()
    yield root / "kernels"
    cache.forget_loaded()


def fixed_point_module(folder: Path) -> Path:
    (path,) = folder.glob("fixed_point-*.py")
    return path


def numba_file(folder: Path, suffix: str) -> Path:
    (path,) = (folder / "__pycache__").glob(f"fixed_point-*.flat-*{suffix}")
    return path


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def replace_by_directory(path: Path) -> None:
    path.unlink()
    (path / "inside").mkdir(parents=True)


def assert_one_report(err: str, path: Path) -> None:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"symdae: kernel cache: {path} is damaged (") and lines[0].endswith("; rebuilding")


def other_module(path: Path) -> None:
    """Valid Python of other content: it must not run (it would leave a marker and compute nonsense)."""
    marker = path.parent / MARKER
    path.write_text(f"open({str(marker)!r}, 'w').close()\n"
                    "class _F:\n    def flat(self, *args):\n        args[-1][:] = 42.0\n"
                    "flat = _F().flat\nCLAIMS = ()\n")


MODULE_DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": truncate,
    "other content": other_module,
    "a directory": replace_by_directory,
    "empty": lambda path: path.write_bytes(b""),
}


@pytest.mark.jit  # inspects Numba's cache files
@pytest.mark.parametrize("damage", list(MODULE_DAMAGE))
def test_damaged_module_is_never_executed_and_is_regenerated(
        kernels: Path, damage: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = fixed_point_module(kernels)
    original = path.read_bytes()
    MODULE_DAMAGE[damage](path)
    assert fixed_point_value() == 0.5
    assert_one_report(capsys.readouterr().err, path)
    assert not (kernels / MARKER).exists()
    assert path.read_bytes() == original  # regenerated, byte for byte
    assert load_kernel("fixed_point").flat.stats.cache_hits  # the same text: Numba's cache still serves it


INDEX_DAMAGE: dict[str, Callable[[Path], None]] = {
    "a list": lambda path: path.write_text("[]"),
    "garbage": lambda path: path.write_bytes(b"\x00\xff{not json"),
    "truncated": truncate,
    "a directory": replace_by_directory,
    "the wrong shape": lambda path: path.write_text(json.dumps({"format": cache.INDEX_FORMAT, "sources": "0" * 64,
                                                                 "kernels": []})),
    "a bad digest": lambda path: path.write_text(
        path.read_text().replace(json.loads(path.read_text())["kernels"]["fixed_point"]["sha256"], "x" * 64)),
    "deeply nested": lambda path: path.write_text("[" * 100_000),
    "a path for a name": lambda path: path.write_text(path.read_text().replace('"fixed_point"', '"../fixed_point"')),
}


@pytest.mark.parametrize("damage", list(INDEX_DAMAGE))
def test_damaged_index_is_rebuilt(kernels: Path, damage: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = kernels / "index.json"
    INDEX_DAMAGE[damage](path)
    assert fixed_point_value() == 0.5
    assert_one_report(capsys.readouterr().err, path)
    recorded = cache.read_index()
    assert recorded is not None and recorded[0] == cache.source_digest()
    assert set(recorded[1]) == {"fixed_point"}  # only the kernel asked for is generated again


NUMBA_DAMAGE: dict[str, tuple[str, Callable[[Path], None], str]] = {  # file damaged, how, file reported
    "truncated index": (".nbi", truncate, ".nbi"),
    "truncated data": (".nbc", truncate, ".nbc"),
    "garbage data": (".nbc", lambda path: path.write_bytes(b"\x80\x05garbage"), ".nbc"),
    "valid pickle of other data": (".nbc", lambda path: path.write_bytes(pickle.dumps(("not", "code"))), ".nbc"),
    "index a directory": (".nbi", replace_by_directory, ".nbi"),
    "digests garbage": (".sha256", lambda path: path.write_text("{"), ".sha256"),
    "digests altered": (".sha256", lambda path: path.write_text(
        json.dumps(dict.fromkeys(json.loads(path.read_text()), "0" * 64))), ".nbi"),
}


@pytest.mark.jit  # inspects Numba's cache files
@pytest.mark.parametrize("damage", list(NUMBA_DAMAGE))
def test_damaged_numba_cache_is_recompiled(kernels: Path, damage: str, capsys: pytest.CaptureFixture[str]) -> None:
    suffix, how, reported = NUMBA_DAMAGE[damage]
    report = numba_file(kernels, reported)
    how(numba_file(kernels, suffix))
    assert fixed_point_value() == 0.5
    assert_one_report(capsys.readouterr().err, report)
    assert load_kernel("fixed_point").flat.stats.cache_misses
    cache.forget_loaded()  # a fresh module reads the rebuilt Numba cache
    assert fixed_point_value() == 0.5
    assert load_kernel("fixed_point").flat.stats.cache_hits
    assert capsys.readouterr().err == ""


def test_kernels_folder_that_is_a_file_is_replaced(kernels: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(kernels)
    kernels.write_text("not a folder")
    assert fixed_point_value() == 0.5
    assert_one_report(capsys.readouterr().err, kernels)
    assert fixed_point_module(kernels).is_file()


def test_the_index_lock_makes_a_second_writer_wait(kernels: Path) -> None:
    """generate() records its entry under index_locked(): a holder in another process makes it wait, so two
    processes building different kernels at once cannot drop each other's entry."""
    import subprocess
    import sys
    import time

    from symdae.codegen import _index

    hold = ("import fcntl, sys, time\nf = open(sys.argv[1], 'a')\nfcntl.flock(f, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\ntime.sleep(1.5)\n")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(_index.index_path().with_name("index.lock"))],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    start = time.perf_counter()
    with _index.index_locked():
        waited = time.perf_counter() - start
    assert holder.wait(timeout=30) == 0
    assert waited > 1.0, waited


def test_one_index_serves_every_kernel(kernels: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recorded = cache.read_index()
    assert recorded is not None and set(recorded[1]) == set(KERNELS)
    assert sorted(p.name for p in kernels.glob("index*")) == ["index.json", "index.lock"]  # one index, its lock
    expected = {name: entry.fingerprint for name, entry in recorded[1].items()}
    assert fingerprints() == expected  # read from the index
    path = kernels / "index.json"
    path.write_text('{"format": 3')
    some = ("fixed_point", "equivalent_kappa")
    for name in some:
        assert load_kernel(name).FINGERPRINT == expected[name]
    assert_one_report(capsys.readouterr().err, path)
    recorded = cache.read_index()
    assert recorded is not None and {n: e.fingerprint for n, e in recorded[1].items()} == {n: expected[n] for n in some}


def test_index_of_another_version_is_rebuilt_silently(kernels: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (kernels / "index.json").write_text(json.dumps({"format": 99}))
    assert fixed_point_value() == 0.5
    assert capsys.readouterr().err == ""


def test_clear_removes_the_compiled_code_under_numba_cache_dir(
        kernels: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(numba_config, "CACHE_DIR", str(tmp_path / "numba"))
    folder = cache._numba_cache_folder(kernels)
    assert folder is not None and folder.parent == tmp_path / "numba"
    folder.mkdir(parents=True)
    (folder / "stale.nbi").write_bytes(b"")
    generated = sum(1 for p in kernels.rglob("*") if p.is_file())
    assert cache.clear() == generated + 1
    assert not kernels.exists() and not folder.exists()


@pytest.mark.jit  # inspects Numba's cache files
def test_numba_files_without_recorded_digests_are_recompiled_silently(
        kernels: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """E.g. compiled by an earlier symdae: not verifiable, so not trusted, but not damaged either."""
    digests = numba_file(kernels, ".sha256")
    digests.unlink()
    assert fixed_point_value() == 0.5
    assert load_kernel("fixed_point").flat.stats.cache_misses
    assert capsys.readouterr().err == ""
    assert set(json.loads(digests.read_text())) == {numba_file(kernels, ".nbi").name, numba_file(kernels, ".nbc").name}


def test_damaged_module_without_an_index_is_regenerated(kernels: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (kernels / "index.json").unlink()  # the cold path: modules checked against fresh text
    path = fixed_point_module(kernels)
    other_module(path)
    assert fixed_point_value() == 0.5
    assert_one_report(capsys.readouterr().err, path)
    assert not (kernels / MARKER).exists()


def test_cli_listing_repairs_a_damaged_cache(kernels: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from symdae.cli import main

    (kernels / "index.json").write_text("[]")
    truncate(fixed_point_module(kernels))
    assert main(["kernels"]) == 0
    captured = capsys.readouterr()
    assert [line.split(" is damaged")[0] for line in captured.err.splitlines()] == [
        f"symdae: kernel cache: {kernels / 'index.json'}", f"symdae: kernel cache: {fixed_point_module(kernels)}"]
    assert "fixed_point" in captured.out and "mode_trajectory" in captured.out
