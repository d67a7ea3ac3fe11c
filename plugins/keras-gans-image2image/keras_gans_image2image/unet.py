"""The U-Net generator of pix2pix: an encoder-decoder with skip connections.

Isola et al. (2017, appendix 6.1.1) translate 256x256 images with the encoder
C64-C128-C256-C512-C512-C512-C512-C512 (4x4 convolutions, stride 2, BatchNorm except on
the first block, leaky ReLU 0.2) down to a 1x1 bottleneck, and a mirrored decoder of 4x4
transposed convolutions (BatchNorm, ReLU) whose first three blocks apply dropout 0.5, the
generator's only source of noise. Block `i` of the decoder is concatenated with block
`i` of the encoder (the skip connections), and a last transposed convolution with tanh
maps to the output channels.

Here the depth adapts to the image: as many halvings as the image allows (down to a 1x1
bottleneck on the smaller side for a square power of two: 8 at 256x256, 5 at 32x32),
capped by `depth`. As in the authors' code, the bottleneck (innermost) block is not
normalised.
"""

from __future__ import annotations

import keras

from keras_gans.checks import number_in, positive_int, positive_int_tuple
from keras_gans_image2image.replica_dropout import ReplicaDropout

__all__ = ["build_unet_generator", "unet_levels"]


def unet_levels(height, width, depth=8):
    """How many stride-2 levels a U-Net has on `height x width` images.

    Args:
        height: Image height in pixels.
        width: Image width in pixels.
        depth: The most levels (default 8, the paper's at 256x256).

    Returns:
        The largest `d <= depth` such that `2**d` divides both sides and does not exceed
        the smaller one (so the bottleneck is at least 1x1).

    Example:
    >>> [unet_levels(s, s) for s in (16, 32, 256, 512)]
    [4, 5, 8, 8]
    >>> unet_levels(48, 64), unet_levels(256, 256, depth=6)
    (4, 6)
    """
    height = positive_int(height, "height")
    width = positive_int(width, "width")
    depth = positive_int(depth, "depth")
    levels = 0
    while (
        levels < depth
        and height % 2 ** (levels + 1) == 0
        and width % 2 ** (levels + 1) == 0
        and 2 ** (levels + 1) <= min(height, width)
    ):
        levels += 1
    if levels == 0:
        raise ValueError(
            "A U-Net needs images whose sides are divisible by 2. Received: "
            f"height={height}, width={width}"
        )
    return levels


def _init():
    return keras.initializers.RandomNormal(0.0, 0.02)


def _batch_norm(name):
    return keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name=name)


def build_unet_generator(
    input_shape,
    output_channels,
    *,
    base_filters=64,
    max_filters=512,
    depth=8,
    dropout=0.5,
    dropout_blocks=3,
    name="unet_generator",
):
    """A U-Net from images `(h, w, c_in)` to images `(h, w, output_channels)` in [-1, 1].

    Args:
        input_shape: `(height, width, channels)` of the input images; both sides even.
        output_channels: Channels of the output images.
        base_filters: Filters of the first encoder block, doubled per level (default 64).
        max_filters: Cap on the filters (default 512).
        depth: The most stride-2 levels (default 8); the network uses
            `unet_levels(height, width, depth)` of them.
        dropout: Dropout rate of the first decoder blocks (default 0.5; 0 turns it off).
        dropout_blocks: How many decoder blocks, from the bottleneck, apply dropout
            (default 3).
        name: The model's name (default `"unet_generator"`).

    Returns:
        A functional `keras.Model`. Dropout and BatchNorm follow the `training` flag of
        each call: random masks and batch statistics in training, none and the moving
        averages with `training=False`. The dropout layers are `ReplicaDropout`: under
        `tf.distribute` each replica draws its own masks.

    Example:
    >>> g = build_unet_generator((32, 32, 1), 1, base_filters=8)
    >>> g.output_shape, len([l for l in g.layers if "dropout" in l.name])
    ((None, 32, 32, 1), 3)

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional Adversarial Networks",
        CVPR 2017, section 3.2.1 and appendix 6.1.1; Ronneberger et al., "U-Net", MICCAI
        2015.
    """
    height, width, channels = positive_int_tuple(input_shape, "input_shape", rank=3)
    output_channels = positive_int(output_channels, "output_channels")
    base_filters = positive_int(base_filters, "base_filters")
    max_filters = positive_int(max_filters, "max_filters")
    levels = unet_levels(height, width, depth)
    dropout = number_in(dropout, "dropout", 0.0, 1.0, high_open=True)
    if (
        isinstance(dropout_blocks, bool)
        or not isinstance(dropout_blocks, int)
        or dropout_blocks < 0
    ):
        raise ValueError(
            "`dropout_blocks` must be a non-negative integer. "
            f"Received: dropout_blocks={dropout_blocks!r}"
        )
    filters = [min(base_filters * 2**i, max_filters) for i in range(levels)]

    inputs = keras.Input((height, width, channels), name="image")
    x, skips = inputs, []
    for i, f in enumerate(filters):
        innermost = i == levels - 1
        x = keras.layers.Conv2D(
            f, 4, strides=2, padding="same", use_bias=i == 0 or innermost,
            kernel_initializer=_init(), name=f"encoder_conv_{i}",
        )(x)  # fmt: skip
        if i > 0 and not innermost:
            x = _batch_norm(f"encoder_norm_{i}")(x)
        x = keras.layers.LeakyReLU(0.2, name=f"encoder_lrelu_{i}")(x)
        skips.append(x)
    for block, i in enumerate(range(levels - 2, -1, -1)):
        x = keras.layers.Conv2DTranspose(
            filters[i], 4, strides=2, padding="same", use_bias=False,
            kernel_initializer=_init(), name=f"decoder_conv_{i}",
        )(x)  # fmt: skip
        x = _batch_norm(f"decoder_norm_{i}")(x)
        if block < dropout_blocks and dropout > 0:
            x = ReplicaDropout(dropout, name=f"decoder_dropout_{i}")(x)
        x = keras.layers.ReLU(name=f"decoder_relu_{i}")(x)
        x = keras.layers.Concatenate(name=f"skip_{i}")([x, skips[i]])
    x = keras.layers.Conv2DTranspose(
        output_channels, 4, strides=2, padding="same", kernel_initializer=_init(),
        name="output_conv",
    )(x)  # fmt: skip
    outputs = keras.layers.Activation("tanh", dtype="float32", name="output")(x)
    return keras.Model(inputs, outputs, name=name)
