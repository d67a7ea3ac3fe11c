"""`StyleDownsample`: the discriminators' 2x downsampling layer ([1, 3, 3, 1] filter)."""

from __future__ import annotations

import keras

from keras_gans_style._style_resample import downsample2d


@keras.saving.register_keras_serializable(package="keras_gans_style")
class StyleDownsample(keras.layers.Layer):
    """Halves the height and width of `(batch, h, w, c)` maps with a low-pass filter.

    The separable [1, 3, 3, 1] / 8 filter at stride 2 (edges clamped), written as matrix
    products so R1 can differentiate it twice.

    Example:
    >>> import numpy as np
    >>> float(StyleDownsample()(np.ones((1, 8, 8, 2), "float32")).numpy().max())
    1.0

    Reference:
        Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020;
        Zhang, "Making Convolutional Networks Shift-Invariant Again", ICML 2019.
    """

    def call(self, inputs):
        return downsample2d(inputs)

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        return (batch, height // 2, width // 2, channels)
