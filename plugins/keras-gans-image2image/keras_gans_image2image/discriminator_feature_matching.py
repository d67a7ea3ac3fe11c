"""`DiscriminatorFeatureMatching`: pix2pixHD's feature-matching loss on D's layers."""

from __future__ import annotations

import re

import keras
from keras import ops

from keras_gans.checks import non_negative
from keras_gans.steps import Piece

__all__ = ["DiscriminatorFeatureMatching", "discriminator_feature_matching_loss"]

_FEATURE = re.compile(r"feature_(\d+)$")


def discriminator_feature_matching_loss(real_features, fake_features):
    """The L1 distance between a discriminator's features on real and generated pairs.

    Per layer `i`, the mean absolute difference over its `N_i` values (and the batch),
    summed over the layers: the paper's eq. 4 for one discriminator `D_k`.

    Formula:
        `sum_i 1/N_i ||D_k^(i)(s, x) - D_k^(i)(s, G(s))||_1`.

    Args:
        real_features: The features of each layer on real pairs, a list of tensors.
        fake_features: The same layers' features on generated pairs, same shapes.

    Returns:
        A float32 scalar tensor.

    Example:
    >>> real = [[[1.0, 1.0]], [[0.0, 4.0, 0.0, 0.0]]]
    >>> fake = [[[0.0, 1.0]], [[0.0, 0.0, 0.0, 0.0]]]
    >>> float(discriminator_feature_matching_loss(real, fake))  # 1/2 + 4/4
    1.5

    Reference:
        Wang et al., "High-Resolution Image Synthesis and Semantic Manipulation with
        Conditional GANs", CVPR 2018, eq. 4.
    """
    if len(real_features) != len(fake_features) or not len(real_features):
        raise ValueError(
            "`real_features` and `fake_features` must be non-empty lists of the same layers. "
            f"Received: {len(real_features)} and {len(fake_features)} layers"
        )
    total = 0.0
    for real, fake in zip(real_features, fake_features, strict=True):
        real = ops.cast(ops.convert_to_tensor(real), "float32")
        fake = ops.cast(ops.convert_to_tensor(fake), "float32")
        total = total + ops.mean(ops.abs(real - fake))
    return total


def _features(heads):
    """The `feature_<i>` heads of a discriminator, in layer order."""
    found = sorted((int(m.group(1)), key) for key in heads if (m := _FEATURE.match(key)))
    return [heads[key] for _, key in found]


@keras.saving.register_keras_serializable(package="keras_gans_image2image")
class DiscriminatorFeatureMatching(Piece):
    """Adds `weight * L_FM` to the generator's objective, averaged over the scales.

    Reads, in each of the generator update's views (one per discriminator scale), the
    discriminator's `feature_<i>` heads on the real pair and on the generated pair (the
    same forward passes the adversarial loss uses); the real features carry no gradient.
    Each view adds `weight * discriminator_feature_matching_loss / num_scales`, where
    `num_scales` is the view's `extras["num_scales"]` (1 if absent): the paper's eq. 4
    per discriminator, averaged over the discriminators as the authors' code does
    (eq. 5 writes a sum over `k`; with `weight=10` the two differ by the factor
    `num_scales`). Logged as `g_term/<name>`.

    Formula:
        `weight / K * sum_k sum_i 1/N_i ||D_k^(i)(s, x) - D_k^(i)(s, G(s))||_1`.

    Args:
        weight: lambda (default 10, the paper's).
        name: Names the logged term (default `"feature_matching"`).

    Example:
    >>> DiscriminatorFeatureMatching().metric_names
    ('g_term/feature_matching',)

    Reference:
        Wang et al., "High-Resolution Image Synthesis and Semantic Manipulation with
        Conditional GANs", CVPR 2018, section 3.2 (eqs. 4-5, lambda = 10).
    """

    roles = ("generator",)

    def __init__(self, weight=10.0, name="feature_matching"):
        super().__init__(name=name)
        self.weight = non_negative(weight, "weight")

    def terms(self, player, ctx):
        real, fake = _features(ctx.real_heads), _features(ctx.fake_heads)
        if not real:
            raise ValueError(
                "Discriminator feature matching needs a discriminator that returns "
                "`feature_<i>` heads beside its score (see build_multiscale_discriminator). "
                f"Received heads: {sorted(ctx.real_heads)}"
            )
        real = [ops.stop_gradient(r) for r in real]
        scales = ctx.extras.get("num_scales", 1)
        return self.weight / scales * discriminator_feature_matching_loss(real, fake)

    def get_config(self):
        return {**super().get_config(), "weight": self.weight}
