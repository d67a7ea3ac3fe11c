"""`AdaptiveInstanceNormalization` (AdaIN): StyleGAN's style input to each layer."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans_style._equalized import positive_number
from keras_gans_style.equalized_dense import EqualizedDense


def adaptive_instance_normalization(x, scale, bias, epsilon=1e-8):
    """Normalises each channel of each example, then applies per-example styles.

    Formula:
        `AdaIN(x_i, y) = y_s,i * (x_i - mu(x_i)) / sqrt(var(x_i) + epsilon) + y_b,i`, with
        `mu` and `var` over the spatial axes of channel `i` of one example.

    Args:
        x: Feature maps `(batch, h, w, c)`.
        scale: Style scales `y_s`, `(batch, c)`.
        bias: Style biases `y_b`, `(batch, c)`.
        epsilon: Added to the variance (default 1e-8).

    Returns:
        A tensor shaped like `x`: channel `i` of example `n` has mean `bias[n, i]` and
        standard deviation `|scale[n, i]|` (up to `epsilon`).

    Example:
    >>> import numpy as np
    >>> x = np.array([[[[1.0]], [[3.0]]]], "float32")  # one example, 2x1 pixels
    >>> adaptive_instance_normalization(x, [[2.0]], [[5.0]]).numpy().ravel().tolist()
    [3.0, 7.0]
    """
    x = ops.convert_to_tensor(x)
    scale = ops.cast(ops.convert_to_tensor(scale), x.dtype)
    bias = ops.cast(ops.convert_to_tensor(bias), x.dtype)
    mean, variance = ops.moments(x, axes=(1, 2), keepdims=True)
    normalized = (x - mean) * ops.rsqrt(variance + epsilon)
    return normalized * scale[:, None, None, :] + bias[:, None, None, :]


@keras.saving.register_keras_serializable(package="keras_gans_style")
class AdaptiveInstanceNormalization(keras.layers.Layer):
    """AdaIN with its learned affine map from `w` to the styles `(y_s, y_b)`.

    Called on `[x, w]`: `y_s = A_s(w)` (initialised around 1) and `y_b = A_b(w)` (around 0)
    are equalised-learning-rate dense layers, then `adaptive_instance_normalization`.

    Args:
        epsilon: Added to the variance (default 1e-8).

    Example:
    >>> import numpy as np
    >>> layer = AdaptiveInstanceNormalization()
    >>> y = layer([np.random.normal(size=(2, 4, 4, 3)).astype("float32"),
    ...            np.zeros((2, 8), "float32")])
    >>> tuple(y.shape)
    (2, 4, 4, 3)

    Reference:
        Huang & Belongie, "Arbitrary Style Transfer in Real-time with Adaptive Instance
        Normalization", ICCV 2017; Karras, Laine & Aila, "A Style-Based Generator
        Architecture for Generative Adversarial Networks", CVPR 2019, eq. 1.
    """

    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = positive_number(epsilon, "epsilon")

    def build(self, input_shape):
        x_shape, w_shape = input_shape
        channels = int(x_shape[-1])
        self.style_scale = EqualizedDense(channels, gain=1.0, bias_initializer=1.0, name="scale")
        self.style_bias = EqualizedDense(channels, gain=1.0, name="bias")
        self.style_scale.build(w_shape)
        self.style_bias.build(w_shape)

    def call(self, inputs):
        x, w = inputs
        scale = ops.cast(self.style_scale(w), x.dtype)
        bias = ops.cast(self.style_bias(w), x.dtype)
        return adaptive_instance_normalization(x, scale, bias, self.epsilon)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}
