"""The two time-scale update rule (TTUR): separate learning rates for the two players."""

from __future__ import annotations

import keras

from keras_gans.checks import positive_number

__all__ = ["ttur_optimizers"]


def ttur_optimizers(d_learning_rate=4e-4, g_learning_rate=1e-4, beta_1=0.0, beta_2=0.9):
    """Returns `(d_optimizer, g_optimizer)`: two Adams with their own learning rates.

    TTUR needs no special machinery: `GANModel.compile` already takes one optimizer per
    player, so two learning rates are the whole method. Heusel et al. prove that with
    distinct rates (the discriminator's larger) GAN training converges to a local Nash
    equilibrium; the defaults are the widely used SAGAN/BigGAN setting (discriminator
    4e-4, generator 1e-4, Adam with beta_1 = 0 and beta_2 = 0.9).

    Args:
        d_learning_rate: The discriminator's learning rate (default 4e-4).
        g_learning_rate: The generator's learning rate (default 1e-4).
        beta_1: Adam's first-moment decay for both (default 0).
        beta_2: Adam's second-moment decay for both (default 0.9).

    Returns:
        A `(keras.optimizers.Adam, keras.optimizers.Adam)` pair, discriminator first, to
        pass as `compile(*ttur_optimizers(), loss=...)`.

    Example:
    >>> d_optimizer, g_optimizer = ttur_optimizers()
    >>> float(d_optimizer.learning_rate) / float(g_optimizer.learning_rate)
    4.0

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge to a Local
        Nash Equilibrium", NeurIPS 2017; Zhang et al., "Self-Attention Generative
        Adversarial Networks", ICML 2019 (the learning rates).
    """
    d_learning_rate = positive_number(d_learning_rate, "d_learning_rate")
    g_learning_rate = positive_number(g_learning_rate, "g_learning_rate")
    return (
        keras.optimizers.Adam(d_learning_rate, beta_1=beta_1, beta_2=beta_2),
        keras.optimizers.Adam(g_learning_rate, beta_1=beta_1, beta_2=beta_2),
    )
