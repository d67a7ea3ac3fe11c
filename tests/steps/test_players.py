"""A model with two generators and two discriminators, built on the step protocol alone.

`TwinGAN` overrides only the three methods that declare a game (`players`, `schedule`,
`contexts`); `train_step`, the loss, the penalties, logging and `fit` are GANModel's. It is
the shape CycleGAN and CoGAN take: each generator has its own discriminator and domain, and
one generator player updates both generators on the sum of both adversarial views.
"""

import keras
import numpy as np
import pytest
from keras import ops

import keras_gans
from keras_gans.models import step
from keras_gans.steps import DiscriminatorInputs, Player, StepContext


def mlp(inputs, outputs, name):
    return keras.Sequential(
        [
            keras.Input((inputs,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(outputs),
        ],
        name=name,
    )


class TwinGAN(keras_gans.GANModel):
    """Domain A is the first two features of each example, domain B the last two."""

    def __init__(self, latent_dim=4, seed=0):
        super().__init__(mlp(latent_dim, 2, "g_a"), mlp(2, 1, "d_a"), latent_dim, seed=seed)
        self.g_b = mlp(latent_dim, 2, "g_b")
        self.d_b = mlp(2, 1, "d_b")

    def players(self):
        self.d_b_optimizer = keras.optimizers.Adam.from_config(self.d_optimizer.get_config())
        self.d_b_optimizer.build(self.d_b.trainable_variables)
        return (
            Player("d_a", "discriminator", (self.discriminator,), self.d_optimizer),
            Player("d_b", "discriminator", (self.d_b,), self.d_b_optimizer),
            Player("generator", "generator", (self.generator, self.g_b), self.g_optimizer),
        )

    def schedule(self, x, y, training=True):
        d_a, d_b, generator = self._players
        a, b = x[:, :2], x[:, 2:]
        return [(d_a, a), (d_b, b), (generator, (a, b))]

    def _view(self, player, real, generator, discriminator, training):
        latent = self.sample_latent(ops.shape(real)[0])
        fake = ops.cast(generator(latent, training=training), "float32")
        if player.role == "discriminator":
            fake = ops.stop_gradient(fake)
        return StepContext(
            player=player,
            inputs=DiscriminatorInputs(real, fake, lambda x, t: discriminator(x, training=t)),
            latent=latent,
            seed_generator=self.seed_generator,
            training=training,
            gradient=step.gradient,
        )

    def contexts(self, player, batch, training):
        if player.name == "d_a":
            return [self._view(player, batch, self.generator, self.discriminator, training)]
        if player.name == "d_b":
            return [self._view(player, batch, self.g_b, self.d_b, training)]
        a, b = batch
        return [
            self._view(player, a, self.generator, self.discriminator, training),
            self._view(player, b, self.g_b, self.d_b, training),
        ]


def two_domains(n=512, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.normal(loc=(3.0, 3.0), scale=0.5, size=(n, 2))
    b = rng.normal(loc=(-3.0, 1.0), scale=0.5, size=(n, 2))
    return np.concatenate([a, b], axis=1).astype("float32")


def test_two_generators_each_learn_their_own_domain():
    keras.utils.set_random_seed(0)
    gan = TwinGAN()
    gan.compile(keras.optimizers.Adam(5e-3, 0.5), keras.optimizers.Adam(5e-3, 0.5))
    x = two_domains()
    before_a = gan.generator(gan.sample_latent(256, seed=1)).numpy().mean(axis=0)
    before_b = gan.g_b(gan.sample_latent(256, seed=1)).numpy().mean(axis=0)
    history = gan.fit(x, batch_size=64, epochs=40, verbose=0).history
    assert {"d_a_loss", "d_b_loss", "g_loss", "d_a_real", "d_b_fake"} <= set(history)
    after_a = gan.generator(gan.sample_latent(256, seed=1)).numpy().mean(axis=0)
    after_b = gan.g_b(gan.sample_latent(256, seed=1)).numpy().mean(axis=0)
    # Each generator's mean moves most of the way to its own domain's mean.
    for before, after, target in ((before_a, after_a, (3, 3)), (before_b, after_b, (-3, 1))):
        start, end = np.linalg.norm(before - target), np.linalg.norm(after - target)
        assert end < 0.25 * start, (before, after, target)


def test_each_player_has_its_own_optimizer_and_penalties_reach_every_critic():
    gan = TwinGAN()
    gan.compile("adam", "adam", loss="wgan-gp")
    gan.fit(two_domains(64), batch_size=32, epochs=1, verbose=0)
    assert int(gan.d_optimizer.iterations.numpy()) == 2
    assert int(gan.d_b_optimizer.iterations.numpy()) == 2
    assert int(gan.g_optimizer.iterations.numpy()) == 2
    logs = gan.evaluate(two_domains(64), batch_size=32, verbose=0, return_dict=True)
    assert logs["d_a_penalty/gp"] > 0 and logs["d_b_penalty/gp"] > 0


@pytest.mark.parametrize("loss", ["non-saturating", "hinge"])
def test_the_generator_objective_sums_both_views(loss):
    gan = TwinGAN()
    gan.compile("adam", "adam", loss=loss)
    x = two_domains(32)
    generator = gan._players[2]
    a, b = x[:, :2], x[:, 2:]
    keras.utils.set_random_seed(7)
    gan.seed_generator = keras.random.SeedGenerator(7)
    views = gan.contexts(generator, (a, b), False)
    expected = sum(float(gan.adversarial_loss.generator_objective(v)) for v in views)
    gan.seed_generator = keras.random.SeedGenerator(7)
    step.evaluate(gan, generator, (a, b))
    assert float(gan._trackers["g_loss"].result()) == pytest.approx(expected, rel=1e-5)
