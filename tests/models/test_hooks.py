"""Pieces of the step protocol reading heads, conditions, latents and input gradients."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

import keras_gans
from keras_gans.steps import Piece
from keras_gans.testing import tiny_gan

from .helpers import points


def multi_head_pair(classes=3):
    """An ACGAN-style pair: conditional generator, discriminator with a class head."""
    z, labels = keras.Input((4,)), keras.Input((1,), dtype="int32")
    embedded = keras.layers.Flatten()(keras.layers.Embedding(classes, 2)(labels))
    generator = keras.Model(
        [z, labels], keras.layers.Dense(2)(keras.layers.Concatenate()([z, embedded]))
    )
    x, d_labels = keras.Input((2,)), keras.Input((1,), dtype="int32")
    d_embedded = keras.layers.Flatten()(keras.layers.Embedding(classes, 2)(d_labels))
    h = keras.layers.Dense(8, activation="relu")(keras.layers.Concatenate()([x, d_embedded]))
    discriminator = keras.Model(
        [x, d_labels],
        {"score": keras.layers.Dense(1)(h), "class_logits": keras.layers.Dense(3)(h)},
    )
    return generator, discriminator


class AuxiliaryClassifier(Piece):
    """A minimal ACGAN term: class cross-entropy on real (D) and fake (both players)."""

    def __init__(self, weight=1.0, name="auxiliary_classifier"):
        super().__init__(name=name)
        self.weight = weight

    def _cross_entropy(self, logits, labels):
        labels = ops.reshape(labels, (-1,))
        return ops.mean(
            keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
        )

    def terms(self, player, ctx):
        fake = self._cross_entropy(ctx.fake_heads["class_logits"], ctx.condition)
        if player.role == "generator":
            return self.weight * fake
        real = self._cross_entropy(ctx.real_heads["class_logits"], ctx.condition)
        return self.weight * (real + fake)


def test_auxiliary_heads_reach_terms_in_both_steps():
    generator, discriminator = multi_head_pair()
    gan = keras_gans.GANModel(generator, discriminator, latent_dim=4, num_classes=3, seed=0)
    optimizers = keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-3)
    gan.compile(*optimizers, tricks=[AuxiliaryClassifier(weight=0.5)])
    x, y = points(64), np.arange(64) % 3
    history = gan.fit(x, y, batch_size=16, epochs=5, verbose=0).history
    assert history["d_term/auxiliary_classifier"][-1] < history["d_term/auxiliary_classifier"][0]
    assert np.isfinite(history["g_term/auxiliary_classifier"][-1])
    assert np.isfinite(history["d_real"][-1])  # the score head alone feeds the loss


class MismatchedCondition(Piece):
    """A GAN-CLS-style term: real samples with shifted (wrong) conditions count as fake."""

    roles = ("discriminator",)

    def terms(self, player, ctx):
        wrong = ops.roll(ctx.condition, 1, axis=0)
        scores = ctx.discriminate(ctx.real, condition=wrong)
        return ops.mean(ops.softplus(scores))


def test_terms_can_run_the_discriminator_with_other_conditions():
    gan = keras_gans.GANModel.from_architecture(
        "mlp", data_shape=(2,), latent_dim=4, hidden_units=(8,), num_classes=3, seed=0
    )
    gan.compile("adam", "adam", tricks=[MismatchedCondition(name="mismatch")])
    history = gan.fit(points(32), np.arange(32) % 3, batch_size=16, epochs=1, verbose=0).history
    assert np.isfinite(history["d_term/mismatch"][-1]) and history["d_term/mismatch"][-1] > 0


@keras.saving.register_keras_serializable(package="tests")
class CodedLatent(keras_gans.latents.LatentDistribution):
    """Noise followed by a one-hot categorical code (an InfoGAN-style prior)."""

    def __init__(self, categories=3):
        self.categories = categories

    def check(self, latent_dim):
        if latent_dim <= self.categories:
            raise ValueError(f"latent_dim must exceed {self.categories}")

    def sample(self, n, latent_dim, seed=None):
        noise = keras.random.normal((n, latent_dim - self.categories), seed=seed)
        codes = keras.random.randint((n,), 0, self.categories, seed=seed)
        return ops.concatenate([noise, ops.one_hot(codes, self.categories)], axis=1)

    def get_config(self):
        return {"categories": self.categories}


@keras.saving.register_keras_serializable(package="tests")
class CodeReader(Piece):
    """Checks that the generator step sees the latent its fakes were made from."""

    def __init__(self, name="code_reader"):
        super().__init__(name=name)
        self.seen = []

    roles = ("generator",)

    def terms(self, player, ctx):
        codes = ctx.latent[:, -3:]
        self.seen.append(ops.convert_to_numpy(codes))
        return ops.zeros(())


def test_latent_priors_are_pluggable_and_saved(tmp_path):
    generator, discriminator = tiny_gan().generator, tiny_gan().discriminator
    gan = keras_gans.GANModel(
        generator, discriminator, latent_dim=4, latent_distribution=CodedLatent(3), seed=0
    )
    reader = CodeReader()
    gan.compile("adam", "adam", tricks=[reader], run_eagerly=True)
    gan.fit(points(16), batch_size=16, epochs=1, verbose=0)
    codes = reader.seen[0]
    assert codes.shape == (16, 3) and np.all(codes.sum(1) == 1.0)
    gan.save(tmp_path / "coded.keras")
    loaded = keras.saving.load_model(tmp_path / "coded.keras")
    assert isinstance(loaded.latent_distribution, CodedLatent)
    np.testing.assert_array_equal(loaded.generate(3, seed=1), gan.generate(3, seed=1))
    with pytest.raises(ValueError, match="latent_dim must exceed"):
        keras_gans.GANModel(generator, discriminator, 4, latent_distribution=CodedLatent(5))
    with pytest.raises(ValueError, match="latent_distribution"):
        keras_gans.GANModel(generator, discriminator, 4, latent_distribution="cauchy")


def test_context_gradient_is_differentiable_again():
    from keras_gans.models.step import gradient

    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        first = gradient(lambda t: tf.reduce_sum(t**3), x)  # 3 x^2
        total = tf.reduce_sum(first)
    np.testing.assert_allclose(tape.gradient(total, x).numpy(), [6.0, 12.0])  # 6 x


def test_tricks_and_an_old_style_compile_config_round_trip(tmp_path):
    gan = tiny_gan()
    gan.compile("adam", "adam", tricks=[keras_gans.tricks.InstanceNoise(0.2, decay_steps=7)])
    gan.fit(points(16), batch_size=16, epochs=1, verbose=0)
    config = gan.get_compile_config()
    assert config["tricks"][0]["config"] == {
        "name": "instance_noise",
        "stddev": 0.2,
        "decay_steps": 7,
    }
    del config["tricks"]  # a config saved before tricks existed
    other = tiny_gan()
    other.compile_from_config(config)
    assert other.tricks == []
