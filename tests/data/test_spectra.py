"""Σ = XᵀX (a sum), its eigendecomposition, and the on-disk cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from symdae.data import Dataset, load, preprocess
from symdae.data import spectra as spectra_module
from symdae.data.spectra import gram_matrix, psd_eigh, spectra_dir, spectrum
from tests.data.helpers import write_mnist


@pytest.fixture
def synthetic(tmp_path: Path) -> Dataset:
    write_mnist(tmp_path / "mnist", np.random.default_rng(8), n=40)
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
