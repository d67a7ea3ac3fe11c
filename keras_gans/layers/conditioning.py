"""Class-label conditioning for functional networks (Mirza & Osindero 2014).

Labels enter a network as integer class ids of shape `(batch,)` or `(batch, 1)`; these
helpers turn them into a vector to concatenate with `z` or features, or into an extra image
channel for a convolutional discriminator.
"""

from __future__ import annotations

import keras


def label_input(name="labels"):
    """Returns a `keras.Input` for integer class ids, one per example.

    Example:
    >>> tuple(label_input().shape)
    (None, 1)
    """
    return keras.Input(shape=(1,), dtype="int32", name=name)


def label_embedding(labels, num_classes, dim, name=None):
    """Embeds class ids as learned `dim`-vectors of shape `(batch, dim)`.

    Args:
        labels: A symbolic tensor of class ids, shape `(batch, 1)`.
        num_classes: The number of classes.
        dim: The embedding size.
        name: Optional layer-name prefix.

    Returns:
        A symbolic tensor of shape `(batch, dim)`.
    """
    embedded = keras.layers.Embedding(num_classes, dim, name=name and f"{name}_embedding")(labels)
    return keras.layers.Flatten(name=name and f"{name}_flatten")(embedded)


def label_map(labels, num_classes, height, width, name=None):
    """Embeds class ids as a learned `(height, width, 1)` map to concatenate as a channel.

    Args:
        labels: A symbolic tensor of class ids, shape `(batch, 1)`.
        num_classes: The number of classes.
        height: Map height.
        width: Map width.
        name: Optional layer-name prefix.

    Returns:
        A symbolic tensor of shape `(batch, height, width, 1)`.
    """
    embedded = keras.layers.Embedding(
        num_classes, height * width, name=name and f"{name}_embedding"
    )(labels)
    return keras.layers.Reshape((height, width, 1), name=name and f"{name}_map")(embedded)
