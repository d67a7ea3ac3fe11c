"""Resampling by 2 with StyleGAN2's [1, 3, 3, 1] filter, written as matrix products.

Up- and down-sampling are linear maps applied along each spatial axis with a fixed matrix,
so they have gradients of every order (path-length regularisation and R1 take gradients of
gradients through them, which TensorFlow's resize ops do not all provide) and convert to
ONNX and TFLite.
"""

from __future__ import annotations

import numpy as np
from keras import ops


def upsample_matrix(size):
    """The `(2 size, size)` matrix of 2x upsampling with the [1, 3, 3, 1] / 4 filter.

    Output `i` reads the input at `(i + 0.5) / 2 - 0.5` with linear interpolation (weights
    3/4 and 1/4), clamped at the borders: bilinear upsampling, the separable form of the
    FIR filter of Karras et al. (2020).

    Example:
    >>> upsample_matrix(2).tolist()
    [[1.0, 0.0], [0.75, 0.25], [0.25, 0.75], [0.0, 1.0]]
    """
    matrix = np.zeros((2 * size, size), "float32")
    for i in range(2 * size):
        source = (i + 0.5) / 2.0 - 0.5
        low = int(np.floor(source))
        frac = source - low
        matrix[i, min(max(low, 0), size - 1)] += 1.0 - frac
        matrix[i, min(max(low + 1, 0), size - 1)] += frac
    return matrix


def downsample_matrix(size):
    """The `(size // 2, size)` matrix of 2x downsampling: the upsampling's transpose / 2.

    Interior rows are the low-pass [1, 3, 3, 1] / 8 filter at stride 2; every row sums to 1.

    Example:
    >>> downsample_matrix(8)[1].tolist()
    [0.0, 0.125, 0.375, 0.375, 0.125, 0.0, 0.0, 0.0]
    """
    return upsample_matrix(size // 2).T / 2.0


def _resample(images, rows, columns):
    # Transposes and matmuls with constant matrices (an einsum here does not convert to
    # TFLite with a dynamic batch).
    images = ops.matmul(ops.transpose(images, (0, 2, 3, 1)), ops.convert_to_tensor(rows.T))
    images = ops.matmul(ops.transpose(images, (0, 3, 2, 1)), ops.convert_to_tensor(columns.T))
    return ops.transpose(images, (0, 1, 3, 2))


def upsample2d(images):
    """Doubles the height and width of `(batch, h, w, c)` images (bilinear, [1, 3, 3, 1])."""
    height, width = int(images.shape[1]), int(images.shape[2])
    return _resample(images, upsample_matrix(height), upsample_matrix(width))


def downsample2d(images):
    """Halves the height and width of `(batch, h, w, c)` images (low-pass, then stride 2)."""
    height, width = int(images.shape[1]), int(images.shape[2])
    return _resample(images, downsample_matrix(height), downsample_matrix(width))
