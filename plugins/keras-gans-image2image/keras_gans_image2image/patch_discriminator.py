"""The PatchGAN discriminator: a fully convolutional net scoring every N x N patch.

Isola et al. (2017) score overlapping patches instead of the whole image: the discriminator
only models high frequencies (the L1 term takes care of low ones), has fewer parameters and
runs on images of any size. Their default, the "70x70 PatchGAN", is
C64-C128-C256-C512 (4x4 convolutions, strides 2-2-2-1, no normalisation on the first, leaky
ReLU 0.2) and a final 4x4 convolution to one logit per patch. CycleGAN (Zhu et al. 2017) and
pix2pixHD (Wang et al. 2018, at every scale) use the same network with instance
normalisation.

`num_layers` counts the stride-2 blocks; the receptive field is 16, 34, 70, 142 pixels for
1-4 of them. By default it keeps the paper's ratio of patch to image (70 / 256 = 0.27):
the largest field at most 0.3 of the image's smaller side (70 at 256, 34 at 128, 16 at 32
and 64), with at least one block.
"""

from __future__ import annotations

import keras

from keras_gans.checks import one_of, positive_int, positive_int_tuple

__all__ = ["build_patch_discriminator", "default_patch_layers", "patch_receptive_field"]

NORMS = ("batch", "instance", "none")
_PATCH_TO_IMAGE = 0.3


def patch_receptive_field(num_layers):
    """The receptive field (pixels) of one output of a PatchGAN with `num_layers` blocks.

    Args:
        num_layers: Stride-2 blocks (>= 1).

    Returns:
        The side of the square patch one logit sees.

    Example:
    >>> [patch_receptive_field(n) for n in (1, 2, 3, 4)]
    [16, 34, 70, 142]
    """
    field = 1
    # Backwards through: final conv (k4 s1), the stride-1 block (k4 s1), then the stride-2 blocks.
    for stride in [1, 1] + [2] * int(num_layers):
        field = (field - 1) * stride + 4
    return field


def default_patch_layers(image_side, max_layers=3):
    """The paper's patch-to-image ratio for an image of side `image_side`.

    Args:
        image_side: The image's smaller side in pixels.
        max_layers: The most stride-2 blocks to use (default 3, the 70x70 PatchGAN).

    Returns:
        The number of stride-2 blocks.

    Example:
    >>> [default_patch_layers(side) for side in (32, 64, 128, 256, 512)]
    [1, 1, 2, 3, 3]
    """
    layers = 1
    while layers < max_layers and patch_receptive_field(layers + 1) <= _PATCH_TO_IMAGE * image_side:
        layers += 1
    return layers


def _norm(kind, name):
    if kind == "batch":
        return keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name=name)
    if kind == "instance":
        return keras.layers.GroupNormalization(groups=-1, epsilon=1e-5, name=name)
    return None


def build_patch_discriminator(
    input_shape,
    *,
    num_layers=None,
    base_filters=64,
    max_filters=512,
    norm="batch",
    name="patch_discriminator",
):
    """A PatchGAN: images `(h, w, c)` to a map of raw logits `(h', w', 1)`, one per patch.

    Args:
        input_shape: `(height, width, channels)` of what it scores (for pix2pix, the input
            and the output concatenated on channels). `None` sides accept any size.
        num_layers: Stride-2 blocks (default `None`: `default_patch_layers` of the smaller
            side, or 3 when the size is unknown).
        base_filters: Filters of the first block, doubled per block (default 64).
        max_filters: Cap on the filters (default 512).
        norm: `"batch"` (pix2pix), `"instance"` (CycleGAN, pix2pixHD) or `"none"`
            (default `"batch"`). The first block is never normalised.
        name: The model's name (default `"patch_discriminator"`).

    Returns:
        A functional `keras.Model`. Its logits are the discriminator scores of the
        adversarial loss, averaged over patches by the loss.

    Example:
    >>> d = build_patch_discriminator((32, 32, 2))
    >>> d.output_shape
    (None, 14, 14, 1)

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional Adversarial Networks",
        CVPR 2017, section 3.2.2 and appendix 6.1.2.
    """
    height, width, channels = _shape(input_shape)
    one_of(norm, "norm", NORMS)
    if num_layers is None:
        sides = [s for s in (height, width) if s is not None]
        num_layers = default_patch_layers(min(sides)) if sides else 3
    num_layers = positive_int(num_layers, "num_layers")
    base_filters = positive_int(base_filters, "base_filters")
    max_filters = positive_int(max_filters, "max_filters")
    inputs = keras.Input((height, width, channels), name="image")
    x = inputs
    for block in range(num_layers + 1):
        stride = 2 if block < num_layers else 1
        filters = min(base_filters * 2**block, max_filters)
        x = keras.layers.ZeroPadding2D(1, name=f"pad_{block}")(x)
        x = keras.layers.Conv2D(
            filters,
            4,
            strides=stride,
            use_bias=norm == "none" or block == 0,
            kernel_initializer=keras.initializers.RandomNormal(0.0, 0.02),
            name=f"conv_{block}",
        )(x)
        layer = None if block == 0 else _norm(norm, f"norm_{block}")
        if layer is not None:
            x = layer(x)
        x = keras.layers.LeakyReLU(0.2, name=f"lrelu_{block}")(x)
    x = keras.layers.ZeroPadding2D(1, name="pad_out")(x)
    logits = keras.layers.Conv2D(
        1, 4, kernel_initializer=keras.initializers.RandomNormal(0.0, 0.02), name="logits"
    )(x)
    return keras.Model(inputs, logits, name=name)


def _shape(input_shape):
    try:
        height, width, channels = input_shape
    except (TypeError, ValueError):
        raise ValueError(
            "`input_shape` must be (height, width, channels). "
            f"Received: input_shape={input_shape!r}"
        ) from None
    sides = [s for s in (height, width) if s is not None]
    positive_int_tuple((*sides, channels), "input_shape")
    return height, width, int(channels)
