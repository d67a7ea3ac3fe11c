"""Residual blocks shared by SAGAN and BigGAN (the SN-GAN / projection-discriminator ResNets).

Functional-API helpers: each takes and returns Keras tensors and creates its layers, so the
networks stay plain functional models that save, load and clone without custom code.
"""

from __future__ import annotations

import keras

from keras_gans.checks import positive_int_tuple
from keras_gans_style.self_attention import SelfAttention

#: Widths grow by doubling towards the 4x4 end of the networks, at most this many times
#: `base_filters` (BigGAN's 128x128 widths are 16, 16, 8, 4, 2, 1 times its channel unit).
MAX_WIDTH_MULTIPLIER = 16

#: Momentum of the generators' batch-norm moving statistics: 0.9, the reference
#: implementations' (Chainer's SN-GAN decay 0.9, PyTorch's BigGAN/SAGAN momentum 0.1), not
#: Keras' 0.99, whose statistics lag a generator that Adam(beta_1=0) moves fast: samples
#: (inference mode) are drawn with them.
BN_MOMENTUM = 0.9


def check_image_shape(image_shape):
    """`image_shape` as `(side, side, channels)` with `side = 4 * 2**n`, `n >= 1`; and `n`."""
    try:
        shape = positive_int_tuple(image_shape, "image_shape", rank=3)
    except ValueError:
        shape = ()  # the message below says what the family needs
    side = shape[0] if len(shape) == 3 else 0
    doublings = 0
    while side > 4 and side % 2 == 0:
        side, doublings = side // 2, doublings + 1
    if len(shape) != 3 or shape[0] != shape[1] or side != 4 or doublings < 1 or shape[2] < 1:
        raise ValueError(
            "`image_shape` must be (side, side, channels) with side 4 * 2**n >= 8 (8, 16, 32, "
            f"64, 128, ...). Received: image_shape={image_shape!r}"
        )
    return shape, doublings


def check_attention_resolution(value, image_side, default):
    """The side of the feature maps that get self-attention: a power of two in
    [4, image_side / 2]; `None` gives `default` (clipped into that range)."""
    valid = [4 * 2**i for i in range(16) if 4 * 2**i <= image_side // 2]
    if value is None:
        return max(valid[0], min(default, valid[-1]))
    if isinstance(value, bool) or value not in valid:
        raise ValueError(
            f"`attention_resolution` must be None or one of {valid} (a feature-map side "
            f"below the {image_side}x{image_side} images). Received: attention_resolution="
            f"{value!r}"
        )
    return int(value)


def widths(base_filters, doublings):
    """Channels of the feature maps of side `4 * 2**i`, `i = 0 .. doublings`."""
    return [
        base_filters * min(2 ** (doublings - i), MAX_WIDTH_MULTIPLIER) for i in range(doublings + 1)
    ]


def sn(layer, name):
    """`layer` wrapped in `keras.layers.SpectralNormalization` under `name`."""
    return keras.layers.SpectralNormalization(layer, name=name)


def conv(filters, kernel_size, name, dtype=None):
    """A spectrally normalised 'same' convolution (`dtype`: default `None`, the policy's)."""
    inner = keras.layers.Conv2D(filters, kernel_size, padding="same", dtype=dtype)
    return keras.layers.SpectralNormalization(inner, dtype=dtype, name=name)


def attention(x, name):
    """SAGAN's self-attention block (spectrally normalised)."""
    return SelfAttention(spectral_normalization=True, name=name)(x)


def up_block(x, filters, normalize, name):
    """A residual up-block: norm, ReLU, 2x upsampling, 3x3 conv, norm, ReLU, 3x3 conv, plus
    an upsampled 1x1-conv shortcut. `normalize(h, name)` is the (conditional) batch norm."""
    h = keras.layers.ReLU(name=f"{name}_relu1")(normalize(x, f"{name}_norm1"))
    h = keras.layers.UpSampling2D(2, name=f"{name}_up")(h)
    h = conv(filters, 3, f"{name}_conv1")(h)
    h = keras.layers.ReLU(name=f"{name}_relu2")(normalize(h, f"{name}_norm2"))
    h = conv(filters, 3, f"{name}_conv2")(h)
    shortcut = keras.layers.UpSampling2D(2, name=f"{name}_shortcut_up")(x)
    shortcut = conv(filters, 1, f"{name}_shortcut")(shortcut)
    return keras.layers.Add(name=f"{name}_add")([h, shortcut])


def down_block(x, filters, name, *, downsample=True, first=False):
    """A residual down-block: (ReLU,) 3x3 conv, ReLU, 3x3 conv, 2x2 average pooling, plus a
    1x1-conv shortcut. The first block of a discriminator has no leading ReLU and pools
    its shortcut before the 1x1 convolution (Miyato et al.'s "optimized" block)."""
    h = x if first else keras.layers.ReLU(name=f"{name}_relu1")(x)
    h = conv(filters, 3, f"{name}_conv1")(h)
    h = keras.layers.ReLU(name=f"{name}_relu2")(h)
    h = conv(filters, 3, f"{name}_conv2")(h)
    shortcut = x
    if downsample:
        h = keras.layers.AveragePooling2D(2, name=f"{name}_pool")(h)
        if first:
            shortcut = keras.layers.AveragePooling2D(2, name=f"{name}_shortcut_pool")(x)
    if downsample or x.shape[-1] != filters:
        shortcut = conv(filters, 1, f"{name}_shortcut")(shortcut)
        if downsample and not first:
            shortcut = keras.layers.AveragePooling2D(2, name=f"{name}_shortcut_pool")(shortcut)
    return keras.layers.Add(name=f"{name}_add")([h, shortcut])


def generator_output(h, channels):
    """Batch norm, ReLU, a 3x3 spectrally normalised conv to `channels`, tanh (float32)."""
    h = keras.layers.BatchNormalization(momentum=BN_MOMENTUM, name="output_norm")(h)
    h = keras.layers.ReLU(name="output_relu")(h)
    h = conv(channels, 3, "output_conv", dtype="float32")(h)
    return keras.layers.Activation("tanh", dtype="float32", name="images")(h)


def discriminator_features(x, channel_widths, attention_side):
    """The residual discriminator trunk: down-blocks from the image side to 4x4 (with
    self-attention after the block that reaches `attention_side`), one more block at 4x4,
    ReLU and global sum pooling. Returns `(batch, channel_widths[0])` features."""
    h, side = x, x.shape[1]
    for i, filters in enumerate(reversed(channel_widths[:-1])):
        h = down_block(h, filters, f"d_block{i}", first=i == 0)
        side //= 2
        if side == attention_side:
            h = attention(h, "d_attention")
    h = down_block(h, channel_widths[0], "d_block_last", downsample=False)
    h = keras.layers.ReLU(name="d_relu")(h)
    h = keras.layers.GlobalAveragePooling2D(name="d_pool")(h)
    return keras.layers.Rescaling(float(side * side), name="d_sum")(h)  # sum pooling
