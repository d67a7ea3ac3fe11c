"""`EmbeddingAlignment`: the networks of unsupervised embedding-space alignment."""

from __future__ import annotations

import keras

from keras_gans.architectures import Architecture
from keras_gans.checks import non_negative, number_in, positive_int
from keras_gans_representation.embedding_alignment_model import EmbeddingAlignmentModel
from keras_gans_representation.orthogonality import Orthogonality

__all__ = ["EmbeddingAlignment"]


def _units(value):
    try:
        units = tuple(value)
    except TypeError:
        units = None
    if not units or not all(
        isinstance(u, int) and not isinstance(u, bool) and u > 0 for u in units
    ):
        raise ValueError(
            "`hidden_units` must be a non-empty sequence of positive integers. "
            f"Received: hidden_units={value!r}"
        )
    return units


class EmbeddingAlignment(Architecture):
    """A linear map between embedding spaces and the discriminator that judges it.

    Generator: the map `W`, a bias-free `Dense(embedding_dim)` initialised to the identity,
    from a source embedding to the target space. Discriminator (the paper's): dropout on its
    input, `hidden_units` LeakyReLU layers, one logit ("is a target word"). The model is an
    `EmbeddingAlignmentModel` (`model_class`); `default_tricks()` brings `Orthogonality`,
    which keeps `W` close to orthogonal after every map update.

    Args:
        embedding_dim: Size of both embedding spaces (default 300, fastText's).
        hidden_units: The discriminator's hidden layers (default `(2048, 2048)`).
        input_dropout: Dropout rate on the discriminator's input (default 0.1).
        leaky_relu_slope: Negative slope of the LeakyReLUs (default 0.2).
        beta: Step of the orthogonality update (default 0.01; 0 turns it off).

    Example:
    >>> arch = EmbeddingAlignment(embedding_dim=4, hidden_units=(8,))
    >>> arch.build_generator().output_shape, arch.build_discriminator().output_shape
    ((None, 4), (None, 1))

    Reference:
        Conneau, Lample, Ranzato, Denoyer & Jégou, "Word Translation Without Parallel
        Data", ICLR 2018, section 3.1 (architecture) and 3.3 (orthogonality).
    """

    default_loss = "non-saturating"
    model_class = EmbeddingAlignmentModel

    def __init__(
        self,
        embedding_dim=300,
        hidden_units=(2048, 2048),
        input_dropout=0.1,
        leaky_relu_slope=0.2,
        beta=0.01,
    ):
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim")
        self.hidden_units = _units(hidden_units)
        self.input_dropout = number_in(input_dropout, "input_dropout", 0.0, 1.0, high_open=True)
        self.leaky_relu_slope = non_negative(leaky_relu_slope, "leaky_relu_slope")
        self.beta = number_in(beta, "beta", 0.0, 1.0, high_open=True)

    @property
    def latent_dim(self):
        """The map's input size: the source embedding size."""
        return self.embedding_dim

    def build_generator(self):
        source = keras.Input((self.embedding_dim,), name="source")
        mapped = keras.layers.Dense(
            self.embedding_dim,
            use_bias=False,
            kernel_initializer="identity",
            dtype="float32",
            name="mapping",
        )(source)
        return keras.Model(source, mapped, name="alignment_map")

    def build_discriminator(self):
        x = keras.Input((self.embedding_dim,), name="embedding")
        h = keras.layers.Dropout(self.input_dropout, name="input_dropout")(x)
        for i, units in enumerate(self.hidden_units):
            h = keras.layers.Dense(units, name=f"hidden_{i}")(h)
            h = keras.layers.LeakyReLU(self.leaky_relu_slope)(h)
        score = keras.layers.Dense(1, dtype="float32", name="score")(h)
        return keras.Model(x, score, name="alignment_discriminator")

    def default_tricks(self):
        return [Orthogonality(self.beta)] if self.beta > 0 else []
