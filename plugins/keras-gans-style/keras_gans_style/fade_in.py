"""`FadeIn`: ProGAN's blend of a newly added resolution with the path it replaces."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans_style._equalized import positive_int

__all__ = ["FadeIn", "fade_in"]


def fade_in(old, new, alpha):
    """The linear blend `(1 - alpha) * old + alpha * new` of two equally shaped tensors.

    Written so that `alpha = 0` gives exactly `old` and `alpha = 1` exactly `new` (no
    rounding from `old + alpha * (new - old)`).

    Formula:
        `(1 - alpha) * old + alpha * new`.

    Args:
        old: The path being replaced (the upsampled previous to-RGB output in the
            generator, the from-RGB of the average-pooled input in the discriminator).
        new: The new block's output.
        alpha: The weight of `new`, a scalar in [0, 1].

    Returns:
        The blend, shaped like `old`.

    Example:
    >>> float(fade_in(2.0, 6.0, 0.25))
    3.0

    Reference:
        Karras et al., "Progressive Growing of GANs for Improved Quality, Stability, and
        Variation", ICLR 2018, section 3 and figure 2.
    """
    old = ops.convert_to_tensor(old)
    new = ops.convert_to_tensor(new)
    alpha = ops.cast(alpha, old.dtype)
    return (1.0 - alpha) * old + alpha * new


@keras.saving.register_keras_serializable(package="keras_gans_style")
class FadeIn(keras.layers.Layer):
    """Blends `[old, new]` with a weight `alpha` held in a non-trainable variable.

    When ProGAN doubles the resolution, the new layers fade in smoothly: the generator's
    output is `(1 - alpha) * upsample(toRGB_old(x)) + alpha * toRGB_new(block(x))` and the
    discriminator's features are `(1 - alpha) * fromRGB_old(avgpool(img)) +
    alpha * block(fromRGB_new(img))`, with `alpha` rising linearly from 0 to 1 (figure 2
    of the paper). `alpha` is a weight of the layer (saved with the network, copied to an
    EMA generator, a constant in an exported graph); `ProGANModel` assigns it from its
    growth schedule before every training step, so one traced train function serves every
    stage.

    Args:
        level: Which resolution this layer fades in, counted from the 4x4 base (default
            1: 8x8; level `k` is `4 * 2**k` pixels). `ProGANModel` sets its `alpha` to
            `clip(growth_level - level + 1, 0, 1)`.
        **kwargs: Passed to `keras.layers.Layer`.

    Example:
    >>> import numpy as np
    >>> layer = FadeIn(level=1)
    >>> old, new = np.zeros((1, 2), "float32"), np.ones((1, 2), "float32")
    >>> _ = layer([old, new])
    >>> _ = layer.alpha.assign(0.25)
    >>> np.asarray(layer([old, new])).tolist()
    [[0.25, 0.25]]

    Reference:
        Karras et al., "Progressive Growing of GANs for Improved Quality, Stability, and
        Variation", ICLR 2018, section 3 and figure 2.
    """

    def __init__(self, level=1, **kwargs):
        super().__init__(**kwargs)
        self.level = positive_int(level, "level")

    def build(self, input_shape):
        if len(input_shape) != 2 or tuple(input_shape[0][1:]) != tuple(input_shape[1][1:]):
            raise ValueError(
                "FadeIn takes a list of two equally shaped tensors [old, new]. "
                f"Received: input shapes {input_shape}"
            )
        self.alpha = self.add_weight(
            name="alpha",
            shape=(),
            initializer="zeros",
            trainable=False,
            dtype="float32",
            aggregation="only_first_replica",
        )

    def call(self, inputs):
        old, new = inputs
        return fade_in(old, new, self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "level": self.level}
