"""The classic adversarial objectives as thin serialisable classes over the pure functions."""

from __future__ import annotations

import keras

from keras_gans.losses import functions as F
from keras_gans.losses.base import AdversarialLoss

__all__ = ["Hinge", "LeastSquares", "Minimax", "NonSaturating", "Wasserstein"]


def _check_smoothing(label_smoothing):
    if (
        isinstance(label_smoothing, bool)
        or not isinstance(label_smoothing, (int, float))
        or not 0.0 <= label_smoothing < 1.0
    ):
        raise ValueError(
            "`label_smoothing` must be a number in [0, 1). "
            f"Received: label_smoothing={label_smoothing!r}"
        )
    return float(label_smoothing)


@keras.saving.register_keras_serializable(package="keras_gans")
class Minimax(AdversarialLoss):
    """The original minimax GAN objective, with the saturating generator loss.

    Formula:
        discriminator: `mean(softplus(r) - (1 - s) r) + mean(softplus(f))`;
        generator: `-mean(softplus(f)) = mean(log(1 - D(G(z))))`.

    Args:
        label_smoothing: One-sided label smoothing `s` of the real targets, in `[0, 1)`
            (default 0: off).
        penalties: Extra penalties (default none).
        constraints: Extra constraints (default none).
        name: Default `"minimax"`.

    Example:
    >>> loss = Minimax()
    >>> round(float(loss.generator_loss([0.0])), 4)
    -0.6931

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, eq. 1.
    """

    def __init__(self, label_smoothing=0.0, penalties=None, constraints=None, name="minimax"):
        super().__init__(penalties=penalties, constraints=constraints, name=name)
        self.label_smoothing = _check_smoothing(label_smoothing)

    def discriminator_loss(self, real_output, fake_output):
        return F.minimax_discriminator_loss(real_output, fake_output, self.label_smoothing)

    def generator_loss(self, fake_output):
        return F.minimax_generator_loss(fake_output)

    def get_config(self):
        return {**super().get_config(), "label_smoothing": self.label_smoothing}


@keras.saving.register_keras_serializable(package="keras_gans")
class NonSaturating(Minimax):
    """The minimax discriminator with the non-saturating generator loss `-log D(G(z))`.

    Formula:
        discriminator: `mean(softplus(r) - (1 - s) r) + mean(softplus(f))`;
        generator: `mean(softplus(-f)) = -mean(log D(G(z)))`.

    Args:
        label_smoothing: One-sided label smoothing `s` of the real targets, in `[0, 1)`
            (default 0: off; Salimans et al. 2016 used 0.1).
        penalties: Extra penalties (default none).
        constraints: Extra constraints (default none).
        name: Default `"non_saturating"`.

    Example:
    >>> loss = NonSaturating(label_smoothing=0.1)
    >>> round(float(loss.generator_loss([0.0])), 4)
    0.6931

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, section 3.
    """

    def __init__(
        self, label_smoothing=0.0, penalties=None, constraints=None, name="non_saturating"
    ):
        super().__init__(label_smoothing, penalties=penalties, constraints=constraints, name=name)

    def generator_loss(self, fake_output):
        return F.non_saturating_generator_loss(fake_output)


@keras.saving.register_keras_serializable(package="keras_gans")
class LeastSquares(AdversarialLoss):
    """The least-squares GAN objective (LSGAN) with the a-b-c coding of the paper.

    Formula:
        discriminator: `0.5 mean((r - b)^2) + 0.5 mean((f - a)^2)`;
        generator: `0.5 mean((f - c)^2)`.

    Args:
        real_target: `b` (default 1).
        fake_target: `a` (default 0).
        generator_target: `c` (default 1).
        penalties: Extra penalties (default none).
        constraints: Extra constraints (default none).
        name: Default `"least_squares"`.

    Example:
    >>> float(LeastSquares().discriminator_loss([1.0], [0.0]))
    0.0

    Reference:
        Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017, eq. 2.
    """

    def __init__(
        self,
        real_target=1.0,
        fake_target=0.0,
        generator_target=1.0,
        penalties=None,
        constraints=None,
        name="least_squares",
    ):
        super().__init__(penalties=penalties, constraints=constraints, name=name)
        self.real_target = float(real_target)
        self.fake_target = float(fake_target)
        self.generator_target = float(generator_target)

    def discriminator_loss(self, real_output, fake_output):
        return F.least_squares_discriminator_loss(
            real_output, fake_output, self.real_target, self.fake_target
        )

    def generator_loss(self, fake_output):
        return F.least_squares_generator_loss(fake_output, self.generator_target)

    def get_config(self):
        return {
            **super().get_config(),
            "real_target": self.real_target,
            "fake_target": self.fake_target,
            "generator_target": self.generator_target,
        }


@keras.saving.register_keras_serializable(package="keras_gans")
class Wasserstein(AdversarialLoss):
    """The Wasserstein critic and generator objectives, with no Lipschitz regulariser.

    On its own the critic is unbounded: compose it with a constraint or a penalty, as the
    registered `wasserstein` (`WGAN`, weight clipping) and `wgan-gp` (`WGANGP`) losses do.

    Formula:
        critic: `mean(f) - mean(r)`; generator: `-mean(f)`.

    Args:
        penalties: Penalties (default none), e.g. `[GradientPenalty(10.0)]`.
        constraints: Constraints (default none), e.g. `[WeightClipping(0.01)]`.
        name: Default `"wasserstein"`.

    Example:
    >>> from keras_gans.penalties import GradientPenalty
    >>> loss = Wasserstein(penalties=[GradientPenalty(10.0)])
    >>> [p.name for p in loss.penalties]
    ['gp']

    Reference:
        Arjovsky et al., "Wasserstein Generative Adversarial Networks", ICML 2017.
    """

    def __init__(self, penalties=None, constraints=None, name="wasserstein"):
        super().__init__(penalties=penalties, constraints=constraints, name=name)

    def discriminator_loss(self, real_output, fake_output):
        return F.wasserstein_discriminator_loss(real_output, fake_output)

    def generator_loss(self, fake_output):
        return F.wasserstein_generator_loss(fake_output)


@keras.saving.register_keras_serializable(package="keras_gans")
class Hinge(AdversarialLoss):
    """The hinge adversarial objective (geometric GAN, SN-GAN).

    Formula:
        discriminator: `mean(relu(1 - r)) + mean(relu(1 + f))`; generator: `-mean(f)`.

    Args:
        penalties: Extra penalties (default none).
        constraints: Extra constraints (default none).
        name: Default `"hinge"`.

    Example:
    >>> float(Hinge().discriminator_loss([2.0], [-2.0]))
    0.0

    Reference:
        Lim & Ye, "Geometric GAN", 2017; Miyato et al., "Spectral Normalization for
        Generative Adversarial Networks", ICLR 2018, eq. 16.
    """

    def __init__(self, penalties=None, constraints=None, name="hinge"):
        super().__init__(penalties=penalties, constraints=constraints, name=name)

    def discriminator_loss(self, real_output, fake_output):
        return F.hinge_discriminator_loss(real_output, fake_output)

    def generator_loss(self, fake_output):
        return F.hinge_generator_loss(fake_output)
