"""Discriminator layers that let it see the whole minibatch, against mode collapse."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import positive_int

__all__ = ["MinibatchDiscrimination", "MinibatchStandardDeviation"]


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchDiscrimination(keras.layers.Layer):
    """Appends, to each example's features, how close it is to the others in the batch.

    The features `f(x_i)` (shape `(batch, A)`) are projected by a learned tensor `T` to
    `B` rows of `C` numbers, `M_i`; the closeness of two examples in row `b` is
    `exp(-||M_i,b - M_j,b||_1)`, and `o(x_i)_b` sums it over the batch (including
    `j = i`, which adds 1). A batch of near-identical fakes gets large `o`, which the
    discriminator can learn to reject. Place it after the last hidden layer.

    Formula:
        `o(x_i)_b = sum_j exp(-sum_c |M_i[b, c] - M_j[b, c]|)`, `M_i = f(x_i) T`,
        output `[f(x_i), o(x_i)]` of shape `(batch, A + B)`.

    Args:
        num_kernels: `B` (default 50).
        kernel_dim: `C` (default 5).
        kernel_initializer: Initializer of `T` (default `RandomNormal(stddev=0.05)`).
        **kwargs: Passed to `keras.layers.Layer`.

    Example:
    >>> import numpy as np
    >>> layer = MinibatchDiscrimination(num_kernels=3, kernel_dim=2)
    >>> tuple(layer(np.ones((4, 6), "float32")).shape)  # identical examples: o = 4 everywhere
    (4, 9)

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016, section 3.2.
    """

    def __init__(self, num_kernels=50, kernel_dim=5, kernel_initializer=None, **kwargs):
        super().__init__(**kwargs)
        self.num_kernels = positive_int(num_kernels, "num_kernels")
        self.kernel_dim = positive_int(kernel_dim, "kernel_dim")
        self.kernel_initializer = keras.initializers.get(
            kernel_initializer or keras.initializers.RandomNormal(stddev=0.05)
        )

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(
                "MinibatchDiscrimination takes features of shape (batch, features) (flatten "
                f"first). Received: input shape {tuple(input_shape)}"
            )
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.num_kernels * self.kernel_dim),
            initializer=self.kernel_initializer,
            name="kernel",
        )

    def call(self, inputs):
        m = ops.matmul(inputs, self.kernel)
        m = ops.reshape(m, (-1, self.num_kernels, self.kernel_dim))
        distances = ops.sum(ops.abs(m[:, None] - m[None, :]), axis=-1)  # (n, n, B)
        closeness = ops.sum(ops.exp(-distances), axis=1)  # (n, B)
        return ops.concatenate([inputs, ops.cast(closeness, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1] + self.num_kernels)

    def get_config(self):
        return {
            **super().get_config(),
            "num_kernels": self.num_kernels,
            "kernel_dim": self.kernel_dim,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
        }


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchStandardDeviation(keras.layers.Layer):
    """Appends the average feature standard deviation of each example's group as a channel.

    The batch is split into groups of about `group_size` examples (example `i` joins group
    `i mod (batch // group_size)`, as in ProGAN's reshape; a batch that does not divide
    evenly gets slightly larger groups, and a batch smaller than `group_size` is one
    group). For each group, the standard deviation of every feature (every position and
    channel) over the group's examples is averaged into one number, which is appended to
    each example of the group as one extra channel (constant over positions). A collapsed
    generator produces groups with no variation, which the discriminator can detect.

    Formula:
        `s_g = mean_features(sqrt(var_{i in g}(x_i) + 1e-8))`, output `[x_i, s_{g(i)}]`
        along the last axis.

    Args:
        group_size: Examples per group (default 4, as in the paper).
        **kwargs: Passed to `keras.layers.Layer`.

    Example:
    >>> import numpy as np
    >>> x = np.array([[0.0], [2.0], [1.0], [1.0]], "float32")  # groups {0, 2} and {1, 3}
    >>> MinibatchStandardDeviation(group_size=2)(x).numpy()[:, 1].round(4).tolist()
    [0.5, 0.5, 0.5, 0.5]

    Reference:
        Karras et al., "Progressive Growing of GANs for Improved Quality, Stability, and
        Variation", ICLR 2018 (arXiv 2017), section 3.
    """

    def __init__(self, group_size=4, **kwargs):
        super().__init__(**kwargs)
        self.group_size = positive_int(group_size, "group_size")

    def call(self, inputs):
        x = ops.cast(inputs, "float32")
        n = ops.shape(x)[0]
        groups = ops.maximum(n // self.group_size, 1)
        membership = ops.one_hot(ops.arange(n) % groups, groups)  # (n, groups)
        counts = ops.sum(membership, axis=0)[:, None]
        flat = ops.reshape(x, (n, -1))
        means = ops.matmul(ops.transpose(membership), flat) / counts
        deviations = flat - ops.matmul(membership, means)
        variances = ops.matmul(ops.transpose(membership), ops.square(deviations)) / counts
        statistic = ops.mean(ops.sqrt(variances + 1e-8), axis=1)  # (groups,)
        per_example = ops.matmul(membership, statistic[:, None])  # (n, 1)
        rank = len(inputs.shape)
        channel = ops.reshape(per_example, (-1,) + (1,) * (rank - 1)) * ops.ones_like(x[..., :1])
        return ops.concatenate([inputs, ops.cast(channel, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        last = None if input_shape[-1] is None else input_shape[-1] + 1
        return (*input_shape[:-1], last)

    def get_config(self):
        return {**super().get_config(), "group_size": self.group_size}
