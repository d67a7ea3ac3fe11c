"""Standing statistics: a generator's batch-norm statistics averaged over fresh batches."""

import keras
import numpy as np
import pytest

import keras_gans
from keras_gans.models.standing_statistics import standing_statistics, standing_statistics_record
from keras_gans.testing import tiny_gan

from .helpers import points

EPSILON = 1e-3  # Keras' batch-norm default


def discriminator(conditional=False):
    x = keras.Input((2,))
    inputs, h = [x], x
    if conditional:
        y = keras.Input((1,), dtype="int32")
        inputs.append(y)
        h = keras.layers.Concatenate()([x, keras.layers.Flatten()(keras.layers.Embedding(3, 2)(y))])
    return keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Dense(8)(h)))


def bn_gan(spectral=False, ema_decay=None):
    """z -> BN -> Dense (spectrally normalised if asked) -> BN -> Dense, on 2-D points."""
    z = keras.Input((3,))
    h = keras.layers.BatchNormalization(name="bn_z")(z)
    dense = keras.layers.Dense(4, kernel_initializer=keras.initializers.GlorotUniform(1))
    if spectral:
        dense = keras.layers.SpectralNormalization(dense)
    h = keras.layers.BatchNormalization(name="bn_h")(dense(h))
    generator = keras.Model(
        z, keras.layers.Dense(2, kernel_initializer=keras.initializers.GlorotUniform(2))(h)
    )
    return keras_gans.GANModel(
        generator, discriminator(), latent_dim=3, seed=0, ema_decay=ema_decay
    )


def conditional_gan():
    """[z, y] -> BN(embedding(y)) joined to z -> Dense: the label's statistics are exact."""
    z, y = keras.Input((3,)), keras.Input((1,), dtype="int32")
    embedded = keras.layers.Flatten()(keras.layers.Embedding(3, 2, name="embedding")(y))
    h = keras.layers.BatchNormalization(name="bn_y")(embedded)
    generator = keras.Model([z, y], keras.layers.Dense(2)(keras.layers.Concatenate()([z, h])))
    return keras_gans.GANModel(generator, discriminator(True), latent_dim=3, num_classes=3)


def batch_statistics(x):
    return x.mean(axis=0), x.var(axis=0)  # the biased variance, as Keras' moving variance


def test_statistics_are_the_means_of_the_batch_statistics_computed_by_hand():
    gan = bn_gan()
    gan.generator.get_layer("bn_z").moving_mean.assign(np.full(3, 5.0))  # stale values
    passes, batch = 4, 16
    assert standing_statistics(gan, passes=passes, batch_size=batch, seed=3) == 2
    sampler = keras.random.SeedGenerator(3)  # the same latents, drawn again
    latents = [np.asarray(gan.sample_latent(batch, seed=sampler)) for _ in range(passes)]
    dense = gan.generator.layers[2]
    kernel, bias = dense.kernel.numpy(), dense.bias.numpy()
    expected = {"bn_z": [], "bn_h": []}
    for z in latents:
        mean, variance = batch_statistics(z)
        expected["bn_z"].append((mean, variance))
        normalised = (z - mean) / np.sqrt(variance + EPSILON)  # gamma 1, beta 0
        expected["bn_h"].append(batch_statistics(normalised @ kernel + bias))
    for name, pairs in expected.items():
        layer = gan.generator.get_layer(name)
        means, variances = zip(*pairs, strict=True)
        np.testing.assert_allclose(layer.moving_mean.numpy(), np.mean(means, 0), atol=1e-5)
        np.testing.assert_allclose(
            layer.moving_variance.numpy(), np.mean(variances, 0), rtol=1e-4, atol=1e-6
        )


def test_only_the_statistics_change_and_every_layer_is_restored():
    gan = bn_gan(spectral=True)
    gan.compile("adam", "adam")
    gan.fit(points(64), batch_size=32, epochs=1, verbose=0)  # spectral norm's u is now set
    layers = [gan.generator.get_layer(name) for name in ("bn_z", "bn_h")]
    statistics = {id(v) for layer in layers for v in (layer.moving_mean, layer.moving_variance)}
    before = {id(w): w.numpy() for w in gan.generator.weights}
    standing_statistics(gan, passes=3, batch_size=8, seed=0)
    changed = [id(w) for w in gan.generator.weights if not np.array_equal(w.numpy(), before[id(w)])]
    assert set(changed) == statistics
    for layer in layers:
        assert layer.momentum == 0.99 and layer.trainable and "call" not in vars(layer)
    gan.fit(points(64), batch_size=32, epochs=1, verbose=0)  # trains on as before


