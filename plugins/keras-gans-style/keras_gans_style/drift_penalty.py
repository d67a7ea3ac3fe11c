"""`DriftPenalty`: ProGAN's small term that keeps the critic's scores near zero."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.penalties import Penalty

__all__ = ["DriftPenalty", "drift_penalty_term"]


def drift_penalty_term(real_scores):
    """The mean squared critic score on real data.

    Formula:
        `mean(D(x_real)^2)`.

    Args:
        real_scores: The critic's raw scores on the real minibatch, any shape.

    Returns:
        A float32 scalar.

    Example:
    >>> float(drift_penalty_term([[1.0], [2.0], [3.0]]))  # (1 + 4 + 9) / 3
    4.666666507720947

    Reference:
        Karras et al., "Progressive Growing of GANs for Improved Quality, Stability, and
        Variation", ICLR 2018, appendix A.1.
    """
    scores = ops.cast(ops.convert_to_tensor(real_scores), "float32")
    return ops.mean(ops.square(scores))


@keras.saving.register_keras_serializable(package="keras_gans_style")
class DriftPenalty(Penalty):
    """Adds `epsilon_drift * E[D(x_real)^2]` to the critic's objective.

    The Wasserstein critic's loss is invariant to a constant shift of its scores, so they
    can drift far from zero; ProGAN adds this tiny term (`epsilon_drift = 0.001`) to the
    WGAN-GP critic loss to keep them anchored. It reads the critic's scores on the real
    minibatch that the adversarial loss already computed (no extra forward pass) and is
    logged as `d_penalty/drift`. `ProGAN.default_tricks()` brings it.

    Formula:
        `weight * mean(D(x_real)^2)`.

    Args:
        weight: `epsilon_drift` (default 0.001, the paper's).
        name: Logged as `d_penalty/<name>` (default `"drift"`).

    Example:
    >>> import numpy as np
    >>> from keras_gans.steps import StepContext
    >>> ctx = StepContext.of(np.array([[1.0], [3.0]], "float32"), np.zeros((2, 1), "float32"),
    ...                      lambda x, training: x)
    >>> round(float(DriftPenalty()(ctx)), 6)  # 0.001 * (1 + 9) / 2
    0.005

    Reference:
        Karras et al., "Progressive Growing of GANs for Improved Quality, Stability, and
        Variation", ICLR 2018, appendix A.1.
    """

    def __init__(self, weight=0.001, name="drift"):
        super().__init__(weight=weight, name=name)

    def compute(self, ctx):
        return drift_penalty_term(ctx.real_output)
