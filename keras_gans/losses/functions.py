"""Adversarial objectives as pure functions of discriminator outputs.

Every function takes the raw discriminator outputs (logits, critic values or least-squares
scores: never probabilities) and returns a scalar mean over every axis, so patch
discriminators (one output per image region) work unchanged. The maths uses `keras.ops` only.

Notation: `r = D(x)` on real data, `f = D(G(z))` on generated data, `softplus(t) = log(1 + e^t)`,
so `-log(sigmoid(t)) = softplus(-t)` and `-log(1 - sigmoid(t)) = softplus(t)`.
"""

from __future__ import annotations

from keras import ops

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


def _float(x):
    x = ops.convert_to_tensor(x)
    return x if x.dtype == "float32" or x.dtype == "float64" else ops.cast(x, "float32")


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
            section 3.4): the real target becomes `1 - s`; fake targets stay 0. Default 0.

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


# ---------------------------------------------------------------- relativistic average
def _relativistic(real_scores, fake_scores):
    """`(r - mean(f), f - mean(r))`: each score relative to the other side's average."""
    r, f = _float(real_scores), _float(fake_scores)
    return r - ops.mean(f), f - ops.mean(r)


def relativistic_average_discriminator_loss(real_logits, fake_logits):
    """The relativistic average standard GAN discriminator objective (RaSGAN).

    The discriminator estimates how much more realistic a real sample is than the average
    fake (and a fake than the average real one).

    Formula:
        `mean(softplus(-(r - mean(f)))) + mean(softplus(f - mean(r)))`, i.e.
        `-E log sigmoid(r - E f) - E log(1 - sigmoid(f - E r))`.

    Args:
        real_logits: Critic outputs on real data.
        fake_logits: Critic outputs on generated data.

    Returns:
        The scalar loss.

    Example:
    >>> round(float(relativistic_average_discriminator_loss([0.0], [0.0])), 6)  # 2 log 2
    1.386294

    Reference:
        Jolicoeur-Martineau, "The relativistic discriminator: a key element missing from
        standard GAN", ICLR 2019 (arXiv 2018), section 4.
    """
    real, fake = _relativistic(real_logits, fake_logits)
    return ops.mean(ops.softplus(-real)) + ops.mean(ops.softplus(fake))


def relativistic_average_generator_loss(fake_logits, real_logits):
    """The relativistic average standard GAN generator objective (RaSGAN).

    Unlike the standard generator loss it depends on the real scores too: the generator
    also lowers how much more realistic the real data looks than its samples.

    Formula:
        `mean(softplus(-(f - mean(r)))) + mean(softplus(r - mean(f)))`.

    Args:
        fake_logits: Critic outputs on generated data.
        real_logits: Critic outputs on real data.

    Returns:
        The scalar loss.

    Example:
    >>> round(float(relativistic_average_generator_loss([1.0], [1.0])), 6)  # 2 log 2
    1.386294

    Reference:
        Jolicoeur-Martineau, "The relativistic discriminator: a key element missing from
        standard GAN", ICLR 2019 (arXiv 2018), section 4.
    """
    real, fake = _relativistic(real_logits, fake_logits)
    return ops.mean(ops.softplus(-fake)) + ops.mean(ops.softplus(real))


def relativistic_average_least_squares_discriminator_loss(real_scores, fake_scores):
    """The relativistic average least-squares discriminator objective (RaLSGAN).

    Formula:
        `mean((r - mean(f) - 1)^2) + mean((f - mean(r) + 1)^2)`.

    Args:
        real_scores: Critic outputs on real data.
        fake_scores: Critic outputs on generated data.

    Returns:
        The scalar loss.

    Example:
    >>> float(relativistic_average_least_squares_discriminator_loss([1.0], [0.0]))
    0.0

    Reference:
        Jolicoeur-Martineau, "The relativistic discriminator: a key element missing from
        standard GAN", ICLR 2019 (arXiv 2018), section 4.
    """
    real, fake = _relativistic(real_scores, fake_scores)
    return ops.mean(ops.square(real - 1.0)) + ops.mean(ops.square(fake + 1.0))


def relativistic_average_least_squares_generator_loss(fake_scores, real_scores):
    """The relativistic average least-squares generator objective (RaLSGAN).

    Formula:
        `mean((f - mean(r) - 1)^2) + mean((r - mean(f) + 1)^2)`.

    Args:
        fake_scores: Critic outputs on generated data.
        real_scores: Critic outputs on real data.

    Returns:
        The scalar loss.

    Example:
    >>> float(relativistic_average_least_squares_generator_loss([1.0], [0.0]))
    0.0

    Reference:
        Jolicoeur-Martineau, "The relativistic discriminator: a key element missing from
        standard GAN", ICLR 2019 (arXiv 2018), section 4.
    """
    real, fake = _relativistic(real_scores, fake_scores)
    return ops.mean(ops.square(fake - 1.0)) + ops.mean(ops.square(real + 1.0))


def relativistic_average_hinge_discriminator_loss(real_scores, fake_scores):
    """The relativistic average hinge discriminator objective (RaHingeGAN).

    Formula:
        `mean(relu(1 - (r - mean(f)))) + mean(relu(1 + (f - mean(r))))`.

    Args:
        real_scores: Critic outputs on real data.
        fake_scores: Critic outputs on generated data.

    Returns:
        The scalar loss.

    Example:
    >>> float(relativistic_average_hinge_discriminator_loss([0.0], [0.0]))
    2.0

    Reference:
        Jolicoeur-Martineau, "The relativistic discriminator: a key element missing from
        standard GAN", ICLR 2019 (arXiv 2018), section 4.
    """
    real, fake = _relativistic(real_scores, fake_scores)
    return ops.mean(ops.relu(1.0 - real)) + ops.mean(ops.relu(1.0 + fake))


