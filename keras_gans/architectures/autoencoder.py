"""An MLP generator with an autoencoder discriminator, for EBGAN and BEGAN."""

from __future__ import annotations

import math

import keras

from keras_gans.architectures._checks import activation_name, positive_int, shape_tuple
from keras_gans.architectures.base import Architecture
from keras_gans.layers import ReconstructionScore


class Autoencoder(Architecture):
    """A fully connected generator and an autoencoder discriminator (energy-based GANs).

    The discriminator encodes the flattened sample through `hidden_units` to a
    `code_dim` code and decodes it back; its score is the negative reconstruction error
    (`keras_gans.layers.ReconstructionScore`, power `energy_power`), so a higher score means
    "more real". It returns a dict: `"score"` and `"embedding"` (the code, read by EBGAN's
    pulling-away term). The generator is the `mlp` architecture's.

    Args:
        data_shape: Shape of one sample, e.g. `(2,)` or `(8, 8, 1)` (default `(2,)`).
        latent_dim: Size of `z` (default 64).
        hidden_units: Widths of the generator's hidden layers and of the encoder's (the
            decoder mirrors them) (default `(256, 256)`).
        code_dim: Size of the autoencoder's code (default 32).
        energy_power: `p` of the reconstruction error `mean |x - x_hat|^p`: 2 (default,
            EBGAN's mean squared error) or 1 (BEGAN's L1).
        output_activation: Generator and decoder output activation, the name of a Keras
            activation (default `"linear"`; `"tanh"` for images in [-1, 1]).

    Example:
    >>> arch = Autoencoder(data_shape=(2,), latent_dim=4, hidden_units=(8,), code_dim=3)
    >>> sorted(arch.build_discriminator().output)
    ['embedding', 'score']

    Reference:
        Zhao et al., "Energy-based Generative Adversarial Network", ICLR 2017; Berthelot
        et al., "BEGAN: Boundary Equilibrium Generative Adversarial Networks", 2017.
    """

    default_loss = "began"

    def __init__(
        self,
        data_shape=(2,),
        latent_dim=64,
        hidden_units=(256, 256),
        code_dim=32,
        energy_power=2,
        output_activation="linear",
    ):
        self.data_shape = shape_tuple(data_shape, "data_shape")
        self.latent_dim = positive_int(latent_dim, "latent_dim")
        self.hidden_units = shape_tuple(hidden_units, "hidden_units")
        self.code_dim = positive_int(code_dim, "code_dim")
        if isinstance(energy_power, bool) or energy_power not in (1, 2):  # True == 1
            raise ValueError(
                f"`energy_power` must be 1 (L1) or 2 (squared error). "
                f"Received: energy_power={energy_power!r}"
            )
        self.energy_power = int(energy_power)
        self.output_activation = activation_name(output_activation, "output_activation")

    def build_generator(self):
        z = keras.Input((self.latent_dim,), name="z")
        h = z
        for units in self.hidden_units:
            h = keras.layers.Dense(units, activation="relu")(h)
        h = keras.layers.Dense(math.prod(self.data_shape))(h)
        h = keras.layers.Activation(self.output_activation, dtype="float32")(h)
        out = keras.layers.Reshape(self.data_shape, dtype="float32")(h)
        return keras.Model(z, out, name="autoencoder_generator")

    def build_discriminator(self):
        x = keras.Input(self.data_shape, name="x")
        h = keras.layers.Flatten()(x)
        for units in self.hidden_units:
            h = keras.layers.Dense(units, activation="relu")(h)
        code = keras.layers.Dense(self.code_dim, name="embedding")(h)
        h = code
        for units in reversed(self.hidden_units):
            h = keras.layers.Dense(units, activation="relu")(h)
        h = keras.layers.Dense(math.prod(self.data_shape))(h)
        h = keras.layers.Activation(self.output_activation, dtype="float32")(h)
        reconstruction = keras.layers.Reshape(self.data_shape, dtype="float32")(h)
        score = ReconstructionScore(self.energy_power, dtype="float32", name="score")(
            [x, reconstruction]
        )
        outputs = {"score": score, "embedding": code}
        return keras.Model(x, outputs, name="autoencoder_discriminator")
