"""Preprocessing shared by the built-in extractors: clip, resize, match the channel count."""

from __future__ import annotations

from keras import ops

__all__ = ["image_preprocessor"]


def image_preprocessor(size=None, channels=None, interpolation="bilinear"):
    """Returns a function preparing images in [-1, 1] for a network.

    The function clips to [-1, 1] (as saving images to 8-bit files would), resizes to
    `size x size` when the images have another size, and turns 1 channel into 3 (repeated)
    or 3 into 1 (mean) when `channels` asks for it.

    Args:
        size: The side the network expects, or `None` (default: keep the size).
        channels: 1, 3 or `None` (default: keep the channels).
        interpolation: `keras.ops.image.resize`'s method (default `"bilinear"`, without
            antialiasing: the usual FID protocol; `"area"` averages pixel blocks when
            shrinking).

    Returns:
        A function of a batch `(n, h, w, c)` written with `keras.ops`.

    Example:
    >>> import numpy as np
    >>> prepare = image_preprocessor(size=4, channels=3)
    >>> tuple(prepare(np.full((2, 8, 8, 1), 2.0, "float32")).shape)
    (2, 4, 4, 3)
    """
    if channels not in (None, 1, 3):
        raise ValueError(f"`channels` must be 1, 3 or None. Received: channels={channels!r}")

    def prepare(images):
        images = ops.clip(ops.cast(images, "float32"), -1.0, 1.0)
        if size is not None and tuple(images.shape[1:3]) != (size, size):
            images = ops.image.resize(images, (size, size), interpolation=interpolation)
        have = images.shape[-1]
        if channels == 3 and have == 1:
            images = ops.concatenate([images] * 3, axis=-1)
        elif channels == 1 and have == 3:
            images = ops.mean(images, axis=-1, keepdims=True)
        elif channels is not None and have != channels:
            raise ValueError(
                f"Images must have 1 or 3 channels for this extractor. Received: {have} channels"
            )
        return images

    return prepare
