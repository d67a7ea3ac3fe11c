"""Transposed convolutions traced as sub-pixel convolutions, a form CPU runtimes accelerate.

A stride-`s` transposed convolution with `"same"` padding and a kernel size divisible by
`s` equals `s * s` ordinary convolutions with kernels of size `k / s`, one per output phase,
whose outputs interleave into the upsampled map (`depth_to_space`): the sub-pixel
convolution of Shi et al. (2016), with the same weights and the same multiply-adds. LiteRT's
XNNPACK delegate runs `TRANSPOSE_CONV` only when its output shape is a constant, which a
resizable batch dimension rules out; `CONV_2D`, `PAD`, `STRIDED_SLICE`, `CONCATENATION`
and `DEPTH_TO_SPACE` it runs with any batch, and its dynamic-range kernels cover
`CONV_2D` where `TRANSPOSE_CONV` falls back to slow hybrid reference code.

Derivation (one spatial axis; TensorFlow's `conv2d_transpose` is the adjoint of a strided
correlation): output `i` sums `x[o] * w[t]` over `i = s * o + t - p`, with
`p = max(k - s, 0) // 2` for `"same"` padding. Output phase `a` (`i = s * m + a`) takes the
taps `t = r + s * j` (`r = (a + p) mod s`, `j = 0 .. k/s - 1`) at inputs `o = m + q - j`
(`q = (a + p) // s`): a correlation with the kernel rows `r + s * (k/s - 1 - j')` over the
inputs `m + q - k/s + 1 + j'`.

Reference:
    Shi et al., "Real-Time Single Image and Video Super-Resolution Using an Efficient
    Sub-Pixel Convolutional Neural Network", CVPR 2016; Dumoulin & Visin, "A guide to
    convolution arithmetic for deep learning", 2016 (transposed convolution arithmetic).
"""

from __future__ import annotations

import contextlib
import copy

import keras
import tensorflow as tf

from keras_gans.checks import one_of

__all__ = [
    "CONV_TRANSPOSE_FORMS",
    "check_form",
    "convertible",
    "serving_for_export",
    "subpixel_conv2d_transpose",
    "traced_as_subpixel",
]


def _phases(kernel_size, stride):
    """`[(kernel rows, input offset of the first row)]` for each output phase of one axis."""
    taps, pad = kernel_size // stride, max(kernel_size - stride, 0) // 2
    phases = []
    for a in range(stride):
        r, q = (a + pad) % stride, (a + pad) // stride
        rows = [r + stride * (taps - 1 - j) for j in range(taps)]
        phases.append((rows, q - taps + 1))
    return phases


def convertible(layer):
    """Whether `layer` is a `Conv2DTranspose` the sub-pixel form computes exactly.

    That is: channels-last, `"same"` padding, no output padding or dilation, the same
    stride `s > 1` on both axes and kernel sizes divisible by it.

    Example:
    >>> convertible(keras.layers.Conv2DTranspose(4, 4, strides=2, padding="same"))
    True
    >>> convertible(keras.layers.Conv2DTranspose(4, 3, strides=2, padding="same"))
    False
    """
    if not isinstance(layer, keras.layers.Conv2DTranspose):
        return False
    stride = layer.strides[0]
    return (
        layer.padding == "same"
        and layer.data_format == "channels_last"
        and layer.output_padding is None
        and tuple(layer.dilation_rate) == (1, 1)
        and stride > 1
        and layer.strides[1] == stride
        and all(size % stride == 0 for size in layer.kernel_size)
    )


