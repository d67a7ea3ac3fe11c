"""The VAE-GAN encoder's prior term: the KL divergence of `q(z|x)` from `N(0, I)`."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans_representation._aae_phases import PlayerTerm, per_example_sum

__all__ = ["VAEKLDivergence", "gaussian_kl_divergence"]


def gaussian_kl_divergence(mean, log_variance):
    """KL divergence of `N(mean, exp(log_variance))` from `N(0, I)`, averaged over examples.

    Formula:
        `L_prior = mean_i sum_j -1/2 (1 + log s_ij^2 - m_ij^2 - s_ij^2)`.

    Args:
        mean: Means of the diagonal Gaussian posteriors, `(batch, latent_dim)`.
        log_variance: Their log-variances, the same shape.

    Returns:
        A float32 scalar tensor.

    Example:
    >>> import math
    >>> value = gaussian_kl_divergence([[1.0, 0.0]], [[0.0, math.log(4.0)]])
    >>> round(float(value), 5) == round(0.5 * 1.0 + 0.5 * (4.0 - 1.0 - math.log(4.0)), 5)
    True

    Reference:
        Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014, appendix B.
    """
    mean = ops.cast(ops.convert_to_tensor(mean), "float32")
    log_variance = ops.cast(ops.convert_to_tensor(log_variance), "float32")
    terms = -0.5 * (1.0 + log_variance - ops.square(mean) - ops.exp(log_variance))
    return ops.mean(per_example_sum(terms))


@keras.saving.register_keras_serializable(package="keras_gans_representation")
class VAEKLDivergence(PlayerTerm):
    """The VAE-GAN encoder's prior term, `gaussian_kl_divergence(mean, log_variance)`.

    Added to the `encoder` player's objective only, logged as `e_term/kl`.
    `VAEGANModel` puts the posterior's `mean` and `log_variance` in the context's
    `extras`.

    Args:
        name: Names the piece (default `"kl"`).

    Example:
    >>> VAEKLDivergence().log_key
    'term/kl'

    Reference:
        Larsen et al., "Autoencoding beyond pixels using a learned similarity metric",
        ICML 2016, section 2 and Algorithm 1 (`L_prior`).
    """

    players = ("encoder",)
    roles = ("generator",)

    def __init__(self, name="kl"):
        super().__init__(name=name)

    def objective(self, player, ctx):
        return gaussian_kl_divergence(ctx.extras["mean"], ctx.extras["log_variance"])
