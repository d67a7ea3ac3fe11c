"""SWD and MS-SSIM on constructed cases, and MS-SSIM against TensorFlow's implementation."""

import math
import tracemalloc

import numpy as np
import pytest
import tensorflow as tf

from keras_gans import metrics
from keras_gans.datasets import load_digits
from keras_gans.metrics.ms_ssim import ms_ssim_settings
from keras_gans.metrics.sliced_wasserstein import (
    _patch_positions,
    _set_descriptors,
    _upsample,
    laplacian_pyramid,
)


def test_laplacian_pyramid_rebuilds_the_image_exactly():
    images = np.random.default_rng(0).uniform(-1, 1, size=(3, 32, 32, 2))
    pyramid = laplacian_pyramid(images, 3)
    assert [level.shape[1] for level in pyramid] == [32, 16, 8]
    rebuilt = pyramid[-1]
    for level in reversed(pyramid[:-1]):
        rebuilt = level + _upsample(rebuilt, level.shape)
    np.testing.assert_allclose(rebuilt, images, atol=1e-12)
    # A constant image has no band-pass content.
    flat = laplacian_pyramid(np.full((1, 16, 16, 1), 0.5), 2)
    np.testing.assert_allclose(flat[0], 0.0, atol=1e-12)


def test_sliced_wasserstein_distance_of_shifted_sets():
    a = np.random.default_rng(1).normal(size=(500, 1))
    # In 1-D every direction is +-1: the distance is exactly the shift.
    assert metrics.sliced_wasserstein_distance(a, a + 3.0, directions=8) == pytest.approx(3.0)
    # In d dimensions, E|u . c| over unit u is |c| Gamma(d/2) / (sqrt(pi) Gamma((d+1)/2)).
    d, shift = 5, np.array([1.0, -2.0, 0.5, 0.0, 2.0])
    b = np.random.default_rng(2).normal(size=(500, d))
    expected = (
        np.linalg.norm(shift) * math.gamma(d / 2) / (math.sqrt(math.pi) * math.gamma((d + 1) / 2))
    )
    value = metrics.sliced_wasserstein_distance(b, b + shift, directions=20000, seed=0)
    assert value == pytest.approx(expected, rel=0.02)


def test_swd_is_zero_for_identical_sets_and_orders_similar_before_different():
    x, _ = load_digits(image_size=16)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(x))
    first, second = x[order[:400]], x[order[400:800]]
    noise = rng.uniform(-1, 1, size=first.shape)
    kwargs = dict(patches_per_image=16, directions=128)
    assert metrics.sliced_wasserstein(first, first, **kwargs).value == 0.0
    similar = metrics.sliced_wasserstein(first, second, **kwargs)
    different = metrics.sliced_wasserstein(first, noise, **kwargs)
    assert 0 < similar.value < different.value / 5
    assert similar.protocol["levels"] == [16] and similar.protocol["patch_size"] == 7
    assert set(similar.details) == {"swd_16px"}


def test_swd_levels_on_larger_images():
    x = np.random.default_rng(3).uniform(-1, 1, size=(6, 64, 64, 3))
    result = metrics.sliced_wasserstein(x, x[::-1], patches_per_image=4, directions=16)
    assert result.protocol["levels"] == [64, 32, 16]
    assert set(result.details) == {"swd_64px", "swd_32px", "swd_16px"}
    assert result.value == pytest.approx(np.mean(list(result.details.values())))


def _peak_bytes(function, *args, **kwargs):
    """`(result, peak bytes NumPy and Python allocated while `function` ran)`."""
    tracemalloc.start()
    try:
        return function(*args, **kwargs), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_swd_builds_pyramids_in_chunks_without_copying_the_sets():
    rng = np.random.default_rng(4)
    real = rng.uniform(-1, 1, size=(600, 32, 32, 3)).astype("float32")
    fake = np.tanh(1.5 * real[::-1] + rng.normal(0, 0.3, size=real.shape)).astype("float32")
    kwargs = dict(patches_per_image=4, directions=32, seed=1)
    whole = metrics.sliced_wasserstein(real, fake, chunk=600, **kwargs)
    for chunk in (1, 7, None):
        chunked = metrics.sliced_wasserstein(real, fake, chunk=chunk, **kwargs)
        assert chunked.value == whole.value and chunked.details == whole.details
    small, peak = _peak_bytes(metrics.sliced_wasserstein, real, fake, chunk=16, **kwargs)
    assert small.value == whole.value
    # A float64 copy of one set alone is 14.7 MB; descriptors + a 16-image chunk ~ 9 MB.
    assert peak < real.size * 8
    with pytest.raises(ValueError, match="chunk"):
        metrics.sliced_wasserstein(real, fake, chunk=0, **kwargs)


