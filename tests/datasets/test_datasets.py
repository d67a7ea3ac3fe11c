"""Offline datasets: bundled digits and the 2-D mixture benchmarks."""

import numpy as np
import pytest

from keras_gans.datasets import grid_of_gaussians, load_digits, ring_of_gaussians


def test_digits_are_scaled_to_the_tanh_range_and_upscale_exactly():
    x, y = load_digits()
    assert x.dtype == np.float32 and y.dtype == np.int32
    assert x.min() == -1.0 and x.max() == 1.0
    assert np.bincount(y).min() > 170  # ten balanced classes
    big, _ = load_digits(image_size=16)
    np.testing.assert_array_equal(big[:, ::2, ::2], x)
    with pytest.raises(ValueError, match="image_size"):
        load_digits(image_size=0)


def test_ring_has_eight_distinct_modes_on_the_circle():
    points, centres = ring_of_gaussians(4000, std=0.01, seed=0)
    distances = np.linalg.norm(centres[:, None] - centres[None], axis=-1)
    assert distances[~np.eye(8, dtype=bool)].min() > 1.5  # 0 and 2*pi are not both used
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 2.0, rtol=1e-6)
    nearest = np.linalg.norm(points[:, None] - centres[None], axis=-1).argmin(axis=1)
    assert len(np.unique(nearest)) == 8
    assert abs(points.std(axis=0).mean() - np.sqrt(2)) < 0.05  # radius 2 ring: std sqrt(2)


def test_grid_centres_are_the_5x5_lattice():
    points, centres = grid_of_gaussians(1000, seed=1)
    assert sorted(set(centres[:, 0].tolist())) == [-4.0, -2.0, 0.0, 2.0, 4.0]
    assert len({tuple(c) for c in centres.tolist()}) == 25
    offsets = points[:, None] - centres[None]
    assert np.linalg.norm(offsets, axis=-1).min(axis=1).max() < 0.5
    with pytest.raises(ValueError, match="std"):
        grid_of_gaussians(10, std=0)
