"""`GradientReversal`: the identity going forward, `-scale` times the gradient going back."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative

__all__ = ["GradientReversal", "adaptation_factor", "reverse_gradient"]


def reverse_gradient(x, scale=1.0):
    """Returns `x` unchanged; its gradient is the upstream gradient times `-scale`.

    Formula:
        `R(x) = x`, `dR/dx = -scale * I`: the loss behind the layer is maximised, with
        weight `scale`, by everything in front of it.

    Args:
        x: A float tensor.
        scale: `lambda >= 0`, a float or a scalar tensor (default 1.0).

    Returns:
        A tensor equal to `x`.

    Example:
    >>> import tensorflow as tf
    >>> x = tf.constant([1.0, -2.0])
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = ops.sum(3.0 * reverse_gradient(x, 0.5))
    >>> tape.gradient(y, x).numpy().tolist()
    [-1.5, -1.5]

    Reference:
        Ganin & Lempitsky, "Unsupervised Domain Adaptation by Backpropagation", ICML 2015,
        section 3 (the gradient reversal layer).
    """
    x = ops.convert_to_tensor(x)
    factor = ops.cast(ops.convert_to_tensor(scale), x.dtype)

    @ops.custom_gradient
    def identity(value):
        def gradient(*args, upstream=None):
            if upstream is None:
                (upstream,) = args
            return ops.negative(factor) * upstream

        return ops.copy(value), gradient

    return identity(x)


def adaptation_factor(progress, gamma=10.0):
    """The paper's schedule of the reversal weight `lambda`: 0 at the start, 1 at the end.

    Formula:
        `lambda_p = 2 / (1 + exp(-gamma * p)) - 1`, `p` the training progress in [0, 1].

    Args:
        progress: `p`, a float or a float tensor (clipped to [0, 1]).
        gamma: `gamma` (default 10.0, the paper's).

    Returns:
        A float32 tensor shaped like `progress`.

    Example:
    >>> [round(float(adaptation_factor(p)), 4) for p in (0.0, 0.1, 1.0)]
    [0.0, 0.4621, 0.9999]

    Reference:
        Ganin & Lempitsky, "Unsupervised Domain Adaptation by Backpropagation", ICML 2015
        (the experiments' training procedure).
    """
    p = ops.clip(ops.cast(ops.convert_to_tensor(progress), "float32"), 0.0, 1.0)
    return 2.0 / (1.0 + ops.exp(-float(gamma) * p)) - 1.0


@keras.saving.register_keras_serializable(package="keras_gans_representation")
class GradientReversal(keras.layers.Layer):
    """The gradient-reversal layer of domain-adversarial training.

    In the forward pass it is the identity; in the backward pass it multiplies the
    gradient by `-scale`. Put between a feature extractor and a domain classifier, a
    single minimisation of `label loss + domain loss` then trains the domain classifier
    to tell the domains apart and the feature extractor to make them indistinguishable.
    The weight may change at every step: pass it to `call` (e.g. the paper's schedule,
    `adaptation_factor(progress)`); it has no weights.

    Formula:
        `R(x) = x`, `dR/dx = -scale * I`.

    Args:
        scale: `lambda >= 0`, used when `call` gets none (default 1.0).
        **kwargs: Passed to `keras.layers.Layer`.

    Example:
    >>> layer = GradientReversal(scale=0.5)
    >>> layer(ops.ones((1, 2))).numpy().tolist()
    [[1.0, 1.0]]

    Reference:
        Ganin & Lempitsky, "Unsupervised Domain Adaptation by Backpropagation", ICML 2015,
        section 3.
    """

    def __init__(self, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = non_negative(scale, "scale")
        self.built = True

    def call(self, inputs, scale=None):
        """Returns `inputs`; with `scale` (a float or scalar tensor) overriding `self.scale`."""
        return reverse_gradient(inputs, self.scale if scale is None else scale)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}
