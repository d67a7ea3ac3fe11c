"""`EqualizedDense`: a dense layer with the equalised learning rate of ProGAN."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans_style._equalized import SQRT2, positive_int, positive_number, runtime_scale


@keras.saving.register_keras_serializable(package="keras_gans_style")
class EqualizedDense(keras.layers.Layer):
    """A dense layer whose weights are scaled at run time (equalised learning rate).

    The kernel is stored as N(0, 1 / lr_multiplier^2) and multiplied in every call by
    `gain / sqrt(fan_in) * lr_multiplier` (He's constant), so every weight sees the same
    dynamic range and Adam's per-parameter step size treats them alike (Karras et al. 2018,
    section 4.1). The bias is stored divided by `lr_multiplier` and scaled back. StyleGAN's
    mapping network uses `lr_multiplier=0.01` (Karras et al. 2019, appendix C).

    Args:
        units: Output size.
        gain: The gain of He's constant (default `sqrt(2)`, for leaky ReLU / ReLU layers;
            1 for a linear output).
        lr_multiplier: Multiplier of the effective learning rate (default 1.0).
        use_bias: Add a bias (default `True`).
        bias_initializer: Initial effective bias value (default 0.0; StyleGAN's style
            affine layers start at 1.0).
        activation: A Keras activation applied last (default `None`).

    Example:
    >>> import numpy as np
    >>> layer = EqualizedDense(3, gain=1.0)
    >>> y = layer(np.ones((2, 4), "float32"))
    >>> tuple(y.shape), float(layer.scale)
    ((2, 3), 0.5)

    Reference:
        Karras et al., "Progressive Growing of GANs for Improved Quality, Stability, and
        Variation", ICLR 2018.
    """

    def __init__(
        self,
        units,
        gain=SQRT2,
        lr_multiplier=1.0,
        use_bias=True,
        bias_initializer=0.0,
        activation=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = positive_int(units, "units")
        self.gain = positive_number(gain, "gain")
        self.lr_multiplier = positive_number(lr_multiplier, "lr_multiplier")
        self.use_bias = bool(use_bias)
        self.bias_initializer = float(bias_initializer)
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        fan_in = int(input_shape[-1])
        self.scale = runtime_scale(fan_in, self.gain, self.lr_multiplier)
        self.kernel = self.add_weight(
            name="kernel",
            shape=(fan_in, self.units),
            initializer=keras.initializers.RandomNormal(stddev=1.0 / self.lr_multiplier),
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=keras.initializers.Constant(self.bias_initializer / self.lr_multiplier),
            )

    def call(self, inputs):
        outputs = ops.matmul(inputs, self.kernel * self.scale)
        if self.bias is not None:
            outputs = outputs + self.bias * self.lr_multiplier
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "gain": self.gain,
            "lr_multiplier": self.lr_multiplier,
            "use_bias": self.use_bias,
            "bias_initializer": self.bias_initializer,
            "activation": keras.activations.serialize(self.activation),
        }
