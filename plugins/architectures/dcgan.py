"""DCGAN: the deep convolutional GAN of Radford et al. (2015), optionally label-conditioned."""

from __future__ import annotations

import keras

from keras_gans.architectures import Architecture
from keras_gans.layers import label_embedding, label_input, label_map

from ._checks import optional_classes, positive_int, shape_tuple

_NORMALIZATIONS = ("batch", "layer", "none")


def _upsampling_plan(side):
    """Returns `(base, doublings)` with `side == base * 2**doublings` and base 4 or 7."""
    base, doublings = side, 0
    while base > 7 and base % 2 == 0:
        base, doublings = base // 2, doublings + 1
    if base not in (4, 7):
        return None
    return base, doublings


class DCGAN(Architecture):
    """Deep convolutional generator and discriminator following the DCGAN guidelines.

    Strided convolutions instead of pooling, batch normalisation in both networks (not on
    the generator output or the discriminator input), ReLU in the generator with a tanh
    output (images in [-1, 1]), LeakyReLU(0.2) in the discriminator, no fully connected
    hidden layers. The generator projects `z` to a `base x base` map (base 4 or 7) and
    doubles the side with 4x4 transposed convolutions; the discriminator mirrors it and
    ends in one raw score.

    With `num_classes`, both networks are label-conditioned (Mirza & Osindero 2014): the
    generator concatenates a label embedding with `z`, the discriminator receives a learned
    label map as an extra input channel.

    Args:
        image_shape: `(side, side, channels)` with `side` a power of two times 4 or 7
            (4, 7, 8, 14, 16, 28, 32, 56, 64, ...) and 1 or 3 channels
            (default `(28, 28, 1)`).
        latent_dim: Size of `z` (default 100).
        num_classes: Class count for a label-conditioned pair (default `None`).
        base_filters: Filters of the highest-resolution layer; each halving of the side
            doubles them, up to 16x (default 64).
        embedding_dim: Generator label embedding size when conditional (default 50).
        discriminator_normalization: `"batch"` (default, as in the paper), `"layer"`
            (for gradient penalties, which are per example) or `"none"`.

    Example:
    >>> arch = DCGAN(image_shape=(8, 8, 1), latent_dim=16, base_filters=8)
    >>> arch.build_generator().output_shape
    (None, 8, 8, 1)

    Reference:
        Radford et al., "Unsupervised Representation Learning with Deep Convolutional
        Generative Adversarial Networks", ICLR 2016.
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        num_classes=None,
        base_filters=64,
        embedding_dim=50,
        discriminator_normalization="batch",
    ):
        shape = shape_tuple(image_shape, "image_shape")
        plan = _upsampling_plan(shape[0]) if len(shape) == 3 else None
        if len(shape) != 3 or shape[0] != shape[1] or shape[2] not in (1, 3) or plan is None:
            raise ValueError(
                "`image_shape` must be (side, side, channels) with side a power of two times "
                "4 or 7 (e.g. 8, 28, 32, 64) and 1 or 3 channels. "
                f"Received: image_shape={image_shape!r}"
            )
        if discriminator_normalization not in _NORMALIZATIONS:
            raise ValueError(
                f"`discriminator_normalization` must be one of {_NORMALIZATIONS}. "
                f"Received: discriminator_normalization={discriminator_normalization!r}"
            )
        self.image_shape = shape
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.num_classes = optional_classes(num_classes)
        self.base_filters = positive_int(base_filters, "base_filters")
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim")
        self.discriminator_normalization = discriminator_normalization
        self._base, self._doublings = plan

    def _filters(self, level):
        """Filters at `level` doublings below full resolution."""
        return self.base_filters * 2 ** min(level, 4)

    def build_generator(self):
        base, doublings = self._base, self._doublings
        z = keras.Input((self.latent_dim,), name="z")
        inputs, h = [z], z
        if self.num_classes is not None:
            labels = label_input()
            inputs.append(labels)
            embedded = label_embedding(labels, self.num_classes, self.embedding_dim, "g_label")
            h = keras.layers.Concatenate()([z, embedded])
        filters = self._filters(doublings)
        h = keras.layers.Dense(base * base * filters, use_bias=False)(h)
        h = keras.layers.Reshape((base, base, filters))(h)
        h = keras.layers.ReLU()(keras.layers.BatchNormalization()(h))
        for level in range(doublings - 1, 0, -1):
            h = keras.layers.Conv2DTranspose(
                self._filters(level), 4, strides=2, padding="same", use_bias=False
            )(h)
            h = keras.layers.ReLU()(keras.layers.BatchNormalization()(h))
        channels = self.image_shape[-1]
        if doublings:
            h = keras.layers.Conv2DTranspose(channels, 4, strides=2, padding="same")(h)
        else:
            h = keras.layers.Conv2D(channels, 3, padding="same")(h)
        out = keras.layers.Activation("tanh", dtype="float32", name="image")(h)
        return keras.Model(inputs if len(inputs) > 1 else z, out, name="dcgan_generator")

    def _normalize(self, h):
        if self.discriminator_normalization == "batch":
            return keras.layers.BatchNormalization()(h)
        if self.discriminator_normalization == "layer":
            return keras.layers.LayerNormalization()(h)
        return h

    def build_discriminator(self):
        side, _, channels = self.image_shape
        x = keras.Input(self.image_shape, name="x")
        inputs, h = [x], x
        if self.num_classes is not None:
            labels = label_input()
            inputs.append(labels)
            h = keras.layers.Concatenate()(
                [x, label_map(labels, self.num_classes, side, side, "d_label")]
            )
        if self._doublings == 0:
            h = keras.layers.Conv2D(self.base_filters, 3, padding="same")(h)
            h = keras.layers.LeakyReLU(0.2)(h)
        for level in range(self._doublings):
            h = keras.layers.Conv2D(self._filters(level), 4, strides=2, padding="same")(h)
            if level > 0:
                h = self._normalize(h)
            h = keras.layers.LeakyReLU(0.2)(h)
        h = keras.layers.Flatten()(h)
        out = keras.layers.Dense(1, dtype="float32", name="score")(h)
        return keras.Model(inputs if len(inputs) > 1 else x, out, name="dcgan_discriminator")
