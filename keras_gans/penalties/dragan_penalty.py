"""The DRAGAN perturbation penalty (Kodali et al. 2017)."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.penalties.base import Penalty, _check_non_negative, gradient_norm
from keras_gans.penalties.gradient_penalty import _per_example_uniform


@keras.saving.register_keras_serializable(package="keras_gans")
class DRAGANPenalty(Penalty):
    """Gradient penalty in a noisy neighbourhood of the real data.

    Formula:
        `weight * mean((||grad_x D(x_hat)||_2 - target)^2)` with
        `x_hat = x + alpha * delta`, `delta = c * std(x) * u`, `u ~ U(0, 1)` per element,
        `alpha ~ U(0, 1)` per example, `std(x)` the standard deviation of the real batch and
        `c = perturbation_scale`: the perturbation scheme of the authors' reference code.
        Penalising only near the data discourages the sharp gradients around real samples
        that the paper links to mode collapse.

    Args:
        weight: lambda, the penalty coefficient (default 10, as in the paper).
        perturbation_scale: `c`, the noise scale in units of the batch's standard deviation
            (default 0.5).
        target: The gradient norm the discriminator is pushed towards (default 1).
        epsilon: Added under the square root of the norm (default 1e-12).
        name: Logged as `d_penalty/<name>` (default `"dragan"`).

    Example:
    >>> DRAGANPenalty().get_config()["perturbation_scale"]
    0.5

    Reference:
        Kodali et al., "On Convergence and Stability of GANs", 2017.
    """

    def __init__(
        self, weight=10.0, perturbation_scale=0.5, target=1.0, epsilon=1e-12, name="dragan"
    ):
        super().__init__(weight=weight, name=name)
        self.perturbation_scale = _check_non_negative(perturbation_scale, "perturbation_scale")
        self.target = _check_non_negative(target, "target")
        self.epsilon = _check_non_negative(epsilon, "epsilon")

    def compute(self, context):
        x = context.real
        noise = keras.random.uniform(ops.shape(x), seed=context.seed_generator)
        delta = self.perturbation_scale * ops.std(x) * noise
        alpha = _per_example_uniform(x, context.seed_generator)
        norms = gradient_norm(context.input_gradient(x + alpha * delta), self.epsilon)
        return ops.mean(ops.square(norms - self.target))

    def get_config(self):
        return {
            **super().get_config(),
            "perturbation_scale": self.perturbation_scale,
            "target": self.target,
            "epsilon": self.epsilon,
        }
