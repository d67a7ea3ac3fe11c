"""Small networks for the export tests: generators that draw noise, and a discriminator."""

import keras

import keras_gans


@keras.saving.register_keras_serializable(package="keras_gans_export_tests")
class StyleNoise(keras.layers.Layer):
    """Adds per-pixel Gaussian noise scaled by a learned per-channel weight (StyleGAN-style),
    drawn at inference time too."""

    def __init__(self, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        self.strength = self.add_weight(
            shape=(input_shape[-1],), initializer=keras.initializers.Constant(0.5)
        )

    def call(self, x):
        shape = (*keras.ops.shape(x)[:-1], 1)
        return x + self.strength * keras.random.normal(shape, seed=self.seed_generator)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


@keras.saving.register_keras_serializable(package="keras_gans_export_tests")
class AlwaysDropout(keras.layers.Layer):
    """Dropout that stays on at inference (Monte-Carlo dropout)."""

    def __init__(self, rate=0.25, seed=1, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, x):
        return keras.random.dropout(x, self.rate, seed=self.seed_generator)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


@keras.saving.register_keras_serializable(package="keras_gans_export_tests")
class RandomPick(keras.layers.Layer):
    """Picks a random channel per example with a categorical draw (cannot be lifted)."""

    def call(self, x):
        logits = keras.ops.zeros((keras.ops.shape(x)[0], keras.ops.shape(x)[-1]))
        index = keras.random.categorical(logits, 1, seed=3)
        return x * keras.ops.cast(index, x.dtype)


@keras.saving.register_keras_serializable(package="keras_gans_export_tests")
class InverseErf(keras.layers.Layer):
    """Applies erfinv, an op the LiteRT interpreter lacks."""

    def call(self, x):
        return keras.ops.erfinv(0.5 * keras.ops.tanh(x))


def noisy_generator(latent_dim=8, side=4, dropout=True):
    """z -> Dense -> (side, side, 2) -> StyleNoise -> [AlwaysDropout] -> tanh."""
    z = keras.Input((latent_dim,), name="z")
    h = keras.layers.Dense(side * side * 2, name="project")(z)
    h = keras.layers.Reshape((side, side, 2))(h)
    h = StyleNoise(name="style_noise")(h)
    if dropout:
        h = AlwaysDropout(name="mc_dropout")(h)
    out = keras.layers.Activation("tanh", name="image")(h)
    return keras.Model(z, out, name="noisy_generator")


def wrap_in_gan(generator, latent_dim, image_shape):
    """A GANModel around `generator` with a small convolutional discriminator."""
    x = keras.Input(image_shape)
    score = keras.layers.Dense(1)(keras.layers.Flatten()(x))
    return keras_gans.GANModel(generator, keras.Model(x, score), latent_dim=latent_dim)
