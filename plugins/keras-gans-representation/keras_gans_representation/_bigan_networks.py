"""The networks of BiGAN / ALI: generator, encoder and joint (x, z) discriminator."""

from __future__ import annotations

import math

import keras

from keras_gans.architectures.dcgan import DCGAN

__all__ = [
    "conv_encoder",
    "conv_generator",
    "conv_joint_discriminator",
    "convolutional_plan",
    "dense_encoder",
    "dense_generator",
    "dense_joint_discriminator",
]

_LAYERS = keras.layers


def convolutional_plan(shape):
    """The number of stride-2 levels for an image shape DCGAN supports, else `None`."""
    if len(shape) != 3 or shape[0] != shape[1] or shape[2] not in (1, 3):
        return None
    side, levels = shape[0], 0
    while side > 7 and side % 2 == 0:
        side, levels = side // 2, levels + 1
    return levels if side in (4, 7) else None


def _filters(base, level):
    return base * 2 ** min(level, 4)


def _code_units(latent_dim, stochastic):
    return 2 * latent_dim if stochastic else latent_dim


def conv_generator(shape, latent_dim, base_filters):
    """DCGAN's generator (Radford et al. 2016): `z` to a tanh image."""
    arch = DCGAN(image_shape=shape, latent_dim=latent_dim, base_filters=base_filters)
    network = arch.build_generator()
    network.name = "bigan_generator"
    return network


def _conv_body(x, levels, base_filters, normalize, dropout):
    h = x
    if levels == 0:
        h = _LAYERS.Conv2D(base_filters, 3, padding="same")(h)
        h = _LAYERS.LeakyReLU(0.2)(h)
    for level in range(levels):
        h = _LAYERS.Conv2D(_filters(base_filters, level), 4, strides=2, padding="same")(h)
        if normalize and level > 0:
            h = _LAYERS.BatchNormalization()(h)
        h = _LAYERS.LeakyReLU(0.2)(h)
        if dropout:
            h = _LAYERS.Dropout(dropout)(h)
    return _LAYERS.Flatten()(h)


def conv_encoder(shape, latent_dim, base_filters, hidden_units, stochastic):
    """`E(x)`: the discriminator body of DCGAN, a dense layer, then the code."""
    x = keras.Input(shape, name="x")
    h = _conv_body(x, convolutional_plan(shape), base_filters, normalize=True, dropout=0.0)
    h = _dense_stack(h, hidden_units, "leaky_relu", normalize=True)
    code = _LAYERS.Dense(_code_units(latent_dim, stochastic), dtype="float32", name="code")(h)
    return keras.Model(x, code, name="bigan_encoder")


def conv_joint_discriminator(shape, latent_dim, base_filters, hidden_units, dropout):
    """`D(x, z)`: a convolutional branch on `x`, a dense branch on `z`, joint layers."""
    x = keras.Input(shape, name="x")
    z = keras.Input((latent_dim,), name="z")
    hx = _conv_body(x, convolutional_plan(shape), base_filters, normalize=False, dropout=dropout)
    return _joint(x, z, hx, hidden_units, dropout)


def dense_generator(shape, latent_dim, hidden_units, output_activation):
    """`G(z)`: ReLU layers with batch normalisation to `prod(shape)` outputs."""
    z = keras.Input((latent_dim,), name="z")
    h = _dense_stack(z, hidden_units, "relu", normalize=True)
    h = _LAYERS.Dense(math.prod(shape))(h)
    h = _LAYERS.Activation(output_activation, dtype="float32")(h)
    out = _LAYERS.Reshape(shape, dtype="float32", name="sample")(h)
    return keras.Model(z, out, name="bigan_generator")


def dense_encoder(shape, latent_dim, hidden_units, stochastic):
    """`E(x)`: LeakyReLU layers with batch normalisation to the code."""
    x = keras.Input(shape, name="x")
    h = _dense_stack(_LAYERS.Flatten()(x), hidden_units, "leaky_relu", normalize=True)
    code = _LAYERS.Dense(_code_units(latent_dim, stochastic), dtype="float32", name="code")(h)
    return keras.Model(x, code, name="bigan_encoder")


def dense_joint_discriminator(shape, latent_dim, hidden_units, dropout):
    """`D(x, z)`: a dense branch on `x`, one on `z`, joint layers."""
    x = keras.Input(shape, name="x")
    z = keras.Input((latent_dim,), name="z")
    hx = _LAYERS.Flatten()(x)
    hx = _dense_stack(hx, hidden_units[:1], "leaky_relu", normalize=False, dropout=dropout)
    return _joint(x, z, hx, hidden_units, dropout)


def _joint(x, z, hx, hidden_units, dropout):
    hz = _dense_stack(z, hidden_units[:1], "leaky_relu", normalize=False, dropout=dropout)
    h = _LAYERS.Concatenate()([hx, hz])
    h = _dense_stack(h, hidden_units, "leaky_relu", normalize=False, dropout=dropout)
    score = _LAYERS.Dense(1, dtype="float32", name="score")(h)
    return keras.Model([x, z], score, name="bigan_discriminator")


def _dense_stack(h, units, activation, normalize, dropout=0.0):
    for width in units:
        h = _LAYERS.Dense(width)(h)
        if normalize:
            h = _LAYERS.BatchNormalization()(h)
        h = _LAYERS.LeakyReLU(0.2)(h) if activation == "leaky_relu" else _LAYERS.ReLU()(h)
        if dropout:
            h = _LAYERS.Dropout(dropout)(h)
    return h
