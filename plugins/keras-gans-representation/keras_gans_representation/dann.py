"""DANN: the networks of domain-adversarial training (Ganin & Lempitsky 2015)."""

from __future__ import annotations

import keras

from keras_gans.architectures import Architecture
from keras_gans.checks import positive_int, positive_int_tuple
from keras_gans_representation.dann_model import DANNModel

__all__ = ["DANN"]


class DANN(Architecture):
    """Feature extractor, label predictor and domain classifier for domain adaptation.

    The three networks of the paper's Figure 1. The feature extractor `G_f` maps a sample
    to a `latent_dim` feature vector: for images `(h, w, c)`, 3x3 ReLU convolutions with
    `filters` channels, each followed by 2x2 max pooling while the side allows (the
    paper's MNIST extractor, scaled down), then a `latent_dim` ReLU layer; for any other
    shape, one `latent_dim` ReLU layer on the flattened sample (the paper's shallow
    DANN). The label predictor `G_y` maps features through `hidden_units` ReLU layers to
    `num_classes` logits; the domain classifier `G_d` through `domain_units` ReLU layers
    to one domain logit. `DANNModel` puts a gradient-reversal layer between `G_f` and
    `G_d`.

    `build_generator()` is the feature extractor and `build_discriminator()` the domain
    classifier (the two sides of the domain game); `build_networks()` gives all three.

    Args:
        data_shape: Shape of one sample, e.g. `(8, 8, 1)` or `(20,)` (default `(8, 8, 1)`).
        num_classes: Number of classes of the labelled source data (default 10).
        latent_dim: Size of the feature vector (default 128).
        filters: Channels of the convolutions, for images (default `(32, 48)`, as in the
            paper's MNIST extractor).
        hidden_units: Widths of the label predictor's hidden layers (default `(100, 100)`,
            the paper's).
        domain_units: Widths of the domain classifier's hidden layers (default `(100,)`).

    Example:
    >>> arch = DANN(data_shape=(8, 8, 1), num_classes=10, latent_dim=16, filters=(4,))
    >>> sorted(arch.build_networks())
    ['discriminator', 'generator', 'label_predictor']

    Reference:
        Ganin & Lempitsky, "Unsupervised Domain Adaptation by Backpropagation", ICML 2015;
        Ganin et al., "Domain-Adversarial Training of Neural Networks", JMLR 2016.
    """

    default_loss = "minimax"
    model_class = DANNModel

    def __init__(
        self,
        data_shape=(8, 8, 1),
        num_classes=10,
        latent_dim=128,
        filters=(32, 48),
        hidden_units=(100, 100),
        domain_units=(100,),
    ):
        self.data_shape = positive_int_tuple(data_shape, "data_shape")
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
            raise ValueError(
                f"`num_classes` must be an integer >= 2. Received: num_classes={num_classes!r}"
            )
        self.num_classes = num_classes
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.filters = positive_int_tuple(filters, "filters", allow_empty=True)
        self.hidden_units = positive_int_tuple(hidden_units, "hidden_units", allow_empty=True)
        self.domain_units = positive_int_tuple(domain_units, "domain_units", allow_empty=True)

    def build_feature_extractor(self):
        """Returns `G_f`: samples to `latent_dim` features."""
        x = keras.Input(self.data_shape, name="x")
        h = x
        if len(self.data_shape) == 3:
            side = min(self.data_shape[:2])
            for filters in self.filters:
                h = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
                if side >= 2:
                    h = keras.layers.MaxPooling2D(2)(h)
                    side //= 2
        h = keras.layers.Flatten()(h)
        features = keras.layers.Dense(self.latent_dim, activation="relu", name="features")(h)
        return keras.Model(x, features, name="dann_feature_extractor")

    def build_label_predictor(self):
        """Returns `G_y`: features to `num_classes` class logits."""
        features = keras.Input((self.latent_dim,), name="features")
        h = features
        for units in self.hidden_units:
            h = keras.layers.Dense(units, activation="relu")(h)
        logits = keras.layers.Dense(self.num_classes, dtype="float32", name="class_logits")(h)
        return keras.Model(features, logits, name="dann_label_predictor")

    def build_domain_classifier(self):
        """Returns `G_d`: features to one domain logit (source high, target low)."""
        features = keras.Input((self.latent_dim,), name="features")
        h = features
        for units in self.domain_units:
            h = keras.layers.Dense(units, activation="relu")(h)
        logit = keras.layers.Dense(1, dtype="float32", name="score")(h)
        return keras.Model(features, logit, name="dann_domain_classifier")

    def build_generator(self):
        """The feature extractor: the side of the domain game that the classifier faces."""
        return self.build_feature_extractor()

    def build_discriminator(self):
        """The domain classifier."""
        return self.build_domain_classifier()

    def build_networks(self):
        """`generator` (`G_f`), `discriminator` (`G_d`) and `label_predictor` (`G_y`)."""
        return {
            "generator": self.build_feature_extractor(),
            "discriminator": self.build_domain_classifier(),
            "label_predictor": self.build_label_predictor(),
        }
