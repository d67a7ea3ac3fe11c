"""The cycle-consistency loss of CycleGAN: translating there and back must return the input."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative
from keras_gans.steps import Piece

__all__ = ["CycleConsistency", "cycle_consistency_loss"]


def cycle_consistency_loss(images, reconstructions):
    """The mean absolute difference between images and their round-trip translations.

    Formula:
        `mean |F(G(a)) - a|` over every pixel and channel of the batch (the per-pixel L1
        norm of the paper, averaged rather than summed).

    Args:
        images: A batch of one domain, e.g. `a`.
        reconstructions: The same images after both translations, e.g. `F(G(a))`.

    Returns:
        A float32 scalar tensor.

    Example:
    >>> float(cycle_consistency_loss([[0.0, 1.0], [1.0, -1.0]], [[0.5, 1.0], [0.0, -1.0]]))
    0.375

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent
        Adversarial Networks", ICCV 2017, eq. 2.
    """
    images = ops.cast(images, "float32")
    reconstructions = ops.cast(reconstructions, "float32")
    return ops.mean(ops.abs(reconstructions - images))


@keras.saving.register_keras_serializable(package="keras_gans_image2image")
class CycleConsistency(Piece):
    """Adds `weight * mean |F(G(a)) - a|` to the generator player, once per direction.

    Reads the generator view's `extras["source"]` (the real images translated, `a` in the
    `a2b` view, `b` in the `b2a` view) and `extras["reconstruction"]` (their round trip,
    `F(G(a))` or `G(F(b))`), which `CycleGANModel.contexts` computes inside the
    generator's tape. The step sums the term over both views: the forward and the
    backward cycle of the paper's eq. 2. Logged as `g_term/cycle_consistency`.

    Formula:
        `weight * (mean |F(G(a)) - a| + mean |G(F(b)) - b|)` (summed over the two views).

    Args:
        weight: The term's coefficient (default 10, the paper's lambda; the `cyclegan`
            architecture passes half of its `cycle_weight`, see `CycleGAN`).
        name: Logged as `g_term/<name>` (default `"cycle_consistency"`).

    Example:
    >>> CycleConsistency(weight=5.0).metric_names
    ('g_term/cycle_consistency',)

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using Cycle-Consistent
        Adversarial Networks", ICCV 2017, section 3.2, eqs. 2-3.
    """

    roles = ("generator",)

    def __init__(self, weight=10.0, name="cycle_consistency"):
        super().__init__(name=name)
        self.weight = non_negative(weight, "weight")

    def terms(self, player, ctx):
        extras = ctx.extras
        if "source" not in extras or "reconstruction" not in extras:
            raise ValueError(
                "CycleConsistency needs a model whose generator views carry "
                "extras['source'] and extras['reconstruction'] (CycleGANModel). "
                f"Received extras: {sorted(extras)}"
            )
        return self.weight * cycle_consistency_loss(extras["source"], extras["reconstruction"])

    def get_config(self):
        return {**super().get_config(), "weight": self.weight}
