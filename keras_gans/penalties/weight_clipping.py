"""WGAN weight clipping (Arjovsky et al. 2017)."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import positive_number
from keras_gans.penalties.base import Constraint


@keras.saving.register_keras_serializable(package="keras_gans")
class WeightClipping(Constraint):
    """Clips every trainable discriminator weight to `[-clip_value, clip_value]`.

    A piece whose `update` runs after each discriminator update: it keeps the critic within
    a compact set of functions, a crude way to bound its Lipschitz constant.

    Formula:
        `w <- clip(w, -c, c)` for every trainable weight `w`, with `c = clip_value`.

    Args:
        clip_value: `c`, the clipping bound (default 0.01, as in the paper).

    Example:
    >>> import keras
    >>> weight = keras.Variable([0.5, -0.002, -3.0])
    >>> WeightClipping(0.01)([weight])
    >>> [round(float(w), 3) for w in weight.numpy()]
    [0.01, -0.002, -0.01]

    Reference:
        Arjovsky et al., "Wasserstein Generative Adversarial Networks", ICML 2017,
        Algorithm 1.
    """

    def __init__(self, clip_value=0.01):
        super().__init__()
        self.clip_value = positive_number(clip_value, "clip_value")

    def __call__(self, variables):
        for variable in variables:
            variable.assign(ops.clip(variable, -self.clip_value, self.clip_value))

    def get_config(self):
        return {"clip_value": self.clip_value}
