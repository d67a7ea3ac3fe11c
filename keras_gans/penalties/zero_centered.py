"""Zero-centred gradient penalties R1 and R2 (Mescheder et al. 2018)."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative
from keras_gans.penalties.base import Penalty


def _squared_gradient_norm(gradients):
    g = ops.cast(gradients, "float32")
    return ops.sum(ops.square(ops.reshape(g, (ops.shape(g)[0], -1))), axis=1)


class _ZeroCentered(Penalty):
    def __init__(self, gamma, name):
        self.gamma = non_negative(gamma, "gamma")
        super().__init__(weight=self.gamma / 2.0, name=name)

    def _samples(self, context):
        raise NotImplementedError

    def compute(self, context):
        return ops.mean(_squared_gradient_norm(context.input_gradient(self._samples(context))))

    def get_config(self):
        return {"gamma": self.gamma, "name": self.name}


@keras.saving.register_keras_serializable(package="keras_gans")
class R1Penalty(_ZeroCentered):
    """Zero-centred gradient penalty on real data (R1).

    Formula:
        `(gamma / 2) * mean(||grad_x D(x)||_2^2)` over real samples `x`.

    Args:
        gamma: The regularisation strength (default 10).
        name: Logged as `d_penalty/<name>` (default `"r1"`).

    Example:
    >>> R1Penalty(gamma=10.0).weight
    5.0

    Reference:
        Mescheder et al., "Which Training Methods for GANs do actually Converge?",
        ICML 2018, eq. 9.
    """

    def __init__(self, gamma=10.0, name="r1"):
        super().__init__(gamma=gamma, name=name)

    def _samples(self, context):
        return context.real


@keras.saving.register_keras_serializable(package="keras_gans")
class R2Penalty(_ZeroCentered):
    """Zero-centred gradient penalty on generated data (R2).

    Formula:
        `(gamma / 2) * mean(||grad_x D(x)||_2^2)` over generated samples `x = G(z)`.

    Args:
        gamma: The regularisation strength (default 10).
        name: Logged as `d_penalty/<name>` (default `"r2"`).

    Example:
    >>> R2Penalty(gamma=1.0).get_config()
    {'gamma': 1.0, 'name': 'r2'}

    Reference:
        Mescheder et al., "Which Training Methods for GANs do actually Converge?",
        ICML 2018, eq. 10.
    """

    def __init__(self, gamma=10.0, name="r2"):
        super().__init__(gamma=gamma, name=name)

    def _samples(self, context):
        return context.fake
