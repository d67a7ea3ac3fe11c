"""InfoGAN: a generator whose latent codes a Q head sharing the discriminator recovers."""

from __future__ import annotations

import keras

from keras_gans.architectures._bodies import discriminator_body, score_layer
from keras_gans.architectures._checks import (
    non_negative_int,
    non_negative_number,
    positive_int,
    spectral,
)
from keras_gans.architectures.dcgan import DCGAN


class InfoGAN(DCGAN):
    """Information-maximising GAN: unsupervised, interpretable latent codes.

    The generator input is `latent_dim` values: noise followed by the codes (one one-hot
    block per categorical code, then the continuous codes), drawn by the
    `keras_gans.latents.InfoGANLatent` prior that `default_latent_distribution()`
    returns. A `DCGAN` subclass that shares its keywords and checks: the generator is the
    unconditional `dcgan` generator on that input. The discriminator is the `dcgan`
    discriminator's convolutional body, then, as in the paper, a fully connected layer of
    `shared_units` that D and Q share (leaky ReLU; not batch-normalised, unlike the paper,
    see the conditional guide), with two outputs, returned as a dict: `"score"` and the Q
    network (a hidden layer of `q_units` on the shared features) with
    `"categorical_logits"` (all categorical codes' logits, concatenated) and
    `"continuous_mean"`. The `keras_gans.tricks.MutualInformation` trick
    (`default_tricks()`) adds the mutual-information term to both objectives. The model
    is unconditional: labels in the data are ignored.

    Args:
        image_shape: As for `dcgan` (default `(28, 28, 1)`).
        latent_dim: Size of the whole generator input, noise plus codes (default 74: 62
            noise values, one 10-way code and 2 continuous codes, as for MNIST in the
            paper).
        categorical_codes: Categories of each categorical code (default `(10,)`).
        continuous_codes: How many continuous codes (default 2).
        base_filters: Filters of the highest-resolution layer (default 64).
        shared_units: Width of the fully connected layer that the score and Q share
            after the convolutions (default 1024, the paper's MNIST discriminator; 0: none,
            the heads sit on the flattened convolutional features).
        q_units: Width of the Q network's hidden layer (default 128).
        discriminator_normalization: `"batch"` (default), `"layer"` or `"none"`.
        spectral_normalization: Spectrally normalise the discriminator (default `False`).
        noise: The noise prior, `"uniform"` (default) or `"normal"`.
        information_weight: `lambda`, the weight of the mutual-information term
            (default 1.0).
        continuous_weight: Relative weight of the continuous codes in it (default 0.1).

    Example:
    >>> arch = InfoGAN(image_shape=(8, 8, 1), latent_dim=16, base_filters=4)
    >>> sorted(arch.build_discriminator().output)
    ['categorical_logits', 'continuous_mean', 'score']
    >>> arch.default_latent_distribution().code_size
    12

    Reference:
        Chen et al., "InfoGAN: Interpretable Representation Learning by Information
        Maximizing Generative Adversarial Nets", NeurIPS 2016.
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=74,
        categorical_codes=(10,),
        continuous_codes=2,
        base_filters=64,
        shared_units=1024,
        q_units=128,
        discriminator_normalization="batch",
        spectral_normalization=False,
        noise="uniform",
        information_weight=1.0,
        continuous_weight=0.1,
    ):
        from keras_gans.latents import InfoGANLatent

        self._prior = InfoGANLatent(categorical_codes, continuous_codes, noise=noise)
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self._prior.check(self.latent_dim)
        if self._prior.code_size == 0:
            raise ValueError(
                "InfoGAN needs at least one code: give `categorical_codes` or "
                f"`continuous_codes`. Received: categorical_codes={categorical_codes!r}, "
                f"continuous_codes={continuous_codes!r}"
            )
        super().__init__(
            image_shape=image_shape,
            latent_dim=latent_dim,
            base_filters=base_filters,
            discriminator_normalization=discriminator_normalization,
            spectral_normalization=spectral_normalization,
        )
        self.categorical_codes = self._prior.categorical_codes
        self.continuous_codes = self._prior.continuous_codes
        self.shared_units = non_negative_int(shared_units, "shared_units")
        self.q_units = positive_int(q_units, "q_units")
        self.noise = noise
        self.information_weight = non_negative_number(information_weight, "information_weight")
        self.continuous_weight = non_negative_number(continuous_weight, "continuous_weight")

    def default_latent_distribution(self):
        from keras_gans.latents import InfoGANLatent

        return InfoGANLatent.from_config(self._prior.get_config())

    def default_tricks(self):
        from keras_gans.tricks.mutual_information import MutualInformation

        return [
            MutualInformation(
                weight=self.information_weight, continuous_weight=self.continuous_weight
            )
        ]

    def build_generator(self):
        generator = super().build_generator()
        generator.name = "infogan_generator"
        return generator

    def build_discriminator(self):
        body = discriminator_body(self.unconditional(), "infogan_body")
        x = keras.Input(self.image_shape, name="x")
        features = body(x)
        sn = self.spectral_normalization
        if self.shared_units:
            dense = keras.layers.Dense(self.shared_units, name="shared_hidden")
            features = spectral(dense, sn)(features)
            features = keras.layers.LeakyReLU(0.2, name="shared_activation")(features)
        outputs = {"score": score_layer(sn, 1, "score")(features)}
        q = keras.layers.Dense(self.q_units, name="q_hidden")(features)
        q = keras.layers.LeakyReLU(0.2, name="q_activation")(q)
        if self.categorical_codes:
            width = sum(self.categorical_codes)
            outputs["categorical_logits"] = score_layer(False, width, "categorical_logits")(q)
        if self.continuous_codes:
            outputs["continuous_mean"] = score_layer(
                False, self.continuous_codes, "continuous_mean"
            )(q)
        return keras.Model(x, outputs, name="infogan_discriminator")
