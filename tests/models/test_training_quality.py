"""Short trainings that must improve a discriminator-free measure of sample quality."""

import keras
import numpy as np
import pytest
from scipy import linalg

import keras_gans
from keras_gans.datasets import load_digits, ring_of_gaussians


def frechet_distance(a, b):
    """Frechet distance between Gaussians fitted to two sample sets (raw pixels)."""
    a = a.reshape(len(a), -1).astype("float64")
    b = b.reshape(len(b), -1).astype("float64")
    c1, c2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = linalg.sqrtm(c1 @ c2).real
    return float(np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(c1 + c2 - 2 * root))


def test_dcgan_on_bundled_digits_moves_sample_statistics_towards_the_data():
    x, _ = load_digits()
    keras.utils.set_random_seed(0)
    gan = keras_gans.GANModel.from_architecture(
        "dcgan", image_shape=(8, 8, 1), latent_dim=32, base_filters=32, seed=0
    )
    gan.compile(
        keras.optimizers.Adam(2e-4, beta_1=0.5),
        keras.optimizers.Adam(2e-4, beta_1=0.5),
        loss="non-saturating",
    )
    before = frechet_distance(gan.generate(1000, seed=0), x)
    gan.fit(x, batch_size=64, epochs=15, verbose=0)
    after = frechet_distance(gan.generate(1000, seed=0), x)
    assert after < 0.4 * before, (before, after)


@pytest.mark.slow  # moved to the slow tier: the default suite stays under 15 min
def test_vanilla_gan_moves_samples_onto_a_2d_mixture():
    points, centres = ring_of_gaussians(2048, std=0.05, seed=0)
    keras.utils.set_random_seed(0)
    gan = keras_gans.GANModel.from_architecture(
        "mlp", data_shape=(2,), latent_dim=16, hidden_units=(64, 64), seed=0
    )
    gan.compile(
        keras.optimizers.Adam(1e-3, beta_1=0.5),
        keras.optimizers.Adam(1e-3, beta_1=0.5),
        loss="minimax",
    )

    def distances(samples):
        return np.linalg.norm(samples[:, None] - centres[None], axis=-1)

    before = distances(gan.generate(1000, seed=0)).min(axis=1).mean()
    gan.fit(points, batch_size=128, epochs=100, verbose=0)
    d = distances(gan.generate(1000, seed=0))
    after = d.min(axis=1).mean()
    near = d.min(axis=1) < 3 * 0.05
    assert after < before / 3, (before, after)
    assert len(set(d.argmin(axis=1)[near])) >= 6  # most of the 8 modes are reached
