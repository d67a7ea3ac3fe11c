"""`ResidualMLP`: a fully connected GAN with residual blocks, for low-dimensional data."""

from __future__ import annotations

import math

import keras

from keras_gans.architectures import Architecture
from keras_gans.checks import positive_int, positive_int_tuple
from keras_gans.layers import label_embedding, label_input

__all__ = ["ResidualMLP"]


class ResidualMLP(Architecture):
    """Fully connected generator and discriminator built from residual blocks.

    Both networks project their input to `units` features, apply `blocks` residual blocks
    (`h + Dense(activation(Dense(h)))`, with layer normalisation in front of each block),
    and end in a linear layer: `prod(data_shape)` outputs reshaped to `data_shape` for the
    generator (ReLU blocks), one raw score for the discriminator (LeakyReLU(0.2) blocks).
    The skip connections keep gradients flowing through deeper stacks than a plain MLP,
    which helps on multi-modal 2-D data such as `keras_gans.datasets.ring_of_gaussians`.
    With `num_classes`, both networks join a label embedding to their input.

    Args:
        data_shape: Shape of one sample (default `(2,)`).
        latent_dim: Size of `z` (default 16).
        num_classes: Class count for a label-conditioned pair (default `None`).
        units: Width of every block (default 128).
        blocks: Residual blocks per network (default 2).
        embedding_dim: Label embedding size when conditional (default 8).

    Example:
    >>> arch = ResidualMLP(data_shape=(2,), latent_dim=4, units=8, blocks=1)
    >>> arch.build_generator().output_shape, arch.build_discriminator().output_shape
    ((None, 2), (None, 1))
    """

    def __init__(
        self,
        data_shape=(2,),
        latent_dim=16,
        num_classes=None,
        units=128,
        blocks=2,
        embedding_dim=8,
    ):
        self.data_shape = positive_int_tuple(data_shape, "data_shape")
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        if num_classes is not None:
            num_classes = positive_int(num_classes, "num_classes")
        self.num_classes = num_classes
        self.units = positive_int(units, "units")
        self.blocks = positive_int(blocks, "blocks")
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim")

    def _with_labels(self, features, prefix):
        if self.num_classes is None:
            return features, []
        labels = label_input()
        embedded = label_embedding(labels, self.num_classes, self.embedding_dim, name=prefix)
        return keras.layers.Concatenate()([features, embedded]), [labels]

    def _trunk(self, h, activation):
        h = keras.layers.Dense(self.units)(h)
        for _ in range(self.blocks):
            branch = keras.layers.LayerNormalization()(h)
            branch = activation()(keras.layers.Dense(self.units)(branch))
            h = keras.layers.Add()([h, keras.layers.Dense(self.units)(branch)])
        return activation()(h)

    def build_generator(self):
        z = keras.Input((self.latent_dim,), name="z")
        h, extra = self._with_labels(z, "g_label")
        h = self._trunk(h, keras.layers.ReLU)
        h = keras.layers.Dense(math.prod(self.data_shape), dtype="float32")(h)
        out = keras.layers.Reshape(self.data_shape, dtype="float32")(h)
        return keras.Model([z, *extra] if extra else z, out, name="residual_mlp_generator")

    def build_discriminator(self):
        x = keras.Input(self.data_shape, name="x")
        h, extra = self._with_labels(keras.layers.Flatten()(x), "d_label")
        h = self._trunk(h, lambda: keras.layers.LeakyReLU(0.2))
        out = keras.layers.Dense(1, dtype="float32", name="score")(h)
        return keras.Model([x, *extra] if extra else x, out, name="residual_mlp_discriminator")
