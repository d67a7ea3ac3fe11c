"""The softplus-hinge adversarial loss: the hinge objective with `relu` smoothed to `softplus`."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.losses import AdversarialLoss

__all__ = [
    "SoftplusHinge",
    "softplus_hinge_discriminator_loss",
    "softplus_hinge_generator_loss",
]


def softplus_hinge_discriminator_loss(real_scores, fake_scores, margin=1.0):
    """The softplus-hinge discriminator objective.

    Formula:
        `mean(softplus(m - r)) + mean(softplus(m + f))` with `m = margin`: the hinge loss
        `mean(relu(1 - r)) + mean(relu(1 + f))` with `relu` replaced by its smooth upper
        bound `softplus`, so no sample's gradient is ever exactly zero.

    Args:
        real_scores: Discriminator outputs on real data.
        fake_scores: Discriminator outputs on generated data.
        margin: `m`, the score beyond which a sample counts as confidently classified
            (default 1).

    Returns:
        The scalar loss.

    Example:
    >>> round(float(softplus_hinge_discriminator_loss([1.0], [-1.0])), 4)  # 2 log 2
    1.3863
    """
    r = ops.cast(ops.convert_to_tensor(real_scores), "float32")
    f = ops.cast(ops.convert_to_tensor(fake_scores), "float32")
    return ops.mean(ops.softplus(margin - r)) + ops.mean(ops.softplus(margin + f))


def softplus_hinge_generator_loss(fake_scores, margin=1.0):
    """The softplus-hinge generator objective: push the fakes' scores above the margin.

    Formula:
        `mean(softplus(m - f))`; its gradient tends to -1 (not 0) when the discriminator
        confidently rejects the fakes, so it does not saturate.

    Args:
        fake_scores: Discriminator outputs on generated data.
        margin: `m` (default 1).

    Returns:
        The scalar loss.

    Example:
    >>> round(float(softplus_hinge_generator_loss([1.0])), 4)  # log 2
    0.6931
    """
    f = ops.cast(ops.convert_to_tensor(fake_scores), "float32")
    return ops.mean(ops.softplus(margin - f))


@keras.saving.register_keras_serializable(package="keras_gans_example_plugin")
class SoftplusHinge(AdversarialLoss):
    """The hinge adversarial objective with `relu` smoothed to `softplus`.

    Formula:
        discriminator: `mean(softplus(m - r)) + mean(softplus(m + f))`;
        generator: `mean(softplus(m - f))`.

    Args:
        margin: `m`, a non-negative number (default 1).
        penalties: Extra penalties (default none).
        constraints: Extra constraints (default none).
        name: Default `"softplus_hinge"`.

    Example:
    >>> round(float(SoftplusHinge(margin=0.0).generator_loss([0.0])), 4)
    0.6931

    Reference:
        Lim & Ye, "Geometric GAN", 2017 (the hinge objective it smooths).
    """

    def __init__(self, margin=1.0, penalties=None, constraints=None, name="softplus_hinge"):
        super().__init__(penalties=penalties, constraints=constraints, name=name)
        if isinstance(margin, bool) or not isinstance(margin, (int, float)) or margin < 0:
            raise ValueError(f"`margin` must be a non-negative number. Received: margin={margin!r}")
        self.margin = float(margin)

    def discriminator_loss(self, real_output, fake_output):
        return softplus_hinge_discriminator_loss(real_output, fake_output, self.margin)

    def generator_loss(self, fake_output):
        return softplus_hinge_generator_loss(fake_output, self.margin)

    def get_config(self):
        return {**super().get_config(), "margin": self.margin}
