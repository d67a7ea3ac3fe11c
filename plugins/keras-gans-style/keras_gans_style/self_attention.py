"""SAGAN's self-attention block: every position attends to every other position."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import positive_int

__all__ = ["SelfAttention"]


@keras.saving.register_keras_serializable(package="keras_gans_style")
class SelfAttention(keras.layers.Layer):
    """Self-attention over the positions of a feature map, added to it with a learned gate.

    Three 1x1 convolutions map the channels-last input `x` (`C` channels, `N = H * W`
    positions) to queries and keys with `C // key_ratio` channels and values with
    `C // value_ratio` channels (each at least 1). Every position `j` takes the softmax over
    the positions `i` of the query-key products as weights of the values; a fourth 1x1
    convolution maps the result back to `C` channels, and the block returns `x` plus that
    output times `gamma`, a scalar that starts at 0: the untrained block is the identity
    and the network learns how much non-local evidence to use.

    The paper's text uses `C / 8` channels for the queries, keys and values
    (`value_ratio=8`); its official implementation (and BigGAN's) gives the values `C / 2`
    channels (`value_ratio=2`, the default). The official code also max-pools the keys
    and values 2x2 to save memory; this layer does not (every position is a key), which is
    affordable at the small resolutions it is used at here. The convolutions have no bias,
    as in both official implementations.

    Formula:
        `s_ij = f(x_i) . g(x_j)`, `beta_ji = softmax_i(s_ij)`,
        `o_j = v(sum_i beta_ji h(x_i))`, `y_j = x_j + gamma * o_j`, with `f`, `g`, `h`,
        `v` the 1x1 convolutions (queries `g`, keys `f`, values `h`, output `v`).

    Args:
        key_ratio: Channels of the queries and keys are `C // key_ratio` (default 8).
        value_ratio: Channels of the values are `C // value_ratio` (default 2, the
            official code; 8 follows the paper's text).
        spectral_normalization: Wrap the four convolutions in
            `keras.layers.SpectralNormalization` (default `False`; SAGAN and BigGAN use it).
        **kwargs: Passed to `keras.layers.Layer`.

    Example:
    >>> import numpy as np
    >>> layer = SelfAttention()
    >>> x = np.random.default_rng(0).normal(size=(2, 4, 4, 16)).astype("float32")
    >>> y = layer(x)
    >>> y.shape, bool(np.allclose(y, x))  # gamma starts at 0: the identity
    (TensorShape([2, 4, 4, 16]), True)

    Reference:
        Zhang, Goodfellow, Metaxas & Odena, "Self-Attention Generative Adversarial
        Networks", ICML 2019, section 3 (equations 1-3).
    """

    def __init__(self, key_ratio=8, value_ratio=2, spectral_normalization=False, **kwargs):
        super().__init__(**kwargs)
        self.key_ratio = positive_int(key_ratio, "key_ratio")
        self.value_ratio = positive_int(value_ratio, "value_ratio")
        if not isinstance(spectral_normalization, bool):
            raise ValueError(
                "`spectral_normalization` must be True or False. Received: "
                f"spectral_normalization={spectral_normalization!r}"
            )
        self.spectral_normalization = spectral_normalization

    def _conv(self, filters, name, input_shape):
        conv = keras.layers.Conv2D(filters, 1, use_bias=False, dtype=self.dtype_policy, name=name)
        if self.spectral_normalization:
            conv = keras.layers.SpectralNormalization(
                conv, dtype=self.dtype_policy, name=f"{name}_sn"
            )
        conv.build(input_shape)
        return conv

    def build(self, input_shape):
        if len(input_shape) != 4 or None in input_shape[1:]:
            raise ValueError(
                "SelfAttention takes channels-last feature maps (batch, height, width, "
                f"channels) with known sizes. Received: input shape {tuple(input_shape)}"
            )
        channels = input_shape[-1]
        self.key_channels = max(1, channels // self.key_ratio)
        self.value_channels = max(1, channels // self.value_ratio)
        self.query = self._conv(self.key_channels, "query", input_shape)
        self.key = self._conv(self.key_channels, "key", input_shape)
        self.value = self._conv(self.value_channels, "value", input_shape)
        value_shape = (*input_shape[:-1], self.value_channels)
        self.output_conv = self._conv(channels, "output", value_shape)
        self.gamma = self.add_weight(shape=(), initializer="zeros", name="gamma")

    def attention(self, x, training=None):
        """Returns `(beta, o)`: the `(batch, N, N)` attention weights (row `j` sums to 1 over
        the keys `i`) and the block's `(batch, H, W, C)` output before the gate `gamma`."""
        height, width, channels = x.shape[1:]
        positions = height * width
        flat = (-1, positions)
        query = ops.reshape(self.query(x, training=training), (*flat, self.key_channels))
        key = ops.reshape(self.key(x, training=training), (*flat, self.key_channels))
        value = ops.reshape(self.value(x, training=training), (*flat, self.value_channels))
        beta = ops.softmax(ops.matmul(query, ops.transpose(key, (0, 2, 1))), axis=-1)
        attended = ops.reshape(ops.matmul(beta, value), (-1, height, width, self.value_channels))
        return beta, self.output_conv(attended, training=training)

    def call(self, inputs, training=None):
        _, output = self.attention(inputs, training=training)
        return inputs + ops.cast(self.gamma, output.dtype) * output

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {
            **super().get_config(),
            "key_ratio": self.key_ratio,
            "value_ratio": self.value_ratio,
            "spectral_normalization": self.spectral_normalization,
        }
