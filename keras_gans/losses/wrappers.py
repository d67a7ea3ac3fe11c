"""Losses built from another loss: label flipping, and reweighting the two objectives."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import metric_name, non_negative, number_in
from keras_gans.losses.base import AdversarialLoss

__all__ = ["NoisyLabels", "WeightedLoss"]


class _LossWrapper(AdversarialLoss):
    """Wraps a loss: its objectives are rebuilt from the wrapped loss's, and everything
    else (penalties, constraints, tricks, state, the `build`/`transform`/`update` hooks,
    reports) is the wrapped loss's."""

    def __init__(self, loss, name):
        from keras_gans.losses.resolve import resolve

        self.loss = resolve(loss)
        self.name = metric_name(name)

    penalties = property(lambda self: self.loss.penalties)
    constraints = property(lambda self: self.loss.constraints)
    tricks = property(lambda self: self.loss.tricks)
    reports = property(lambda self: self.loss.reports)
    state = property(lambda self: self.loss.state)

    def discriminator_loss(self, real_output, fake_output):
        return self.loss.discriminator_loss(real_output, fake_output)

    def generator_loss(self, fake_output, *args, **kwargs):
        return self.loss.generator_loss(fake_output, *args, **kwargs)

    def discriminator_objective(self, ctx):
        return self.loss.discriminator_objective(ctx)

    def generator_objective(self, ctx):
        return self.loss.generator_objective(ctx)

    def build(self, model):
        self.loss.build(model)

    def transform(self, inputs, ctx):
        return self.loss.transform(inputs, ctx)

    def update(self, player, ctx):
        return self.loss.update(player, ctx)

    def get_config(self):
        return {"loss": keras.saving.serialize_keras_object(self.loss), "name": self.name}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("loss"), dict) and "class_name" in config["loss"]:
            config["loss"] = keras.saving.deserialize_keras_object(config["loss"])
        return cls(**config)


@keras.saving.register_keras_serializable(package="keras_gans")
class NoisyLabels(_LossWrapper):
    """Flips the discriminator's labels for a random fraction of examples ("noisy labels").

    In each discriminator update, every pair (real example `i`, fake example `i`) swaps
    roles with probability `flip_probability`: the wrapped loss sees the real one's score
    among the fakes and the fake one's among the reals, so each label is wrong with that
    probability. Works with any loss (both batches keep their sizes). The generator's
    objective is unchanged. Combine with one-sided label smoothing through the wrapped
    loss: `NoisyLabels(NonSaturating(label_smoothing=0.1), flip_probability=0.05)`.

    Formula:
        `L_D(where(b, f, r), where(b, r, f))`, `b_i ~ Bernoulli(flip_probability)`.

    Args:
        loss: The wrapped loss (a name, a config dict or an `AdversarialLoss`; default
            `"non-saturating"`).
        flip_probability: The chance of a flip, in [0, 0.5) (default 0.05).
        name: Default `"noisy_labels"`.

    Example:
    >>> NoisyLabels("minimax", flip_probability=0.1).loss.name
    'minimax'

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016, section 3.4
        (label smoothing); Chintala et al., "How to Train a GAN? Tips and tricks to make
        GANs work" (ganhacks), 2016, trick 6 (noisy labels).
    """

    def __init__(self, loss="non-saturating", flip_probability=0.05, name="noisy_labels"):
        super().__init__(loss, name)
        self.flip_probability = number_in(
            flip_probability, "flip_probability", 0.0, 0.5, high_open=True
        )

    def discriminator_objective(self, ctx):
        real, fake = ctx.real_output, ctx.fake_output
        shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
        flip = keras.random.uniform(shape, seed=ctx.seed_generator) < self.flip_probability
        flipped_real, flipped_fake = ops.where(flip, fake, real), ops.where(flip, real, fake)
        return self.loss.discriminator_loss(flipped_real, flipped_fake)

    def get_config(self):
        return {**super().get_config(), "flip_probability": self.flip_probability}


@keras.saving.register_keras_serializable(package="keras_gans")
class WeightedLoss(_LossWrapper):
    """Scales the two objectives of a loss.

    With `generator_weight=0` the generator is trained by tricks alone, e.g. feature
    matching as in Salimans et al.:
    `compile(loss=WeightedLoss("non-saturating", generator_weight=0.0),
    tricks=[FeatureMatching()])`.

    Formula:
        discriminator: `discriminator_weight * L_D`; generator: `generator_weight * L_G`.

    Args:
        loss: The wrapped loss (a name, a config dict or an `AdversarialLoss`; default
            `"non-saturating"`).
        discriminator_weight: Multiplier of the discriminator objective (default 1).
        generator_weight: Multiplier of the generator objective (default 1).
        name: Default `"weighted"`.

    Example:
    >>> float(WeightedLoss("hinge", generator_weight=0.5).generator_loss([2.0]))
    -1.0
    """

    def __init__(
        self, loss="non-saturating", discriminator_weight=1.0, generator_weight=1.0, name="weighted"
    ):
        super().__init__(loss, name)
        self.discriminator_weight = non_negative(discriminator_weight, "discriminator_weight")
        self.generator_weight = non_negative(generator_weight, "generator_weight")

    def discriminator_loss(self, real_output, fake_output):
        return self.discriminator_weight * self.loss.discriminator_loss(real_output, fake_output)

    def generator_loss(self, fake_output, *args, **kwargs):
        return self.generator_weight * self.loss.generator_loss(fake_output, *args, **kwargs)

    def discriminator_objective(self, ctx):
        return self.discriminator_weight * self.loss.discriminator_objective(ctx)

    def generator_objective(self, ctx):
        return self.generator_weight * self.loss.generator_objective(ctx)

    def get_config(self):
        return {
            **super().get_config(),
            "discriminator_weight": self.discriminator_weight,
            "generator_weight": self.generator_weight,
        }
