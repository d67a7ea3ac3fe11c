"""`PixelNormalization`: ProGAN's pixel-wise feature vector normalisation."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans_style._equalized import positive_number


@keras.saving.register_keras_serializable(package="keras_gans_style")
class PixelNormalization(keras.layers.Layer):
    """Normalises each pixel's feature vector to unit root-mean-square.

    `b = a / sqrt(mean_c(a^2) + epsilon)` over the last (channel) axis, at every position
    (Karras et al. 2018, section 4.2): it keeps the generator's signal magnitudes from
    escalating without learned parameters. StyleGAN applies it to `z` before the mapping
    network. Works on any rank (a latent vector or a feature map).

    Args:
        epsilon: Added under the square root (default 1e-8, the paper's).

    Example:
    >>> import numpy as np
    >>> y = PixelNormalization()(np.array([[3.0, 4.0]], "float32"))
    >>> [round(float(v), 4) for v in np.asarray(y)[0] ** 2]
    [0.72, 1.28]

    Reference:
        Karras et al., "Progressive Growing of GANs for Improved Quality, Stability, and
        Variation", ICLR 2018.
    """

    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = positive_number(epsilon, "epsilon")

    def call(self, inputs):
        mean_square = ops.mean(ops.square(inputs), axis=-1, keepdims=True)
        return inputs * ops.rsqrt(mean_square + self.epsilon)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}
