"""`ModulatedConv2D`: StyleGAN2's style-modulated convolution with weight demodulation."""

from __future__ import annotations

import math

import keras
from keras import ops

from keras_gans_style._equalized import positive_int, positive_number
from keras_gans_style._style_resample import upsample2d
from keras_gans_style.equalized_dense import EqualizedDense


def modulate(kernel, styles):
    """Per-example kernels `w'_ijk = s_i w_ijk` (scales each input channel `i`).

    Args:
        kernel: `(k, k, in, out)`.
        styles: `(batch, in)`.

    Returns:
        `(batch, k, k, in, out)`.

    Example:
    >>> import numpy as np
    >>> modulate(np.ones((1, 1, 2, 1), "float32"), [[2.0, 3.0]]).numpy().ravel().tolist()
    [2.0, 3.0]
    """
    styles = ops.convert_to_tensor(styles)
    return ops.convert_to_tensor(kernel)[None] * styles[:, None, None, :, None]


def demodulate(weights, epsilon=1e-8):
    """Divides each output channel's kernel by its L2 norm over inputs and positions.

    Formula:
        `w''_ijk = w'_ijk / sqrt(sum_{i,k} w'_ijk^2 + epsilon)` (Karras et al. 2020, eq. 3).

    Args:
        weights: Modulated kernels `(batch, k, k, in, out)`.
        epsilon: Added under the square root (default 1e-8).

    Returns:
        A tensor shaped like `weights` whose every `(example, output channel)` slice has
        unit L2 norm.

    Example:
    >>> import numpy as np
    >>> w = demodulate(np.full((1, 1, 1, 2, 1), 3.0, "float32"), epsilon=0.0)
    >>> [round(v, 4) for v in w.numpy().ravel().tolist()]
    [0.7071, 0.7071]
    """
    weights = ops.convert_to_tensor(weights)
    norm = ops.sum(ops.square(weights), axis=(1, 2, 3), keepdims=True)
    return weights * ops.rsqrt(norm + epsilon)


@keras.saving.register_keras_serializable(package="keras_gans_style")
class ModulatedConv2D(keras.layers.Layer):
    """A stride-1 "same" convolution whose kernel is modulated by a style from `w`.

    Called on `[x, w]`. The style `s = A(w)` (an equalised dense layer, bias initialised
    to 1) scales the kernel's input channels (`modulate`), and with `demodulate=True` each
    output channel's kernel is rescaled to unit norm (`demodulate`), which replaces AdaIN's
    instance normalisation by an expected-statistics one and removes its droplet artefacts.
    Computed without materialising per-example kernels: the input is scaled by `s`, convolved
    with the shared kernel, and the output scaled by the demodulation coefficients, which is
    the same linear map. The kernel has the equalised learning rate (stored N(0, 1), scaled
    by `1 / sqrt(fan_in)`). With `upsample=True` the input is first doubled in size
    ([1, 3, 3, 1] filter).

    Args:
        filters: Output channels.
        kernel_size: Side of the square kernel (default 3; 1 for to-RGB layers).
        demodulate: Apply weight demodulation (default `True`; `False` for to-RGB).
        upsample: Double the input's size first (default `False`).
        epsilon: Of the demodulation (default 1e-8).

    Example:
    >>> import numpy as np
    >>> layer = ModulatedConv2D(4)
    >>> y = layer([np.ones((2, 4, 4, 3), "float32"), np.zeros((2, 8), "float32")])
    >>> tuple(y.shape)
    (2, 4, 4, 4)

    Reference:
        Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020,
        section 2.2, eqs. 1-3.
    """

    def __init__(
        self, filters, kernel_size=3, demodulate=True, upsample=False, epsilon=1e-8, **kwargs
    ):
        super().__init__(**kwargs)
        self.filters = positive_int(filters, "filters")
        self.kernel_size = positive_int(kernel_size, "kernel_size")
        self.demodulate = bool(demodulate)
        self.upsample = bool(upsample)
        self.epsilon = positive_number(epsilon, "epsilon")

    def build(self, input_shape):
        x_shape, w_shape = input_shape
        channels = int(x_shape[-1])
        self.scale = 1.0 / math.sqrt(channels * self.kernel_size**2)
        self.affine = EqualizedDense(channels, gain=1.0, bias_initializer=1.0, name="affine")
        self.affine.build(w_shape)
        self.kernel = self.add_weight(
            name="kernel",
            shape=(self.kernel_size, self.kernel_size, channels, self.filters),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
        )

    def styles(self, w):
        """The per-example input-channel scales `s = A(w)`, `(batch, in)`."""
        return self.affine(w)

    def call(self, inputs):
        x, w = inputs
        styles = ops.cast(self.styles(w), x.dtype)
        kernel = ops.cast(self.kernel * self.scale, x.dtype)
        if self.upsample:
            x = upsample2d(x)
        y = ops.conv(x * styles[:, None, None, :], kernel, strides=1, padding="same")
        if self.demodulate:
            # sum_{i,k} (s_i w_ijk)^2 = sum_i s_i^2 (sum_k w_ijk^2), per example and output j
            energy = ops.matmul(ops.square(styles), ops.sum(ops.square(kernel), axis=(0, 1)))
            y = y * ops.rsqrt(energy + self.epsilon)[:, None, None, :]
        return y

    def compute_output_shape(self, input_shape):
        batch, height, width, _ = input_shape[0]
        factor = 2 if self.upsample else 1
        height, width = (None if d is None else d * factor for d in (height, width))
        return (batch, height, width, self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "demodulate": self.demodulate,
            "upsample": self.upsample,
            "epsilon": self.epsilon,
        }
