"""CycleGAN's ResNet generator (Johnson et al.'s transformation network with instance norm).

Appendix 7.2 of Zhu et al. (2017), in their notation: `c7s1-64, d128, d256, R256 x 6 (128 x
128 images) or x 9 (256 x 256 and larger), u128, u64, c7s1-3`, where `c7s1-k` is a 7x7
convolution with stride 1 and `k` filters, `dk` a 3x3 convolution with stride 2, `Rk` a
residual block of two 3x3 convolutions with `k` filters, `uk` a 3x3 fractionally strided
convolution with stride 1/2; every convolution but the last is followed by instance
normalisation and ReLU, the last by tanh, and reflection padding is used throughout.

Small images: each residual block at a quarter of the resolution widens the receptive
field by 16 image pixels, so the paper's 6 blocks at 128 see 96 pixels, three quarters of
the image. `default_residual_blocks` keeps that fraction below 128 (3 at 64, 2 at 32 and
below) and keeps 6 up to 255 and 9 from 256 as in the paper. `default_downsamplings` keeps
the paper's two stride-2 levels while the bottleneck stays at least 4 pixels wide (one
level at 8 x 8).
"""

from __future__ import annotations

import keras

from keras_gans.checks import positive_int, positive_int_tuple
from keras_gans_image2image.reflection_padding import ReflectionPadding2D

__all__ = ["build_resnet_generator", "default_downsamplings", "default_residual_blocks"]

_BLOCKS_AT_128 = 6
_MIN_BOTTLENECK = 4


def default_residual_blocks(image_side):
    """The number of residual blocks for images whose smaller side is `image_side`.

    Args:
        image_side: Pixels.

    Returns:
        9 from 256 pixels, 6 from 128, else `6 * side / 128` rounded, at least 2.

    Example:
    >>> [default_residual_blocks(side) for side in (16, 32, 64, 128, 256, 512)]
    [2, 2, 3, 6, 9, 9]
    """
    side = positive_int(image_side, "image_side")
    if side >= 256:
        return 9
    return max(2, min(_BLOCKS_AT_128, round(_BLOCKS_AT_128 * side / 128)))


def default_downsamplings(image_side):
    """The number of stride-2 levels: the paper's 2 while the bottleneck keeps >= 4 pixels.

    Args:
        image_side: Pixels.

    Returns:
        1 or 2.

    Example:
    >>> [default_downsamplings(side) for side in (8, 16, 32, 256)]
    [1, 2, 2, 2]
    """
    side = positive_int(image_side, "image_side")
    return 2 if side // 4 >= _MIN_BOTTLENECK else 1


def _conv(filters, kernel, strides=1, name=None, use_bias=False, dtype=None):
    return keras.layers.Conv2D(
        filters,
        kernel,
        strides=strides,
        padding="same" if strides > 1 else "valid",
        use_bias=use_bias,
        kernel_initializer=keras.initializers.RandomNormal(0.0, 0.02),
        dtype=dtype,
        name=name,
    )


def _norm_relu(x, name):
    x = keras.layers.GroupNormalization(groups=-1, epsilon=1e-5, name=f"{name}_norm")(x)
    return keras.layers.ReLU(name=f"{name}_relu")(x)


def build_resnet_generator(
    input_shape,
    *,
    output_channels=None,
    filters=64,
    num_downsamplings=None,
    num_residual_blocks=None,
    name="resnet_generator",
):
    """CycleGAN's generator: images `(h, w, c)` to images `(h, w, output_channels)` in [-1, 1].

    Args:
        input_shape: `(height, width, channels)` of the input domain.
        output_channels: Channels of the output domain (default `None`: the input's).
        filters: Filters of the first convolution, `64` in `c7s1-64` (default 64); each
            downsampling doubles them and each upsampling halves them.
        num_downsamplings: Stride-2 levels (default `None`: `default_downsamplings` of the
            smaller side, 2 from 16 pixels as in the paper).
        num_residual_blocks: Residual blocks at the bottleneck (default `None`:
            `default_residual_blocks` of the smaller side: 9 from 256, 6 at 128).
        name: The model's name (default `"resnet_generator"`).

    Returns:
        A functional `keras.Model`. Instance normalisation is
        `keras.layers.GroupNormalization(groups=-1)` (each image normalised by its own
        statistics in training and inference alike); convolutions followed by it have no
        bias; weights start from N(0, 0.02). It is fully convolutional: rebuilt on
        `(None, None, c)` inputs it translates any size that is a multiple of
        `2 ** num_downsamplings` into an image of the same size.

    Example:
    >>> g = build_resnet_generator((32, 32, 1), output_channels=3, filters=8)
    >>> g.output_shape, sum(isinstance(l, keras.layers.Add) for l in g.layers)
    ((None, 32, 32, 3), 2)

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent
        Adversarial Networks", ICCV 2017, appendix 7.2; Johnson et al., "Perceptual
        Losses for Real-Time Style Transfer and Super-Resolution", ECCV 2016.
    """
    try:
        height, width, channels = input_shape
    except (TypeError, ValueError):
        raise ValueError(
            "`input_shape` must be (height, width, channels). "
            f"Received: input_shape={input_shape!r}"
        ) from None
    sides = [s for s in (height, width) if s is not None]
    positive_int_tuple((*sides, channels), "input_shape")
    output_channels = channels if output_channels is None else output_channels
    output_channels = positive_int(output_channels, "output_channels")
    filters = positive_int(filters, "filters")
    side = min(sides) if sides else 256
    if num_downsamplings is None:
        num_downsamplings = default_downsamplings(side)
    if num_residual_blocks is None:
        num_residual_blocks = default_residual_blocks(side)
    num_downsamplings = positive_int(num_downsamplings, "num_downsamplings")
    num_residual_blocks = positive_int(num_residual_blocks, "num_residual_blocks")

    inputs = keras.Input((height, width, channels), name="image")
    x = ReflectionPadding2D(3, name="stem_pad")(inputs)
    x = _norm_relu(_conv(filters, 7, name="stem_conv")(x), "stem")  # c7s1-k
    width_now = filters
    for level in range(num_downsamplings):  # dk
        width_now *= 2
        x = _norm_relu(
            _conv(width_now, 3, strides=2, name=f"down_{level}_conv")(x), f"down_{level}"
        )
    for block in range(num_residual_blocks):  # Rk
        prefix = f"res_{block}"
        h = ReflectionPadding2D(1, name=f"{prefix}_pad_a")(x)
        h = _norm_relu(_conv(width_now, 3, name=f"{prefix}_conv_a")(h), f"{prefix}_a")
        h = ReflectionPadding2D(1, name=f"{prefix}_pad_b")(h)
        h = _conv(width_now, 3, name=f"{prefix}_conv_b")(h)
        h = keras.layers.GroupNormalization(groups=-1, epsilon=1e-5, name=f"{prefix}_b_norm")(h)
        x = keras.layers.Add(name=f"{prefix}_add")([x, h])
    for level in range(num_downsamplings):  # uk
        width_now //= 2
        x = keras.layers.Conv2DTranspose(
            width_now,
            3,
            strides=2,
            padding="same",
            use_bias=False,
            kernel_initializer=keras.initializers.RandomNormal(0.0, 0.02),
            name=f"up_{level}_conv",
        )(x)
        x = _norm_relu(x, f"up_{level}")
    x = ReflectionPadding2D(3, name="out_pad")(x)
    x = _conv(output_channels, 7, name="out_conv", use_bias=True)(x)  # c7s1-c
    outputs = keras.layers.Activation("tanh", dtype="float32", name="tanh")(x)
    return keras.Model(inputs, outputs, name=name)
