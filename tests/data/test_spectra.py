"""Σ = XᵀX (a sum), its eigendecomposition, and the on-disk cache."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from symdae.cli import main
from symdae.data import Dataset, Digests, check_file, checksums, load, preprocess
from symdae.data import spectra as spectra_module
from symdae.data.registry import KnownFile
from symdae.data.spectra import gram_matrix, psd_eigh, spectra_dir, spectrum
from tests.data.helpers import sha256_of, tamper_keeping_size_and_times, write_mnist


def write_synthetic(folder: Path) -> None:
    """The synthetic MNIST files of these tests: one Σ, so its eigendecomposition is computed once."""
    write_mnist(folder, np.random.default_rng(8), n=40)


@pytest.fixture
def synthetic(tmp_path: Path) -> Dataset:
    write_synthetic(tmp_path / "mnist")
    return load("mnist", data_root=tmp_path, verify=False)


def test_gram_matrix_is_the_sum_of_outer_products() -> None:
    x = np.random.default_rng(9).normal(size=(6, 4))
    np.testing.assert_allclose(gram_matrix(x), sum(np.outer(row, row) for row in x), rtol=1e-13)
    np.testing.assert_allclose(gram_matrix(np.vstack([x, x])), 2 * gram_matrix(x), rtol=1e-13)  # grows with N
    with pytest.raises(ValueError, match="x must be a matrix"):
        gram_matrix(np.ones(3))


def test_psd_eigh_order_reconstruction_signs_and_clipping() -> None:
    x = np.random.default_rng(10).normal(size=(3, 6))  # rank 3 < 6: a singular Σ
    sigma = gram_matrix(x)
    values, vectors = psd_eigh(sigma)
    assert np.all(np.diff(values) <= 0) and np.all(values >= 0) and np.all(values[3:] < 1e-12 * values[0])
    np.testing.assert_allclose((vectors * values) @ vectors.T, sigma, atol=1e-12)
    np.testing.assert_allclose(vectors.T @ vectors, np.eye(6), atol=1e-12)
    pivots = np.abs(vectors).argmax(axis=0)
    assert np.all(vectors[pivots, np.arange(6)] > 0)
    with pytest.raises(ValueError, match="sigma must be a square matrix"):
        psd_eigh(np.ones((2, 3)))


def test_spectrum_of_a_dataset_and_its_cache(synthetic: Dataset, fresh_cache: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    result = spectrum(synthetic)
    assert not result.from_cache and result.path is not None and result.path.parent == spectra_dir()
    sigma = preprocess(synthetic.images).T @ preprocess(synthetic.images)
    np.testing.assert_allclose(result.sigma(), sigma, atol=1e-10 * np.abs(sigma).max())
    assert result.eigenvalues.shape == (784,) and result.eigenvectors.shape == (784, 784)
    assert result.n == 40 and result.provenance == "unverified" and result.checksum == synthetic.checksum

    monkeypatch.setattr(spectra_module, "psd_eigh", lambda sigma: pytest.fail("recomputed despite the cache"))
    again = spectrum(synthetic)
    assert again.from_cache
    np.testing.assert_array_equal(again.eigenvalues, result.eigenvalues)
    np.testing.assert_array_equal(again.eigenvectors, result.eigenvectors)


def test_cache_key_separates_transform_and_n(synthetic: Dataset, tmp_path: Path, fresh_cache: Path) -> None:
    uncentred, centred = spectrum(synthetic), spectrum(synthetic, "centre")
    assert uncentred.path != centred.path
    assert uncentred.eigenvalues[0] > centred.eigenvalues[0]  # the mean direction dominates uncentred data
    fewer = spectrum(load("mnist", n=20, data_root=tmp_path, verify=False))
    assert fewer.path not in (uncentred.path, centred.path) and not fewer.from_cache
    assert sorted(p.name for p in spectra_dir().iterdir()) == sorted(
        p.name for p in (uncentred.path, centred.path, fewer.path) if p is not None
    )  # no temporary files left


def test_unreadable_cache_file_is_recomputed(synthetic: Dataset, fresh_cache: Path) -> None:
    first = spectrum(synthetic)
    assert first.path is not None
    first.path.write_bytes(b"garbage")
    second = spectrum(synthetic)
    assert not second.from_cache
    np.testing.assert_array_equal(second.eigenvalues, first.eigenvalues)
    assert spectrum(synthetic).from_cache


def test_no_cache_option(synthetic: Dataset, fresh_cache: Path) -> None:
    result = spectrum(synthetic, cache=False)
    assert result.path is None and not result.from_cache and not spectra_dir().exists()
    with pytest.raises(ValueError, match="transform must be one of"):
        spectrum(synthetic, "whiten")


@pytest.mark.data
def test_real_mnist_spectrum_small_n(data_root: Path, mnist_folder: Path, fresh_cache: Path) -> None:
    data = load("mnist", n=1000, data_root=data_root)
    result = spectrum(data)
    x = preprocess(data.images)
    np.testing.assert_allclose(result.eigenvalues.sum(), np.sum(x * x), rtol=1e-12)  # trace Σ = Σ_i ||x_i||²
    assert result.provenance == "mnist-official"
    assert result.eigenvalues[0] > 5 * result.eigenvalues[1]  # uncentred: the mean direction dominates


# --- the cache verifies what it reads, and repairs itself ------------------------------------------------------


def _rewrite(path: Path, **changes: object) -> None:
    """Rewrite the cached spectrum at ``path`` with some arrays (or metadata fields) changed."""
    with np.load(path) as stored:
        arrays = {key: stored[key] for key in stored.files}
    meta = json.loads(str(arrays["meta"]))
    for key, value in changes.items():
        if key in meta:
            meta[key] = value
        elif value is None:
            del arrays[key]
        else:
            arrays[key] = value
    arrays["meta"] = changes.get("meta_text", np.array(json.dumps(meta)))  # type: ignore[assignment]
    arrays.pop("meta_text", None)
    with path.open("wb") as handle:
        np.savez(handle, **arrays)  # type: ignore[arg-type]


def _edited_values(path: Path) -> np.ndarray:
    with np.load(path) as stored:
        values = stored["eigenvalues"].copy()
    values[0] *= 1.001
    return values


def _nan_values(path: Path) -> np.ndarray:
    values = _edited_values(path)
    values[3] = np.nan
    return values


def _directory(path: Path) -> None:
    path.unlink()
    (path / "inside").mkdir(parents=True)


DAMAGE = {
    "empty": (lambda p: p.write_bytes(b""), "empty"),
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]), "unreadable: BadZipFile"),
    "not a zip": (lambda p: p.write_bytes(b"garbage" * 10), "unreadable: ValueError"),
    "a directory": (_directory, "not a regular file"),
    "missing array": (lambda p: _rewrite(p, eigenvectors=None), "holds ['eigenvalues', 'meta'], not"),
    "edited value": (lambda p: _rewrite(p, eigenvalues=_edited_values(p)), "do not match their stored SHA-256"),
    "NaN": (lambda p: _rewrite(p, eigenvalues=_nan_values(p)), "eigenvalues has non-finite values"),
    "wrong shape": (lambda p: _rewrite(p, eigenvalues=np.ones(10)), "eigenvalues is float64 (10,), not float64 (784,)"),
    "wrong dtype": (lambda p: _rewrite(p, eigenvalues=np.ones(784, np.float32)), "eigenvalues is float32 (784,)"),
    "other data": (lambda p: _rewrite(p, checksum="0" * 64), "made for other data: checksum '000"),
    "other n": (lambda p: _rewrite(p, n=39), "made for other data: n 39 (expected 40)"),
    "metadata not JSON": (lambda p: _rewrite(p, meta_text=np.array("{")), "unreadable: JSONDecodeError"),
    "metadata a list": (lambda p: _rewrite(p, meta_text=np.array("[]")), "its metadata is not a JSON object"),
    "pickled array": (lambda p: _rewrite(p, eigenvalues=np.array([object()] * 784)), "unreadable: ValueError"),
}


@pytest.mark.parametrize("kind", DAMAGE)
def test_damaged_cached_spectrum_is_reported_and_recomputed(kind: str, synthetic: Dataset, fresh_cache: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    damage, reason = DAMAGE[kind]
    first = spectrum(synthetic)
    assert first.path is not None and not first.from_cache
    damage(first.path)
    capsys.readouterr()
    second = spectrum(synthetic)
    assert not second.from_cache and second.path == first.path
    np.testing.assert_array_equal(second.eigenvalues, first.eigenvalues)
    np.testing.assert_array_equal(second.eigenvectors, first.eigenvectors)
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith(f"symdae: cached spectrum {first.path} is damaged (") and reason in err, err
    assert err.rstrip().endswith("; recomputing")
    assert ("moved it aside" if kind == "a directory" else "removed it") in err
    third = spectrum(synthetic)  # rebuilt: served from the cache, silently
    assert third.from_cache and capsys.readouterr().err == ""


def test_spectrum_of_an_older_format_is_replaced_quietly(synthetic: Dataset, fresh_cache: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    first = spectrum(synthetic)
    assert first.path is not None
    _rewrite(first.path, format=1)
    capsys.readouterr()
    assert not spectrum(synthetic).from_cache and capsys.readouterr().err == ""
    assert spectrum(synthetic).from_cache


def test_cache_that_cannot_be_written_is_reported_and_skipped(synthetic: Dataset, fresh_cache: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    fresh_cache.mkdir(exist_ok=True)
    (fresh_cache / "spectra").write_text("a file where the folder should be")
    result = spectrum(synthetic)
    assert result.path is None and not result.from_cache and result.eigenvalues.shape == (784,)
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("symdae: could not write the spectrum cache "), err


def test_cached_spectrum_carries_the_data_checksum(synthetic: Dataset, fresh_cache: Path) -> None:
    result = spectrum(synthetic)
    assert result.path is not None and synthetic.checksum[:16] in result.path.name
    with np.load(result.path) as stored:
        meta = json.loads(str(stored["meta"]))
    assert meta["checksum"] == synthetic.checksum and len(meta["arrays_sha256"]) == 64


def _register_as_official(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make the synthetic files in ``folder`` count as official MNIST (the registry knows their SHA-256)."""
    known = tuple(KnownFile("mnist", path.name, "sha256", sha256_of(path), "mnist-official")
                  for path in folder.iterdir())
    monkeypatch.setattr(checksums, "KNOWN_FILES", checksums.KNOWN_FILES + known)


