"""`EqualizedConv2D`: a 2-D convolution with the equalised learning rate of ProGAN."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans_style._equalized import SQRT2, positive_int, positive_number, runtime_scale


@keras.saving.register_keras_serializable(package="keras_gans_style")
class EqualizedConv2D(keras.layers.Layer):
    """A stride-1 "same" convolution whose kernel is scaled at run time.

    The kernel is stored as N(0, 1) and multiplied in every call by
    `gain / sqrt(kernel_size^2 * input_channels)` (He's constant), the equalised learning
    rate of Karras et al. (2018, section 4.1). ProGAN and StyleGAN resample with separate
    up/down-sampling layers, so this layer has no strides.

    Args:
        filters: Output channels.
        kernel_size: Side of the square kernel (default 3).
        gain: The gain of He's constant (default `sqrt(2)`; 1 for the to-RGB layer).
        use_bias: Add a bias, initialised to 0 (default `True`).
        activation: A Keras activation applied last (default `None`).

    Example:
    >>> import numpy as np
    >>> layer = EqualizedConv2D(4, kernel_size=3, gain=3.0)
    >>> y = layer(np.ones((1, 8, 8, 1), "float32"))
    >>> tuple(y.shape), float(layer.scale)
    ((1, 8, 8, 4), 1.0)

    Reference:
        Karras et al., "Progressive Growing of GANs for Improved Quality, Stability, and
        Variation", ICLR 2018.
    """

    def __init__(
        self, filters, kernel_size=3, gain=SQRT2, use_bias=True, activation=None, **kwargs
    ):
        super().__init__(**kwargs)
        self.filters = positive_int(filters, "filters")
        self.kernel_size = positive_int(kernel_size, "kernel_size")
        self.gain = positive_number(gain, "gain")
        self.use_bias = bool(use_bias)
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        channels = int(input_shape[-1])
        self.scale = runtime_scale(self.kernel_size**2 * channels, self.gain, 1.0)
        self.kernel = self.add_weight(
            name="kernel",
            shape=(self.kernel_size, self.kernel_size, channels, self.filters),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer="zeros")

    def call(self, inputs):
        outputs = ops.conv(inputs, self.kernel * self.scale, strides=1, padding="same")
        if self.bias is not None:
            outputs = outputs + self.bias
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "gain": self.gain,
            "use_bias": self.use_bias,
            "activation": keras.activations.serialize(self.activation),
        }
