"""Conditioning glue for functional networks: one-hot codes, vectors tiled as channels.

With `keras_gans.layers.conditioning` (`label_input`, `label_embedding`, `label_map`)
these cover the usual ways a condition enters a generator or a discriminator:

- class ids as a vector: `one_hot_labels` (fixed) or `label_embedding` (learned), to
  concatenate with `z` or features;
- class ids as image channels: `label_channels` (one-hot, tiled) or `label_map` (learned);
- embedding vectors: `embedding_input` (then e.g. a `Dense` compression), and
  `tiled_channels` to join them to a feature map.

The layers (`OneHot`, `TileChannels`) are serialisable, so networks built with them save
and load with `keras.saving`.
"""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import positive_int

__all__ = [
    "OneHot",
    "TileChannels",
    "embedding_input",
    "label_channels",
    "one_hot_labels",
    "tiled_channels",
]


@keras.saving.register_keras_serializable(package="keras_gans")
class OneHot(keras.layers.Layer):
    """Turns integer class ids of shape `(batch,)` or `(batch, 1)` into one-hot vectors.

    Ids outside `[0, num_classes)` give all-zero rows (as `keras.ops.one_hot` does):
    `GANModel` checks the labels passed to `fit` and `generate`.

    Args:
        num_classes: The vector size.
        **kwargs: Passed to `keras.layers.Layer`.

    Example:
    >>> import numpy as np
    >>> OneHot(3)(np.array([[2], [0]])).numpy().tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """

    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = positive_int(num_classes, "num_classes")

    def call(self, labels):
        ids = ops.reshape(ops.cast(labels, "int32"), (-1,))
        return ops.one_hot(ids, self.num_classes, dtype=self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.num_classes)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}


@keras.saving.register_keras_serializable(package="keras_gans")
class TileChannels(keras.layers.Layer):
    """Repeats a `(batch, d)` vector at every pixel: `(batch, height, width, d)`.

    Concatenated with an image or a feature map, every convolution then sees the
    condition (the convolutional conditional GAN of Mirza & Osindero; Reed et al.'s
    discriminator joins its text embedding to the 4x4 feature map this way).

    Args:
        height: Map height.
        width: Map width.
        **kwargs: Passed to `keras.layers.Layer`.

    Example:
    >>> import numpy as np
    >>> TileChannels(2, 3)(np.array([[1.0, 5.0]])).numpy()[0, :, :, 1].tolist()
    [[5.0, 5.0, 5.0], [5.0, 5.0, 5.0]]
    """

    def __init__(self, height, width, **kwargs):
        super().__init__(**kwargs)
        self.height = positive_int(height, "height")
        self.width = positive_int(width, "width")

    def call(self, vectors):
        vectors = ops.cast(vectors, self.compute_dtype)
        return ops.tile(vectors[:, None, None, :], (1, self.height, self.width, 1))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.height, self.width, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}


def one_hot_labels(labels, num_classes, name=None):
    """One-hot vectors `(batch, num_classes)` of a symbolic class-id tensor.

    Args:
        labels: Class ids, shape `(batch, 1)` (e.g. `label_input()`).
        num_classes: The number of classes.
        name: Layer name (default `None`: automatic).

    Returns:
        A symbolic float tensor.

    Example:
    >>> from keras_gans.layers import label_input
    >>> tuple(one_hot_labels(label_input(), 10).shape)
    (None, 10)
    """
    return OneHot(num_classes, name=name)(labels)


def tiled_channels(vectors, height, width, name=None):
    """Tiles a symbolic `(batch, d)` tensor as `d` channels of a `(height, width)` map.

    Args:
        vectors: A symbolic tensor of shape `(batch, d)` (an embedding, a one-hot code).
        height: Map height.
        width: Map width.
        name: Layer name (default `None`: automatic).

    Returns:
        A symbolic tensor of shape `(batch, height, width, d)`.

    Example:
    >>> tuple(tiled_channels(embedding_input(16), 4, 4).shape)
    (None, 4, 4, 16)
    """
    return TileChannels(height, width, name=name)(vectors)


def label_channels(labels, num_classes, height, width, name=None):
    """Class ids as `num_classes` one-hot channels of a `(height, width)` map.

    The fixed (not learned) counterpart of `label_map`, to concatenate with a
    discriminator's input image.

    Args:
        labels: Class ids, shape `(batch, 1)`.
        num_classes: The number of classes.
        height: Map height.
        width: Map width.
        name: Layer-name prefix (default `None`: automatic names).

    Returns:
        A symbolic tensor of shape `(batch, height, width, num_classes)`.

    Example:
    >>> from keras_gans.layers import label_input
    >>> tuple(label_channels(label_input(), 10, 8, 8).shape)
    (None, 8, 8, 10)
    """
    vectors = one_hot_labels(labels, num_classes, name=name and f"{name}_one_hot")
    return tiled_channels(vectors, height, width, name=name and f"{name}_tiled")


def embedding_input(dim, name="condition"):
    """Returns a `keras.Input` for float condition vectors (text or any other embedding).

    Args:
        dim: The embedding width.
        name: The input's name (default `"condition"`).

    Returns:
        A symbolic float32 tensor of shape `(batch, dim)`.

    Example:
    >>> tuple(embedding_input(32).shape)
    (None, 32)
    """
    return keras.Input(shape=(positive_int(dim, "dim"),), dtype="float32", name=name)
