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
