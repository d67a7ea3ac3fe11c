"""The KL term of StackGAN's conditioning augmentation, a piece of the generator's objective."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative, one_of
from keras_gans.steps import Piece
from keras_gans_style.conditioning_augmentation import kl_divergence

__all__ = ["REDUCTIONS", "ConditioningAugmentationKL"]

#: How the KL is reduced over the dimensions: the divergence itself, or the authors' mean.
REDUCTIONS = ("sum", "mean")


@keras.saving.register_keras_serializable(package="keras_gans_style")
class ConditioningAugmentationKL(Piece):
    """Adds `lambda * KL(N(mu, sigma^2) || N(0, I))` to the generator's objective.

    The regulariser of StackGAN's conditioning augmentation (eq. 3 and 5): it keeps the
    Gaussian of each embedding close to the standard normal, so the conditioning manifold
    stays smooth. It reads the mean and log-variance that the model computed in the
    generator's update, `ctx.extras["ca_mean"]` and `ctx.extras["ca_log_variance"]`
    (`StackGANModel` puts them there), reduces each example's divergence over the
    dimensions (`reduction`) and averages over the batch.

    `reduction="sum"` is the KL divergence itself (`kl_divergence`); `"mean"` divides it by
    the number of dimensions, as the authors' released code does (with `lambda = 2.0`,
    `TRAIN.COEFF.KL` in its configurations, against the paper's eq. 3, which writes
    `lambda = 1` for the divergence). The difference is large: with 16 dimensions the
    summed form at `lambda = 1` pulls each dimension 8 times harder than the code's, enough
    to wash the condition out of `c^` (measured in `docs/style/stackgan.md`).

    Formula:
        `weight * mean_i r_j 0.5 * (mu_ij^2 + sigma_ij^2 - 1 - log sigma_ij^2)`, `r` the
        sum (or the mean) over the dimensions `j`; logged as `g_term/<name>`.

    Args:
        weight: `lambda` (default 1.0, the paper's).
        reduction: Over the dimensions: `"sum"` (default; the divergence) or `"mean"`
            (the authors' code).
        name: Logged as `g_term/<name>` (default `"kl"`).

    Example:
    >>> from keras_gans.steps import StepContext
    >>> ctx = StepContext.of([[0.0]], [[0.0]], player="generator",
    ...                      extras={"ca_mean": [[1.0, 1.0]], "ca_log_variance": [[0.0, 0.0]]})
    >>> float(ConditioningAugmentationKL().terms(ctx.player, ctx))
    1.0
    >>> float(ConditioningAugmentationKL(2.0, reduction="mean").terms(ctx.player, ctx))
    1.0

    Reference:
        Zhang et al., "StackGAN: Text to Photo-realistic Image Synthesis with Stacked
        Generative Adversarial Networks", ICCV 2017, section 3.2 and eq. 3.
    """

    roles = ("generator",)

    def __init__(self, weight=1.0, reduction="sum", name="kl"):
        super().__init__(name=name)
        self.weight = non_negative(weight, "weight")
        self.reduction = one_of(reduction, "reduction", REDUCTIONS)

    def terms(self, player, ctx):
        extras = ctx.extras
        if "ca_mean" not in extras or "ca_log_variance" not in extras:
            raise ValueError(
                "ConditioningAugmentationKL reads ctx.extras['ca_mean'] and "
                "['ca_log_variance'] (a StackGANModel puts them there). Received extras: "
                f"{sorted(extras)}"
            )
        mean = ops.convert_to_tensor(extras["ca_mean"])
        divergence = kl_divergence(mean, extras["ca_log_variance"])
        if self.reduction == "mean":
            divergence = divergence / float(mean.shape[-1])
        return self.weight * ops.mean(divergence)

    def get_config(self):
        return {**super().get_config(), "weight": self.weight, "reduction": self.reduction}
