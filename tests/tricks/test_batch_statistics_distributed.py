"""Batch statistics under MirroredStrategy: feature matching's means, the pulling-away
term's pairs and the relativistic losses' averages are those of the global batch, so one
step on two replicas equals the step on one device.

The two logical CPU devices are configured in tests/conftest.py before TensorFlow starts.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans
from keras_gans import tricks
from keras_gans.losses import WeightedLoss
from keras_gans.losses._ops import global_mean
from tests.distribution import two_cpu_strategy


def build_pair(embedding=False):
    """A generator that ignores `z` and maps the data's condition `c` to samples, so one
    device and two replicas see the same fakes; and a discriminator on `[x, c]`."""
    init = keras.initializers.GlorotUniform
    z, c = keras.Input((3,), name="z"), keras.Input((3,), name="c")
    joined = keras.layers.Concatenate()([keras.layers.Rescaling(0.0)(z), c])
    hidden = keras.layers.Dense(6, activation="tanh", kernel_initializer=init(0))(joined)
    generator = keras.Model([z, c], keras.layers.Dense(2, kernel_initializer=init(1))(hidden))
    x, c = keras.Input((2,), name="x"), keras.Input((3,), name="c")
    joined = keras.layers.Concatenate()([x, c])
    features = keras.layers.Dense(8, activation="tanh", kernel_initializer=init(2))(joined)
    score = keras.layers.Dense(1, kernel_initializer=init(3))(features)
    outputs = {"score": score, "embedding": features} if embedding else score
    return generator, keras.Model([x, c], outputs)


def one_step(strategy, data, loss, trick_list=(), embedding=False):
    with strategy.scope():
        generator, discriminator = build_pair(embedding)
        gan = keras_gans.GANModel(generator, discriminator, latent_dim=3, seed=0)
        gan.compile(
            keras.optimizers.SGD(0.5),
            keras.optimizers.SGD(0.5),
            loss=loss,
            tricks=[t() for t in trick_list],
        )
    dataset = tf.data.Dataset.from_tensor_slices(data).batch(len(data[0]))
    gan.fit(dataset, epochs=1, verbose=0)
    return gan.discriminator.get_weights(), gan.generator.get_weights()


@pytest.fixture(scope="module")
def mirrored():
    return two_cpu_strategy(reduce_to_one_device=True)


def _fm_only():
    return WeightedLoss("non-saturating", generator_weight=0.0)


CASES = {
    "feature-matching": dict(loss=_fm_only, trick_list=(tricks.FeatureMatching,)),
    "pulling-away": dict(
        loss=_fm_only, trick_list=(lambda: tricks.PullingAway(weight=1.0),), embedding=True
    ),
    "relativistic-average": dict(loss=lambda: "relativistic-average"),
    "relativistic-average-hinge": dict(loss=lambda: "relativistic-average-hinge"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_mirrored_step_with_batch_statistics_matches_one_device(mirrored, case):
    rng = np.random.default_rng(0)
    # The two replicas' halves differ in their statistics: per-replica means differ from
    # the global ones.
    x = rng.normal(size=(16, 2)).astype("float32") + np.repeat([[1.0], [-1.0]], 8, axis=0)
    c = rng.normal(size=(16, 3)).astype("float32") + np.repeat([[0.5], [-0.5]], 8, axis=0)
    kwargs = dict(CASES[case])
    loss = kwargs.pop("loss")
    single = one_step(tf.distribute.get_strategy(), (x, c), loss(), **kwargs)
    replicated = one_step(mirrored, (x, c), loss(), **kwargs)
    start = build_pair(kwargs.get("embedding", False))[0].get_weights()
    assert any(not np.allclose(a, b) for a, b in zip(single[1], start, strict=True)), "G moves"
    for network in (0, 1):
        for a, b in zip(single[network], replicated[network], strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_global_mean_without_replicas_is_the_batch_mean():
    x = np.arange(12.0, dtype="float32").reshape(4, 3)
    np.testing.assert_allclose(global_mean(x), x.mean(axis=0))
    np.testing.assert_allclose(global_mean(x, lambda t: t), x.mean(axis=0))
    # Two "replicas" of unequal size: the mean weights each by its count.
    parts = [x[:1], x[1:]]

    def gather(t):  # what each replica receives: every replica's sum, or count
        if t.ndim == 2:
            return np.concatenate([p.sum(axis=0, keepdims=True) for p in parts])
        return np.array([len(p) for p in parts], "float32")

    np.testing.assert_allclose(global_mean(parts[0], gather), x.mean(axis=0), rtol=1e-6)
