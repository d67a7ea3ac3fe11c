"""Conditional batch normalisation: per-class scale and shift (de Vries et al. 2017)."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import number_in, positive_int, positive_number

__all__ = ["ConditionalBatchNormalization"]


@keras.saving.register_keras_serializable(package="keras_gans")
class ConditionalBatchNormalization(keras.layers.Layer):
    """Batch normalisation whose scale and shift are chosen by the class label.

    Normalises the channels (last axis) with batch statistics as
    `keras.layers.BatchNormalization` does (moving averages at inference), then applies
    the scale `gamma[y]` and shift `beta[y]` of each example's class. The class-conditional
    generators of the projection-discriminator and BigGAN papers condition this way instead
    of concatenating the label to `z`. Call it on `[x, labels]` with channels-last `x` and
    integer class ids of shape `(batch,)` or `(batch, 1)`. Scales start at one and shifts
    at zero, so the untrained layer equals plain batch normalisation.

    Formula:
        `y = gamma[c] * (x - mean) / sqrt(var + epsilon) + beta[c]`, per channel, for an
        example of class `c`.

    Args:
        num_classes: The number of classes.
        momentum: Momentum of the moving statistics (default 0.99, as in Keras).
        epsilon: Added to the variance (default 1e-3, as in Keras).
        **kwargs: Passed to `keras.layers.Layer`.

    Example:
    >>> import numpy as np
    >>> layer = ConditionalBatchNormalization(num_classes=2)
    >>> x = np.random.default_rng(0).normal(size=(4, 3, 3, 5)).astype("float32")
    >>> layer([x, np.array([0, 1, 0, 1])], training=True).shape
    TensorShape([4, 3, 3, 5])

    Reference:
        de Vries et al., "Modulating early visual processing by language", NeurIPS 2017;
        Dumoulin, Shlens & Kudlur, "A Learned Representation For Artistic Style", ICLR 2017;
        Miyato & Koyama, "cGANs with Projection Discriminator", ICLR 2018.
    """

    def __init__(self, num_classes, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = positive_int(num_classes, "num_classes")
        self.momentum = number_in(momentum, "momentum", 0, 1, high_open=True)
        self.epsilon = positive_number(epsilon, "epsilon")
        self.normalization = keras.layers.BatchNormalization(
            momentum=self.momentum,
            epsilon=self.epsilon,
            center=False,
            scale=False,
            dtype=self.dtype_policy,
            name="normalization",
        )

    def build(self, input_shape):
        x_shape = input_shape[0]
        channels = x_shape[-1]
        if channels is None or len(x_shape) < 2:
            raise ValueError(
                "ConditionalBatchNormalization takes [x, labels] with a known channel axis "
                f"(last). Received: x of shape {x_shape}"
            )
        self.normalization.build(x_shape)
        self.gamma = self.add_weight(
            shape=(self.num_classes, channels), initializer="ones", name="gamma"
        )
        self.beta = self.add_weight(
            shape=(self.num_classes, channels), initializer="zeros", name="beta"
        )

    def call(self, inputs, training=None):
        x, labels = inputs
        ids = ops.reshape(ops.cast(labels, "int32"), (-1,))
        normalized = self.normalization(x, training=training)
        broadcast = (-1, *([1] * (len(x.shape) - 2)), x.shape[-1])
        gamma = ops.reshape(ops.take(self.gamma, ids, axis=0), broadcast)
        beta = ops.reshape(ops.take(self.beta, ids, axis=0), broadcast)
        dtype = normalized.dtype
        return normalized * ops.cast(gamma, dtype) + ops.cast(beta, dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def get_config(self):
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
        }
