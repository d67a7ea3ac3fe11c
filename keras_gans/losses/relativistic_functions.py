"""Relativistic average GAN objectives (Jolicoeur-Martineau 2018) as pure functions.

Each score is judged relative to the other side's average: `r - mean(f)` and `f - mean(r)`.
Re-exported by `keras_gans.losses.functions`.

The averages are batch statistics. Each function takes `all_gather` (`StepContext.all_gather`,
which the losses' objectives pass) so that under `tf.distribute` they are the averages of the
global batch, as on one device, rather than of each replica's part.
"""

from __future__ import annotations

from keras import ops

from keras_gans.losses._ops import as_float as _float
from keras_gans.losses._ops import global_mean

__all__ = [
    "relativistic_average_discriminator_loss",
    "relativistic_average_generator_loss",
    "relativistic_average_hinge_discriminator_loss",
    "relativistic_average_hinge_generator_loss",
    "relativistic_average_least_squares_discriminator_loss",
    "relativistic_average_least_squares_generator_loss",
]


# ---------------------------------------------------------------- relativistic average
def _relativistic(real_scores, fake_scores, all_gather=None):
    """`(r - mean(f), f - mean(r))`: each score relative to the other side's average (over
    the global batch with `all_gather`)."""
    r, f = _float(real_scores), _float(fake_scores)
    return r - ops.mean(global_mean(f, all_gather)), f - ops.mean(global_mean(r, all_gather))


def relativistic_average_discriminator_loss(real_logits, fake_logits, all_gather=None):
    """The relativistic average standard GAN discriminator objective (RaSGAN).

    The discriminator estimates how much more realistic a real sample is than the average
    fake (and a fake than the average real one).

    Formula:
        `mean(softplus(-(r - mean(f)))) + mean(softplus(f - mean(r)))`, i.e.
        `-E log sigmoid(r - E f) - E log(1 - sigmoid(f - E r))`.

    Args:
        real_logits: Critic outputs on real data.
        fake_logits: Critic outputs on generated data.
        all_gather: `x -> x` of every replica (`StepContext.all_gather`): the averages
            are then over the global batch (default `None`: over this batch).

    Returns:
        The scalar loss.

    Example:
    >>> round(float(relativistic_average_discriminator_loss([0.0], [0.0])), 6)  # 2 log 2
    1.386294

    Reference:
        Jolicoeur-Martineau, "The relativistic discriminator: a key element missing from
        standard GAN", ICLR 2019 (arXiv 2018), section 4.
    """
    real, fake = _relativistic(real_logits, fake_logits, all_gather)
    return ops.mean(ops.softplus(-real)) + ops.mean(ops.softplus(fake))


def relativistic_average_generator_loss(fake_logits, real_logits, all_gather=None):
    """The relativistic average standard GAN generator objective (RaSGAN).

    Unlike the standard generator loss it depends on the real scores too: the generator
    also lowers how much more realistic the real data looks than its samples.

    Formula:
        `mean(softplus(-(f - mean(r)))) + mean(softplus(r - mean(f)))`.

    Args:
        fake_logits: Critic outputs on generated data.
        real_logits: Critic outputs on real data.
        all_gather: `x -> x` of every replica (`StepContext.all_gather`): the averages
            are then over the global batch (default `None`: over this batch).

    Returns:
        The scalar loss.

    Example:
    >>> round(float(relativistic_average_generator_loss([1.0], [1.0])), 6)  # 2 log 2
    1.386294

    Reference:
        Jolicoeur-Martineau, "The relativistic discriminator: a key element missing from
        standard GAN", ICLR 2019 (arXiv 2018), section 4.
    """
    real, fake = _relativistic(real_logits, fake_logits, all_gather)
    return ops.mean(ops.softplus(-fake)) + ops.mean(ops.softplus(real))


