"""GAN-CLS: a generator and a matching-aware discriminator conditioned on embeddings."""

from __future__ import annotations

import keras

from keras_gans.architectures._bodies import discriminator_body, score_layer
from keras_gans.architectures._checks import (
    non_negative_number,
    optional_classes,
    positive_int,
)
from keras_gans.architectures.dcgan import DCGAN
from keras_gans.layers import label_embedding, label_input
from keras_gans.layers.condition_encoding import embedding_input, tiled_channels


class GANCLS(DCGAN):
    """Text-to-image GAN-CLS: conditioning on embedding vectors, matching-aware training.

    The condition is an embedding vector of width `embedding_dim` (a sentence embedding,
    or any other modality) or, with `num_classes` instead, a class id. Both networks
    compress it to `projection_dim` values (a dense layer with LeakyReLU(0.2); a learned
    embedding for class ids). A `DCGAN` subclass that shares its image and network
    keywords: the generator joins the condition to `z` and runs the `dcgan` generator.
    The discriminator runs the `dcgan` discriminator's body down to its smallest feature
    map, tiles the compressed condition over it as extra channels, and ends in a 1x1
    convolution (LeakyReLU) and the score, as in Reed et al. (2016). The
    `keras_gans.tricks.MatchingAware` trick (`default_tricks()`) adds the mismatched
    pairs (real image, wrong condition) to the discriminator's fakes (Algorithm 1).

    Args:
        image_shape: As for `dcgan` (default `(64, 64, 3)`).
        latent_dim: Size of `z` (default 100).
        embedding_dim: Width of the condition vectors (default 1024, the paper's
            char-CNN-RNN text embedding); ignored (set it to `None`) with `num_classes`.
        num_classes: Condition on class ids instead of vectors (default `None`).
        projection_dim: Size of the compressed condition (default 128).
        base_filters: Filters of the highest-resolution layer (default 64).
        discriminator_normalization: `"batch"` (default), `"layer"` or `"none"`.
        spectral_normalization: Spectrally normalise the discriminator (default `False`).
        mismatch_weight: Weight of the mismatched-pair term (default 1.0).

    Example:
    >>> arch = GANCLS(image_shape=(8, 8, 1), latent_dim=8, embedding_dim=16, base_filters=4)
    >>> [tuple(t.shape) for t in arch.build_discriminator().inputs]
    [(None, 8, 8, 1), (None, 16)]

    Reference:
        Reed et al., "Generative Adversarial Text to Image Synthesis", ICML 2016.
    """

    def __init__(
        self,
        image_shape=(64, 64, 3),
        latent_dim=100,
        embedding_dim=1024,
        num_classes=None,
        projection_dim=128,
        base_filters=64,
        discriminator_normalization="batch",
        spectral_normalization=False,
        mismatch_weight=1.0,
    ):
        num_classes = optional_classes(num_classes)
        if num_classes is not None:
            embedding_dim = None  # class ids: the networks learn the embedding
        elif embedding_dim is None:
            raise ValueError(
                "GAN-CLS is conditional: give `embedding_dim` (the width of the condition "
                "vectors) or `num_classes` (class ids). Received: embedding_dim=None, "
                "num_classes=None"
            )
        if embedding_dim is not None:
            embedding_dim = positive_int(embedding_dim, "embedding_dim")
        # The DCGAN keywords and checks; the condition is GAN-CLS's own, set below.
        super().__init__(
            image_shape=image_shape,
            latent_dim=latent_dim,
            base_filters=base_filters,
            discriminator_normalization=discriminator_normalization,
            spectral_normalization=spectral_normalization,
        )
        self.num_classes = num_classes
        self.embedding_dim = embedding_dim
        self.projection_dim = positive_int(projection_dim, "projection_dim")
        self.mismatch_weight = non_negative_number(mismatch_weight, "mismatch_weight")

    def default_tricks(self):
        from keras_gans.tricks.matching_aware import MatchingAware

        return [MatchingAware(weight=self.mismatch_weight)]

    def _condition(self, role):
        """The condition input and its compressed `(batch, projection_dim)` form."""
        if self.num_classes is not None:
            labels = label_input()
            return labels, label_embedding(
                labels, self.num_classes, self.projection_dim, f"{role}_condition"
            )
        condition = embedding_input(self.embedding_dim)
        h = keras.layers.Dense(self.projection_dim, name=f"{role}_condition_projection")(condition)
        return condition, keras.layers.LeakyReLU(0.2, name=f"{role}_condition_activation")(h)

    def build_generator(self):
        z = keras.Input((self.latent_dim,), name="z")
        condition, compressed = self._condition("g")
        trunk = self.unconditional(latent_dim=self.latent_dim + self.projection_dim)
        trunk = trunk.build_generator()
        trunk.name = "gan_cls_trunk"
        images = trunk(keras.layers.Concatenate()([z, compressed]))
        return keras.Model([z, condition], images, name="gan_cls_generator")

    def build_discriminator(self):
        body = discriminator_body(self.unconditional(), "gan_cls_body", feature_map=True)
        x = keras.Input(self.image_shape, name="x")
        condition, compressed = self._condition("d")
        features = body(x)
        height, width, channels = features.shape[1:]
        h = keras.layers.Concatenate()([features, tiled_channels(compressed, height, width)])
        conv = keras.layers.Conv2D(channels, 1, name="joint_conv")
        if self.spectral_normalization:
            conv = keras.layers.SpectralNormalization(conv)
        h = keras.layers.LeakyReLU(0.2)(conv(h))
        score = score_layer(self.spectral_normalization)(keras.layers.Flatten()(h))
        return keras.Model([x, condition], score, name="gan_cls_discriminator")
