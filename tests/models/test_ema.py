"""The exponential moving average of the generator: values, generate, save/load, scale."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans
from keras_gans.callbacks import EMAGenerator
from keras_gans.testing import tiny_gan
from tests.distribution import two_cpu_strategy
from tests.dtype_policy import global_policy

from .helpers import points


def mirrored_strategy():
    return two_cpu_strategy(reduce_to_one_device=True)


def test_ema_weights_after_steps_match_hand_computation():
    gan = tiny_gan()
    gan.enable_ema(0.5)
    gan.compile("adam", "adam")
    expected = [w.numpy() for w in gan.generator.weights]
    for current in fit_one_step_at_a_time(gan, 3, points(64)):
        expected = [0.5 * e + 0.5 * c for e, c in zip(expected, current, strict=True)]
    for average, value in zip(gan.ema_generator.weights, expected, strict=True):
        np.testing.assert_allclose(average.numpy(), value, rtol=1e-5, atol=1e-7)
    assert not np.allclose(gan.ema_generator.weights[0].numpy(), current[0])


def test_generate_uses_the_average_unless_asked_not_to():
    gan = tiny_gan()
    gan.enable_ema(0.9)
    gan.compile("adam", "adam")
    gan.fit(points(64), batch_size=16, epochs=1, verbose=0)
    z = gan.sample_latent(4, seed=3).numpy()
    np.testing.assert_allclose(
        gan.generate(4, seed=3), gan.ema_generator(z).numpy(), rtol=1e-6, atol=1e-6
    )
    np.testing.assert_allclose(
        gan.generate(4, seed=3, use_ema=False), gan.generator(z).numpy(), rtol=1e-6, atol=1e-6
    )
    np.testing.assert_allclose(gan.generate(4, latents=z), gan.generate(4, seed=3), atol=1e-6)
    with pytest.raises(ValueError, match="latents"):
        gan.generate(4, latents=z[:3])


def test_ema_is_absent_by_default_and_its_decay_is_checked():
    gan = tiny_gan()
    assert gan.ema_generator is None and gan.get_config()["ema_decay"] is None
    with pytest.raises(ValueError, match="decay"):
        gan.enable_ema(1.0)


def test_ema_saves_loads_and_resumes(tmp_path):
    generator, discriminator = tiny_gan().generator, tiny_gan().discriminator
    gan = keras_gans.GANModel(generator, discriminator, latent_dim=4, seed=0, ema_decay=0.8)
    gan.compile("adam", "adam")
    gan.fit(points(32), batch_size=16, epochs=1, verbose=0)
    gan.save(tmp_path / "ema.keras")
    loaded = keras.saving.load_model(tmp_path / "ema.keras")
    assert loaded.ema_decay == 0.8
    for a, b in zip(loaded.ema_generator.weights, gan.ema_generator.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    np.testing.assert_array_equal(loaded.generate(5, seed=1), gan.generate(5, seed=1))
    before = [w.numpy() for w in loaded.ema_generator.weights]
    loaded.fit(points(32), batch_size=16, epochs=1, verbose=0)
    assert any(
        not np.allclose(a, b.numpy())
        for a, b in zip(before, loaded.ema_generator.weights, strict=True)
    )


def test_ema_callback_attaches_the_average_to_a_model_built_elsewhere():
    gan = tiny_gan()
    gan.compile("adam", "adam")
    gan.fit(points(32), batch_size=16, epochs=1, verbose=0)  # traced without EMA
    gan.fit(points(32), batch_size=16, epochs=1, verbose=0, callbacks=[EMAGenerator(0.5)])
    assert gan.ema_decay == 0.5
    # The retraced step updated the copy: it now differs from the generator.
    assert not np.allclose(gan.ema_generator.weights[0].numpy(), gan.generator.weights[0].numpy())
    with pytest.raises(ValueError, match="decay"):
        EMAGenerator(decay=0)
    with pytest.raises(ValueError, match="`start` must be a non-negative integer"):
        EMAGenerator(0.5, start=-1)


def test_ema_callback_passes_its_start():
    gan = tiny_gan()
    gan.compile("adam", "adam")
    callback = EMAGenerator(0.5, start=5)
    gan.fit(points(32), batch_size=16, epochs=1, verbose=0, callbacks=[callback])
    assert (gan.ema_start, int(gan.ema_updates.numpy())) == (5, 2)
    for average, weight in zip(gan.ema_generator.weights, gan.generator.weights, strict=True):
        np.testing.assert_array_equal(average.numpy(), weight.numpy())  # still copying


def test_ema_under_mirrored_strategy_matches_one_device():
    mirrored = mirrored_strategy()
    from .test_distributed import build_pair

    def run(strategy):
        with strategy.scope():
            generator, discriminator = build_pair()
            gan = keras_gans.GANModel(generator, discriminator, latent_dim=3, seed=0, ema_decay=0.5)
            gan.compile(keras.optimizers.SGD(0.5), keras.optimizers.SGD(0.5))
        start = [w.numpy() for w in gan.generator.weights]
        data = np.random.default_rng(0).normal(size=(16, 2)).astype("float32")
        gan.fit(tf.data.Dataset.from_tensor_slices(data).batch(16), epochs=1, verbose=0)
        current = [w.numpy() for w in gan.generator.weights]
        expected = [0.5 * s + 0.5 * c for s, c in zip(start, current, strict=True)]
        for average, value in zip(gan.ema_generator.weights, expected, strict=True):
            np.testing.assert_allclose(average.numpy(), value, rtol=1e-5, atol=1e-6)
        return [w.numpy() for w in gan.ema_generator.weights]

    single, distributed = run(tf.distribute.get_strategy()), run(mirrored)
    for a, b in zip(single, distributed, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_ema_and_tricks_under_mixed_precision():
    with global_policy("mixed_float16"):
        gan = keras_gans.GANModel.from_architecture(
            "mlp", data_shape=(2,), latent_dim=8, hidden_units=(16,), seed=0, packing=2
        )
        gan.enable_ema(0.9)
        gan.compile(
            "adam",
            "adam",
            loss="relativistic-average",
            tricks=[keras_gans.tricks.InstanceNoise(0.1), keras_gans.tricks.FeatureMatching()],
        )
        history = gan.fit(points(64), batch_size=32, epochs=1, verbose=0).history
        assert all(np.isfinite(v[-1]) for v in history.values())
        assert gan.ema_generator.weights[0].dtype == "float32"
        assert np.isfinite(gan.generate(4, seed=0)).all()


def test_stateful_tricks_train_under_mirrored_strategy():
    from keras_gans import losses, tricks

    mirrored = mirrored_strategy()
    pool = tricks.ImagePool(size=8)
    loss = losses.BEGAN(lambda_k=0.1)
    with mirrored.scope():
        gan = tiny_gan()
        gan.enable_ema(0.9)
        gan.compile(
            "adam",
            "adam",
            loss=loss,
            tricks=[
                pool,
                tricks.HistoricalAveraging(),
                tricks.InstanceNoise(0.1, decay_steps=10),
                tricks.UnrolledDiscriminator(steps=1),
                tricks.FeatureMatching(),
            ],
        )
    data = tf.data.Dataset.from_tensor_slices(points(64)).batch(16)
    history = gan.fit(data, epochs=1, verbose=0).history
    assert all(np.isfinite(v[-1]) for v in history.values())
    assert pool.filled == 8 and float(loss.k.numpy()) > 0.0
    assert {"d_term/historical_averaging", "g_term/feature_matching", "began/k"} <= set(history)


def fit_one_step_at_a_time(gan, steps, data=None):
    """Trains `steps` single-batch steps; returns the generator's weights after each."""
    x = points(16 * steps) if data is None else data
    after = []
    for step in range(steps):
        gan.fit(x[16 * step : 16 * (step + 1)], batch_size=16, epochs=1, verbose=0)
        after.append([w.numpy() for w in gan.generator.weights])
    return after