def test_tampered_file_loses_its_label_and_its_cached_spectrum(tmp_path: Path, fresh_cache: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               settle: Callable[[], None],
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's reproduction: same size, same modification time, other pixels."""
    folder = tmp_path / "mnist"
    write_synthetic(folder)
    _register_as_official(monkeypatch, folder)
    settle()
    data = load("mnist", data_root=tmp_path)
    assert data.provenance == "mnist-official" and data.exact
    first = spectrum(data)
    assert spectrum(load("mnist", data_root=tmp_path)).from_cache
    images = folder / "train-images-idx3-ubyte"
    assert check_file(images, "mnist").cached  # the digest cache is warm, as for `symdae data info`

    tamper_keeping_size_and_times(images, 16 + 5 * 784, 16 + 6 * 784)  # the pixels of image 5
    with pytest.raises(ValueError, match="matches no known version of train-images-idx3-ubyte"):
        load("mnist", data_root=tmp_path)
    check = check_file(images, "mnist", verify=False)
    assert not check.cached and check.source.id == "unverified"
    tampered = load("mnist", data_root=tmp_path, verify=False)
    assert tampered.provenance == "unverified+mnist-official" and not tampered.exact  # the labels are untouched
    assert tampered.checksum != data.checksum
    content = images.read_bytes()
    assert tampered.files[0].digests == Digests(hashlib.sha256(content).hexdigest(), hashlib.md5(content).hexdigest())
    again = spectrum(tampered)
    assert not again.from_cache and again.path != first.path
    assert not np.array_equal(again.eigenvalues, first.eigenvalues)

    capsys.readouterr()
    argv = ["data", "spectrum", "--dataset", "mnist", "--data-root", str(tmp_path), "--top", "1"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "matches no known version" in err and "--no-verify" in err and "Traceback" not in err
    assert main(["data", "info", "--data-root", str(tmp_path)]) == 1
    assert "train-images-idx3-ubyte      UNRECOGNISED unverified" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["spectrum", pytest.param("predict", marks=pytest.mark.slow)])  # JIT: ~15 s
def test_commands_recover_from_a_truncated_cached_spectrum(command: str, tmp_path: Path, fresh_cache: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "mnist"
    write_synthetic(folder)
    _register_as_official(monkeypatch, folder)
    argv = {"spectrum": ["data", "spectrum", "--dataset", "mnist", "--samples", "40"],
            "predict": ["predict", "--dataset", "mnist", "--samples", "40", "--lr", "0.01", "--top", "3"]}[command]
    argv += ["--data-root", str(tmp_path)]
    assert main(argv) == 0
    cached = list(spectra_dir().glob("*.npz"))
    assert len(cached) == 1
    cached[0].write_bytes(cached[0].read_bytes()[:100])
    capsys.readouterr()
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith(f"symdae: cached spectrum {cached[0]} is damaged (unreadable")
    assert main(argv) == 0 and capsys.readouterr().err == ""


def test_unusable_cache_folder_is_reported_once_and_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    write_synthetic(tmp_path / "mnist")
    (tmp_path / "not-a-folder").write_text("x")
    monkeypatch.setenv("SYMDAE_CACHE_DIR", str(tmp_path / "not-a-folder"))
    data = load("mnist", data_root=tmp_path, verify=False)
    result = spectrum(data)
    assert result.path is None and not result.from_cache and result.eigenvalues.shape == (784,)
    assert check_file(tmp_path / "mnist" / "train-images-idx3-ubyte", "mnist", verify=False).digests == \
        data.files[0].digests
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith(f"symdae: SYMDAE_CACHE_DIR {tmp_path / 'not-a-folder'} cannot be created")
    assert err.rstrip().endswith("; continuing without the data caches")
