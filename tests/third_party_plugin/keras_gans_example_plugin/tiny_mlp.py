"""`TinyMLP`: a small fully connected generator/discriminator pair for low-dimensional data."""

from __future__ import annotations

import keras

from keras_gans.architectures import Architecture

__all__ = ["TinyMLP"]


def _positive_int(value, argument):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"`{argument}` must be a positive integer. Received: {argument}={value!r}")
    return value


class TinyMLP(Architecture):
    """A small fully connected generator and discriminator for `data_dim`-dimensional points.

    Generator: `z` through two ReLU layers of `units` to `data_dim` linear outputs.
    Discriminator: the point through two LeakyReLU(0.2) layers of `units` to one raw score.
    Meant for 2-D toy distributions such as `keras_gans.datasets.ring_of_gaussians`.

    Args:
        data_dim: Size of one sample (default 2).
        latent_dim: Size of `z` (default 8).
        units: Width of every hidden layer (default 64).

    Example:
    >>> arch = TinyMLP(data_dim=2, latent_dim=4, units=8)
    >>> arch.build_generator().output_shape, arch.build_discriminator().output_shape
    ((None, 2), (None, 1))
    """

    default_loss = "softplus-hinge"

    def __init__(self, data_dim=2, latent_dim=8, units=64):
        self.data_dim = _positive_int(data_dim, "data_dim")
        self.latent_dim = _positive_int(latent_dim, "latent_dim")
        self.units = _positive_int(units, "units")

    def build_generator(self):
        z = keras.Input((self.latent_dim,), name="z")
        h = keras.layers.Dense(self.units, activation="relu")(z)
        h = keras.layers.Dense(self.units, activation="relu")(h)
        out = keras.layers.Dense(self.data_dim, dtype="float32")(h)
        return keras.Model(z, out, name="tiny_mlp_generator")

    def build_discriminator(self):
        x = keras.Input((self.data_dim,), name="x")
        h = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(self.units)(x))
        h = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(self.units)(h))
        out = keras.layers.Dense(1, dtype="float32")(h)
        return keras.Model(x, out, name="tiny_mlp_discriminator")
