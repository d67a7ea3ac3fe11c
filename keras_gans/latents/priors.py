"""The latent prior base class and the two plain priors (normal, uniform).

`GANModel(latent_distribution=...)` takes `"normal"`, `"uniform"` or a `LatentDistribution`
object. Subclass `LatentDistribution` for structured latents, e.g. InfoGAN's noise
concatenated with categorical and continuous codes: `sample(n, latent_dim, seed)` returns
the whole generator input, and objective terms read it back from `StepContext.latent`.
"""

from __future__ import annotations

import keras

from keras_gans.configurable import Configurable

__all__ = ["LatentDistribution", "NormalLatent", "UniformLatent", "resolve"]


class LatentDistribution(Configurable):
    """Base class of latent priors: draws `(n, latent_dim)` generator inputs.

    Subclasses implement `sample`, may validate `latent_dim` in `check`, store their
    constructor arguments as attributes returned by `get_config`, and are registered with
    `@keras.saving.register_keras_serializable(package=...)` so saved models restore them.
    """

    def sample(self, n, latent_dim, seed=None):
        """Returns `n` latent vectors of size `latent_dim` (float32).

        Args:
            n: How many (an int or a scalar tensor).
            latent_dim: The vector size.
            seed: An int, a `keras.random.SeedGenerator` or `None`.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement sample().")

    def check(self, latent_dim):
        """Raises `ValueError` if the distribution cannot produce `latent_dim` values."""


@keras.saving.register_keras_serializable(package="keras_gans")
class NormalLatent(LatentDistribution):
    """The standard normal prior `z ~ N(0, I)` (`latent_distribution="normal"`).

    Example:
    >>> NormalLatent().sample(3, 2, seed=0).shape
    TensorShape([3, 2])
    """

    def sample(self, n, latent_dim, seed=None):
        return keras.random.normal((n, latent_dim), seed=seed)


@keras.saving.register_keras_serializable(package="keras_gans")
class UniformLatent(LatentDistribution):
    """The uniform prior `z ~ U(-1, 1)` of the original GAN and DCGAN
    (`latent_distribution="uniform"`).

    Example:
    >>> float(UniformLatent().sample(100, 2, seed=0).numpy().max()) <= 1.0
    True
    """

    def sample(self, n, latent_dim, seed=None):
        return keras.random.uniform((n, latent_dim), minval=-1.0, maxval=1.0, seed=seed)


_NAMES = {"normal": NormalLatent, "uniform": UniformLatent}


def resolve(identifier):
    """Returns the `LatentDistribution` for a name, a Keras config dict or an instance.

    Example:
    >>> resolve("uniform")
    UniformLatent()
    """
    if isinstance(identifier, LatentDistribution):
        return identifier
    if isinstance(identifier, str) and identifier in _NAMES:
        return _NAMES[identifier]()
    if isinstance(identifier, dict) and "class_name" in identifier:
        distribution = keras.saving.deserialize_keras_object(identifier)
        if isinstance(distribution, LatentDistribution):
            return distribution
    raise ValueError(
        f"`latent_distribution` must be one of {tuple(_NAMES)} or a "
        "keras_gans.latents.LatentDistribution. "
        f"Received: latent_distribution={identifier!r}"
    )
