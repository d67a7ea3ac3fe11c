"""ACGAN: a class-conditional generator and a discriminator that also classifies."""

from __future__ import annotations

import keras

from keras_gans.architectures._bodies import discriminator_body, score_layer
from keras_gans.architectures._checks import classes, non_negative_number
from keras_gans.architectures.dcgan import DCGAN
from keras_gans.layers import label_input


class ACGAN(DCGAN):
    """Auxiliary classifier GAN: the discriminator predicts the class of every sample.

    A `DCGAN` subclass that shares its keywords and checks. The generator is the
    label-conditioned `dcgan` generator (a label embedding joined to `z`). The
    discriminator is the unconditional `dcgan` discriminator's body with two heads,
    returned as a dict: `"score"` (real or fake) and `"class_logits"` (`num_classes`
    logits). It takes `[x, labels]` like every conditional network of the
    library, so `GANModel` treats the pair as conditional, but the labels do not enter
    its computation: the class is predicted, never given. The classification term is the
    `keras_gans.tricks.AuxiliaryClassifier` trick that `default_tricks()` returns (weight
    `classifier_weight`), which `GANModel.from_architecture` adds at `compile`.

    Args:
        image_shape: As for `dcgan` (default `(28, 28, 1)`).
        latent_dim: Size of `z` (default 100).
        num_classes: The number of classes, an integer >= 2 (required; default `None`
            is an error).
        base_filters: Filters of the highest-resolution layer (default 64).
        embedding_dim: Size of the generator's label embedding (default 50).
        discriminator_normalization: `"batch"` (default), `"layer"` or `"none"`.
        spectral_normalization: Spectrally normalise the discriminator's convolutions
            and heads (default `False`).
        classifier_weight: Weight of the classification term in both objectives
            (default 1.0).

    Example:
    >>> arch = ACGAN(image_shape=(8, 8, 1), latent_dim=8, num_classes=3, base_filters=4)
    >>> sorted(arch.build_discriminator().output)
    ['class_logits', 'score']
    >>> arch.default_tricks()
    [AuxiliaryClassifier(name='auxiliary_classifier', weight=1.0, head='class_logits')]

    Reference:
        Odena, Olah & Shlens, "Conditional Image Synthesis with Auxiliary Classifier GANs",
        ICML 2017.
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        num_classes=None,
        base_filters=64,
        embedding_dim=50,
        discriminator_normalization="batch",
        spectral_normalization=False,
        classifier_weight=1.0,
    ):
        num_classes = classes(num_classes, why=" (ACGAN's discriminator classifies them)")
        super().__init__(
            image_shape=image_shape,
            latent_dim=latent_dim,
            num_classes=num_classes,
            base_filters=base_filters,
            embedding_dim=embedding_dim,
            discriminator_normalization=discriminator_normalization,
            spectral_normalization=spectral_normalization,
        )
        self.classifier_weight = non_negative_number(classifier_weight, "classifier_weight")

    def default_tricks(self):
        from keras_gans.tricks.auxiliary_classifier import AuxiliaryClassifier

        return [AuxiliaryClassifier(weight=self.classifier_weight)]

    def build_generator(self):
        generator = super().build_generator()
        generator.name = "acgan_generator"
        return generator

    def build_discriminator(self):
        body = discriminator_body(self.unconditional(), "acgan_body")
        x = keras.Input(self.image_shape, name="x")
        labels = label_input()  # the conditional contract; the class is predicted, not read
        features = body(x)
        sn = self.spectral_normalization
        outputs = {
            "score": score_layer(sn, 1, "score")(features),
            "class_logits": score_layer(sn, self.num_classes, "class_logits")(features),
        }
        return keras.Model([x, labels], outputs, name="acgan_discriminator")
