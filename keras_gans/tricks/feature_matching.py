"""Generator objectives on the discriminator's features: feature matching, pulling-away."""

from __future__ import annotations

import keras
from keras import ops

from keras_gans.checks import non_negative
from keras_gans.losses._ops import global_mean
from keras_gans.tricks.base import Trick

__all__ = ["FeatureMatching", "PullingAway", "feature_matching_loss", "pulling_away_term"]


def _flat(x):
    x = ops.cast(x, "float32")
    return ops.reshape(x, (ops.shape(x)[0], -1))


def feature_matching_loss(real_features, fake_features, all_gather=None):
    """Squared distance between the mean features of real and generated samples.

    Formula:
        `||mean_x f(x) - mean_z f(G(z))||_2^2`, features flattened per example.

    Args:
        real_features: `f(x)` for a real batch, shape `(batch, ...)`.
        fake_features: `f(G(z))` for a generated batch, same trailing shape.
        all_gather: `x -> x` of every replica (`StepContext.all_gather`, which
            `FeatureMatching` passes): under `tf.distribute` the means are then over the
            global batch, as on one device (default `None`: over this batch).

    Returns:
        A float32 scalar tensor.

    Example:
    >>> float(feature_matching_loss([[1.0, 2.0], [3.0, 2.0]], [[0.0, 0.0]]))
    8.0

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016, section 3.1.
    """
    real = global_mean(_flat(real_features), all_gather)
    fake = global_mean(_flat(fake_features), all_gather)
    return ops.sum(ops.square(real - fake))


def pulling_away_term(embeddings, epsilon=1e-8):
    """EBGAN's pulling-away term: mean squared cosine similarity between embeddings.

    Formula:
        `1 / (N (N - 1)) sum_{i != j} (s_i . s_j / (||s_i|| ||s_j||))^2`.

    Args:
        embeddings: `(batch, ...)` encoder outputs `s_i` of generated samples.
        epsilon: Added to the norms (default 1e-8).

    Returns:
        A float32 scalar tensor in [0, 1] (0 for a batch of one).

    Example:
    >>> float(pulling_away_term([[1.0, 0.0], [0.0, 1.0]]))  # orthogonal
    0.0
    >>> float(pulling_away_term([[1.0, 0.0], [2.0, 0.0]]))  # parallel
    1.0

    Reference:
        Zhao et al., "Energy-based Generative Adversarial Network", ICLR 2017, section 2.4.
    """
    s = _flat(embeddings)
    s = s / (ops.sqrt(ops.sum(ops.square(s), axis=1, keepdims=True)) + epsilon)
    n = ops.cast(ops.shape(s)[0], "float32")
    cosine = ops.matmul(s, ops.transpose(s))
    off_diagonal = ops.sum(ops.square(cosine)) - ops.sum(ops.square(ops.diagonal(cosine)))
    return off_diagonal / ops.maximum(n * (n - 1.0), 1.0)


@keras.saving.register_keras_serializable(package="keras_gans")
class FeatureMatching(Trick):
    """The generator matches the mean features of real data at a discriminator layer.

    Added to the generator's objective (as `g_term/<name>`). Used alone, as in the paper,
    compose it with a loss whose generator weight is zero:
    `compile(loss=WeightedLoss("non-saturating", generator_weight=0.0),
    tricks=[FeatureMatching()])`.

    The features are the output of the discriminator layer named `layer` (default: the
    input of its last layer, i.e. the last hidden features), computed on the same
    (transformed) inputs the discriminator sees; real features carry no gradient. The
    discriminator must be a functional or `Sequential` Keras model. Under `tf.distribute`
    the means are over the global batch (gathered with `StepContext.all_gather`), so the
    term equals the one-device term on the same batch.

    Formula:
        `weight * ||mean f(x) - mean f(G(z))||_2^2`.

    Args:
        layer: Name of the discriminator layer whose output is `f` (default `None`: the
            input of the last layer).
        weight: The term's coefficient (default 1).
        name: Logged as `g_term/<name>` (default `"feature_matching"`).

    Example:
    >>> FeatureMatching(layer="features").metric_names
    ('g_term/feature_matching',)

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016, section 3.1.
    """

    def __init__(self, layer=None, weight=1.0, name="feature_matching"):
        super().__init__(name=name)
        if layer is not None and (not isinstance(layer, str) or not layer):
            raise ValueError(
                f"`layer` must be None or a layer name (a string). Received: layer={layer!r}"
            )
        self.layer = layer
        self.weight = non_negative(weight, "weight")
        self.features = None

    def build(self, model):
        self.features = feature_model(model.discriminator, self.layer)

    roles = ("generator",)

    def terms(self, player, ctx):
        if self.features is None:
            raise ValueError("FeatureMatching needs `build(model)` first (GANModel.compile).")

        def features(x):
            return self.features(ctx.discriminator_inputs(x), training=ctx.training)

        real = ops.stop_gradient(features(ctx.real))
        return self.weight * feature_matching_loss(real, features(ctx.fake), ctx.all_gather)

    def get_config(self):
        return {**super().get_config(), "layer": self.layer, "weight": self.weight}


