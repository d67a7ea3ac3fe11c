"""BigGAN's conditional batch norm: gains and biases are linear in a condition vector."""

from __future__ import annotations

import keras
from keras import ops

__all__ = ["BigGANBatchNormalization"]


@keras.saving.register_keras_serializable(package="keras_gans_style")
class BigGANBatchNormalization(keras.layers.Layer):
    """Batch normalisation whose per-example gains and biases are linear maps of a vector.

    Call it on `[x, condition]`: channels-last `x` and a float `condition` of shape
    `(batch, d)`. BigGAN's condition is the shared class embedding joined to this block's
    chunk of `z`, so the gains vary with the class *and* the latent, which the core
    `keras_gans.layers.ConditionalBatchNormalization` (a gain and a bias per class id,
    looked up in a table) cannot express. Normalises the channels with batch statistics
    (moving averages at inference), then scales by `1 + W_g c + b_g` and shifts by
    `W_b c + b_b`. The two linear maps are spectrally normalised by default, as every
    linear layer of BigGAN's generator is.

    Formula:
        `y = (1 + W_g c + b_g) * (x - mean) / sqrt(var + epsilon) + (W_b c + b_b)`, per
        channel, with `c` the example's condition vector.

    Args:
        momentum: Momentum of the moving statistics (default 0.99, as in Keras).
        epsilon: Added to the variance (default 1e-3, as in Keras).
        spectral_normalization: Spectrally normalise `W_g` and `W_b` (default `True`).
        **kwargs: Passed to `keras.layers.Layer`.

    Example:
    >>> import numpy as np
    >>> layer = BigGANBatchNormalization()
    >>> x = np.random.default_rng(0).normal(size=(4, 3, 3, 5)).astype("float32")
    >>> layer([x, np.ones((4, 6), "float32")], training=True).shape
    TensorShape([4, 3, 3, 5])

    Reference:
        Brock, Donahue & Simonyan, "Large Scale GAN Training for High Fidelity Natural
        Image Synthesis", ICLR 2019, section 3 and appendix B; de Vries et al.,
        "Modulating early visual processing by language", NeurIPS 2017.
    """

    def __init__(self, momentum=0.99, epsilon=1e-3, spectral_normalization=True, **kwargs):
        super().__init__(**kwargs)
        if (
            isinstance(momentum, bool)
            or not isinstance(momentum, (int, float))
            or not (0.0 <= momentum < 1.0)
        ):
            raise ValueError(f"`momentum` must be in [0, 1). Received: momentum={momentum!r}")
        if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or epsilon <= 0:
            raise ValueError(f"`epsilon` must be positive. Received: epsilon={epsilon!r}")
        if not isinstance(spectral_normalization, bool):
            raise ValueError(
                "`spectral_normalization` must be True or False. Received: "
                f"spectral_normalization={spectral_normalization!r}"
            )
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.spectral_normalization = spectral_normalization
        self.normalization = keras.layers.BatchNormalization(
            momentum=self.momentum,
            epsilon=self.epsilon,
            center=False,
            scale=False,
            dtype=self.dtype_policy,
            name="normalization",
        )

    def _linear(self, units, name, condition_shape):
        dense = keras.layers.Dense(units, dtype=self.dtype_policy, name=name)
        if self.spectral_normalization:
            dense = keras.layers.SpectralNormalization(
                dense, dtype=self.dtype_policy, name=f"{name}_sn"
            )
        dense.build(condition_shape)
        return dense

    def build(self, input_shape):
        x_shape, condition_shape = input_shape
        if len(x_shape) < 2 or x_shape[-1] is None or len(condition_shape) != 2:
            raise ValueError(
                "BigGANBatchNormalization takes [x, condition]: x with a known channel axis "
                "(last) and a condition of shape (batch, d). Received shapes: "
                f"{tuple(x_shape)}, {tuple(condition_shape)}"
            )
        self.normalization.build(x_shape)
        self.gain = self._linear(x_shape[-1], "gain", condition_shape)
        self.bias = self._linear(x_shape[-1], "bias", condition_shape)

    def call(self, inputs, training=None):
        x, condition = inputs
        normalized = self.normalization(x, training=training)
        broadcast = (-1, *([1] * (len(x.shape) - 2)), x.shape[-1])
        gain = ops.reshape(1.0 + self.gain(condition, training=training), broadcast)
        bias = ops.reshape(self.bias(condition, training=training), broadcast)
        dtype = normalized.dtype
        return normalized * ops.cast(gain, dtype) + ops.cast(bias, dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def get_config(self):
        return {
            **super().get_config(),
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "spectral_normalization": self.spectral_normalization,
        }
