"""Adversarial objectives as pure functions of discriminator outputs.

Every function takes the raw discriminator outputs (logits, critic values or least-squares
scores: never probabilities) and returns a scalar mean over every axis, so patch
discriminators (one output per image region) work unchanged. The maths uses `keras.ops` only.

Notation: `r = D(x)` on real data, `f = D(G(z))` on generated data, `softplus(t) = log(1 + e^t)`,
so `-log(sigmoid(t)) = softplus(-t)` and `-log(1 - sigmoid(t)) = softplus(t)`.

The relativistic and energy-based objectives live in `relativistic_functions` and
`energy_functions` and are re-exported here, so every pure loss is `functions.<name>`.
"""

from __future__ import annotations

from keras import ops

from keras_gans.losses._ops import as_float as _float
from keras_gans.losses.energy_functions import (  # noqa: F401 - re-exported
    began_convergence,
    began_discriminator_loss,
    began_k_update,
    ebgan_discriminator_loss,
    ebgan_generator_loss,
)
from keras_gans.losses.relativistic_functions import (  # noqa: F401 - re-exported
    relativistic_average_discriminator_loss,
    relativistic_average_generator_loss,
    relativistic_average_hinge_discriminator_loss,
    relativistic_average_hinge_generator_loss,
    relativistic_average_least_squares_discriminator_loss,
    relativistic_average_least_squares_generator_loss,
)

__all__ = [
    "began_convergence",
    "began_discriminator_loss",
    "began_k_update",
    "ebgan_discriminator_loss",
    "ebgan_generator_loss",
    "hinge_discriminator_loss",
    "hinge_generator_loss",
    "least_squares_discriminator_loss",
    "least_squares_generator_loss",
    "minimax_discriminator_loss",
    "minimax_generator_loss",
    "non_saturating_generator_loss",
    "relativistic_average_discriminator_loss",
    "relativistic_average_generator_loss",
    "relativistic_average_hinge_discriminator_loss",
    "relativistic_average_hinge_generator_loss",
    "relativistic_average_least_squares_discriminator_loss",
    "relativistic_average_least_squares_generator_loss",
    "wasserstein_discriminator_loss",
    "wasserstein_generator_loss",
]


def minimax_discriminator_loss(real_logits, fake_logits, label_smoothing=0.0):
    """Binary cross-entropy of the discriminator (Goodfellow et al. 2014, eq. 1).

    Formula:
        `mean(softplus(r) - (1 - s) * r) + mean(softplus(f))`, i.e. the cross-entropy of
        `sigmoid(r)` against the target `1 - s` plus that of `sigmoid(f)` against 0. With
        `s = 0` this is `-mean(log D(x)) - mean(log(1 - D(G(z))))`.

    Args:
        real_logits: Discriminator logits on real data.
        fake_logits: Discriminator logits on generated data.
        label_smoothing: One-sided label smoothing `s` in `[0, 1)` (Salimans et al. 2016,
            section 3.4): the real target becomes `1 - s` (the paper's alpha; its 0.9 is
            `s = 0.1`); fake targets stay 0. Default 0. Keras'
            `BinaryCrossentropy(label_smoothing=t)` and TF-GAN's `label_smoothing=t`
            instead pull targets towards 1/2, making the real target `1 - t / 2`: their
            `t` is `2 s` here (TF-GAN's default 0.25 is `s = 0.125`).

    Returns:
        The scalar loss.

    Example:
    >>> float(minimax_discriminator_loss([0.0], [0.0]))  # 2 log 2
    1.3862943649291992

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """
    r, f = _float(real_logits), _float(fake_logits)
    real_term = ops.mean(ops.softplus(r) - (1.0 - label_smoothing) * r)
    return real_term + ops.mean(ops.softplus(f))


def minimax_generator_loss(fake_logits):
    """The saturating generator objective of the original minimax game.

    Formula:
        `mean(log(1 - sigmoid(f))) = -mean(softplus(f))`. Its gradient vanishes when the
        discriminator confidently rejects the fakes, which is why the paper recommends the
        non-saturating objective in practice.

    Args:
        fake_logits: Discriminator logits on generated data.

    Returns:
        The scalar loss (negative: it is minimised towards -infinity).

    Example:
    >>> round(float(minimax_generator_loss([0.0])), 6)  # log(1/2)
    -0.693147

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, eq. 1.
    """
    return -ops.mean(ops.softplus(_float(fake_logits)))


