"""The VAE-GAN architecture (`vae-gan`): convolutional encoder, decoder and discriminator."""

from __future__ import annotations

import keras

from keras_gans.architectures import Architecture
from keras_gans.checks import non_negative, positive_int, positive_int_tuple
from keras_gans_representation.vae_gan_model import VAEGANModel

__all__ = ["VAEGAN"]


def _block(h, layer, normalize=True):
    h = layer(h)
    if normalize:
        h = keras.layers.BatchNormalization()(h)
    return keras.layers.ReLU()(h)


class VAEGAN(Architecture):
    """VAE-GAN networks: the paper's convolutional layout, sized by `filters`.

    - Encoder: for each of `filters`, a 5x5 stride-2 convolution, batch norm and ReLU;
      a `dense_units` dense layer, batch norm, ReLU; then two linear heads, `"mean"` and
      `"log_variance"` of `q(z|x)`, each of size `latent_dim`.
    - Decoder (the `generator`): a dense layer to a `(side / 2^len(filters))`-sided map of
      `filters[-1]` channels, batch norm, ReLU; for each of `reversed(filters)` a 5x5
      stride-2 transposed convolution, batch norm, ReLU; a 5x5 convolution to the image's
      channels with tanh (images in [-1, 1]).
    - Discriminator: a 5x5 convolution of `filters[0]` channels and ReLU; for each of
      `filters` a 5x5 stride-2 convolution, batch norm, ReLU; a `dense_units` dense layer,
      batch norm, ReLU; one raw score. The output of its last convolution (before its
      batch norm) is `Dis_l`, returned as `"features"` next to `"score"`, as the authors'
      code takes the last convolution's output.

    The paper's 64x64 networks are this layout with about `filters=(64, 128, 256)` and
    wider dense layers; the defaults suit the bundled 8x8 digits.

    Args:
        image_shape: `(height, width, channels)`, each side divisible by
            `2 ** len(filters)` (default `(8, 8, 1)`).
        latent_dim: Size of `z` (default 32).
        filters: Channels of the strided convolutions (default `(32, 64)`).
        dense_units: Width of the encoder's and the discriminator's dense layer (default
            256).
        gamma: The decoder's weight of the feature reconstruction `Dis_l` against the GAN
            loss, kept in the model's `VAEFeatureReconstruction` piece (default 0.1).

    Example:
    >>> arch = VAEGAN(image_shape=(8, 8, 1), latent_dim=4, filters=(4, 8), dense_units=8)
    >>> networks = arch.build_networks()
    >>> networks["generator"].output_shape, sorted(networks["encoder"].output)
    ((None, 8, 8, 1), ['log_variance', 'mean'])
    >>> tuple(networks["discriminator"].output["features"].shape)
    (None, 2, 2, 8)

    Reference:
        Larsen, Sønderby, Larochelle & Winther, "Autoencoding beyond pixels using a
        learned similarity metric", ICML 2016 (arXiv:1512.09300), section 4 and the
        appendix (network architectures).
    """

    default_loss = "non-saturating"
    model_class = VAEGANModel

    def __init__(
        self,
        image_shape=(8, 8, 1),
        latent_dim=32,
        filters=(32, 64),
        dense_units=256,
        gamma=0.1,
    ):
        self.image_shape = positive_int_tuple(image_shape, "image_shape", rank=3)
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.filters = positive_int_tuple(filters, "filters")
        self.dense_units = positive_int(dense_units, "dense_units")
        self.gamma = non_negative(gamma, "gamma")
        factor = 2 ** len(self.filters)
        height, width, _ = self.image_shape
        if height % factor or width % factor:
            raise ValueError(
                f"`image_shape` must have sides divisible by 2 ** len(filters) = {factor} "
                f"(each filter halves them). Received: image_shape={image_shape!r}, "
                f"filters={filters!r}"
            )

    def _convolution(self, filters, strides=2):
        return keras.layers.Conv2D(filters, 5, strides=strides, padding="same", use_bias=False)

    def build_encoder(self):
        """A new encoder: images to `{"mean", "log_variance"}` of `q(z|x)`."""
        x = keras.Input(self.image_shape, name="x")
        h = x
        for filters in self.filters:
            h = _block(h, self._convolution(filters))
        h = keras.layers.Flatten()(h)
        h = _block(h, keras.layers.Dense(self.dense_units, use_bias=False))
        outputs = {
            key: keras.layers.Dense(self.latent_dim, dtype="float32", name=key)(h)
            for key in ("mean", "log_variance")
        }
        return keras.Model(x, outputs, name="vae_gan_encoder")

    def build_generator(self):
        """A new decoder: `(batch, latent_dim)` codes to images in [-1, 1]."""
        factor = 2 ** len(self.filters)
        height, width, channels = self.image_shape
        start = (height // factor, width // factor, self.filters[-1])
        z = keras.Input((self.latent_dim,), name="z")
        h = _block(z, keras.layers.Dense(start[0] * start[1] * start[2], use_bias=False))
        h = keras.layers.Reshape(start)(h)
        for filters in reversed(self.filters):
            up = keras.layers.Conv2DTranspose(filters, 5, strides=2, padding="same", use_bias=False)
            h = _block(h, up)
        h = keras.layers.Conv2D(channels, 5, padding="same")(h)
        out = keras.layers.Activation("tanh", dtype="float32")(h)
        return keras.Model(z, out, name="vae_gan_decoder")

    def build_discriminator(self):
        """A new discriminator: images to `{"score": (batch, 1), "features": Dis_l}`."""
        x = keras.Input(self.image_shape, name="x")
        h = keras.layers.Conv2D(self.filters[0], 5, padding="same", activation="relu")(x)
        features = None
        for index, filters in enumerate(self.filters):
            convolution = self._convolution(filters)
            if index == len(self.filters) - 1:
                convolution = keras.layers.Conv2D(
                    filters, 5, strides=2, padding="same", use_bias=False, name="dis_l"
                )
            features = convolution(h)
            h = keras.layers.ReLU()(keras.layers.BatchNormalization()(features))
        h = keras.layers.Flatten()(h)
        h = _block(h, keras.layers.Dense(self.dense_units, use_bias=False))
        score = keras.layers.Dense(1, dtype="float32", name="score")(h)
        features = keras.layers.Activation("linear", dtype="float32", name="features")(features)
        return keras.Model(x, {"score": score, "features": features}, name="vae_gan_discriminator")

    def build_networks(self):
        """`{"generator": decoder, "discriminator": ..., "encoder": ...}`."""
        return {
            "generator": self.build_generator(),
            "discriminator": self.build_discriminator(),
            "encoder": self.build_encoder(),
        }

    def default_tricks(self):
        """The encoder's KL term and the feature reconstruction `Dis_l` (with `gamma`)."""
        from keras_gans_representation.vae_feature_reconstruction import (
            VAEFeatureReconstruction,
        )
        from keras_gans_representation.vae_kl_divergence import VAEKLDivergence

        return [VAEKLDivergence(), VAEFeatureReconstruction(gamma=self.gamma)]
