"""Relativistic average GAN losses (Jolicoeur-Martineau 2018)."""

from __future__ import annotations

import keras

from keras_gans.losses import functions as F
from keras_gans.losses.base import AdversarialLoss

__all__ = [
    "RelativisticAverage",
    "RelativisticAverageHinge",
    "RelativisticAverageLeastSquares",
]


class _Relativistic(AdversarialLoss):
    """A loss whose generator objective needs the real scores as well as the fake ones.

    `generator_objective` reads `ctx.real_output`, so in the generator step the train
    step runs the discriminator on the real minibatch too (only for such losses).

    Both objectives pass `ctx.all_gather` to the pure functions: under `tf.distribute` the
    averages `mean(r)` and `mean(f)` are those of the global batch, as on one device.
    `discriminator_loss` / `generator_loss` take one batch's averages; so does
    `NoisyLabels(relativistic loss)`, which calls `discriminator_loss` with its flipped
    scores (per replica under `tf.distribute`).
    """

    _discriminator_fn = None
    _generator_fn = None

    def discriminator_loss(self, real_output, fake_output):
        return type(self)._discriminator_fn(real_output, fake_output)

    def generator_loss(self, fake_output, real_output=None):
        if real_output is None:
            raise ValueError(
                f"{type(self).__name__}.generator_loss needs the discriminator's outputs on "
                "real data too. Received: real_output=None"
            )
        return type(self)._generator_fn(fake_output, real_output)

    def discriminator_objective(self, ctx):
        return type(self)._discriminator_fn(
            ctx.real_output, ctx.fake_output, all_gather=ctx.all_gather
        )

    def generator_objective(self, ctx):
        return type(self)._generator_fn(ctx.fake_output, ctx.real_output, all_gather=ctx.all_gather)


@keras.saving.register_keras_serializable(package="keras_gans")
class RelativisticAverage(_Relativistic):
    """Relativistic average standard GAN (RaSGAN).

    Registered as `relativistic-average`. The discriminator estimates the probability that
    a real sample is more realistic than the average fake; both players' objectives use
    the real and the fake scores.

    Formula:
        discriminator: `mean(softplus(-(r - mean f))) + mean(softplus(f - mean r))`;
        generator: `mean(softplus(-(f - mean r))) + mean(softplus(r - mean f))`.

    Args:
        penalties: Extra penalties (default none).
        constraints: Extra constraints (default none).
        name: Default `"relativistic_average"`.

    Example:
    >>> round(float(RelativisticAverage().generator_loss([0.0], real_output=[0.0])), 4)
    1.3863

    Reference:
        Jolicoeur-Martineau, "The relativistic discriminator: a key element missing from
        standard GAN", ICLR 2019 (arXiv 2018).
    """

    _discriminator_fn = staticmethod(F.relativistic_average_discriminator_loss)
    _generator_fn = staticmethod(F.relativistic_average_generator_loss)

    def __init__(self, penalties=None, constraints=None, name="relativistic_average"):
        super().__init__(penalties=penalties, constraints=constraints, name=name)


@keras.saving.register_keras_serializable(package="keras_gans")
class RelativisticAverageLeastSquares(_Relativistic):
    """Relativistic average least-squares GAN (RaLSGAN).

    Registered as `relativistic-average-least-squares`.

    Formula:
        discriminator: `mean((r - mean f - 1)^2) + mean((f - mean r + 1)^2)`;
        generator: `mean((f - mean r - 1)^2) + mean((r - mean f + 1)^2)`.

    Args:
        penalties: Extra penalties (default none).
        constraints: Extra constraints (default none).
        name: Default `"relativistic_average_least_squares"`.

    Example:
    >>> float(RelativisticAverageLeastSquares().discriminator_loss([1.0], [0.0]))
    0.0

    Reference:
        Jolicoeur-Martineau, "The relativistic discriminator: a key element missing from
        standard GAN", ICLR 2019 (arXiv 2018).
    """

    _discriminator_fn = staticmethod(F.relativistic_average_least_squares_discriminator_loss)
    _generator_fn = staticmethod(F.relativistic_average_least_squares_generator_loss)

    def __init__(self, penalties=None, constraints=None, name="relativistic_average_least_squares"):
        super().__init__(penalties=penalties, constraints=constraints, name=name)


@keras.saving.register_keras_serializable(package="keras_gans")
class RelativisticAverageHinge(_Relativistic):
    """Relativistic average hinge GAN (RaHingeGAN).

    Registered as `relativistic-average-hinge`.

    Formula:
        discriminator: `mean(relu(1 - (r - mean f))) + mean(relu(1 + (f - mean r)))`;
        generator: `mean(relu(1 - (f - mean r))) + mean(relu(1 + (r - mean f)))`.

    Args:
        penalties: Extra penalties (default none).
        constraints: Extra constraints (default none).
        name: Default `"relativistic_average_hinge"`.

    Example:
    >>> float(RelativisticAverageHinge().discriminator_loss([2.0], [0.0]))
    0.0

    Reference:
        Jolicoeur-Martineau, "The relativistic discriminator: a key element missing from
        standard GAN", ICLR 2019 (arXiv 2018).
    """

    _discriminator_fn = staticmethod(F.relativistic_average_hinge_discriminator_loss)
    _generator_fn = staticmethod(F.relativistic_average_hinge_generator_loss)

    def __init__(self, penalties=None, constraints=None, name="relativistic_average_hinge"):
        super().__init__(penalties=penalties, constraints=constraints, name=name)
