"""CycleGAN's identity-mapping loss: a translator given its own output domain changes nothing."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative
from keras_gans.steps import Piece

__all__ = ["IdentityMapping", "identity_mapping_loss"]


def identity_mapping_loss(images, mapped):
    """The mean absolute difference between target-domain images and their translation.

    Formula:
        `mean |G(b) - b|` over every pixel and channel of the batch.

    Args:
        images: A batch of the translator's output domain, e.g. `b` for `G: A -> B`.
        mapped: The translator applied to them, e.g. `G(b)`.

    Returns:
        A float32 scalar tensor.

    Example:
    >>> float(identity_mapping_loss([[1.0, -1.0]], [[0.0, -1.0]]))
    0.5

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent
        Adversarial Networks", ICCV 2017, section 5.2 ("Photo generation from paintings").
    """
    images = ops.cast(images, "float32")
    mapped = ops.cast(mapped, "float32")
    return ops.mean(ops.abs(mapped - images))


@keras.saving.register_keras_serializable(package="keras_gans_image2image")
class IdentityMapping(Piece):
    """Adds `weight * mean |G(b) - b|` to the generator player, once per direction.

    The paper uses it (after Taigman et al. 2017) to keep colours: each translator is
    asked to leave an image of its *output* domain unchanged. Reads the generator view's
    `extras["target"]` (`b` in the `a2b` view, `a` in the `b2a` view) and
    `extras["identity"]` (`G(b)` or `F(a)`); `CycleGANModel` computes them only when the
    model has this piece. Both domains must have the same number of channels. Logged as
    `g_term/identity_mapping`.

    Formula:
        `weight * (mean |G(b) - b| + mean |F(a) - a|)` (summed over the two views).

    Args:
        weight: The term's coefficient (default 5, i.e. 0.5 lambda with the paper's
            lambda = 10; the `cyclegan` architecture passes half of its
            `identity_weight`, see `CycleGAN`).
        name: Logged as `g_term/<name>` (default `"identity_mapping"`).

    Example:
    >>> IdentityMapping().weight
    5.0

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent
        Adversarial Networks", ICCV 2017, section 5.2; Taigman et al., "Unsupervised
        Cross-Domain Image Generation", ICLR 2017.
    """

    roles = ("generator",)

    def __init__(self, weight=5.0, name="identity_mapping"):
        super().__init__(name=name)
        self.weight = non_negative(weight, "weight")

    def terms(self, player, ctx):
        extras = ctx.extras
        if "target" not in extras or "identity" not in extras:
            raise ValueError(
                "IdentityMapping needs a model whose generator views carry "
                "extras['target'] and extras['identity'] (CycleGANModel with both domains "
                f"of the same channels). Received extras: {sorted(extras)}"
            )
        return self.weight * identity_mapping_loss(extras["target"], extras["identity"])

    def get_config(self):
        return {**super().get_config(), "weight": self.weight}
