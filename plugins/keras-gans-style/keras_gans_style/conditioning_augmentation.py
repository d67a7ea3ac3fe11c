"""StackGAN's conditioning augmentation: a Gaussian around each embedding, sampled."""

from __future__ import annotations

import keras
from keras import ops

__all__ = ["ConditioningAugmentation", "kl_divergence", "reparameterize"]


def reparameterize(mean, log_variance, epsilon):
    """The reparameterised sample `c^ = mu + sigma * epsilon`, `sigma = exp(log_var / 2)`.

    Args:
        mean: `mu`, shape `(batch, d)`.
        log_variance: `log sigma^2`, shape `(batch, d)`.
        epsilon: Standard normal noise, shape `(batch, d)`.

    Returns:
        `c^`, shape `(batch, d)`.

    Formula:
        `c^ = mu + exp(0.5 * log_var) * epsilon`, `epsilon ~ N(0, I)`.

    Example:
    >>> reparameterize([[1.0]], [[2.0 * 0.6931472]], [[0.5]]).numpy().round(4).tolist()
    [[2.0]]
    """
    mean = ops.convert_to_tensor(mean)
    log_variance = ops.cast(ops.convert_to_tensor(log_variance), mean.dtype)
    return mean + ops.exp(0.5 * log_variance) * ops.cast(epsilon, mean.dtype)


def kl_divergence(mean, log_variance):
    """`KL(N(mu, diag(sigma^2)) || N(0, I))` of each example, shape `(batch,)`.

    Args:
        mean: `mu`, shape `(batch, d)`.
        log_variance: `log sigma^2`, shape `(batch, d)`.

    Returns:
        The divergence of each example, float32, summed over the `d` dimensions.

    Formula:
        `0.5 * sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2)`.

    Example:
    >>> kl_divergence([[0.0, 0.0], [1.0, 0.0]], [[0.0, 0.0], [0.0, 0.0]]).numpy().tolist()
    [0.0, 0.5]

    Reference:
        Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014, appendix B.
    """
    mean = ops.cast(ops.convert_to_tensor(mean), "float32")
    log_variance = ops.cast(ops.convert_to_tensor(log_variance), "float32")
    terms = ops.square(mean) + ops.exp(log_variance) - 1.0 - log_variance
    return 0.5 * ops.sum(terms, axis=-1)


@keras.saving.register_keras_serializable(package="keras_gans_style")
class ConditioningAugmentation(keras.layers.Layer):
    """Conditioning augmentation: `c^ ~ N(mu(phi), diag(sigma^2(phi)))` for an embedding `phi`.

    A fully connected layer maps the embedding `phi` (a text embedding, or a learned class
    embedding) to the mean `mu` and the diagonal log-variance `log sigma^2` of a Gaussian
    of `units` dimensions; the layer returns the reparameterised sample
    `c^ = mu + sigma * epsilon` together with `mu` and `log sigma^2`, so the generator's
    objective can add `KL(N(mu, sigma^2) || N(0, I))` (`kl_divergence`, the
    `ConditioningAugmentationKL` piece). The noise `epsilon ~ N(0, I)` is an input, not drawn
    inside the layer: a StackGAN generator takes it from its latent vector, which keeps it
    deterministic given its inputs, exportable without random ops, and resumable.

    Args:
        units: The size of `c^` (`N_g`; the paper's 128) (default 128).
        **kwargs: Passed to `keras.layers.Layer` (e.g. `name`).

    Call arguments:
        inputs: `[embedding (batch, e), epsilon (batch, units)]`.

    Returns:
        `[c^, mu, log_variance]`, each `(batch, units)`.

    Example:
    >>> import numpy as np
    >>> layer = ConditioningAugmentation(2)
    >>> c, mu, log_var = layer([np.ones((3, 5), "float32"), np.zeros((3, 2), "float32")])
    >>> bool(np.allclose(c, mu)), tuple(log_var.shape)
    (True, (3, 2))

    Reference:
        Zhang et al., "StackGAN: Text to Photo-realistic Image Synthesis with Stacked
        Generative Adversarial Networks", ICCV 2017, section 3.2 (eq. 2 and 3).
    """

    def __init__(self, units=128, **kwargs):
        super().__init__(**kwargs)
        if isinstance(units, bool) or not isinstance(units, int) or units < 1:
            raise ValueError(f"`units` must be a positive integer. Received: units={units!r}")
        self.units = units
        self.statistics = keras.layers.Dense(2 * units, name="statistics")

    def build(self, input_shape):
        embedding_shape, epsilon_shape = input_shape
        if epsilon_shape[-1] is not None and epsilon_shape[-1] != self.units:
            raise ValueError(
                f"ConditioningAugmentation({self.units}) needs epsilon of shape (batch, "
                f"{self.units}). Received: epsilon of shape {tuple(epsilon_shape)}"
            )
        self.statistics.build(embedding_shape)

    def call(self, inputs):
        embedding, epsilon = inputs
        statistics = self.statistics(embedding)
        mean, log_variance = statistics[:, : self.units], statistics[:, self.units :]
        epsilon = ops.cast(epsilon, mean.dtype)
        return [reparameterize(mean, log_variance, epsilon), mean, log_variance]

    def compute_output_shape(self, input_shape):
        shape = (input_shape[0][0], self.units)
        return [shape, shape, shape]

    def get_config(self):
        return {**super().get_config(), "units": self.units}
