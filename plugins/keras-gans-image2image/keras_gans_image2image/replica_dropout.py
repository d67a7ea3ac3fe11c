"""`ReplicaDropout`: dropout whose masks differ between `tf.distribute` replicas."""

from __future__ import annotations

import keras

from keras_gans.checks import number_in
from keras_gans.checks import seed as check_seed
from keras_gans.models.generation import ReplicaSeedGenerator

__all__ = ["ReplicaDropout"]


@keras.saving.register_keras_serializable(package="keras_gans_image2image")
class ReplicaDropout(keras.layers.Layer):
    """Dropout (inverted: kept units scaled by `1 / (1 - rate)`) drawn per replica.

    `keras.layers.Dropout` draws its masks from a `SeedGenerator` whose state is mirrored
    under `tf.distribute`, so every replica drops the same units of its own slice of the
    batch. This layer draws from a `ReplicaSeedGenerator` instead (the replica id offsets
    each draw), so the replicas' masks are independent, as on one device. Its random
    stream's state is a weight, saved with the model. In inference (`training=False`, as
    exported translators run) it is the identity and adds no random operation to the graph.

    Args:
        rate: The fraction of units dropped in training, in [0, 1) (default 0.5, the
            pix2pix decoder's).
        seed: Seed of the mask stream (default `None`: from Keras' global seed).
        **kwargs: Passed to `keras.layers.Layer` (e.g. `name`).

    Returns:
        Called on a tensor, a tensor of its shape.

    Example:
    >>> import numpy as np
    >>> layer = ReplicaDropout(0.5, seed=0)
    >>> x = np.ones((2, 8), "float32")
    >>> sorted(set(np.unique(layer(x, training=True)).tolist()) - {0.0, 2.0})
    []
    >>> bool(np.array_equal(layer(x), x))
    True

    Reference:
        Srivastava, Hinton, Krizhevsky, Sutskever & Salakhutdinov, "Dropout: A Simple Way
        to Prevent Neural Networks from Overfitting", JMLR 2014; Isola et al.,
        "Image-to-Image Translation with Conditional Adversarial Networks", CVPR 2017,
        section 3.1 (dropout as the generator's noise).
    """

    def __init__(self, rate=0.5, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = number_in(rate, "rate", 0.0, 1.0, high_open=True)
        self.seed = check_seed(seed)
        self.seed_generator = ReplicaSeedGenerator(self.seed)
        self.supports_masking = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return keras.random.dropout(inputs, self.rate, seed=self.seed_generator)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
