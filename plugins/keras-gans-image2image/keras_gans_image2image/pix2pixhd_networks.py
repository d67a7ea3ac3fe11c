"""pix2pixHD's networks: the coarse-to-fine generator and the multi-scale discriminators.

Wang et al. (2018, section 3.2) split the generator in two. The global generator `G1`
(a front 7x7 convolution, stride-2 downsampling, residual blocks, transposed-convolution
upsampling) runs on the input downsampled by 2; the local enhancer `G2` has its own front
end (7x7 convolution, one stride-2 convolution) at full resolution, adds `G1`'s last
feature map to its output, and runs residual blocks and one upsampling to the output. All
layers use instance normalisation (`GroupNormalization(groups=-1)`) and reflection
padding. `G1`'s own output head (7x7 convolution and tanh) is only used while `G1` is
trained alone, so it is a network of its own (`build_global_head`).

The discriminator is `num_scales` PatchGANs with instance normalisation, identical in
architecture, on the (input, output) pair downsampled 1, 2, 4 ... times (3x3 average
pooling, stride 2). Each returns its logits and the features of its blocks, which the
feature-matching loss compares on real and generated pairs.

Layer names carry the part they belong to (`global_*` for `G1`, `local_*` for `G2`), which
`Pix2PixHDModel` uses to train the parts in stages.
"""

from __future__ import annotations

import math

import keras

from keras_gans.checks import positive_int, positive_int_tuple
from keras_gans_image2image.patch_discriminator import build_patch_discriminator
from keras_gans_image2image.reflection_padding import ReflectionPadding2D

__all__ = [
    "build_global_head",
    "build_multiscale_discriminator",
    "build_pix2pixhd_generator",
    "default_global_downsampling",
    "default_num_scales",
    "smallest_scale_side",
]


def default_global_downsampling(height, width, most=4):
    """`G1`'s stride-2 convolutions: as many as leave a bottleneck of at least 4 pixels.

    `G1` runs at half resolution; the paper's 4 (at 1024x512) is the most.

    Example:
    >>> [default_global_downsampling(s, s) for s in (16, 32, 64, 256, 1024)]
    [1, 2, 3, 4, 4]
    """
    half = min(height, width) // 2
    return max(1, min(most, int(math.log2(max(half, 1))) - 2))


def smallest_scale_side(patch_layers):
    """The smallest image side a PatchGAN of `patch_layers` blocks scores (a 2x2 map).

    Example:
    >>> [smallest_scale_side(n) for n in (1, 2, 3)]
    [8, 16, 32]
    """
    return 4 * 2**patch_layers


def default_num_scales(side, patch_layers, most=3):
    """How many scales (1, 1/2, 1/4 ...) a multi-scale discriminator has on `side` pixels.

    Every scale's downsampled image must be at least `smallest_scale_side(patch_layers)`;
    the paper's 3 is the most.

    Example:
    >>> default_num_scales(32, 1), default_num_scales(16, 1), default_num_scales(512, 3)
    (3, 2, 3)
    """
    scales = 0
    while scales < most and math.ceil(side / 2**scales) >= smallest_scale_side(patch_layers):
        scales += 1
    return max(scales, 1)


def _init():
    return keras.initializers.RandomNormal(0.0, 0.02)