def test_swd_normalises_descriptors_with_float64_moments():
    # Bright, low-contrast RGB images: 1.25M values per channel summed over strided axes.
    # In float32 NumPy accumulates them one by one and the moments drift.
    rng = np.random.default_rng(0)
    n, per_image, patch = 200, 128, 7
    images = (3.0 + 0.05 * rng.standard_normal((n, 16, 16, 3))).astype("float32")
    positions = _patch_positions([(1, 16, 16, 3)], n * per_image, patch, [1])
    (ours,) = _set_descriptors(images, np.arange(n), 1, per_image, patch, positions, 64)
    # By hand: one pyramid level is the image itself; gather the patches, normalise in float64.
    ys, xs = positions[0]
    owner = np.repeat(np.arange(n), per_image)
    offsets = np.arange(patch)
    raw = images.astype(np.float64)[
        owner[:, None, None],
        ys[:, None, None] + offsets[None, :, None],
        xs[:, None, None] + offsets[None, None, :],
    ]
    expected = (raw - raw.mean(axis=(0, 1, 2))) / raw.std(axis=(0, 1, 2))
    np.testing.assert_allclose(ours, expected.reshape(len(raw), -1), atol=1e-5)
    # The case is a real one: float32 reductions are measurably off here.
    single = raw.astype("float32")
    assert np.abs(single.mean(axis=(0, 1, 2)) - raw.mean(axis=(0, 1, 2))).max() > 1e-4


def test_ms_ssim_diversity_casts_only_the_drawn_pairs():
    images = np.random.default_rng(6).uniform(-1, 1, size=(2000, 32, 32, 3)).astype("float32")
    result, peak = _peak_bytes(metrics.ms_ssim_diversity, images, pairs=20)
    assert 0 < result.value < 0.2  # independent noise: nearly unrelated pairs
    assert peak < images.nbytes / 4  # a float64 copy of the set would be 2x its size


def test_ms_ssim_of_constant_images_matches_the_luminance_closed_form():
    a, b = 0.6, 0.1
    x, y = np.full((1, 64, 64, 1), a), np.full((1, 64, 64, 1), b)
    settings = ms_ssim_settings(64)
    c1 = (0.01 * 2.0) ** 2
    # Zero variance: every contrast-structure term is C2 / C2 = 1, only the last scale's
    # luminance remains, raised to that scale's (normalised) weight. Intensities in
    # [-1, 1] are taken to [0, 2] first.
    a, b = a + 1.0, b + 1.0
    expected = ((2 * a * b + c1) / (a * a + b * b + c1)) ** settings["weights"][-1]
    assert metrics.ms_ssim(x, y)[0] == pytest.approx(expected, rel=1e-12)
    # Images already in [0, L] are taken as they are with min_val=0.
    assert metrics.ms_ssim(x + 1.0, y + 1.0, min_val=0.0)[0] == pytest.approx(expected, rel=1e-12)


def test_ms_ssim_matches_tensorflow_ssim_multiscale():
    rng = np.random.default_rng(4)
    base = rng.uniform(-1, 1, size=(3, 64, 64, 3))
    other = np.clip(base + rng.normal(scale=0.3, size=base.shape), -1, 1)
    ours = metrics.ms_ssim(base, other, filter_size=11, filter_sigma=1.5, scales=3)
    # Ours renormalises the first `scales` standard weights; give TF the same weights, and
    # the images in [0, 2] (TF expects intensities in [0, max_val]).
    used = np.array((0.0448, 0.2856, 0.3001)) / np.sum((0.0448, 0.2856, 0.3001))
    reference = tf.image.ssim_multiscale(
        tf.constant(base + 1, tf.float32), tf.constant(other + 1, tf.float32), 2.0, used
    ).numpy()
    np.testing.assert_allclose(ours, reference, rtol=2e-4)
    assert 0.05 < ours.min() < ours.max() < 0.95  # a non-trivial case