def feature_model(discriminator, layer=None):
    """A model sharing `discriminator`'s weights that returns the features at `layer`.

    Args:
        discriminator: A functional or `Sequential` Keras model.
        layer: A layer name (default `None`: the input of the last layer).

    Returns:
        A `keras.Model` with the discriminator's inputs.

    Example:
    >>> import keras
    >>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, name="hidden"),
    ...                       keras.layers.Dense(1)])
    >>> feature_model(d).output_shape
    (None, 3)
    """
    try:
        inputs = discriminator.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs:
        raise ValueError(
            "Feature matching needs a functional or Sequential discriminator (with "
            f"symbolic inputs). Received: {type(discriminator).__name__}"
        )
    if layer is None:
        tensor = discriminator.layers[-1].input
        if isinstance(tensor, (list, tuple)):
            raise ValueError(
                "The discriminator's last layer has several inputs: pass `layer`, the name "
                "of the layer whose output are the features."
            )
    else:
        names = [lay.name for lay in discriminator.layers]
        if layer not in names:
            raise ValueError(
                f"`layer` must name a layer of the discriminator. Received: layer={layer!r}; "
                f"layers: {names}"
            )
        tensor = discriminator.get_layer(layer).output
    inputs = inputs[0] if len(inputs) == 1 else inputs
    return keras.Model(inputs, tensor, name=f"{discriminator.name}_features")


@keras.saving.register_keras_serializable(package="keras_gans")
class PullingAway(Trick):
    """EBGAN's pulling-away term on the generator: spread the fakes' embeddings apart.

    Reads the discriminator head named `head` (an autoencoder discriminator's code, as the
    `autoencoder` architecture returns under `"embedding"`) on the generated batch and adds
    `weight * PT` to the generator's objective. Under `tf.distribute` the embeddings of
    every replica are gathered (`StepContext.all_gather`) and the pairs are those of the
    global batch, as on one device (each replica computes the `N x N` similarities).

    Formula:
        `weight / (N (N - 1)) sum_{i != j} cos(s_i, s_j)^2`.

    Args:
        weight: The term's coefficient (default 0.1, as in the paper).
        head: The discriminator output holding the embeddings (default `"embedding"`).
        name: Logged as `g_term/<name>` (default `"pulling_away"`).

    Example:
    >>> PullingAway().metric_names
    ('g_term/pulling_away',)

    Reference:
        Zhao et al., "Energy-based Generative Adversarial Network", ICLR 2017, section 2.4.
    """

    def __init__(self, weight=0.1, head="embedding", name="pulling_away"):
        super().__init__(name=name)
        self.weight = non_negative(weight, "weight")
        if not isinstance(head, str) or not head:
            raise ValueError(f"`head` must be a non-empty string. Received: head={head!r}")
        self.head = head

    roles = ("generator",)

    def terms(self, player, ctx):
        heads = ctx.fake_heads
        if self.head not in heads:
            raise ValueError(
                f"The pulling-away term needs a discriminator that returns a dict with a "
                f"{self.head!r} entry. Received heads: {sorted(heads)}"
            )
        return self.weight * pulling_away_term(ctx.all_gather(heads[self.head]))

    def get_config(self):
        return {**super().get_config(), "weight": self.weight, "head": self.head}
