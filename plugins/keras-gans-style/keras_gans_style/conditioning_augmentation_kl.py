"""The KL term of StackGAN's conditioning augmentation, a piece of the generator's objective."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative
from keras_gans.steps import Piece
from keras_gans_style.conditioning_augmentation import kl_divergence

__all__ = ["ConditioningAugmentationKL"]


@keras.saving.register_keras_serializable(package="keras_gans_style")
class ConditioningAugmentationKL(Piece):
    """Adds `lambda * KL(N(mu, sigma^2) || N(0, I))` to the generator's objective.

    The regulariser of StackGAN's conditioning augmentation (eq. 3 and 5): it keeps the
    Gaussian of each embedding close to the standard normal, so the conditioning manifold
    stays smooth. It reads the mean and log-variance that the model computed in the
    generator's update, `ctx.extras["ca_mean"]` and `ctx.extras["ca_log_variance"]`
    (`StackGANModel` puts them there), and averages the per-example divergence
    (summed over the dimensions, `kl_divergence`) over the batch.

    Formula:
        `weight * mean_i 0.5 * sum_j (mu_ij^2 + sigma_ij^2 - 1 - log sigma_ij^2)`;
        logged as `g_term/<name>`.

    Args:
        weight: `lambda` (default 1.0, the paper's).
        name: Logged as `g_term/<name>` (default `"kl"`).

    Example:
    >>> from keras_gans.steps import StepContext
    >>> ctx = StepContext.of([[0.0]], [[0.0]], player="generator",
    ...                      extras={"ca_mean": [[1.0, 1.0]], "ca_log_variance": [[0.0, 0.0]]})
    >>> float(ConditioningAugmentationKL().terms(ctx.player, ctx))
    1.0

    Reference:
        Zhang et al., "StackGAN: Text to Photo-realistic Image Synthesis with Stacked
        Generative Adversarial Networks", ICCV 2017, section 3.2 and eq. 3.
    """

    roles = ("generator",)

    def __init__(self, weight=1.0, name="kl"):
        super().__init__(name=name)
        self.weight = non_negative(weight, "weight")

    def terms(self, player, ctx):
        extras = ctx.extras
        if "ca_mean" not in extras or "ca_log_variance" not in extras:
            raise ValueError(
                "ConditioningAugmentationKL reads ctx.extras['ca_mean'] and "
                "['ca_log_variance'] (a StackGANModel puts them there). Received extras: "
                f"{sorted(extras)}"
            )
        divergence = kl_divergence(extras["ca_mean"], extras["ca_log_variance"])
        return self.weight * ops.mean(divergence)

    def get_config(self):
        return {**super().get_config(), "weight": self.weight}
