"""The WGAN-GP gradient penalty (Gulrajani et al. 2017) and its two target conventions."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative, one_of
from keras_gans.penalties.base import Penalty, gradient_norm

__all__ = ["FORMS", "GradientPenalty", "gradient_penalty_term"]

#: The two conventions for a gradient-norm target `t` (see `gradient_penalty_term`).
FORMS = ("difference", "ratio")


def check_form(form, target=1.0):
    """Checks `form` (and that the `"ratio"` form has a positive `target`)."""
    one_of(form, "form", FORMS)
    if form == "ratio" and not target > 0:
        raise ValueError(
            f"`target` must be positive with form='ratio' (it divides the norm). "
            f"Received: target={target!r}"
        )
    return form


def gradient_penalty_term(norms, target=1.0, form="difference"):
    """The mean squared deviation of gradient norms from a target, in one of two forms.

    With `t = 1` both forms are WGAN-GP's `(||g|| - 1)^2`. With another target they differ
    by the factor `t^2`:

    - `"difference"`: `(||g|| - t)^2`, the form of Gulrajani et al. (2017) written with a
      general target (and of DRAGAN, Kodali et al. 2017).
    - `"ratio"`: `(||g|| / t - 1)^2 = (||g|| - t)^2 / t^2`, the form of Karras et al.
      (2018, ProGAN, section A.1: `gamma = 750` on CIFAR-10) and of TF-GAN's
      `wasserstein_gradient_penalty(target=...)`. Use it to reproduce those settings.

    Args:
        norms: Per-example gradient norms, shape `(batch,)`.
        target: `t` (default 1).
        form: `"difference"` (default) or `"ratio"`.

    Returns:
        A float32 scalar.

    Example:
    >>> float(gradient_penalty_term([3.0], target=2.0))
    1.0
    >>> float(gradient_penalty_term([3.0], target=2.0, form="ratio"))
    0.25
    """
    norms = ops.cast(ops.convert_to_tensor(norms), "float32")
    if check_form(form) == "ratio":
        return ops.mean(ops.square(norms / target - 1.0))
    return ops.mean(ops.square(norms - target))


def per_example_uniform(x, seed_generator):
    """U(0, 1) draws of shape `(batch, 1, ..., 1)`: one weight per example, broadcast."""
    shape = (ops.shape(x)[0],) + (1,) * (len(x.shape) - 1)
    return keras.random.uniform(shape, seed=seed_generator)


@keras.saving.register_keras_serializable(package="keras_gans")
class GradientPenalty(Penalty):
    """Two-sided gradient penalty on random interpolates of real and fake data.

    Formula:
        `weight * mean((||grad_x D(x_hat)||_2 - target)^2)` (`form="difference"`) or
        `weight * mean((||grad_x D(x_hat)||_2 / target - 1)^2)` (`form="ratio"`), with
        `x_hat = alpha * x_real + (1 - alpha) * x_fake`, `alpha ~ U(0, 1)` drawn once per
        example (not per pixel) and the norm computed as `sqrt(sum(g^2) + epsilon)` so that
        it stays finite where the gradient vanishes. The forms agree for `target=1`; see
        `gradient_penalty_term` for which paper each reproduces.

    Args:
        weight: lambda, the penalty coefficient (default 10, as in the paper).
        target: The gradient norm the critic is pushed towards (default 1).
        epsilon: Added under the square root of the norm (default 1e-12).
        form: `"difference"` (default, Gulrajani et al.) or `"ratio"` (ProGAN, TF-GAN).
        name: Logged as `d_penalty/<name>` (default `"gp"`).

    Example:
    >>> penalty = GradientPenalty(weight=10.0)
    >>> penalty.name, penalty.weight
    ('gp', 10.0)

    Reference:
        Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017,
        Algorithm 1; Karras et al., "Progressive Growing of GANs for Improved Quality,
        Stability, and Variation", ICLR 2018, appendix A.1.
    """

    def __init__(self, weight=10.0, target=1.0, epsilon=1e-12, form="difference", name="gp"):
        super().__init__(weight=weight, name=name)
        self.target = non_negative(target, "target")
        self.epsilon = non_negative(epsilon, "epsilon")
        self.form = check_form(form, self.target)

    def compute(self, ctx):
        alpha = per_example_uniform(ctx.real, ctx.seed_generator)
        interpolates = alpha * ctx.real + (1.0 - alpha) * ctx.fake
        norms = gradient_norm(ctx.input_gradient(interpolates), self.epsilon)
        return gradient_penalty_term(norms, self.target, self.form)

    def get_config(self):
        return {
            **super().get_config(),
            "target": self.target,
            "epsilon": self.epsilon,
            "form": self.form,
        }
