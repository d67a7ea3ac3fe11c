"""PacGAN packing: the discriminator judges several samples at once."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import positive_int

__all__ = ["Packing"]


@keras.saving.register_keras_serializable(package="keras_gans")
class Packing(keras.layers.Layer):
    """Concatenates groups of `packs` consecutive examples along the last axis.

    A discriminator that starts with this layer sees `packs` samples, all real or all
    generated, as one input and returns one score per pack: a batch of `n` examples
    gives `n // packs` scores, which every loss averages as usual. Diversity within a
    pack becomes visible to the discriminator, so a collapsed generator is penalised.
    The layer goes inside the discriminator (after any conditioning is joined to the
    input), so `GANModel` needs no change. A batch whose size is not a multiple of
    `packs` drops its last examples; one smaller than `packs` repeats its examples.

    Formula:
        `(n, ..., c) -> (n // packs, ..., packs * c)`; for vectors `(n, d) -> (n // packs,
        packs * d)`, for images `(n, h, w, c) -> (n // packs, h, w, packs * c)`.

    Args:
        packs: Samples per pack, `m` in the paper (default 2).
        **kwargs: Passed to `keras.layers.Layer`.

    Example:
    >>> import numpy as np
    >>> Packing(2)(np.arange(8, dtype="float32").reshape(4, 2)).numpy().tolist()
    [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]

    Reference:
        Lin et al., "PacGAN: The power of two samples in generative adversarial
        networks", NeurIPS 2018.
    """

    def __init__(self, packs=2, **kwargs):
        super().__init__(**kwargs)
        self.packs = positive_int(packs, "packs")

    def call(self, inputs):
        rank = len(inputs.shape)
        if rank < 2:
            raise ValueError(
                f"Packing needs inputs of shape (batch, ...). Received: shape {inputs.shape}"
            )
        n = ops.shape(inputs)[0]
        groups = ops.maximum(n // self.packs, 1)
        rows = ops.arange(groups * self.packs) % n
        x = ops.take(inputs, rows, axis=0)
        trailing = tuple(inputs.shape[1:])
        x = ops.reshape(x, (-1, self.packs, *trailing))
        order = [0, *range(2, rank), 1, rank]
        x = ops.transpose(x, order)
        return ops.reshape(x, (-1, *trailing[:-1], self.packs * trailing[-1]))

    def compute_output_shape(self, input_shape):
        last = None if input_shape[-1] is None else self.packs * input_shape[-1]
        return (None, *input_shape[1:-1], last)

    def get_config(self):
        return {**super().get_config(), "packs": self.packs}
