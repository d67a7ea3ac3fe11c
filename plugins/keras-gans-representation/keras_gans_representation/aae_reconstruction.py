"""The adversarial autoencoder's reconstruction phase objective."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans_representation._aae_phases import PlayerTerm

__all__ = ["AAEReconstruction", "reconstruction_error"]


def reconstruction_error(x, reconstruction):
    """The mean squared error between samples and their reconstructions.

    Formula:
        `mean_i mean_j (x_ij - x~_ij)^2` over the examples `i` and the values `j` of each.

    Args:
        x: Samples, `(batch, ...)`.
        reconstruction: Their reconstructions, the same shape.

    Returns:
        A float32 scalar tensor.

    Example:
    >>> float(reconstruction_error([[1.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 2.0]]))
    1.25
    """
    x = ops.cast(ops.convert_to_tensor(x), "float32")
    reconstruction = ops.cast(ops.convert_to_tensor(reconstruction), "float32")
    return ops.mean(ops.square(x - reconstruction))


@keras.saving.register_keras_serializable(package="keras_gans_representation")
class AAEReconstruction(PlayerTerm):
    """The objective of the AAE's reconstruction phase: `reconstruction_error(x, Dec(Enc(x)))`.

    It is the whole objective of the `autoencoder` player (the encoder and the decoder,
    with their own optimizer), logged as `ae_loss`; `AAEModel` puts `x` and the
    reconstruction in the context's `extras`.

    Formula:
        `L_rec = mean (x - Dec(Enc(x)))^2`.

    Args:
        name: Names the piece (default `"reconstruction"`); replace it through
            `compile(tricks=[...])` with a piece of the same name.

    Example:
    >>> AAEReconstruction().log_key
    'loss'

    Reference:
        Makhzani et al., "Adversarial Autoencoders", ICLR workshop 2016, section 2 (the
        reconstruction phase).
    """

    players = ("autoencoder",)
    roles = ("generator",)
    log_key = "loss"

    def __init__(self, name="reconstruction"):
        super().__init__(name=name)

    def objective(self, player, ctx):
        return reconstruction_error(ctx.extras["x"], ctx.extras["reconstruction"])
