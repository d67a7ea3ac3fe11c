"""The score of an autoencoder discriminator: its negative reconstruction error."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import positive_number

__all__ = ["ReconstructionScore"]


@keras.saving.register_keras_serializable(package="keras_gans")
class ReconstructionScore(keras.layers.Layer):
    """Maps `[x, reconstruction]` to `-mean(|x - reconstruction|^power)` per example.

    The last layer of an energy-based (EBGAN, BEGAN) discriminator: the energy is the
    reconstruction error, and the score is its negative, so that a higher score means
    "more real" as for every other loss in keras-gans.

    Formula:
        `score_i = -mean_over_features(|x_i - x_hat_i|^p)`, shape `(batch, 1)`; `p = 2`
        is EBGAN's mean squared error, `p = 1` BEGAN's L1 loss.

    Args:
        power: `p` (default 2).
        **kwargs: Passed to `keras.layers.Layer`.

    Example:
    >>> import numpy as np
    >>> x, x_hat = np.zeros((1, 2), "float32"), np.array([[1.0, 3.0]], "float32")
    >>> ReconstructionScore(power=2)([x, x_hat]).numpy().tolist()
    [[-5.0]]

    Reference:
        Zhao et al., "Energy-based Generative Adversarial Network", ICLR 2017; Berthelot
        et al., "BEGAN: Boundary Equilibrium Generative Adversarial Networks", 2017.
    """

    def __init__(self, power=2, **kwargs):
        super().__init__(**kwargs)
        # Finite: a NaN or infinite power gives NaN scores.
        self.power = positive_number(power, "power")

    def call(self, inputs):
        x, reconstruction = inputs
        error = ops.abs(ops.cast(x, "float32") - ops.cast(reconstruction, "float32"))
        error = ops.reshape(error, (ops.shape(error)[0], -1))
        return -ops.mean(ops.power(error, self.power), axis=1, keepdims=True)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], 1)

    def get_config(self):
        return {**super().get_config(), "power": self.power}
