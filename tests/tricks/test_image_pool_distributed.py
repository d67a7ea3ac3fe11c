"""Under MirroredStrategy the image pool stores every replica's fakes, not the first's only.

The two logical CPU devices are configured in tests/conftest.py before TensorFlow starts.
"""

import keras
import numpy as np
import tensorflow as tf

import keras_gans
from keras_gans import tricks
from keras_gans.steps import StepContext
from tests.distribution import two_cpu_strategy


def mirrored_strategy():
    return two_cpu_strategy(reduce_to_one_device=True)


def identity_gan():
    """`G(z) = z` at initialisation, so the first update's fakes are the latents."""
    generator = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(2, kernel_initializer="identity")]
    )
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    return keras_gans.GANModel(generator, discriminator, latent_dim=2, seed=0)


def replica_latents(strategy, n):
    """The latents each replica draws first, from a fresh model with the same seed."""
    with strategy.scope():
        gan = identity_gan()

    @tf.function
    def draw():
        return strategy.run(lambda: gan.sample_latent(n))

    return [t.numpy() for t in strategy.experimental_local_results(draw())]


def test_every_replicas_fakes_enter_the_pool():
    mirrored = mirrored_strategy()
    pool = tricks.ImagePool(size=16, probability=1.0)
    with mirrored.scope():
        gan = identity_gan()
        gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1), tricks=[pool])
    real = tf.data.Dataset.from_tensor_slices(np.zeros((8, 2), "float32")).batch(8)
    gan.fit(real, epochs=1, verbose=0)  # one discriminator update, 4 fakes per replica
    first, second = replica_latents(mirrored, 4)
    assert not np.allclose(first, second), "the replicas must draw different fakes"
    assert pool.filled == 8, "the pool must count the global batch"
    stored = pool.buffer.numpy()
    np.testing.assert_allclose(stored[:8], np.concatenate([first, second]), atol=1e-6)
    assert not stored[8:16].any(), "nothing is stored past the global batch"


def test_one_replica_gathers_nothing():
    ctx = StepContext.of([[1.0]], [[0.0], [2.0]])
    np.testing.assert_array_equal(ctx.all_gather(ctx.fake), [[0.0], [2.0]])
    doubled = ctx.replace(all_gather=lambda x: keras.ops.concatenate([x, x]))
    assert tuple(doubled.all_gather(ctx.fake).shape) == (4, 1)