def test_ema_start_copies_the_generator_then_averages():
    gan = tiny_gan()
    gan.enable_ema(0.5, start=2)
    gan.compile("adam", "adam")
    after = fit_one_step_at_a_time(gan, 2)
    for average, value in zip(gan.ema_generator.weights, after[-1], strict=True):
        np.testing.assert_array_equal(average.numpy(), value)  # updates 1 and 2: copies
    after += fit_one_step_at_a_time(gan, 2, data=points(64)[32:])
    expected = [0.5 * (0.5 * a + 0.5 * b) + 0.5 * c for a, b, c in zip(*after[1:], strict=True)]
    for average, value in zip(gan.ema_generator.weights, expected, strict=True):
        np.testing.assert_allclose(average.numpy(), value, rtol=1e-5, atol=1e-7)
    assert int(gan.ema_updates.numpy()) == 4 and gan.ema_start == 2


def test_ema_start_is_saved_and_a_loaded_model_resumes_the_count(tmp_path):
    def build():
        generator, discriminator = tiny_gan().generator, tiny_gan().discriminator
        gan = keras_gans.GANModel(
            generator, discriminator, latent_dim=4, seed=0, ema_decay=0.5, ema_start=2
        )
        gan.compile("adam", "adam")
        return gan

    data = points(48)
    uninterrupted = build()
    fit_one_step_at_a_time(uninterrupted, 3, data)
    first = build()
    fit_one_step_at_a_time(first, 1, data)
    first.save(tmp_path / "start.keras")
    loaded = keras.saving.load_model(tmp_path / "start.keras")
    assert (loaded.ema_start, int(loaded.ema_updates.numpy())) == (2, 1)
    assert loaded.get_config()["ema_start"] == 2
    fit_one_step_at_a_time(loaded, 2, data[16:])
    for a, b in zip(loaded.ema_generator.weights, uninterrupted.ema_generator.weights, strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)
    live = [w.numpy() for w in loaded.generator.weights]
    assert not np.allclose(loaded.ema_generator.weights[0].numpy(), live[0])  # averaging now


