"""`Truncation`: broadcasts `w` to every synthesis layer and applies the truncation trick."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans_style._equalized import positive_int


def truncate(ws, w_avg, psi, cutoff=None):
    """Moves styles towards their average: the truncation trick in `W`.

    Formula:
        `w' = w_avg + psi (w - w_avg)` for the layers `< cutoff` (all when `None`).

    Args:
        ws: Per-layer styles `(batch, num_ws, w_dim)`.
        w_avg: The average style `(w_dim,)`.
        psi: The truncation factor (1: identity; 0: every sample is `w_avg`).
        cutoff: Truncate only the first `cutoff` layers (default `None`: all).

    Returns:
        A tensor shaped like `ws`.

    Example:
    >>> import numpy as np
    >>> ws = np.full((1, 2, 1), 4.0, "float32")
    >>> truncate(ws, np.zeros(1, "float32"), 0.5, cutoff=1).numpy().ravel().tolist()
    [2.0, 4.0]
    """
    ws = ops.convert_to_tensor(ws)
    w_avg = ops.cast(ops.convert_to_tensor(w_avg), ws.dtype)
    truncated = w_avg + psi * (ws - w_avg)
    if cutoff is None:
        return truncated
    layers = ops.arange(ws.shape[1])[None, :, None]
    return ops.where(layers < cutoff, truncated, ws)


@keras.saving.register_keras_serializable(package="keras_gans_style")
class Truncation(keras.layers.Layer):
    """Repeats `w` once per synthesis layer and keeps `w_avg` for the truncation trick.

    Maps `(batch, w_dim)` to `(batch, num_ws, w_dim)`, applying `truncate` with the call's
    `psi` and `cutoff` (`psi=1.0`, the default, is the identity: the training generator).
    `w_avg` is a non-trainable moving average of the mapping network's outputs, updated by
    `track(w)` in every generator update during training (`w_avg <- lerp(mean(w), w_avg,
    decay)`, as in the official implementation); it is saved with the generator and copied
    to the EMA generator.

    Args:
        num_ws: How many synthesis layers take a style.
        decay: The moving average's decay (default 0.995, the paper's).

    Example:
    >>> import numpy as np
    >>> layer = Truncation(num_ws=3)
    >>> w = np.ones((2, 4), "float32")
    >>> tuple(layer(w).shape), float(np.asarray(layer(w, psi=0.0)).max())  # w_avg is 0
    ((2, 3, 4), 0.0)

    Reference:
        Karras, Laine & Aila, "A Style-Based Generator Architecture for Generative
        Adversarial Networks", CVPR 2019, appendix B; Brock et al., "Large Scale GAN
        Training for High Fidelity Natural Image Synthesis", ICLR 2019 (truncation in z).
    """

    def __init__(self, num_ws, decay=0.995, **kwargs):
        super().__init__(**kwargs)
        self.num_ws = positive_int(num_ws, "num_ws")
        if isinstance(decay, bool) or not isinstance(decay, (int, float)) or not 0 <= decay < 1:
            raise ValueError(f"`decay` must be a number in [0, 1). Received: decay={decay!r}")
        self.decay = float(decay)

    def build(self, input_shape):
        # Under tf.distribute each replica's assignment is averaged (`mean`), so every
        # replica keeps, and the file saves, the same average of the global batch.
        self.w_avg = self.add_weight(
            name="w_avg",
            shape=(int(input_shape[-1]),),
            initializer="zeros",
            trainable=False,
            aggregation="mean",
        )

    def call(self, w, psi=1.0, cutoff=None):
        ws = ops.repeat(w[:, None, :], self.num_ws, axis=1)
        if psi == 1.0:
            return ws
        return truncate(ws, self.w_avg, psi, cutoff)

    def track(self, w):
        """Moves `w_avg` towards the batch mean of `w` (call in training updates)."""
        mean = ops.mean(ops.cast(ops.stop_gradient(w), "float32"), axis=0)
        self.w_avg.assign(mean + self.decay * (self.w_avg - mean))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.num_ws, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "num_ws": self.num_ws, "decay": self.decay}
