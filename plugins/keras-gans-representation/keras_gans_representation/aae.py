"""The adversarial autoencoder architecture (`aae`): encoder, decoder and code discriminator."""

from __future__ import annotations

import math

import keras

from keras_gans import latents
from keras_gans.architectures import Architecture
from keras_gans.checks import one_of, positive_int, positive_int_tuple
from keras_gans_representation.aae_model import AAEModel
from keras_gans_representation.gaussian_mixture_prior import GaussianMixturePrior
from keras_gans_representation.swiss_roll_prior import SwissRollPrior

__all__ = ["AAE"]

#: The priors selectable by name, each with its default parameters.
PRIORS = {
    "normal": lambda: "normal",
    "uniform": lambda: "uniform",
    "gaussian-mixture": GaussianMixturePrior,
    "swiss-roll": SwissRollPrior,
}
_ACTIVATIONS = ("linear", "tanh", "sigmoid")


def _prior(prior):
    """`prior` as stored (a name or a JSON-able config) and as a latent distribution."""
    if isinstance(prior, str) and prior.replace("_", "-").lower() in PRIORS:
        name = prior.replace("_", "-").lower()
        return name, PRIORS[name]()
    if isinstance(prior, latents.LatentDistribution):
        return keras.saving.serialize_keras_object(prior), prior
    if isinstance(prior, dict):
        try:
            return prior, latents.resolve(prior)
        except (TypeError, ValueError):
            pass
    raise ValueError(
        f"`prior` must be one of {sorted(PRIORS)}, a keras_gans.latents.LatentDistribution "
        f"or its Keras config. Received: prior={prior!r}"
    )


class AAE(Architecture):
    """Adversarial autoencoder: an MLP encoder and decoder, and an MLP code discriminator.

    The encoder maps a flattened sample through `hidden_units` ReLU layers to a linear
    code of size `latent_dim` (the paper's deterministic `q(z|x)`); the decoder (the
    model's `generator`) mirrors it back to `data_shape` with `output_activation`; the
    discriminator maps a code through `discriminator_units` ReLU layers to one raw score.
    The model is an `AAEModel`, whose prior `p(z)` is `prior`. The paper's MNIST
    networks are the defaults: two hidden layers of 1,000 units in every network.

    Args:
        data_shape: Shape of one sample, e.g. `(8, 8, 1)` for the bundled digits or `(2,)`
            (default `(8, 8, 1)`).
        latent_dim: Code size (default 2, so the code space can be drawn).
        hidden_units: Widths of the encoder's hidden layers; the decoder's are the same in
            reverse order (default `(1000, 1000)`).
        discriminator_units: Widths of the code discriminator's hidden layers (default
            `(1000, 1000)`).
        output_activation: The decoder's output activation: `"tanh"` (default, data in
            [-1, 1] such as `keras_gans.datasets`' images), `"sigmoid"` ([0, 1]) or
            `"linear"`.
        prior: The code prior: `"normal"` (default, N(0, I)), `"uniform"` (U(-1, 1)),
            `"gaussian-mixture"` (`GaussianMixturePrior()`: 10 Gaussians on a circle),
            `"swiss-roll"` (`SwissRollPrior()`; needs `latent_dim=2`), or a
            `keras_gans.latents.LatentDistribution` (stored as its Keras config).

    Example:
    >>> arch = AAE(data_shape=(8, 8, 1), latent_dim=2, hidden_units=(16,),
    ...            discriminator_units=(16,), prior="gaussian-mixture")
    >>> {k: v.output_shape for k, v in sorted(arch.build_networks().items())}
    {'discriminator': (None, 1), 'encoder': (None, 2), 'generator': (None, 8, 8, 1)}
    >>> arch.default_latent_distribution()
    GaussianMixturePrior(components=10, radius=4.0, radial_std=1.0, tangential_std=0.25)

    Reference:
        Makhzani, Shlens, Jaitly, Goodfellow & Frey, "Adversarial Autoencoders", ICLR
        workshop 2016 (arXiv:1511.05644), sections 2 and 3.
    """

    default_loss = "non-saturating"
    model_class = AAEModel

    def __init__(
        self,
        data_shape=(8, 8, 1),
        latent_dim=2,
        hidden_units=(1000, 1000),
        discriminator_units=(1000, 1000),
        output_activation="tanh",
        prior="normal",
    ):
        self.data_shape = positive_int_tuple(data_shape, "data_shape")
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.hidden_units = positive_int_tuple(hidden_units, "hidden_units")
        self.discriminator_units = positive_int_tuple(discriminator_units, "discriminator_units")
        self.output_activation = one_of(output_activation, "output_activation", _ACTIVATIONS)
        self.prior, distribution = _prior(prior)
        if not isinstance(distribution, str):
            distribution.check(self.latent_dim)

    def build_encoder(self):
        """A new encoder: samples to `(batch, latent_dim)` codes."""
        x = keras.Input(self.data_shape, name="x")
        h = keras.layers.Flatten()(x)
        for units in self.hidden_units:
            h = keras.layers.Dense(units, activation="relu")(h)
        code = keras.layers.Dense(self.latent_dim, dtype="float32", name="code")(h)
        return keras.Model(x, code, name="aae_encoder")

    def build_generator(self):
        """A new decoder: `(batch, latent_dim)` codes to samples."""
        z = keras.Input((self.latent_dim,), name="z")
        h = z
        for units in reversed(self.hidden_units):
            h = keras.layers.Dense(units, activation="relu")(h)
        h = keras.layers.Dense(math.prod(self.data_shape))(h)
        h = keras.layers.Activation(self.output_activation, dtype="float32")(h)
        out = keras.layers.Reshape(self.data_shape, dtype="float32")(h)
        return keras.Model(z, out, name="aae_decoder")

    def build_discriminator(self):
        """A new code discriminator: `(batch, latent_dim)` codes to raw scores."""
        z = keras.Input((self.latent_dim,), name="code")
        h = z
        for units in self.discriminator_units:
            h = keras.layers.Dense(units, activation="relu")(h)
        score = keras.layers.Dense(1, dtype="float32", name="score")(h)
        return keras.Model(z, score, name="aae_code_discriminator")

    def build_networks(self):
        """`{"generator": decoder, "discriminator": code discriminator, "encoder": ...}`."""
        return {
            "generator": self.build_generator(),
            "discriminator": self.build_discriminator(),
            "encoder": self.build_encoder(),
        }

    def default_tricks(self):
        """The reconstruction phase's objective (`AAEReconstruction`)."""
        from keras_gans_representation.aae_reconstruction import AAEReconstruction

        return [AAEReconstruction()]

    def default_latent_distribution(self):
        """The prior `p(z)` that `prior` names."""
        return _prior(self.prior)[1]
