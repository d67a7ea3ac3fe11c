"""The train-step hooks that tricks and losses compose through (the issue-7 extension API)."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

import keras_gans
from keras_gans.testing import tiny_gan
from keras_gans.tricks import Trick, TrickState

from .helpers import points


class Recorder(Trick):
    """Records which hooks ran, in which role, and adds constant terms (run eagerly)."""

    def __init__(self, name="recorder"):
        super().__init__(name=name)
        self.calls = []

    def build(self, model):
        self.calls.append("build")
        self.state = TrickState()
        self.counter = self.state.variable("counter")

    def transform_inputs(self, tensors, context):
        self.calls.append(f"transform:{context.role}")
        return tensors

    def discriminator_step_context(self, context):
        self.calls.append("discriminator_step_context")
        return context

    def generator_step_context(self, context):
        self.calls.append("generator_step_context")
        return context

    def discriminator_term(self, context):
        self.calls.append("discriminator_term")
        context.log("recorder/real_mean", ops.mean(context.real))
        return ops.convert_to_tensor(2.0)

    def generator_term(self, context):
        self.calls.append("generator_term")
        return ops.convert_to_tensor(3.0)

    def after_discriminator_step(self, context):
        self.calls.append("after_discriminator_step")
        self.counter.assign(self.counter + 1.0)

    def after_generator_step(self, context):
        self.calls.append("after_generator_step")

    @property
    def metric_names(self):
        return (*super().metric_names, "recorder/real_mean")


def test_hooks_run_in_order_and_terms_and_reports_are_logged():
    recorder = Recorder()
    gan = tiny_gan()
    gan.compile("adam", "adam", d_steps=2, tricks=[recorder], run_eagerly=True)
    x = points(16)
    history = gan.fit(x, batch_size=16, epochs=1, verbose=0, shuffle=False).history
    d_step = [
        "discriminator_step_context",
        "transform:discriminator",
        "discriminator_term",
        "after_discriminator_step",
    ]
    g_step = ["generator_step_context", "transform:generator", "generator_term"]
    assert recorder.calls == ["build", *d_step, *d_step, *g_step, "after_generator_step"]
    assert history["d_term/recorder"][-1] == 2.0 and history["g_term/recorder"][-1] == 3.0
    assert history["recorder/real_mean"][-1] == pytest.approx(x.mean(), abs=1e-6)
    assert float(recorder.counter.numpy()) == 2.0
    # The terms are part of the objectives: d_loss excludes them, like penalties.
    assert "d_loss" in history and "d_penalty/recorder" not in history


def test_reporting_an_undeclared_metric_is_a_clear_error():
    class Chatty(Trick):
        def discriminator_term(self, context):
            context.log("chatty/undeclared", 1.0)
            return None

    gan = tiny_gan()
    gan.compile("adam", "adam", tricks=[Chatty()])
    with pytest.raises(ValueError, match="chatty/undeclared"):
        gan.fit(points(8), batch_size=8, epochs=1, verbose=0)


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


class AuxiliaryClassifier(Trick):
    """A minimal ACGAN term: class cross-entropy on real (D) and fake (both players)."""

    def __init__(self, weight=1.0, name="auxiliary_classifier"):
        super().__init__(name=name)
        self.weight = weight

    def _cross_entropy(self, logits, labels):
        labels = ops.reshape(labels, (-1,))
        return ops.mean(
            keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
        )

    def discriminator_term(self, context):
        real = self._cross_entropy(context.real_heads["class_logits"], context.condition)
        fake = self._cross_entropy(context.fake_heads["class_logits"], context.condition)
        return self.weight * (real + fake)

    def generator_term(self, context):
        return self.weight * self._cross_entropy(
            context.fake_heads["class_logits"], context.condition
        )


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


class MismatchedCondition(Trick):
    """A GAN-CLS-style term: real samples with shifted (wrong) conditions count as fake."""

    def discriminator_term(self, context):
        wrong = ops.roll(context.condition, 1, axis=0)
        scores = context.discriminate(context.real, condition=wrong)
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
class CodeReader(Trick):
    """Checks that the generator step sees the latent its fakes were made from."""

    def __init__(self, name="code_reader"):
        super().__init__(name=name)
        self.seen = []

    def generator_term(self, context):
        codes = context.latent[:, -3:]
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
    from keras_gans.models.gan_model import _gradient

    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        first = _gradient(lambda t: tf.reduce_sum(t**3), x)  # 3 x^2
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
