"""The WGAN-GP gradient penalty (Gulrajani et al. 2017)."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.penalties.base import Penalty, _check_non_negative, gradient_norm


def _per_example_uniform(x, seed_generator):
    """U(0, 1) draws of shape `(batch, 1, ..., 1)`: one weight per example, broadcast."""
    shape = (ops.shape(x)[0],) + (1,) * (len(x.shape) - 1)
    return keras.random.uniform(shape, seed=seed_generator)


@keras.saving.register_keras_serializable(package="keras_gans")
class GradientPenalty(Penalty):
    """Two-sided gradient penalty on random interpolates of real and fake data.

    Formula:
        `weight * mean((||grad_x D(x_hat)||_2 - target)^2)` with
        `x_hat = alpha * x_real + (1 - alpha) * x_fake`, `alpha ~ U(0, 1)` drawn once per
        example (not per pixel) and the norm computed as `sqrt(sum(g^2) + epsilon)` so that
        it stays finite where the gradient vanishes.

    Args:
        weight: lambda, the penalty coefficient (default 10, as in the paper).
        target: The gradient norm the critic is pushed towards (default 1).
        epsilon: Added under the square root of the norm (default 1e-12).
        name: Logged as `d_penalty/<name>` (default `"gp"`).

    Example:
    >>> penalty = GradientPenalty(weight=10.0)
    >>> penalty.name, penalty.weight
    ('gp', 10.0)

    Reference:
        Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017,
        Algorithm 1.
    """

    def __init__(self, weight=10.0, target=1.0, epsilon=1e-12, name="gp"):
        super().__init__(weight=weight, name=name)
        self.target = _check_non_negative(target, "target")
        self.epsilon = _check_non_negative(epsilon, "epsilon")

    def compute(self, context):
        alpha = _per_example_uniform(context.real, context.seed_generator)
        interpolates = alpha * context.real + (1.0 - alpha) * context.fake
        norms = gradient_norm(context.input_gradient(interpolates), self.epsilon)
        return ops.mean(ops.square(norms - self.target))

    def get_config(self):
        return {**super().get_config(), "target": self.target, "epsilon": self.epsilon}