def relativistic_average_least_squares_discriminator_loss(
    real_scores, fake_scores, all_gather=None
):
    """The relativistic average least-squares discriminator objective (RaLSGAN).

    Formula:
        `mean((r - mean(f) - 1)^2) + mean((f - mean(r) + 1)^2)`.

    Args:
        real_scores: Critic outputs on real data.
        fake_scores: Critic outputs on generated data.
        all_gather: `x -> x` of every replica (`StepContext.all_gather`): the averages
            are then over the global batch (default `None`: over this batch).

    Returns:
        The scalar loss.

    Example:
    >>> float(relativistic_average_least_squares_discriminator_loss([1.0], [0.0]))
    0.0

    Reference:
        Jolicoeur-Martineau, "The relativistic discriminator: a key element missing from
        standard GAN", ICLR 2019 (arXiv 2018), section 4.
    """
    real, fake = _relativistic(real_scores, fake_scores, all_gather)
    return ops.mean(ops.square(real - 1.0)) + ops.mean(ops.square(fake + 1.0))


def relativistic_average_least_squares_generator_loss(fake_scores, real_scores, all_gather=None):
    """The relativistic average least-squares generator objective (RaLSGAN).

    Formula:
        `mean((f - mean(r) - 1)^2) + mean((r - mean(f) + 1)^2)`.

    Args:
        fake_scores: Critic outputs on generated data.
        real_scores: Critic outputs on real data.
        all_gather: `x -> x` of every replica (`StepContext.all_gather`): the averages
            are then over the global batch (default `None`: over this batch).

    Returns:
        The scalar loss.

    Example:
    >>> float(relativistic_average_least_squares_generator_loss([1.0], [0.0]))
    0.0

    Reference:
        Jolicoeur-Martineau, "The relativistic discriminator: a key element missing from
        standard GAN", ICLR 2019 (arXiv 2018), section 4.
    """
    real, fake = _relativistic(real_scores, fake_scores, all_gather)
    return ops.mean(ops.square(fake - 1.0)) + ops.mean(ops.square(real + 1.0))


def relativistic_average_hinge_discriminator_loss(real_scores, fake_scores, all_gather=None):
    """The relativistic average hinge discriminator objective (RaHingeGAN).

    Formula:
        `mean(relu(1 - (r - mean(f)))) + mean(relu(1 + (f - mean(r))))`.

    Args:
        real_scores: Critic outputs on real data.
        fake_scores: Critic outputs on generated data.
        all_gather: `x -> x` of every replica (`StepContext.all_gather`): the averages
            are then over the global batch (default `None`: over this batch).

    Returns:
        The scalar loss.

    Example:
    >>> float(relativistic_average_hinge_discriminator_loss([0.0], [0.0]))
    2.0

    Reference:
        Jolicoeur-Martineau, "The relativistic discriminator: a key element missing from
        standard GAN", ICLR 2019 (arXiv 2018), section 4.
    """
    real, fake = _relativistic(real_scores, fake_scores, all_gather)
    return ops.mean(ops.relu(1.0 - real)) + ops.mean(ops.relu(1.0 + fake))


def relativistic_average_hinge_generator_loss(fake_scores, real_scores, all_gather=None):
    """The relativistic average hinge generator objective (RaHingeGAN).

    Formula:
        `mean(relu(1 - (f - mean(r)))) + mean(relu(1 + (r - mean(f))))`.

    Args:
        fake_scores: Critic outputs on generated data.
        real_scores: Critic outputs on real data.
        all_gather: `x -> x` of every replica (`StepContext.all_gather`): the averages
            are then over the global batch (default `None`: over this batch).

    Returns:
        The scalar loss.

    Example:
    >>> float(relativistic_average_hinge_generator_loss([2.0], [0.0]))
    0.0

    Reference:
        Jolicoeur-Martineau, "The relativistic discriminator: a key element missing from
        standard GAN", ICLR 2019 (arXiv 2018), section 4.
    """
    real, fake = _relativistic(real_scores, fake_scores, all_gather)
    return ops.mean(ops.relu(1.0 - fake)) + ops.mean(ops.relu(1.0 + real))
