"""The StyleGAN (ProGAN-style) and StyleGAN2 (residual) discriminators."""

from __future__ import annotations

import math

import keras

from keras_gans.layers import MinibatchStandardDeviation
from keras_gans_style import _style_common as common
from keras_gans_style.equalized_conv2d import EqualizedConv2D
from keras_gans_style.equalized_dense import EqualizedDense
from keras_gans_style.style_downsample import StyleDownsample


def _conv(filters, kernel_size, name):
    return EqualizedConv2D(filters, kernel_size, activation=keras.layers.LeakyReLU(0.2), name=name)


def _epilogue(h, filters, group_size):
    """4x4: minibatch standard deviation, 3x3 conv, dense, dense to one raw score."""
    h = MinibatchStandardDeviation(group_size=group_size, name="minibatch_stddev")(h)
    h = _conv(filters, 3, "conv_4x4")(h)
    h = keras.layers.Flatten()(h)
    h = EqualizedDense(filters, activation=keras.layers.LeakyReLU(0.2), name="dense")(h)
    return EqualizedDense(1, gain=1.0, name="score", dtype="float32")(h)


def style_discriminator(image_shape, filters=64, group_size=4, residual=False, name=None):
    """Builds StyleGAN's (`residual=False`) or StyleGAN2's (`residual=True`) discriminator.

    From-RGB (1x1 conv) at full resolution, then per resolution down to 8x8 two 3x3
    equalised convolutions with leaky ReLU and a [1, 3, 3, 1] downsampling; with
    `residual=True` each block adds a downsampled 1x1 projection of its input and scales
    the sum by 1/sqrt(2) (StyleGAN2's residual discriminator, figure 7(c)). At 4x4: minibatch
    standard deviation, a 3x3 conv, a dense layer and the raw score. Channels follow
    `filters_at` (paper: 512, halved per doubling above 64x64). Each block's second conv
    runs after the downsampling, at half the block's side; the papers' discriminators
    convolve at the block's side first (StyleGAN: conv then blur-downscale; StyleGAN2: a
    strided conv on the blurred map): a quarter of that conv's work and a smaller receptive
    field per layer. Every StyleGAN figure in the docs was measured with this order.

    Args:
        image_shape: `(side, side, channels)`, side a power of two >= 8.
        filters: Channels up to 64x64 (default 64).
        group_size: Of the minibatch standard deviation (default 4).
        residual: StyleGAN2's residual blocks (default `False`).
        name: The model's name (default: `stylegan_discriminator` / `stylegan2_...`).

    Returns:
        A `keras.Model` from images to `(batch, 1)` raw scores.

    Example:
    >>> d = style_discriminator((8, 8, 1), filters=8, residual=True)
    >>> d.output_shape
    (None, 1)

    Reference:
        Karras et al., "Progressive Growing of GANs", ICLR 2018 (table 2); Karras et al.,
        "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020, figure 7(c).
    """
    image_shape = common.check_image_shape(image_shape)
    filters = common.check_filters(filters)
    side = image_shape[0]
    x = keras.Input(image_shape, name="image")
    h = _conv(common.filters_at(side, filters), 1, "from_rgb")(x)
    for resolution in reversed(common.resolutions(side)[1:]):
        inner = common.filters_at(resolution, filters)
        outer = common.filters_at(resolution // 2, filters)
        block_input = h
        h = _conv(inner, 3, f"conv0_{resolution}")(h)
        h = StyleDownsample(name=f"down_{resolution}")(h)
        h = _conv(outer, 3, f"conv1_{resolution}")(h)
        if residual:
            skip = StyleDownsample(name=f"skip_down_{resolution}")(block_input)
            skip = EqualizedConv2D(outer, 1, gain=1.0, use_bias=False, name=f"skip_{resolution}")(
                skip
            )
            h = keras.layers.Add(name=f"residual_{resolution}")([h, skip])
            h = keras.layers.Rescaling(1.0 / math.sqrt(2.0), name=f"scale_{resolution}")(h)
    score = _epilogue(h, common.filters_at(4, filters), group_size)
    default = "stylegan2_discriminator" if residual else "stylegan_discriminator"
    return keras.Model(x, score, name=name or default)