def non_saturating_generator_loss(fake_logits):
    """The non-saturating generator objective: maximise `log D(G(z))`.

    Formula:
        `-mean(log(sigmoid(f))) = mean(softplus(-f))`.

    Args:
        fake_logits: Discriminator logits on generated data.

    Returns:
        The scalar loss.

    Example:
    >>> round(float(non_saturating_generator_loss([0.0])), 6)  # log 2
    0.693147

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, section 3.
    """
    return ops.mean(ops.softplus(-_float(fake_logits)))


def least_squares_discriminator_loss(real_scores, fake_scores, real_target=1.0, fake_target=0.0):
    """The least-squares discriminator objective (LSGAN, Mao et al. 2017, eq. 2).

    Formula:
        `0.5 * mean((r - b)^2) + 0.5 * mean((f - a)^2)` with `b = real_target`,
        `a = fake_target`.

    Args:
        real_scores: Discriminator outputs on real data.
        fake_scores: Discriminator outputs on generated data.
        real_target: `b`, the target for real data (default 1).
        fake_target: `a`, the target for generated data (default 0).

    Returns:
        The scalar loss.

    Example:
    >>> float(least_squares_discriminator_loss([1.0], [1.0]))
    0.5

    Reference:
        Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017.
    """
    r, f = _float(real_scores), _float(fake_scores)
    return 0.5 * ops.mean(ops.square(r - real_target)) + 0.5 * ops.mean(ops.square(f - fake_target))


def least_squares_generator_loss(fake_scores, target=1.0):
    """The least-squares generator objective (LSGAN, Mao et al. 2017, eq. 2).

    Formula:
        `0.5 * mean((f - c)^2)` with `c = target`.

    Args:
        fake_scores: Discriminator outputs on generated data.
        target: `c`, the value the generator wants the discriminator to output (default 1).

    Returns:
        The scalar loss.

    Example:
    >>> float(least_squares_generator_loss([3.0]))
    2.0

    Reference:
        Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017.
    """
    return 0.5 * ops.mean(ops.square(_float(fake_scores) - target))


def wasserstein_discriminator_loss(real_scores, fake_scores):
    """The critic objective of the Wasserstein GAN (Arjovsky et al. 2017, Algorithm 1).

    Formula:
        `mean(f) - mean(r)`; its negation estimates the Wasserstein-1 distance when the
        critic is 1-Lipschitz (enforced by weight clipping or a gradient penalty).

    Args:
        real_scores: Critic outputs on real data.
        fake_scores: Critic outputs on generated data.

    Returns:
        The scalar loss.

    Example:
    >>> float(wasserstein_discriminator_loss([3.0, 1.0], [0.5]))
    -1.5

    Reference:
        Arjovsky et al., "Wasserstein Generative Adversarial Networks", ICML 2017.
    """
    return ops.mean(_float(fake_scores)) - ops.mean(_float(real_scores))


def wasserstein_generator_loss(fake_scores):
    """The generator objective of the Wasserstein GAN.

    Formula:
        `-mean(f)`.

    Args:
        fake_scores: Critic outputs on generated data.

    Returns:
        The scalar loss.

    Example:
    >>> float(wasserstein_generator_loss([0.5, 1.5]))
    -1.0

    Reference:
        Arjovsky et al., "Wasserstein Generative Adversarial Networks", ICML 2017.
    """
    return -ops.mean(_float(fake_scores))


def hinge_discriminator_loss(real_scores, fake_scores):
    """The hinge discriminator objective (Lim & Ye 2017; Miyato et al. 2018, eq. 16).

    Formula:
        `mean(relu(1 - r)) + mean(relu(1 + f))`.

    Args:
        real_scores: Discriminator outputs on real data.
        fake_scores: Discriminator outputs on generated data.

    Returns:
        The scalar loss.

    Example:
    >>> float(hinge_discriminator_loss([0.5, 2.0], [-3.0, 0.0]))
    0.75

    Reference:
        Lim & Ye, "Geometric GAN", 2017; Miyato et al., "Spectral Normalization for
        Generative Adversarial Networks", ICLR 2018.
    """
    r, f = _float(real_scores), _float(fake_scores)
    return ops.mean(ops.relu(1.0 - r)) + ops.mean(ops.relu(1.0 + f))


def hinge_generator_loss(fake_scores):
    """The generator objective paired with the hinge discriminator loss.

    Formula:
        `-mean(f)`.

    Args:
        fake_scores: Discriminator outputs on generated data.

    Returns:
        The scalar loss.

    Example:
    >>> float(hinge_generator_loss([2.0]))
    -2.0

    Reference:
        Miyato et al., "Spectral Normalization for Generative Adversarial Networks",
        ICLR 2018.
    """
    return -ops.mean(_float(fake_scores))
