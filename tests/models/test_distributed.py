"""Under MirroredStrategy on two logical CPUs, one step equals the single-device step.

The logical devices are configured in tests/conftest.py before TensorFlow starts.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans
from tests.distribution import two_cpu_strategy


def build_pair():
    # The generator ignores z (its input is zeroed), so its output is its bias: both
    # devices then see identical fakes and the comparison is exact. The discriminator's
    # update still depends on every real example, so a per-replica mean that is not
    # divided by the replica count (a 2x gradient) fails the comparison.
    generator = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Rescaling(0.0),
            keras.layers.Dense(
                2,
                kernel_initializer=keras.initializers.GlorotUniform(0),
                bias_initializer=keras.initializers.Constant([0.3, -0.2]),
            ),
        ]
    )
    discriminator = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(
                8, activation="tanh", kernel_initializer=keras.initializers.GlorotUniform(1)
            ),
            keras.layers.Dense(1, kernel_initializer=keras.initializers.GlorotUniform(2)),
        ]
    )
    return generator, discriminator


def one_step(strategy, data, loss):
    with strategy.scope():
        generator, discriminator = build_pair()
        gan = keras_gans.GANModel(generator, discriminator, latent_dim=3, seed=0)
        gan.compile(keras.optimizers.SGD(0.5), keras.optimizers.SGD(0.5), loss=loss)
    dataset = tf.data.Dataset.from_tensor_slices(data).batch(len(data))
    gan.fit(dataset, epochs=1, verbose=0)
    return gan.discriminator.get_weights(), gan.generator.get_weights()


@pytest.fixture(scope="module")
def mirrored():
    return two_cpu_strategy()


@pytest.mark.parametrize(
    "loss",
    ["non-saturating", keras_gans.losses.Hinge(penalties=[keras_gans.penalties.R1Penalty(3.0)])],
)
def test_mirrored_step_matches_single_device_step(mirrored, loss):
    data = np.random.default_rng(0).normal(size=(16, 2)).astype("float32")
    single = one_step(tf.distribute.get_strategy(), data, loss)
    mirrored_result = one_step(mirrored, data, loss)
    initial_d = build_pair()[1].get_weights()
    moved = [not np.allclose(a, start) for a, start in zip(single[0], initial_d, strict=True)]
    assert sum(moved) >= 3, "the discriminator's weights must have moved"
    for a, b in zip(single[0], mirrored_result[0], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert not np.allclose(single[1][1], [0.3, -0.2]), "the generator's bias must have moved"
    for a, b in zip(single[1], mirrored_result[1], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_replicas_draw_different_latents(mirrored):
    with mirrored.scope():
        generator, discriminator = build_pair()
        gan = keras_gans.GANModel(generator, discriminator, latent_dim=3, seed=0)

    @tf.function
    def draw():
        return mirrored.run(lambda: gan.sample_latent(4))

    first, second = mirrored.experimental_local_results(draw())
    assert not np.allclose(first.numpy(), second.numpy())