def relativistic_average_hinge_generator_loss(fake_scores, real_scores):
    """The relativistic average hinge generator objective (RaHingeGAN).

    Formula:
        `mean(relu(1 - (f - mean(r)))) + mean(relu(1 + (r - mean(f))))`.

    Args:
        fake_scores: Critic outputs on generated data.
        real_scores: Critic outputs on real data.

    Returns:
        The scalar loss.

    Example:
    >>> float(relativistic_average_hinge_generator_loss([2.0], [0.0]))
    0.0

    Reference:
        Jolicoeur-Martineau, "The relativistic discriminator: a key element missing from
        standard GAN", ICLR 2019 (arXiv 2018), section 4.
    """
    real, fake = _relativistic(real_scores, fake_scores)
    return ops.mean(ops.relu(1.0 - fake)) + ops.mean(ops.relu(1.0 + real))


# ---------------------------------------------------------------- energy-based
# An autoencoder discriminator scores a sample by its negative reconstruction energy,
# `score = -E(x)`, so that, as for every other loss here, a higher score means "more real".


def ebgan_discriminator_loss(real_scores, fake_scores, margin=1.0):
    """The EBGAN discriminator objective, on scores that are negative energies.

    Formula:
        `E(x) + max(0, m - E(G(z)))` averaged, with `E = -score`:
        `mean(-r) + mean(relu(m + f))`.

    Args:
        real_scores: `-E(x)` on real data.
        fake_scores: `-E(G(z))` on generated data.
        margin: `m`: energies of fakes above it are not pushed up further (default 1).

    Returns:
        The scalar loss.

    Example:
    >>> float(ebgan_discriminator_loss([-0.5], [-3.0], margin=2.0))  # 0.5 + max(0, 2 - 3)
    0.5

    Reference:
        Zhao et al., "Energy-based Generative Adversarial Network", ICLR 2017, eq. 1.
    """
    r, f = _float(real_scores), _float(fake_scores)
    return ops.mean(-r) + ops.mean(ops.relu(margin + f))


def ebgan_generator_loss(fake_scores):
    """The EBGAN generator objective: the energy of its samples.

    Formula:
        `mean(E(G(z))) = mean(-f)`.

    Args:
        fake_scores: `-E(G(z))` on generated data.

    Returns:
        The scalar loss.

    Example:
    >>> float(ebgan_generator_loss([-0.25, -0.75]))
    0.5

    Reference:
        Zhao et al., "Energy-based Generative Adversarial Network", ICLR 2017, eq. 2.
    """
    return ops.mean(-_float(fake_scores))


def began_discriminator_loss(real_scores, fake_scores, k):
    """The BEGAN discriminator objective, on scores that are negative reconstruction losses.

    Formula:
        `L(x) - k_t L(G(z))` with `L = -score` averaged over the batch:
        `mean(-r) - k_t mean(-f)`.

    Args:
        real_scores: `-L(x)` on real data.
        fake_scores: `-L(G(z))` on generated data.
        k: `k_t` in [0, 1], the weight of the fake term.

    Returns:
        The scalar loss.

    Example:
    >>> float(began_discriminator_loss([-1.0], [-2.0], k=0.25))  # 1 - 0.25 * 2
    0.5

    Reference:
        Berthelot et al., "BEGAN: Boundary Equilibrium Generative Adversarial Networks",
        2017, section 3.4.
    """
    return ops.mean(-_float(real_scores)) - k * ops.mean(-_float(fake_scores))


def began_k_update(k, real_scores, fake_scores, gamma=0.5, lambda_k=0.001):
    """BEGAN's proportional control of `k`, clipped to [0, 1].

    Formula:
        `k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z))), 0, 1)`, `L = -score`.

    Args:
        k: `k_t`.
        real_scores: `-L(x)` on real data.
        fake_scores: `-L(G(z))` on generated data.
        gamma: The diversity ratio `E L(G(z)) / E L(x)` to hold (default 0.5).
        lambda_k: The proportional gain (default 0.001).

    Returns:
        `k_{t+1}`, a float32 scalar tensor.

    Example:
    >>> round(float(began_k_update(0.5, [-2.0], [-0.5], gamma=0.5, lambda_k=0.1)), 6)
    0.55

    Reference:
        Berthelot et al., "BEGAN: Boundary Equilibrium Generative Adversarial Networks",
        2017, section 3.4.
    """
    real_loss = ops.mean(-_float(real_scores))
    fake_loss = ops.mean(-_float(fake_scores))
    return ops.clip(k + lambda_k * (gamma * real_loss - fake_loss), 0.0, 1.0)


def began_convergence(real_scores, fake_scores, gamma=0.5):
    """BEGAN's global convergence measure.

    Formula:
        `M_global = L(x) + |gamma L(x) - L(G(z))|`, `L = -score`.

    Args:
        real_scores: `-L(x)` on real data.
        fake_scores: `-L(G(z))` on generated data.
        gamma: The diversity ratio (default 0.5).

    Returns:
        A float32 scalar tensor (lower is better).

    Example:
    >>> float(began_convergence([-2.0], [-0.5], gamma=0.5))  # 2 + |1 - 0.5|
    2.5

    Reference:
        Berthelot et al., "BEGAN: Boundary Equilibrium Generative Adversarial Networks",
        2017, section 3.4.1.
    """
    real_loss = ops.mean(-_float(real_scores))
    fake_loss = ops.mean(-_float(fake_scores))
    return real_loss + ops.abs(gamma * real_loss - fake_loss)