def test_ema_start_is_checked_and_absent_from_configs_without_it():
    with pytest.raises(ValueError, match=r"`ema_start` needs .*ema_decay"):
        keras_gans.GANModel.from_architecture("mlp", data_shape=(2,), latent_dim=4, ema_start=3)
    gan = tiny_gan()
    for bad in (-1, 2.5, True, "10"):
        with pytest.raises(ValueError, match=r"`ema_start` must be a non-negative integer"):
            gan.enable_ema(0.9, start=bad)
    assert gan.ema_generator is None  # a rejected call changed nothing
    gan.enable_ema(0.9)
    assert "ema_start" not in gan.get_config() and gan.ema_updates is None
    built = keras_gans.GANModel.from_architecture(
        "mlp", data_shape=(2,), latent_dim=4, ema_decay=0.99, ema_start=np.int64(7)
    )
    assert (built.ema_decay, built.ema_start, built.get_config()["ema_start"]) == (0.99, 7, 7)


def test_ema_start_under_mirrored_strategy_matches_one_device():
    from .test_distributed import build_pair

    def run(strategy):
        with strategy.scope():
            generator, discriminator = build_pair()
            gan = keras_gans.GANModel(
                generator, discriminator, latent_dim=3, seed=0, ema_decay=0.5, ema_start=1
            )
            gan.compile(keras.optimizers.SGD(0.5), keras.optimizers.SGD(0.5))
        data = np.random.default_rng(0).normal(size=(32, 2)).astype("float32")
        after = []
        for part in (data[:16], data[16:]):
            gan.fit(tf.data.Dataset.from_tensor_slices(part).batch(16), epochs=1, verbose=0)
            after.append([w.numpy() for w in gan.generator.weights])
        expected = [0.5 * a + 0.5 * b for a, b in zip(*after, strict=True)]
        for average, value in zip(gan.ema_generator.weights, expected, strict=True):
            np.testing.assert_allclose(average.numpy(), value, rtol=1e-5, atol=1e-6)
        assert int(gan.ema_updates.numpy()) == 2
        return [w.numpy() for w in gan.ema_generator.weights]

    single, distributed = run(tf.distribute.get_strategy()), run(mirrored_strategy())
    for a, b in zip(single, distributed, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_the_ema_start_benchmark_twin_follows_the_piece_by_hand():
    from tests import benchmark_modules

    bench = benchmark_modules.load("ema_start")
    weights = [np.array([0.0]), np.array([5.0])]  # a kernel, then a batch-norm statistic
    averages = bench.Averages([(0.5, 1), (0.5, 0)], weights, trainable=[True, False])
    for value in (2.0, 4.0):
        averages.update([np.array([value]), np.array([value + 10])])
    late, early = averages.values[(0.5, 1)], averages.values[(0.5, 0)]
    assert late[0][0] == 0.5 * 2.0 + 0.5 * 4.0  # copied at update 1, averaged at update 2
    assert early[0][0] == 0.5 * (0.5 * 0.0 + 0.5 * 2.0) + 0.5 * 4.0
    assert late[1][0] == early[1][0] == 14.0  # statistics copied, never averaged
