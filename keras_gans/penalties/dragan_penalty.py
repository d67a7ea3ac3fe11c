"""The DRAGAN perturbation penalty (Kodali et al. 2017)."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative
from keras_gans.penalties.base import Penalty, gradient_norm
from keras_gans.penalties.gradient_penalty import (
    check_form,
    gradient_penalty_term,
    per_example_uniform,
)


@keras.saving.register_keras_serializable(package="keras_gans")
class DRAGANPenalty(Penalty):
    """Gradient penalty in a noisy neighbourhood of the real data.

    Formula:
        `weight * mean((||grad_x D(x_hat)||_2 - target)^2)` with
        `x_hat = x + alpha * delta`, `delta = c * std(x) * u`, `u ~ U(0, 1)` per element,
        `alpha ~ U(0, 1)` per example, `std(x)` the standard deviation of the real batch and
        `c = perturbation_scale`: the perturbation scheme of the authors' reference code.
        Penalising only near the data discourages the sharp gradients around real samples
        that the paper links to mode collapse. `form="ratio"` uses
        `(||grad|| / target - 1)^2` instead (see `gradient_penalty_term`).

    Args:
        weight: lambda, the penalty coefficient (default 10, as in the paper).
        perturbation_scale: `c`, the noise scale in units of the batch's standard deviation
            (default 0.5).
        target: The gradient norm the discriminator is pushed towards (default 1).
        epsilon: Added under the square root of the norm (default 1e-12).
        form: `"difference"` (default) or `"ratio"`.
        name: Logged as `d_penalty/<name>` (default `"dragan"`).

    Example:
    >>> DRAGANPenalty().get_config()["perturbation_scale"]
    0.5

    Reference:
        Kodali et al., "On Convergence and Stability of GANs", 2017.
    """

    def __init__(
        self,
        weight=10.0,
        perturbation_scale=0.5,
        target=1.0,
        epsilon=1e-12,
        form="difference",
        name="dragan",
    ):
        super().__init__(weight=weight, name=name)
        self.perturbation_scale = non_negative(perturbation_scale, "perturbation_scale")
        self.target = non_negative(target, "target")
        self.epsilon = non_negative(epsilon, "epsilon")
        self.form = check_form(form, self.target)

    def compute(self, ctx):
        x = ctx.real
        noise = keras.random.uniform(ops.shape(x), seed=ctx.seed_generator)
        delta = self.perturbation_scale * ops.std(x) * noise
        alpha = per_example_uniform(x, ctx.seed_generator)
        norms = gradient_norm(ctx.input_gradient(x + alpha * delta), self.epsilon)
        return gradient_penalty_term(norms, self.target, self.form)

    def get_config(self):
        return {
            **super().get_config(),
            "perturbation_scale": self.perturbation_scale,
            "target": self.target,
            "epsilon": self.epsilon,
            "form": self.form,
        }
