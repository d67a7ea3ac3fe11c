"""`NoiseInjection`: StyleGAN's per-layer noise with a learned scale."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import one_of
from keras_gans.models.generation import ReplicaSeedGenerator

#: How a `NoiseInjection` layer gets its noise when none is passed explicitly.
NOISE_MODES = ("random", "const", "none")


def check_noise_mode(mode, argument="noise_mode"):
    """`mode` if it is one of `NOISE_MODES`, else a `ValueError` naming `argument`."""
    return one_of(mode, argument, NOISE_MODES)


@keras.saving.register_keras_serializable(package="keras_gans_style")
class NoiseInjection(keras.layers.Layer):
    """Adds a single-channel noise image, scaled per channel by learned factors.

    `y = x + strength * noise`, where `noise` has shape `(batch, h, w, 1)` (one value per
    pixel, broadcast over channels) and `strength` is learned, initialised to zero: per
    channel in StyleGAN (2019, section 3.2), one scalar per layer in StyleGAN2 (2020,
    appendix B). The noise comes from, in order: the `noise` argument (an explicit input,
    used by exported samplers), or `mode`: `"random"` (fresh N(0, 1) per call from the
    layer's own seed generator: training), `"const"` (a fixed N(0, 1) map stored with the
    weights, StyleGAN2's `noise_const`: deterministic sampling and export) or `"none"`.

    Args:
        per_channel: One learned strength per channel (default `True`) or one per layer.
        seed: Seed of the random noise stream and of the stored constant (default `None`).

    Example:
    >>> import numpy as np
    >>> layer = NoiseInjection()
    >>> x = np.ones((2, 4, 4, 3), "float32")
    >>> y = layer(x, mode="random")  # strength starts at 0: the identity
    >>> bool(np.allclose(y, x)), tuple(layer.noise_const.shape)
    (True, (1, 4, 4, 1))

    Reference:
        Karras, Laine & Aila, "A Style-Based Generator Architecture for Generative
        Adversarial Networks", CVPR 2019, section 3.2; Karras et al., "Analyzing and
        Improving the Image Quality of StyleGAN", CVPR 2020.
    """

    def __init__(self, per_channel=True, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.per_channel = bool(per_channel)
        self.seed = seed
        # Each tf.distribute replica draws its own noise (a plain SeedGenerator would give
        # every replica the same images).
        self.seed_generator = ReplicaSeedGenerator(seed)

    def build(self, input_shape):
        height, width, channels = (int(d) for d in input_shape[1:])
        self.strength = self.add_weight(
            name="strength", shape=(channels if self.per_channel else 1,), initializer="zeros"
        )
        self.noise_const = self.add_weight(
            name="noise_const",
            shape=(1, height, width, 1),
            initializer=keras.initializers.RandomNormal(stddev=1.0, seed=self.seed),
            trainable=False,
        )

    @property
    def noise_shape(self):
        """The shape of one explicit noise image, `(h, w, 1)`."""
        return tuple(self.noise_const.shape[1:])

    def call(self, inputs, noise=None, mode="random"):
        if noise is None:
            check_noise_mode(mode, "mode")
            if mode == "none":
                return inputs
            if mode == "const":
                noise = self.noise_const
            else:
                shape = (ops.shape(inputs)[0], *self.noise_shape)
                noise = keras.random.normal(shape, seed=self.seed_generator)
        return inputs + ops.cast(noise, inputs.dtype) * ops.cast(self.strength, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "per_channel": self.per_channel, "seed": self.seed}
