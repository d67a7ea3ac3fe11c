"""`L1Reconstruction`: pix2pix's L1 term, the distance of each output to its ground truth."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative
from keras_gans.steps import Piece

__all__ = ["L1Reconstruction", "l1_reconstruction_loss"]


def l1_reconstruction_loss(target, output):
    """The mean absolute difference between target images and the generator's outputs.

    Formula:
        `mean_i mean_j |y_ij - G(x)_ij|` over the examples `i` and their values `j`.

    Args:
        target: The ground-truth images `y`, `(batch, ...)`.
        output: The translations `G(x)`, the same shape.

    Returns:
        A float32 scalar tensor.

    Example:
    >>> float(l1_reconstruction_loss([[1.0, -1.0], [0.0, 0.0]], [[0.0, 1.0], [0.0, 0.5]]))
    0.875

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional Adversarial Networks",
        CVPR 2017, eq. 3.
    """
    target = ops.cast(ops.convert_to_tensor(target), "float32")
    output = ops.cast(ops.convert_to_tensor(output), "float32")
    return ops.mean(ops.abs(target - output))


@keras.saving.register_keras_serializable(package="keras_gans_image2image")
class L1Reconstruction(Piece):
    """Adds `weight * L1(y, G(x))` to the generator's objective (pix2pix's eq. 4).

    In a paired translation model's context (`Pix2PixModel`, `Pix2PixHDModel`) the real
    batch is the ground truth `y` and the fake batch the translation `G(x)`; the term reads
    them before any transform of the discriminator's inputs (`raw_real`, `raw_fake`), so an
    augmentation of what the discriminator sees never changes it. Logged as
    `g_term/<name>`. The `pix2pix` architecture brings it with `weight=l1_weight`.

    Formula:
        `weight * mean |y - G(x)|`.

    Args:
        weight: The term's coefficient, lambda (default 100, the paper's).
        name: Names the logged term (default `"l1"`).

    Example:
    >>> L1Reconstruction().metric_names
    ('g_term/l1',)

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional Adversarial Networks",
        CVPR 2017, eqs. 3-4 and section 4.2 (lambda = 100).
    """

    roles = ("generator",)

    def __init__(self, weight=100.0, name="l1"):
        super().__init__(name=name)
        self.weight = non_negative(weight, "weight")

    def terms(self, player, ctx):
        return self.weight * l1_reconstruction_loss(ctx.raw_real, ctx.raw_fake)

    def get_config(self):
        return {**super().get_config(), "weight": self.weight}
