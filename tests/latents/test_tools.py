"""Latent vector arithmetic and class-sweep grids."""

import numpy as np
import pytest

import keras_gans
import keras_gans.testing as kgt
from keras_gans.latents import class_sweep, latent_arithmetic


def test_arithmetic_averages_each_group_before_adding():
    a = np.array([[1.0, 2.0, 0.0], [3.0, 2.0, 0.0], [2.0, 2.0, 3.0]])  # mean (2, 2, 1)
    b = np.array([[0.0, 1.0, 1.0]])
    c = np.array([[4.0, 0.0, 0.0], [0.0, 0.0, 2.0]])  # mean (2, 0, 1)
    np.testing.assert_allclose(latent_arithmetic([a, c], [b]), [[4.0, 1.0, 1.0]])
    np.testing.assert_allclose(latent_arithmetic(a), [[2.0, 2.0, 1.0]])  # one group
    rows = latent_arithmetic([a], [b], n=50, noise=0.25, seed=0)
    assert rows.shape == (50, 3) and rows.dtype == np.float32
    np.testing.assert_allclose(rows[0], [2.0, 1.0, 0.0])
    jitter = rows[1:] - rows[0]
    assert np.abs(jitter).max() <= 0.25 and jitter.std() > 0.1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"plus": []}, "at least one group"),
        ({"plus": [np.zeros((2, 3))], "minus": [np.zeros((1, 4))]}, "same latent size"),
        ({"plus": [np.zeros((0, 3))]}, "k >= 1"),
        ({"plus": [np.zeros((1, 3))], "n": 0}, "`n`"),
        ({"plus": [np.zeros((1, 3))], "noise": -1.0}, "`noise`"),
    ],
)
def test_arithmetic_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        latent_arithmetic(**kwargs)


def test_class_sweep_rows_are_classes_and_columns_share_a_latent():
    gan = keras_gans.GANModel.from_architecture(
        "dcgan", image_shape=(8, 8, 1), latent_dim=4, num_classes=3, base_filters=4, seed=0
    )
    samples, classes = class_sweep(gan, columns=4, seed=3)
    assert samples.shape == (12, 8, 8, 1) and classes.tolist() == [0, 1, 2]
    z = np.asarray(gan.sample_latent(4, seed=3))
    np.testing.assert_allclose(samples[4:8], gan.generate(4, latents=z, labels=1), atol=1e-6)
    picked, classes = class_sweep(gan, classes=[2, 0], latents=z)
    np.testing.assert_allclose(picked[:4], samples[8:], atol=1e-6)
    assert classes.tolist() == [2, 0]
    with pytest.raises(ValueError, match=r"class ids in \[0, 3\)"):
        class_sweep(gan, classes=[5])
    with pytest.raises(ValueError, match="shape \\(columns, 4\\)"):
        class_sweep(gan, latents=np.zeros((2, 5)))
    with pytest.raises(ValueError, match="label-conditioned"):
        class_sweep(kgt.tiny_gan())


def test_truncated_normal_matches_the_closed_form_moments_and_tiny_thresholds_finish():
    from scipy.special import ndtr

    from keras_gans.latents import truncated_normal

    t = 1.0
    z = truncated_normal(20000, 10, threshold=t, seed=0).astype("float64")
    assert np.abs(z).max() <= t
    # Variance of N(0, 1) truncated to [-t, t]: 1 - 2 t phi(t) / (2 Phi(t) - 1).
    phi = np.exp(-(t**2) / 2) / np.sqrt(2 * np.pi)
    expected = 1 - 2 * t * phi / (2 * ndtr(t) - 1)
    assert z.var() == pytest.approx(expected, rel=0.01)  # 200k draws: sd of the estimate ~0.3%
    tiny = truncated_normal(4, 3, threshold=1e-6, seed=1)  # rejection sampling never ended here
    assert np.abs(tiny).max() <= 1e-6 and np.unique(tiny).size == 12
    np.testing.assert_array_equal(tiny, truncated_normal(4, 3, threshold=1e-6, seed=1))


@pytest.mark.parametrize("threshold", [0, -1.0, float("nan"), float("inf"), True, "0.5"])
def test_truncated_normal_rejects_thresholds_it_cannot_meet(threshold):
    from keras_gans.latents import truncated_normal

    with pytest.raises(ValueError, match=r"`threshold` must be a positive, finite number"):
        truncated_normal(2, 2, threshold=threshold)
