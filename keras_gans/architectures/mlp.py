"""The fully connected GAN of the original paper, for data of any shape."""

from __future__ import annotations

import math

import keras

from keras_gans.architectures._checks import (
    activation_name,
    discriminator_options,
    optional_classes,
    positive_int,
    shape_tuple,
    spectral,
)
from keras_gans.architectures.base import Architecture
from keras_gans.layers import (
    MinibatchDiscrimination,
    MinibatchStandardDeviation,
    Packing,
    label_embedding,
    label_input,
)


class MLP(Architecture):
    """Fully connected generator and discriminator for data of any shape.

    Generator: `z` (concatenated with a label embedding when conditional) through
    `hidden_units` ReLU layers to `prod(data_shape)` outputs, reshaped to `data_shape`.
    Discriminator: the flattened sample (and label embedding) through `hidden_units`
    LeakyReLU(0.2) layers to one raw score. Its stabilising options (all off by default)
    compose: `packing` groups samples first (PacGAN), `spectral_normalization` wraps every
    dense layer, and `minibatch_kernels` / `minibatch_stddev` add batch statistics before
    the last layer.

    Args:
        data_shape: Shape of one sample, e.g. `(2,)` for 2-D points or `(28, 28, 1)`
            (default `(2,)`).
        latent_dim: Size of `z` (default 64).
        num_classes: Class count for a label-conditioned pair (default `None`).
        hidden_units: Widths of the hidden layers of both networks (default `(256, 256)`).
        output_activation: Generator output activation, the name of a Keras activation
            (default `"linear"`; use `"tanh"` for images scaled to [-1, 1]).
        embedding_dim: Label embedding size when conditional (default 16).
        spectral_normalization: Wrap the discriminator's dense layers in
            `keras.layers.SpectralNormalization` (Miyato et al. 2018) (default `False`).
        minibatch_kernels: Kernels `B` of a `keras_gans.layers.MinibatchDiscrimination`
            layer before the score (Salimans et al. 2016) (default 0: none).
        minibatch_stddev: Group size of a `keras_gans.layers.MinibatchStandardDeviation`
            layer before the score (Karras et al. 2017, who used 4) (default 0: none).
        packing: Samples the discriminator judges together, `m` of PacGAN (Lin et al.
            2018; a `keras_gans.layers.Packing` layer after the input) (default 1: none).

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
        spectral_normalization=False,
        minibatch_kernels=0,
        minibatch_stddev=0,
        packing=1,
    ):
        self.data_shape = shape_tuple(data_shape, "data_shape")
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.num_classes = optional_classes(num_classes)
        self.hidden_units = shape_tuple(hidden_units, "hidden_units")
        self.output_activation = activation_name(output_activation, "output_activation")
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim")
        (
            self.spectral_normalization,
            self.minibatch_kernels,
            self.minibatch_stddev,
            self.packing,
        ) = discriminator_options(
            spectral_normalization, minibatch_kernels, minibatch_stddev, packing
        )

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
        if self.packing > 1:
            h = Packing(self.packing)(h)
        for units in self.hidden_units:
            h = spectral(keras.layers.Dense(units), self.spectral_normalization)(h)
            h = keras.layers.LeakyReLU(0.2)(h)
        if self.minibatch_kernels:
            h = MinibatchDiscrimination(self.minibatch_kernels)(h)
        if self.minibatch_stddev:
            h = MinibatchStandardDeviation(self.minibatch_stddev)(h)
        dense = keras.layers.Dense(1, dtype="float32")
        out = spectral(dense, self.spectral_normalization, dtype="float32")(h)
        return keras.Model([x, *extra] if extra else x, out, name="mlp_discriminator")
