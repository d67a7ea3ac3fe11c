"""`GumbelSequence`: a GAN over discrete token sequences with Gumbel-softmax outputs."""

from __future__ import annotations

import keras

from keras_gans.architectures import Architecture
from keras_gans.checks import non_negative, positive_int, positive_number
from keras_gans_representation.gumbel_sequence_model import GumbelSequenceModel
from keras_gans_representation.gumbel_softmax import GumbelSoftmax
from keras_gans_representation.temperature_annealing import TemperatureAnnealing

__all__ = ["GumbelSequence"]


class GumbelSequence(Architecture):
    """A recurrent generator of Gumbel-softmax tokens and a recurrent sequence discriminator.

    Generator (as in Kusner & Hernández-Lobato 2016): `z` sets the initial state of a GRU
    and, through a linear layer, its first input; at each of `sequence_length` positions
    the GRU's state gives logits over the vocabulary, a `GumbelSoftmax` layer turns them
    into a (relaxed, or with `hard=True` straight-through one-hot) token, and that token is
    the GRU's next input. The output is `(batch, sequence_length, vocabulary_size)`: rows on
    the simplex in training, one-hot rows at inference (exact samples, or greedy argmax
    decoding with `inference="argmax"`), so `generate` returns discrete sequences.
    Discriminator: dilated 1-D convolutions (kernel 3, dilations 1, 2, 4, ... until each
    position sees the whole sequence, LeakyReLU 0.2) over the one-hot (or relaxed) rows,
    flattened (positions matter: where the end tokens start) to one logit. It was chosen
    over a GRU reader by measurement: on 12-token brackets the GRU discriminator let the
    generator collapse onto a few strings (docs/representation/gumbel_sequence.md).

    The data are one-hot rows of the same shape (e.g. `bracket_language.one_hot(ids)`).
    `default_tricks()` brings `TemperatureAnnealing`, which runs the temperature schedule;
    the model is a `GumbelSequenceModel` (`model_class`), whose seeded `generate` also
    seeds the token noise.

    Args:
        sequence_length: Tokens per sequence (default 12).
        vocabulary_size: Tokens in the vocabulary (default 5: `bracket_language` with two
            bracket kinds).
        latent_dim: Size of `z` (default 32).
        units: GRU units of the generator (default 128).
        discriminator_units: Filters of each discriminator convolution (default 128).
        temperature: Initial Gumbel-softmax temperature (default 1.0).
        min_temperature: Floor of the annealing schedule (default 0.5, Jang et al.;
            `None` only with `anneal_rate=0`).
        anneal_rate: Rate `r` of `tau = max(min, tau_0 exp(-r t))` (default 1e-4; 0 keeps
            the temperature constant; a positive rate needs `min_temperature`).
        anneal_every: Generator updates between temperature changes (default 100).
        hard: Straight-through one-hot tokens in training (default `True`: the
            discriminator then cannot tell fakes by their softness).
        inference: Tokens outside training: `"sample"` (default, exact draws) or
            `"argmax"` (greedy decoding, no random op: exports to ONNX).

    Example:
    >>> arch = GumbelSequence(sequence_length=4, vocabulary_size=3, latent_dim=4, units=8,
    ...                       discriminator_units=8)
    >>> arch.build_generator().output_shape, arch.build_discriminator().output_shape
    ((None, 4, 3), (None, 1))

    Reference:
        Jang, Gu & Poole, "Categorical Reparameterization with Gumbel-Softmax", ICLR 2017;
        Kusner & Hernández-Lobato, "GANS for Sequences of Discrete Elements with the
        Gumbel-softmax Distribution", NeurIPS 2016 workshop on adversarial training;
        Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017, section 5.3
        (a convolutional discriminator over one-hot characters).
    """

    default_loss = "non-saturating"
    model_class = GumbelSequenceModel

    def __init__(
        self,
        sequence_length=12,
        vocabulary_size=5,
        latent_dim=32,
        units=128,
        discriminator_units=128,
        temperature=1.0,
        min_temperature=0.5,
        anneal_rate=1e-4,
        anneal_every=100,
        hard=True,
        inference="sample",
    ):
        self.sequence_length = positive_int(sequence_length, "sequence_length")
        self.vocabulary_size = positive_int(vocabulary_size, "vocabulary_size")
        if self.vocabulary_size < 2:
            raise ValueError(
                f"`vocabulary_size` must be at least 2. Received: vocabulary_size={vocabulary_size}"
            )
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.units = positive_int(units, "units")
        self.discriminator_units = positive_int(discriminator_units, "discriminator_units")
        self.temperature = positive_number(temperature, "temperature")
        self.min_temperature = min_temperature
        self.anneal_rate = non_negative(anneal_rate, "anneal_rate")
        self.anneal_every = positive_int(anneal_every, "anneal_every")
        self.hard = hard
        self.inference = inference
        self._gumbel()  # validates the temperature schedule and `hard` now, not at build
        if min_temperature is not None:
            self.min_temperature = float(min_temperature)

    def _gumbel(self):
        return GumbelSoftmax(
            temperature=self.temperature,
            hard=self.hard,
            min_temperature=self.min_temperature,
            anneal_rate=self.anneal_rate,
            anneal_every=self.anneal_every,
            inference=self.inference,
            name="gumbel_softmax",
        )

    def build_generator(self):
        layers = keras.layers
        size = self.vocabulary_size
        z = keras.Input((self.latent_dim,), name="z")
        state = layers.Dense(self.units, activation="tanh", name="initial_state")(z)
        token = layers.Dense(size, activation="softmax", name="first_input")(z)
        cell = layers.GRUCell(self.units, name="decoder")
        to_logits = layers.Dense(size, name="logits")
        gumbel = self._gumbel()
        tokens = []
        for position in range(self.sequence_length):
            state, _ = cell(token, [state])
            token = gumbel(to_logits(state))
            tokens.append(layers.Reshape((1, size), name=f"token_{position}")(token))
        if len(tokens) == 1:
            sequence = tokens[0]
        else:
            sequence = layers.Concatenate(axis=1, dtype="float32", name="sequence")(tokens)
        return keras.Model(z, sequence, name="gumbel_sequence_generator")

    def build_discriminator(self):
        x = keras.Input((self.sequence_length, self.vocabulary_size), name="x")
        h, dilation, reach = x, 1, 1
        while True:  # dilations 1, 2, 4, ... until every position sees the whole sequence
            h = keras.layers.Conv1D(
                self.discriminator_units,
                3,
                padding="same",
                dilation_rate=dilation,
                name=f"conv_{dilation}",
            )(h)
            h = keras.layers.LeakyReLU(0.2)(h)
            reach += 2 * dilation
            if reach >= 2 * self.sequence_length - 1:
                break
            dilation *= 2
        h = keras.layers.Flatten()(h)
        score = keras.layers.Dense(1, dtype="float32", name="score")(h)
        return keras.Model(x, score, name="gumbel_sequence_discriminator")

    def default_tricks(self):
        return [TemperatureAnnealing()]