def test_ms_ssim_of_one_structure_shifted_across_zero():
    # One structure, 0.1 brighter and 0.1 darker than 0: the local means have opposite
    # signs in [-1, 1]. Unshifted, the luminance term went negative, was clipped to 0 and
    # zeroed the product.
    base = np.random.default_rng(0).uniform(-0.2, 0.2, size=(1, 32, 32, 1))
    x, y = base + 0.1, base - 0.1
    ours = metrics.ms_ssim(x, y, filter_size=11, filter_sigma=1.5)
    weights = ms_ssim_settings(32, filter_size=11)["weights"]
    reference = tf.image.ssim_multiscale(
        tf.constant(x + 1, tf.float32), tf.constant(y + 1, tf.float32), 2.0, weights
    ).numpy()
    np.testing.assert_allclose(ours, reference, rtol=2e-4)
    assert ours[0] == pytest.approx(0.983, abs=1e-3)


def test_ms_ssim_small_image_settings_are_recorded():
    assert ms_ssim_settings(8) == {
        "filter_size": 3,
        "filter_sigma": 0.5,
        "scales": 2,
        "weights": pytest.approx([0.0448 / 0.3304, 0.2856 / 0.3304]),
    }
    assert ms_ssim_settings(176)["scales"] == 5 and ms_ssim_settings(64)["scales"] == 3
    with pytest.raises(ValueError, match="scales"):
        ms_ssim_settings(16, filter_size=11, scales=2)


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"scales": 0}, "`scales` must be a positive integer. Received: scales=0"),
        ({"scales": -1}, "`scales` must be a positive integer. Received: scales=-1"),
        ({"scales": 1.5}, "`scales` must be a positive integer"),
        ({"filter_sigma": 0.0}, "`filter_sigma` must be a positive finite number. Received: "),
        ({"filter_sigma": -1}, "`filter_sigma` must be a positive finite number"),
        ({"filter_size": 0}, "`filter_size` must be a positive integer. Received: "),
        ({"max_val": 0}, "`max_val` must be a positive finite number"),
        ({"min_val": float("nan")}, "`min_val` must be a number"),
    ],
)
def test_ms_ssim_rejects_bad_settings(settings, message):
    images = np.random.default_rng(0).uniform(-1, 1, size=(2, 1, 32, 32, 1))
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        metrics.ms_ssim(images[0], images[1], **settings)
    window = {key: value for key, value in settings.items() if "val" not in key}
    if window:
        with pytest.raises(ValueError, match=message.replace("(", r"\(")):
            metrics.ms_ssim_diversity(images[:, 0], pairs=2, **window)


def test_ms_ssim_diversity_separates_collapsed_from_diverse_samples():
    x, y = load_digits()
    collapsed = np.repeat(x[:1], 50, axis=0)
    assert metrics.ms_ssim_diversity(collapsed, pairs=100).value == pytest.approx(1.0)
    diverse = metrics.ms_ssim_diversity(x, pairs=500)
    noise = np.random.default_rng(5).uniform(-1, 1, size=(200, 8, 8, 1))
    assert metrics.ms_ssim_diversity(noise, pairs=500).value < diverse.value < 0.9
    assert diverse.protocol["filter_size"] == 3 and diverse.protocol["scales"] == 2
    per_class = metrics.ms_ssim_diversity(x, pairs=100, labels=y)
    assert len(per_class.details) == 10
    # Images of one class look more alike than images of any class.
    assert per_class.value > diverse.value


def test_image_metrics_reject_bad_images():
    with pytest.raises(ValueError, match="uint8"):
        metrics.sliced_wasserstein(np.zeros((4, 8, 8, 1), "uint8"), np.zeros((4, 8, 8, 1)))
    with pytest.raises(ValueError, match="one image shape"):
        metrics.sliced_wasserstein(np.zeros((4, 8, 8, 1)), np.zeros((4, 16, 16, 1)))
    with pytest.raises(ValueError, match="at least 2"):
        metrics.ms_ssim_diversity(np.zeros((1, 8, 8, 1)))
