"""Preprocessing: pixels / 255, flattened in stored order; centring and standardising."""

from __future__ import annotations

import numpy as np
import pytest

from symdae.data import preprocessing
from symdae.data.cifar import parse_cifar_bin
from symdae.data.preprocessing import Preprocessor, flatten, preprocess
from tests.data.helpers import cifar_bin_bytes, random_images


@pytest.fixture
def images() -> np.ndarray:
    return random_images(np.random.default_rng(5), 7, (3, 4, 4))[0]


def test_default_is_uncentred_pixels_over_255(images: np.ndarray) -> None:
    x = preprocess(images)
    assert x.shape == (7, 48) and x.dtype == np.float64
    np.testing.assert_array_equal(x, images.reshape(7, -1) / 255.0)
    assert x.min() >= 0.0 and x.max() <= 1.0


def test_float32_output(images: np.ndarray) -> None:
    x = preprocess(images, dtype=np.float32)
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x, (images.reshape(7, -1) / 255.0).astype(np.float32))


def test_cifar_flattening_keeps_the_official_channel_major_order() -> None:
    images, labels = random_images(np.random.default_rng(6), 2, (3, 32, 32))
    content = cifar_bin_bytes(images, labels)
    parsed, _ = parse_cifar_bin(content)
    records = np.frombuffer(content, dtype=np.uint8).reshape(2, 3073)
    np.testing.assert_array_equal(flatten(parsed), records[:, 1:])
    assert preprocess(parsed).shape == (2, 3072)


def test_centre_and_standardise(images: np.ndarray) -> None:
    constant = images.copy()
    constant[:, 0, 0, 0] = 17  # a constant feature
    centred = preprocess(constant, "centre")
    np.testing.assert_allclose(centred.mean(axis=0), 0.0, atol=1e-15)
    np.testing.assert_allclose(centred, constant.reshape(7, -1) / 255.0 - (constant.reshape(7, -1) / 255.0).mean(0),
                               atol=1e-15)
    standard = preprocess(constant, "standardise")
    np.testing.assert_allclose(standard[:, 1:].std(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(standard[:, 0], 0.0)


def test_chunked_application_matches_whole(images: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = preprocess(images, "standardise")
    monkeypatch.setattr(preprocessing, "_CHUNK_ROWS", 3)
    np.testing.assert_allclose(preprocess(images, "standardise"), whole, rtol=0, atol=1e-14)


def test_invalid_arguments(images: np.ndarray) -> None:
    with pytest.raises(ValueError, match="transform must be one of none, centre, standardise; got 'whiten'"):
        preprocess(images, "whiten")
    with pytest.raises(ValueError, match="dtype must be float64 or float32; got float16"):
        preprocess(images, dtype=np.float16)
    with pytest.raises(ValueError, match="images must be uint8 pixel values 0-255; got dtype float64"):
        preprocess(images / 255.0)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        flatten(np.zeros(3, dtype=np.uint8))
    with pytest.raises(ValueError, match="non-empty uint8 array"):
        Preprocessor.fit(np.zeros((0, 3), dtype=np.uint8))