def subpixel_conv2d_transpose(x, kernel, stride):
    """A `"same"` transposed convolution of NHWC `x` as `stride**2` convolutions.

    Args:
        x: The input, `(batch, height, width, in_channels)` with static height and width.
        kernel: The transposed convolution's kernel, `(kh, kw, out_channels, in_channels)`
            (Keras's `Conv2DTranspose.kernel` layout), `kh` and `kw` divisible by `stride`.
        stride: The stride on both axes.

    Returns:
        `(batch, stride * height, stride * width, out_channels)`, equal to
        `tf.nn.conv2d_transpose(x, kernel, ..., stride, "SAME")` up to float rounding.

    Example:
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(2, 3, 3, 4)).astype("float32")
    >>> k = np.random.default_rng(1).normal(size=(4, 4, 5, 4)).astype("float32")
    >>> want = tf.nn.conv2d_transpose(x, k, (2, 6, 6, 5), 2, "SAME")
    >>> bool(np.allclose(subpixel_conv2d_transpose(x, k, 2), want, atol=1e-4))
    True
    """
    x = tf.convert_to_tensor(x)
    kernel = tf.convert_to_tensor(kernel, dtype=x.dtype)
    height, width = x.shape[1], x.shape[2]
    row_phases = _phases(kernel.shape[0], stride)
    col_phases = _phases(kernel.shape[1], stride)
    before_h = -min(start for _, start in row_phases)
    after_h = max(start + len(rows) - 1 for rows, start in row_phases)
    before_w = -min(start for _, start in col_phases)
    after_w = max(start + len(cols) - 1 for cols, start in col_phases)
    padded = tf.pad(x, [[0, 0], [before_h, after_h], [before_w, after_w], [0, 0]])
    # (kh, kw, out, in) -> (kh, kw, in, out): a correlation kernel per phase.
    kernel = tf.transpose(kernel, [0, 1, 3, 2])
    outputs = []
    for rows, row_start in row_phases:
        for cols, col_start in col_phases:
            top, left = before_h + row_start, before_w + col_start
            window = padded[
                :, top : top + height + len(rows) - 1, left : left + width + len(cols) - 1, :
            ]
            phase_kernel = tf.gather(tf.gather(kernel, rows, axis=0), cols, axis=1)
            outputs.append(tf.nn.conv2d(window, phase_kernel, 1, "VALID"))
    # Phases in (row phase, column phase) order are depth_to_space's channel blocks.
    return tf.nn.depth_to_space(tf.concat(outputs, axis=-1), stride)


def _subpixel_call(layer, rewritten):
    def call(inputs):
        if None in tuple(inputs.shape[1:3]):  # a dynamic image size: slices need static sides
            return type(layer).call(layer, inputs)
        if layer.name not in rewritten:
            rewritten.append(layer.name)
        outputs = subpixel_conv2d_transpose(inputs, layer.kernel, layer.strides[0])
        if layer.use_bias:
            outputs = outputs + layer.bias
        return layer.activation(outputs) if layer.activation is not None else outputs

    return call


@contextlib.contextmanager
def traced_as_subpixel(network):
    """Within the block, `network`'s convertible `Conv2DTranspose` layers run sub-pixel.

    Trace a `tf.function` inside the block: the traced graph holds the sub-pixel form, the
    layers and their weights are unchanged, and each layer's own `call` is back on exit. A
    layer whose input has a dynamic height or width keeps its own `call`.

    Args:
        network: A `keras.Model` (nested models and layers included).

    Yields:
        A list that collects the names of the layers called in the sub-pixel form.

    Example:
    >>> net = keras.Sequential([keras.Input((2, 2, 3)), keras.layers.Conv2DTranspose(
    ...     4, 4, strides=2, padding="same", name="up")])
    >>> with traced_as_subpixel(net) as names:
    ...     shape = tuple(net(tf.zeros((1, 2, 2, 3))).shape)
    >>> names, shape
    (['up'], (1, 4, 4, 4))
    """
    layers = [layer for layer in network._flatten_layers(include_self=True) if convertible(layer)]
    rewritten = []
    try:
        for layer in layers:
            object.__setattr__(layer, "call", _subpixel_call(layer, rewritten))
        yield rewritten
    finally:
        for layer in layers:
            layer.__dict__.pop("call", None)


#: The `conv_transpose` choices of the ONNX and TFLite exporters.
CONV_TRANSPOSE_FORMS = ("subpixel", "native")


def check_form(conv_transpose):
    """Raises unless `conv_transpose` is one of `CONV_TRANSPOSE_FORMS`; returns it."""
    return one_of(conv_transpose, "conv_transpose", CONV_TRANSPOSE_FORMS)


def serving_for_export(serving, conv_transpose):
    """`serving` with its function retraced in the `conv_transpose` form.

    The retraced function replaces only what is written: verification still compares the
    artifact with `serving.reference` (the Keras layers' own graph). A serving whose random
    draws were lifted into inputs (a pruned graph) keeps its function.

    Args:
        serving: A `keras_gans_export.serving.Serving`.
        conv_transpose: `"subpixel"` or `"native"` (return `serving` as it is).

    Returns:
        `(serving to write, names of the layers rewritten)`.
    """
    if check_form(conv_transpose) == "native" or serving.noise_inputs:
        return serving, []
    with traced_as_subpixel(serving.generator) as names:
        function = tf.function(
            serving.function.python_function,
            input_signature=serving.input_signature,
            autograph=False,
        )
        function.get_concrete_function()
    if not names:
        return serving, []
    rewritten = copy.copy(serving)
    rewritten.function = function
    return rewritten, names