def _conv_block(x, filters, kernel, name, strides=1, pad=True, transpose=False):
    """(reflection padding) -> convolution -> instance norm -> ReLU."""
    if transpose:
        x = keras.layers.Conv2DTranspose(
            filters, kernel, strides=2, padding="same", use_bias=False,
            kernel_initializer=_init(), name=f"{name}_conv",
        )(x)  # fmt: skip
    else:
        if pad and kernel > 1 and strides == 1:
            x = ReflectionPadding2D(kernel // 2, name=f"{name}_pad")(x)
        x = keras.layers.Conv2D(
            filters, kernel, strides=strides, use_bias=False, kernel_initializer=_init(),
            padding="valid" if strides == 1 else "same", name=f"{name}_conv",
        )(x)  # fmt: skip
    x = keras.layers.GroupNormalization(groups=-1, epsilon=1e-5, name=f"{name}_norm")(x)
    return keras.layers.ReLU(name=f"{name}_relu")(x)


def _residual_block(x, filters, name):
    """x + [pad, conv3, norm, ReLU, pad, conv3, norm](x)."""
    h = _conv_block(x, filters, 3, f"{name}_a")
    h = ReflectionPadding2D(1, name=f"{name}_b_pad")(h)
    h = keras.layers.Conv2D(
        filters, 3, use_bias=False, kernel_initializer=_init(), name=f"{name}_b_conv"
    )(h)
    h = keras.layers.GroupNormalization(groups=-1, epsilon=1e-5, name=f"{name}_b_norm")(h)
    return keras.layers.Add(name=f"{name}_add")([x, h])


def _output(x, channels, name):
    x = ReflectionPadding2D(3, name=f"{name}_pad")(x)
    x = keras.layers.Conv2D(channels, 7, kernel_initializer=_init(), name=f"{name}_conv")(x)
    return keras.layers.Activation("tanh", dtype="float32", name=name)(x)


def build_pix2pixhd_generator(
    input_shape,
    output_channels,
    *,
    base_filters=32,
    max_filters=1024,
    global_downsampling=None,
    global_blocks=9,
    local_blocks=3,
    name="pix2pixhd_generator",
):
    """The coarse-to-fine generator `G = {G1, G2}`: A images to B images in [-1, 1].

    Args:
        input_shape: `(height, width, channels)`; both sides divisible by
            `2 ** (global_downsampling + 1)`.
        output_channels: Channels of the output.
        base_filters: `G2`'s front filters; `G1` starts at twice as many, so its last
            feature map matches `G2`'s front (default 32, the paper's 1024p setting).
        max_filters: Cap on the filters (default 1024).
        global_downsampling: `G1`'s stride-2 convolutions (default `None`:
            `default_global_downsampling`; 4 in the paper).
        global_blocks: `G1`'s residual blocks (default 9).
        local_blocks: `G2`'s residual blocks (default 3).
        name: The model's name (default `"pix2pixhd_generator"`).

    Returns:
        A functional `keras.Model`. Its layer `"global_features"` outputs `G1`'s last
        feature map (`2 * base_filters` channels, half resolution).

    Example:
    >>> g = build_pix2pixhd_generator((16, 16, 1), 1, base_filters=4, global_blocks=1,
    ...                               local_blocks=1)
    >>> g.output_shape, g.get_layer("global_features").output.shape
    ((None, 16, 16, 1), (None, 8, 8, 8))

    Reference:
        Wang et al., "High-Resolution Image Synthesis and Semantic Manipulation with
        Conditional GANs", CVPR 2018, section 3.2 and appendix A.
    """
    height, width, channels = positive_int_tuple(input_shape, "input_shape", rank=3)
    output_channels = positive_int(output_channels, "output_channels")
    base = positive_int(base_filters, "base_filters")
    cap = positive_int(max_filters, "max_filters")
    if global_downsampling is None:
        global_downsampling = default_global_downsampling(height, width)
    downs = positive_int(global_downsampling, "global_downsampling")
    global_blocks = _count(global_blocks, "global_blocks")
    local_blocks = _count(local_blocks, "local_blocks")
    multiple = 2 ** (downs + 1)
    if height % multiple or width % multiple or min(height, width) // multiple < 1:
        raise ValueError(
            f"`input_shape` sides must be multiples of 2 ** (global_downsampling + 1) = "
            f"{multiple}. Received: input_shape={tuple(input_shape)!r}, "
            f"global_downsampling={downs}"
        )
    inputs = keras.Input((height, width, channels), name="image")
    # G1 on the input downsampled by 2.
    x = keras.layers.AveragePooling2D(3, strides=2, padding="same", name="downsample_input")(inputs)
    x = _conv_block(x, min(2 * base, cap), 7, "global_front")
    for i in range(downs):
        x = _conv_block(x, min(2 * base * 2 ** (i + 1), cap), 3, f"global_down_{i}", strides=2)
    width_g = min(2 * base * 2**downs, cap)
    for i in range(global_blocks):
        x = _residual_block(x, width_g, f"global_res_{i}")
    for i in range(downs):
        filters = min(2 * base * 2 ** (downs - i - 1), cap)
        x = _conv_block(x, filters, 3, f"global_up_{i}", transpose=True)
    global_features = keras.layers.Identity(name="global_features")(x)
    # G2: its own front end at full resolution, plus G1's features.
    y = _conv_block(inputs, min(base, cap), 7, "local_front")
    y = _conv_block(y, min(2 * base, cap), 3, "local_down", strides=2)
    y = keras.layers.Add(name="local_sum")([y, global_features])
    for i in range(local_blocks):
        y = _residual_block(y, min(2 * base, cap), f"local_res_{i}")
    y = _conv_block(y, min(base, cap), 3, "local_up", transpose=True)
    outputs = _output(y, output_channels, "local_output")
    return keras.Model(inputs, outputs, name=name)


def build_global_head(feature_channels, output_channels, name="pix2pixhd_global_head"):
    """`G1`'s output head: its last feature map to an image (7x7 convolution, tanh).

    Args:
        feature_channels: Channels of `G1`'s last feature map (`2 * base_filters`).
        output_channels: Channels of the output.
        name: The model's name (default `"pix2pixhd_global_head"`).

    Returns:
        A functional `keras.Model` on `(None, None, feature_channels)` maps.

    Example:
    >>> build_global_head(8, 3).output_shape
    (None, None, None, 3)
    """
    inputs = keras.Input((None, None, positive_int(feature_channels, "feature_channels")))
    outputs = _output(inputs, positive_int(output_channels, "output_channels"), "global_output")
    return keras.Model(inputs, outputs, name=name)


def build_multiscale_discriminator(
    image_channels,
    condition_channels,
    *,
    num_scales=3,
    patch_layers=3,
    base_filters=64,
    max_filters=512,
    name="multiscale_discriminator",
):
    """`num_scales` PatchGANs (instance norm) on `[b, a]` pairs at scales 1, 1/2, 1/4 ...

    Args:
        image_channels: Channels of the scored image `b`.
        condition_channels: Channels of the input image `a`.
        num_scales: How many discriminators (default 3, the paper's).
        patch_layers: Stride-2 blocks of each PatchGAN (default 3: 70x70).
        base_filters: Filters of each PatchGAN's first block (default 64).
        max_filters: Cap on the filters (default 512).
        name: The model's name (default `"multiscale_discriminator"`).

    Returns:
        A functional `keras.Model` on images of any size, returning
        `{"scale_k": {"score": logits, "feature_0": ..., "feature_n": ...}}`. Its layer
        `"scale_k"` is the k-th discriminator alone (same weights).

    Example:
    >>> d = build_multiscale_discriminator(1, 1, num_scales=2, patch_layers=1,
    ...                                    base_filters=4)
    >>> sorted(d.get_layer("scale_1").output)
    ['feature_0', 'feature_1', 'score']

    Reference:
        Wang et al., "High-Resolution Image Synthesis and Semantic Manipulation with
        Conditional GANs", CVPR 2018, section 3.2 ("Multi-scale discriminators").
    """
    image_channels = positive_int(image_channels, "image_channels")
    condition_channels = positive_int(condition_channels, "condition_channels")
    num_scales = positive_int(num_scales, "num_scales")
    patch_layers = positive_int(patch_layers, "patch_layers")
    image = keras.Input((None, None, image_channels), name="image")
    condition = keras.Input((None, None, condition_channels), name="condition")
    scales = {}
    for k in range(num_scales):
        patch = build_patch_discriminator(
            (None, None, image_channels + condition_channels),
            num_layers=patch_layers,
            base_filters=base_filters,
            max_filters=max_filters,
            norm="instance",
            name=f"patch_gan_{k}",
        )
        heads = {"score": patch.output}
        heads.update(
            {f"feature_{i}": patch.get_layer(f"lrelu_{i}").output for i in range(patch_layers + 1)}
        )
        with_features = keras.Model(patch.inputs, heads, name=f"patch_gan_{k}")
        scale_image = keras.Input((None, None, image_channels), name="image")
        scale_condition = keras.Input((None, None, condition_channels), name="condition")
        x = keras.layers.Concatenate(name="pair")([scale_condition, scale_image])
        for j in range(k):
            x = keras.layers.AveragePooling2D(3, strides=2, padding="same", name=f"down_{j}")(x)
        scale = keras.Model([scale_image, scale_condition], with_features(x), name=f"scale_{k}")
        scales[f"scale_{k}"] = scale([image, condition])
    return keras.Model([image, condition], scales, name=name)


def _count(value, argument):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(
            f"`{argument}` must be a non-negative integer. Received: {argument}={value!r}"
        )
    return value
