"""`mapping_network`: StyleGAN's MLP from `z` to the intermediate latent `w`."""

from __future__ import annotations

import keras

from keras_gans_style._equalized import positive_int, positive_number
from keras_gans_style.equalized_dense import EqualizedDense
from keras_gans_style.pixel_normalization import PixelNormalization


def mapping_network(latent_dim, w_dim, num_layers=8, lr_multiplier=0.01, name="mapping"):
    """Builds the mapping network `f: Z -> W` as a functional `keras.Model`.

    `z` is normalised to unit root-mean-square (`PixelNormalization`), then passes through
    `num_layers` equalised dense layers with leaky ReLU (0.2), each with a learning rate
    multiplied by `lr_multiplier` (the paper's 0.01 keeps the mapping slow and stable).

    Args:
        latent_dim: The size of `z`.
        w_dim: The size of `w` (and of every hidden layer).
        num_layers: Dense layers (default 8, the paper's).
        lr_multiplier: Their learning-rate multiplier (default 0.01).
        name: The model's name (default `"mapping"`).

    Returns:
        A `keras.Model` from `(batch, latent_dim)` to `(batch, w_dim)`.

    Example:
    >>> mapping = mapping_network(8, 16, num_layers=2)
    >>> mapping.output_shape, len(mapping.trainable_weights)
    ((None, 16), 4)

    Reference:
        Karras, Laine & Aila, "A Style-Based Generator Architecture for Generative
        Adversarial Networks", CVPR 2019, section 2 and appendix C.
    """
    latent_dim = positive_int(latent_dim, "latent_dim")
    w_dim = positive_int(w_dim, "w_dim")
    num_layers = positive_int(num_layers, "num_layers")
    lr_multiplier = positive_number(lr_multiplier, "lr_multiplier")
    z = keras.Input((latent_dim,), name="z")
    h = PixelNormalization(name="normalize_z")(z)
    for i in range(num_layers):
        h = EqualizedDense(
            w_dim,
            lr_multiplier=lr_multiplier,
            activation=keras.layers.LeakyReLU(0.2),
            name=f"dense_{i}",
        )(h)
    return keras.Model(z, h, name=name)
