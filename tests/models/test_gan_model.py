"""GANModel: Algorithm 1's schedule, the Keras API surface and errors on bad input."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gans
from keras_gans.penalties import Penalty

from .helpers import points, tiny_gan, tiny_pair


class RecordingPenalty(Penalty):
    """Records what each discriminator update saw (needs run_eagerly=True)."""

    def __init__(self):
        super().__init__(weight=1.0, name="recorder")
        self.reals, self.fakes = [], []

    def compute(self, context):
        self.reals.append(context.real.numpy())
        self.fakes.append(context.fake.numpy())
        return tf.constant(0.0)


@pytest.mark.parametrize("d_steps", [1, 3])
def test_algorithm_1_counts_k_discriminator_updates_per_generator_update(d_steps):
    gan = tiny_gan(d_steps=d_steps)
    gan.fit(points(48), batch_size=24, epochs=2, shuffle=False, verbose=0)
    assert int(gan.g_optimizer.iterations) == 4  # 2 batches x 2 epochs
    assert int(gan.d_optimizer.iterations) == 4 * d_steps


def test_each_discriminator_update_gets_its_own_real_slice_and_fresh_latents():
    recorder = RecordingPenalty()
    generator, discriminator = tiny_pair()
    gan = keras_gans.GANModel(generator, discriminator, latent_dim=4, seed=1)
    gan.compile(
        "adam",
        "adam",
        loss=keras_gans.losses.Hinge(penalties=[recorder]),
        d_steps=3,
        run_eagerly=True,
    )
    x = points(24)
    gan.fit(x, batch_size=24, epochs=1, shuffle=False, verbose=0)
    assert len(recorder.reals) == 3
    for k, real in enumerate(recorder.reals):
        np.testing.assert_array_equal(real, x[8 * k : 8 * (k + 1)])
    assert all(fake.shape == (8, 2) for fake in recorder.fakes)
    assert not np.allclose(recorder.fakes[0], recorder.fakes[1])


def test_logs_losses_penalties_and_mean_outputs():
    gan = tiny_gan(loss="wgan-gp")
    history = gan.fit(points(64), batch_size=32, epochs=1, verbose=0).history
    assert set(history) == {"d_loss", "g_loss", "d_penalty/gp", "d_real", "d_fake"}
    assert all(np.isfinite(v[-1]) for v in history.values())


def test_weight_clipping_applies_after_every_discriminator_update():
    gan = tiny_gan(loss="wasserstein", d_steps=2)
    gan.discriminator.set_weights([w + 1.0 for w in gan.discriminator.get_weights()])
    gan.fit(points(64), batch_size=32, epochs=1, verbose=0)
    for weight in gan.discriminator.get_weights():
        assert np.abs(weight).max() <= 0.01 + 1e-7


def test_validation_data_and_checkpoint_monitor(tmp_path):
    gan = tiny_gan()
    checkpoint = keras.callbacks.ModelCheckpoint(
        str(tmp_path / "best.keras"), monitor="val_d_loss", mode="min", save_best_only=True
    )
    history = gan.fit(
        points(64),
        batch_size=32,
        epochs=2,
        verbose=0,
        validation_data=points(32, seed=1),
        callbacks=[checkpoint],
    )
    assert {"val_d_loss", "val_g_loss", "val_d_real", "val_d_fake"} <= set(history.history)
    assert (tmp_path / "best.keras").exists()


def test_generate_is_reproducible_with_a_seed_and_predict_runs_the_generator():
    gan = tiny_gan()
    a, b = gan.generate(5, seed=3), gan.generate(5, seed=3)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, gan.generate(5, seed=4))
    z = np.random.default_rng(0).normal(size=(7, 4)).astype("float32")
    np.testing.assert_allclose(gan.predict(z, verbose=0), gan.generator(z).numpy(), atol=1e-6)


def test_uniform_prior_stays_in_range():
    generator, discriminator = tiny_pair()
    gan = keras_gans.GANModel(generator, discriminator, 4, latent_distribution="uniform")
    z = gan.sample_latent(1000, seed=0).numpy()
    assert z.min() >= -1.0 and z.max() <= 1.0 and z.std() > 0.5


@pytest.mark.parametrize("flag", [dict(jit_compile=True), dict(steps_per_execution=4)])
def test_trains_under_xla_and_with_steps_per_execution(flag):
    gan = tiny_gan(loss="wgan-gp", d_steps=2, **flag)
    history = gan.fit(points(128), batch_size=16, epochs=1, verbose=0).history
    assert int(gan.g_optimizer.iterations) == 8
    assert np.isfinite(history["d_penalty/gp"][-1])


def test_trailing_partial_batch_is_cut_to_a_multiple_of_d_steps():
    gan = tiny_gan(d_steps=2)
    gan.fit(points(50), batch_size=16, epochs=1, verbose=0)  # last batch holds 2 samples
    assert int(gan.d_optimizer.iterations) == 8


def test_trailing_batch_smaller_than_d_steps_does_not_poison_the_weights():
    gan = tiny_gan(d_steps=4)
    history = gan.fit(points(49), batch_size=16, epochs=1, verbose=0).history  # last: 1 sample
    assert int(gan.g_optimizer.iterations) == 4
    assert all(np.isfinite(v[-1]) for v in history.values())
    assert all(np.isfinite(w).all() for w in gan.get_weights())


# ------------------------------------------------------------------- bad input
def test_latent_dim_must_match_the_generator():
    generator, discriminator = tiny_pair(latent_dim=4)
    with pytest.raises(ValueError, match="latent_dim=5"):
        keras_gans.GANModel(generator, discriminator, latent_dim=5)


def test_generator_output_must_fit_the_discriminator():
    generator, _ = tiny_pair(data_dim=3)
    _, discriminator = tiny_pair(data_dim=2)
    with pytest.raises(ValueError, match="generator output"):
        keras_gans.GANModel(generator, discriminator, latent_dim=4)


@pytest.mark.parametrize("value", [0, -2, 2.5, "8", True])
def test_latent_dim_must_be_a_positive_integer(value):
    generator, discriminator = tiny_pair()
    with pytest.raises(ValueError, match="latent_dim"):
        keras_gans.GANModel(generator, discriminator, latent_dim=value)


def test_networks_must_be_keras_models():
    _, discriminator = tiny_pair()
    with pytest.raises(TypeError, match="generator"):
        keras_gans.GANModel(lambda z: z, discriminator, latent_dim=4)


@pytest.mark.parametrize("d_steps", [0, -1, 1.5])
def test_d_steps_must_be_positive(d_steps):
    generator, discriminator = tiny_pair()
    gan = keras_gans.GANModel(generator, discriminator, latent_dim=4)
    with pytest.raises(ValueError, match="d_steps"):
        gan.compile(loss="hinge", d_steps=d_steps)


def test_batch_size_must_divide_by_d_steps():
    with pytest.raises(ValueError, match="divisible by `d_steps`"):
        tiny_gan(d_steps=3).fit(points(64), batch_size=32, verbose=0)
    dataset = tf.data.Dataset.from_tensor_slices(points(64)).batch(10, drop_remainder=True)
    with pytest.raises(ValueError, match="d_steps=3"):
        tiny_gan(d_steps=3).fit(dataset, verbose=0)


def test_unknown_loss_name_lists_installed_losses():
    generator, discriminator = tiny_pair()
    gan = keras_gans.GANModel(generator, discriminator, latent_dim=4)
    with pytest.raises(ValueError, match="Installed loss plugins.*non-saturating"):
        gan.compile(loss="nonsaturating")


def test_empty_data_is_rejected():
    with pytest.raises(ValueError, match="empty"):
        tiny_gan().fit(np.zeros((0, 2), "float32"), batch_size=8, verbose=0)
    with pytest.raises(ValueError, match="empty"):
        tiny_gan().fit(tf.data.Dataset.from_tensor_slices(points(8)).batch(4).take(0), verbose=0)


def test_integer_images_are_rejected_with_a_hint_about_scaling():
    with pytest.raises(TypeError, match="floating point.*int"):
        tiny_gan().fit(np.ones((32, 2), "int32"), batch_size=16, verbose=0)


def test_wrong_sample_shape_is_rejected():
    with pytest.raises(ValueError, match="input shape"):
        tiny_gan().fit(np.ones((32, 3), "float32"), batch_size=16, verbose=0)


def test_fit_before_compile_is_a_clear_error():
    generator, discriminator = tiny_pair()
    with pytest.raises(RuntimeError, match="compile"):
        keras_gans.GANModel(generator, discriminator, 4).fit(points(8), verbose=0)


class SubclassedMLP(keras.Model):
    """A subclassed network: unbuilt until first called, with no `inputs`."""

    def __init__(self, outputs):
        super().__init__()
        self.hidden = keras.layers.Dense(8, activation="relu")
        self.out = keras.layers.Dense(outputs)

    def call(self, inputs):
        return self.out(self.hidden(inputs))


def test_unbuilt_subclassed_networks_are_built_on_latents_not_on_data():
    gan = keras_gans.GANModel(SubclassedMLP(2), SubclassedMLP(1), latent_dim=4)
    assert gan.built and gan.generator.hidden.kernel.shape == (4, 8)
    gan.compile("adam", "adam", loss="least-squares")
    history = gan.fit(points(64), batch_size=32, epochs=1, verbose=0).history
    assert np.isfinite(history["g_loss"][-1])
    assert gan.generate(3, seed=0).shape == (3, 2)


def test_subclassed_networks_that_do_not_fit_give_a_clear_error():
    generator = keras.Sequential([keras.layers.Dense(3)])
    discriminator = keras.Sequential([keras.layers.Reshape((2, 2)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="Could not build the networks"):
        keras_gans.GANModel(generator, discriminator, latent_dim=4)
