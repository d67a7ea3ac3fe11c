"""Checks and shapes shared by the StyleGAN and StyleGAN2 networks."""

from __future__ import annotations

import math

from keras import ops

from keras_gans.checks import positive_int, positive_int_tuple


def check_image_shape(image_shape, argument="image_shape"):
    """`(h, w, c)` with a square power-of-two side >= 8, as a tuple of ints."""
    try:
        shape = positive_int_tuple(image_shape, argument, rank=3)
    except ValueError:
        shape = None  # the message below says what the family needs
    ok = (
        shape is not None
        and shape[0] == shape[1]
        and shape[0] >= 8
        and shape[0] & (shape[0] - 1) == 0
    )
    if not ok:
        raise ValueError(
            f"`{argument}` must be (side, side, channels) with a power-of-two side >= 8 "
            f"(the synthesis grows from 4x4 by doubling). Received: {argument}={image_shape!r}"
        )
    return shape


def num_ws(resolution):
    """Synthesis layers taking a style: two per resolution from 4x4, `2 log2(res) - 2`."""
    return 2 * int(math.log2(resolution)) - 2


def resolutions(resolution):
    """`[4, 8, ..., resolution]`."""
    return [2**i for i in range(2, int(math.log2(resolution)) + 1)]


def filters_at(resolution, filters):
    """Channels at a resolution: `filters` up to 64x64, halved per doubling above.

    The paper keeps 512 channels up to 64x64 and halves them at each larger scale
    (`min(16384 / res, 512)`); `filters` replaces 512.
    """
    return max(1, min(filters, filters * 64 // resolution))


def check_filters(filters):
    return positive_int(filters, "filters")


def lrelu(x, gain=1.0):
    """Leaky ReLU (slope 0.2), times `gain`."""
    x = ops.leaky_relu(x, negative_slope=0.2)
    return x if gain == 1.0 else x * gain


def check_noise(noise, shapes):
    """`noise` (a list of one tensor per noise layer) or `None`."""
    if noise is None:
        return None
    noise = list(noise)
    if len(noise) != len(shapes):
        raise ValueError(
            f"`noise` must hold one noise image per noise layer ({len(shapes)}, shaped "
            f"{shapes}). Received: {len(noise)} tensors"
        )
    return noise
