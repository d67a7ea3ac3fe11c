"""Tiling generated images into one picture."""

from __future__ import annotations

import math

import numpy as np


def image_grid(images, rows=None, value_range=(-1.0, 1.0), padding=1):
    """Tiles a batch of images into one uint8 array.

    Args:
        images: Array of shape `(n, height, width, channels)` with 1 or 3 channels.
        rows: Number of rows (default: as square as possible).
        value_range: The `(low, high)` range of `images`, mapped to 0..255
            (default `(-1, 1)`, a tanh generator's range).
        padding: Pixels between tiles (default 1).

    Returns:
        A uint8 array of shape `(H, W, channels)`.

    Example:
    >>> import numpy as np
    >>> image_grid(np.zeros((6, 4, 4, 1)), rows=2, padding=0).shape
    (8, 12, 1)
    """
    images = np.asarray(images, dtype="float32")
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            f"`images` must have shape (n, height, width, 1 or 3). Received: shape {images.shape}"
        )
    n, height, width, channels = images.shape
    rows = rows or max(1, int(math.floor(math.sqrt(n))))
    cols = math.ceil(n / rows)
    low, high = value_range
    pixels = np.clip((images - low) / (high - low), 0.0, 1.0) * 255.0
    grid = np.zeros(
        (rows * height + (rows - 1) * padding, cols * width + (cols - 1) * padding, channels),
        dtype="uint8",
    )
    for index in range(n):
        r, c = divmod(index, cols)
        top, left = r * (height + padding), c * (width + padding)
        grid[top : top + height, left : left + width] = pixels[index].round().astype("uint8")
    return grid


def save_image_grid(images, path, rows=None, value_range=(-1.0, 1.0), scale=1, padding=1):
    """Writes `image_grid(images, ...)` to a PNG, enlarged `scale` times (nearest neighbour).

    Args:
        images: Array of shape `(n, height, width, channels)`.
        path: The output file.
        rows: Number of rows (default: as square as possible).
        value_range: The range of `images` (default `(-1, 1)`).
        scale: Integer enlargement factor (default 1).
        padding: Pixels between tiles before enlargement (default 1).

    Returns:
        The path written.
    """
    from PIL import Image

    grid = image_grid(images, rows=rows, value_range=value_range, padding=padding)
    grid = grid.repeat(scale, axis=0).repeat(scale, axis=1)
    Image.fromarray(grid[..., 0] if grid.shape[-1] == 1 else grid).save(path)
    return path
