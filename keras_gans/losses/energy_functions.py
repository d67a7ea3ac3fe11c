"""Energy-based GAN objectives (EBGAN, BEGAN) as pure functions.

Re-exported by `keras_gans.losses.functions`.
"""

from __future__ import annotations

from keras import ops

from keras_gans.losses._ops import as_float as _float

__all__ = [
    "began_convergence",
    "began_discriminator_loss",
    "began_k_update",
    "ebgan_discriminator_loss",
    "ebgan_generator_loss",
]


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
        `k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z))), 0, 1)`, `L = -score`,
        `L(x)` and `L(G(z))` the batch means.

    Args:
        k: `k_t`.
        real_scores: `-L(x)` on a real minibatch (the `BEGAN` loss passes the
            discriminator update's, scored before its optimizer step).
        fake_scores: `-L(G(z))` on a generated batch (the `BEGAN` loss passes the same
            update's, scored by the same discriminator).
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
        `M_global = L(x) + |gamma L(x) - L(G(z))|`, `L = -score`, `L(x)` and `L(G(z))` the
        batch means.

    Args:
        real_scores: `-L(x)` on a real minibatch (the `BEGAN` loss passes the
            discriminator update's, scored before its optimizer step).
        fake_scores: `-L(G(z))` on a generated batch (the same update's).
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
