"""The fully connected GAN of the original paper, for data of any shape."""

from __future__ import annotations

import math

import keras

from keras_gans.architectures import Architecture
from keras_gans.layers import label_embedding, label_input

from ._checks import optional_classes, positive_int, shape_tuple


class MLP(Architecture):
    """Fully connected generator and discriminator for data of any shape.

    Generator: `z` (concatenated with a label embedding when conditional) through
    `hidden_units` ReLU layers to `prod(data_shape)` outputs, reshaped to `data_shape`.
    Discriminator: the flattened sample (and label embedding) through `hidden_units`
    LeakyReLU(0.2) layers to one raw score.

    Args:
        data_shape: Shape of one sample, e.g. `(2,)` for 2-D points or `(28, 28, 1)`
            (default `(2,)`).
        latent_dim: Size of `z` (default 64).
        num_classes: Class count for a label-conditioned pair (default `None`).
        hidden_units: Widths of the hidden layers of both networks (default `(256, 256)`).
        output_activation: Generator output activation (default `"linear"`; use `"tanh"`
            for images scaled to [-1, 1]).
        embedding_dim: Label embedding size when conditional (default 16).

    Example:
    >>> arch = MLP(data_shape=(2,), latent_dim=8)
    >>> arch.build_generator().output_shape
    (None, 2)

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """

    def __init__(
        self,
        data_shape=(2,),
        latent_dim=64,
        num_classes=None,
        hidden_units=(256, 256),
        output_activation="linear",
        embedding_dim=16,
    ):
        self.data_shape = shape_tuple(data_shape, "data_shape")
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.num_classes = optional_classes(num_classes)
        self.hidden_units = shape_tuple(hidden_units, "hidden_units")
        self.output_activation = output_activation
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim")

    def _with_labels(self, features, prefix):
        if self.num_classes is None:
            return features, []
        labels = label_input()
        embedded = label_embedding(labels, self.num_classes, self.embedding_dim, name=prefix)
        return keras.layers.Concatenate()([features, embedded]), [labels]

    def build_generator(self):
        z = keras.Input((self.latent_dim,), name="z")
        h, extra = self._with_labels(z, "g_label")
        for units in self.hidden_units:
            h = keras.layers.Dense(units, activation="relu")(h)
        h = keras.layers.Dense(math.prod(self.data_shape))(h)
        h = keras.layers.Activation(self.output_activation, dtype="float32")(h)
        out = keras.layers.Reshape(self.data_shape, dtype="float32")(h)
        return keras.Model([z, *extra] if extra else z, out, name="mlp_generator")

    def build_discriminator(self):
        x = keras.Input(self.data_shape, name="x")
        h, extra = self._with_labels(keras.layers.Flatten()(x), "d_label")
        for units in self.hidden_units:
            h = keras.layers.Dense(units)(h)
            h = keras.layers.LeakyReLU(0.2)(h)
        out = keras.layers.Dense(1, dtype="float32")(h)
        return keras.Model([x, *extra] if extra else x, out, name="mlp_discriminator")
