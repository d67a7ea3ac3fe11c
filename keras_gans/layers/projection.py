"""The projection discriminator's output layer (Miyato & Koyama 2018)."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import positive_int

__all__ = ["ProjectionHead"]


def _class_ids(labels):
    """Class ids of shape `(batch,)` or `(batch, 1)` as a flat int32 vector."""
    return ops.reshape(ops.cast(labels, "int32"), (-1,))


def _unit(x, epsilon=1e-12):
    return x / ops.sqrt(ops.maximum(ops.sum(ops.square(x)), epsilon))


def _power_iteration(matrix, u):
    """One power iteration from `u` (shape `(1, columns)`): `(sigma, next u)`.

    `sigma = v W u^T` estimates the largest singular value of `W`; it is exact when `u` is
    the top right singular vector. The vectors are constants for autodiff, as in Miyato et
    al. (2018): the gradient flows through `W` in `sigma` only.
    """
    v = ops.stop_gradient(_unit(ops.matmul(u, ops.transpose(matrix))))
    u = ops.stop_gradient(_unit(ops.matmul(v, matrix)))
    sigma = ops.sum(ops.matmul(v, matrix) * u)
    return ops.maximum(sigma, 1e-12), u


@keras.saving.register_keras_serializable(package="keras_gans")
class ProjectionHead(keras.layers.Layer):
    """A class-conditional score: a linear term plus the projection of the features.

    Instead of concatenating the label to the input (or to a hidden layer), the projection
    discriminator takes the inner product of a learned class embedding with the
    discriminator's last features. This is the form the discriminator's logit takes when
    the class-conditional densities are log-linear in the features, and it conditions more
    strongly than concatenation. Call it on `[features, labels]`: `features` of shape
    `(batch, d)` (e.g. the flattened or globally pooled last feature map) and integer class
    ids of shape `(batch,)` or `(batch, 1)`. Ids outside `[0, num_classes)` are an error
    on CPU (the embedding gather fails); `GANModel` checks the labels it is given.

    With `spectral_normalization=True` the layer divides `w` and `V` by their largest
    singular values, as the paper's discriminator does for its linear layer and class
    embedding. The singular values are estimated by power iteration: one step per training
    call, from vectors kept as non-trainable weights (saved with the layer); other calls
    reuse the vectors without updating them.

    Formula:
        `score(x, y) = w . phi(x) + b + V[y] . phi(x)`, with `V` the `(num_classes, d)`
        class embedding; with spectral normalisation `w / sigma(w)` and `V / sigma(V)`,
        `sigma` the largest singular value.

    Args:
        num_classes: The number of classes.
        use_bias: Whether the linear term has a bias `b` (default `True`).
        spectral_normalization: Spectrally normalise `w` and `V` (default `False`).
        **kwargs: Passed to `keras.layers.Layer` (e.g. `dtype="float32"` for the score of
            a mixed-precision discriminator).

    Example:
    >>> import numpy as np
    >>> head = ProjectionHead(num_classes=3)
    >>> features = np.ones((2, 4), "float32")
    >>> head([features, np.array([[0], [2]])]).shape
    TensorShape([2, 1])

    >>> normalized = ProjectionHead(num_classes=3, spectral_normalization=True)
    >>> normalized([features, np.array([[0], [2]])], training=True).shape
    TensorShape([2, 1])

    Reference:
        Miyato & Koyama, "cGANs with Projection Discriminator", ICLR 2018; Miyato et al.,
        "Spectral Normalization for Generative Adversarial Networks", ICLR 2018.
    """

    def __init__(self, num_classes, use_bias=True, spectral_normalization=False, **kwargs):
        super().__init__(**kwargs)
        num_classes = positive_int(num_classes, "num_classes")
        if not isinstance(use_bias, bool):
            raise ValueError(f"`use_bias` must be True or False. Received: use_bias={use_bias!r}")
        if not isinstance(spectral_normalization, bool):
            raise ValueError(
                "`spectral_normalization` must be True or False. Received: "
                f"spectral_normalization={spectral_normalization!r}"
            )
        self.num_classes = num_classes
        self.use_bias = use_bias
        self.spectral_normalization = spectral_normalization

    def build(self, input_shape):
        features_shape = input_shape[0]
        if len(features_shape) != 2 or features_shape[-1] is None:
            raise ValueError(
                "ProjectionHead takes [features, labels] with features of shape (batch, d): "
                f"flatten or pool them first. Received: features of shape {features_shape}"
            )
        dim = features_shape[-1]
        self.kernel = self.add_weight(shape=(dim, 1), initializer="glorot_uniform", name="kernel")
        self.bias = (
            self.add_weight(shape=(1,), initializer="zeros", name="bias") if self.use_bias else None
        )
        self.embeddings = self.add_weight(
            shape=(self.num_classes, dim), initializer="glorot_uniform", name="embeddings"
        )
        self.kernel_u = self.embeddings_u = None
        if self.spectral_normalization:
            self.kernel_u = self._singular_vector(1, "kernel_u")
            self.embeddings_u = self._singular_vector(dim, "embeddings_u")

    def _singular_vector(self, columns, name):
        """The estimate of a weight's top right singular vector, shape `(1, columns)`.

        Every replica computes the same update, so the first replica's is kept.
        """
        return self.add_weight(
            shape=(1, columns),
            initializer=keras.initializers.RandomNormal(),
            trainable=False,
            aggregation="only_first_replica",
            name=name,
        )

    def normalized_weights(self, training=False):
        """Returns `(w, V)` as the layer applies them (divided by `sigma` when normalised).

        Args:
            training: Whether to store the power iteration's new vectors (default `False`).
        """
        if not self.spectral_normalization:
            return self.kernel, self.embeddings
        normalized = []
        for weight, u in ((self.kernel, self.kernel_u), (self.embeddings, self.embeddings_u)):
            sigma, new_u = _power_iteration(weight, ops.convert_to_tensor(u))
            if training:
                u.assign(new_u)
            normalized.append(weight / sigma)
        return tuple(normalized)

    def call(self, inputs, training=None):
        features, labels = inputs
        kernel, embeddings = self.normalized_weights(bool(training))
        features = ops.cast(features, self.compute_dtype)
        score = ops.matmul(features, ops.cast(kernel, self.compute_dtype))
        if self.bias is not None:
            score = score + ops.cast(self.bias, self.compute_dtype)
        embedded = ops.take(ops.cast(embeddings, self.compute_dtype), _class_ids(labels), 0)
        return score + ops.sum(embedded * features, axis=-1, keepdims=True)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], 1)

    def get_config(self):
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "use_bias": self.use_bias,
            "spectral_normalization": self.spectral_normalization,
        }