def test_the_ema_generator_is_measured_unless_asked_not_to():
    gan = bn_gan(ema_decay=0.9)
    live = gan.generator.get_layer("bn_z")
    average = gan.ema_generator.get_layer("bn_z")
    assert not average.trainable  # the EMA copy is frozen, which must not stop the measure
    standing_statistics(gan, passes=20, batch_size=64, seed=1)
    assert np.allclose(average.moving_variance.numpy(), 63 / 64, atol=0.05)  # z ~ N(0, I)
    np.testing.assert_array_equal(live.moving_variance.numpy(), np.ones(3))
    assert not average.trainable and "call" not in vars(average)
    gan.standing_statistics(passes=20, batch_size=64, seed=1, use_ema=False)
    np.testing.assert_allclose(live.moving_variance.numpy(), average.moving_variance.numpy())


def test_the_record_names_the_measure_until_training_moves_the_statistics():
    gan = bn_gan(ema_decay=0.9)
    gan.compile("adam", "adam")
    assert standing_statistics_record(gan.ema_generator) is None  # never measured
    standing_statistics(gan, passes=4, batch_size=16, seed=3)
    expected = {"passes": 4, "batch_size": 16, "seed": 3, "layers": 2}
    assert standing_statistics_record(gan.ema_generator) == expected
    assert standing_statistics_record(gan.generator) is None  # the live one was not measured
    gan.fit(points(64), batch_size=32, epochs=1, verbose=0)  # copies the live statistics
    assert standing_statistics_record(gan.ema_generator) is None


def test_inference_after_standing_statistics_matches_large_batch_normalisation():
    gan = bn_gan()  # fresh statistics (0, 1), far from the network's
    z = np.asarray(gan.sample_latent(20_000, seed=9))
    target = np.asarray(gan.generator(z, training=True))  # one batch of 20,000
    error_before = np.abs(gan.generate(20_000, seed=9, use_ema=False) - target).mean()
    standing_statistics(gan, passes=50, batch_size=256, seed=0)
    error_after = np.abs(gan.generate(20_000, seed=9, use_ema=False) - target).mean()
    assert error_before > 0.2 and error_after < 0.02  # measured: 0.22 and 0.0045


def test_conditions_come_from_the_given_labels_or_every_class():
    gan = conditional_gan()
    layer = gan.generator.get_layer("bn_y")
    table = gan.generator.get_layer("embedding").embeddings.numpy()
    standing_statistics(gan, passes=2, batch_size=8, labels=2)  # one class: no spread
    np.testing.assert_allclose(layer.moving_mean.numpy(), table[2], atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.0, atol=1e-6)
    standing_statistics(gan, passes=3, batch_size=8, seed=4, labels=[0, 1])
    rng = np.random.default_rng(4)
    pool = np.array([0, 1])
    drawn = [table[pool[rng.integers(0, 2, size=8)]] for _ in range(3)]
    np.testing.assert_allclose(
        layer.moving_mean.numpy(), np.mean([d.mean(0) for d in drawn], 0), atol=1e-6
    )
    standing_statistics(gan, passes=200, batch_size=64, seed=5)  # classes 0-2 uniformly
    np.testing.assert_allclose(layer.moving_mean.numpy(), table.mean(0), atol=0.01)


def test_bad_arguments_are_named_and_change_nothing():
    gan = bn_gan()
    layer = gan.generator.get_layer("bn_z")
    for keywords, argument in (
        ({"passes": 0}, "passes"),
        ({"batch_size": 1.5}, "batch_size"),
        ({"seed": -1}, "seed"),
        ({"use_ema": "yes"}, "use_ema"),
        ({"labels": [0, 1]}, "unconditional"),
    ):
        with pytest.raises(ValueError, match=argument):
            standing_statistics(gan, **keywords)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(3))
    with pytest.raises(ValueError, match="labels"):
        standing_statistics(conditional_gan(), labels=[])


def test_a_failing_pass_restores_the_statistics_and_the_layers():
    gan = bn_gan()
    layer = gan.generator.get_layer("bn_h")
    calls = {"n": 0}
    original = gan.sample_latent

    def failing(n, seed=None):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return original(n, seed=seed)

    gan.sample_latent = failing
    with pytest.raises(KeyboardInterrupt):
        standing_statistics(gan, passes=5, batch_size=8)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(4))
    np.testing.assert_array_equal(layer.moving_variance.numpy(), np.ones(4))
    assert layer.momentum == 0.99 and "call" not in vars(layer)


def test_a_generator_without_batch_norm_is_left_alone():
    gan = tiny_gan()
    before = [w.numpy() for w in gan.generator.weights]
    assert gan.standing_statistics(passes=2) == 0
    for weight, value in zip(gan.generator.weights, before, strict=True):
        np.testing.assert_array_equal(weight.numpy(), value)
