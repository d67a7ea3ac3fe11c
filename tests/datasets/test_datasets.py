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


@pytest.mark.parametrize(
    "sampler, kwargs, match",
    [
        (ring_of_gaussians, {"modes": 0}, "`modes` must be a positive integer"),
        (ring_of_gaussians, {"modes": 2.5}, "`modes` must be a positive integer"),
        (ring_of_gaussians, {"radius": "2"}, "`radius` must be a positive finite number"),
        (ring_of_gaussians, {"std": float("nan")}, "`std` must be a positive finite number"),
        (ring_of_gaussians, {"std": float("inf")}, "`std` must be a positive finite"),
        (ring_of_gaussians, {"seed": -1}, "`seed` must be None or an integer >= 0"),
        (grid_of_gaussians, {"side": 0}, "`side` must be a positive integer"),
        (grid_of_gaussians, {"side": "5"}, "`side` must be a positive integer"),
        (grid_of_gaussians, {"spacing": -1.0}, "`spacing` must be a positive finite number"),
        (grid_of_gaussians, {"n": True}, "`n` must be a positive integer"),
    ],
)
def test_mixtures_check_their_arguments(sampler, kwargs, match):
    kwargs = {"n": 10, **kwargs}
    with pytest.raises(ValueError, match=match):
        sampler(**kwargs)


def test_mixtures_take_numpy_numbers_and_load_checks_them_too():
    from keras_gans.datasets import load

    points, centres = ring_of_gaussians(
        np.int64(10), modes=np.int32(4), radius=np.float64(1.0), std=np.float32(0.1), seed=0
    )
    assert points.shape == (10, 2) and centres.shape == (4, 2)
    assert np.isfinite(points).all()
    with pytest.raises(ValueError, match="`modes` must be a positive integer"):
        load("ring", modes=0)
    with pytest.raises(ValueError, match="`side`"):
        load("grid", side=0)
