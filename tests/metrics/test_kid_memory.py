"""KID stays in bounded memory for large sample counts: no n x n kernel matrix is built."""

import tracemalloc

import numpy as np
import pytest

from keras_gans import metrics
from keras_gans.metrics import kernel


def traced_peak(function, *args, **kwargs):
    """`(result, peak bytes)` of `function`; NumPy's allocations are traced by tracemalloc."""
    tracemalloc.start()
    try:
        result = function(*args, **kwargs)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_block_wise_kernel_sums_equal_the_whole_matrix_sums(monkeypatch):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(70, 5)), rng.normal(size=(45, 5)) + 0.2
    whole = kernel.polynomial_mmd2(x, y)  # 70 x 70 fits one block: the full matrices
    monkeypatch.setattr(kernel, "_BLOCK_ENTRIES", 100)  # blocks of 1-2 rows, offsets > 0
    blocks = kernel.polynomial_mmd2(x, y)
    assert blocks == pytest.approx(whole, rel=1e-12)
    assert blocks != pytest.approx(kernel.polynomial_mmd2(x, y[::2]), rel=1e-3)  # control


def test_mmd_of_large_samples_never_holds_an_n_by_n_matrix(monkeypatch):
    n = 3000  # one n x n float64 kernel matrix: 72 MB
    monkeypatch.setattr(kernel, "_BLOCK_ENTRIES", 2**18)  # 2 MiB blocks of 87 rows
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(n, 4)), rng.normal(size=(n, 4))
    value, peak = traced_peak(kernel.polynomial_mmd2, x, y)
    assert np.isfinite(value)
    # A block with its product and power temporaries (6 MiB measured); whole: 137 MiB.
    assert peak < 5 * 2**18 * 8 < n * n * 8 / 4


def test_kid_of_20000_samples_draws_subsets_in_bounded_memory():
    n = 20_000  # the whole-set kernel matrices would be 3 x 3.2 GB
    rng = np.random.default_rng(2)
    real, fake = rng.normal(size=(n, 4)), rng.normal(size=(n, 4)) + 0.5
    result, peak = traced_peak(metrics.kid, real, fake, extractor=None, subsets=3, subset_size=1000)
    assert result.protocol["subset_size"] == 1000 and result.value > 0.01
    # Two float64 copies of the features (1.3 MB) and 1000 x 1000 kernel blocks (8 MB each).
    assert peak < 64 * 2**20
