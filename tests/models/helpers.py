"""Small networks and data shared by the model tests."""

import keras
import numpy as np

import keras_gans
import keras_gans.testing


def tiny_pair(latent_dim=4, data_dim=2):
    generator = keras.Sequential(
        [
            keras.Input((latent_dim,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(data_dim),
        ]
    )
    discriminator = keras.Sequential(
        [keras.Input((data_dim,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)]
    )
    return generator, discriminator


def tiny_gan(loss="non-saturating", d_steps=1, seed=0, **compile_kwargs):
    """The conformance suite's tiny 2-D GAN, compiled."""
    gan = keras_gans.testing.tiny_gan(seed=seed)
    gan.compile(
        keras.optimizers.Adam(1e-3),
        keras.optimizers.Adam(1e-3),
        loss=loss,
        d_steps=d_steps,
        **compile_kwargs,
    )
    return gan


def points(n=64, seed=0):
    return np.random.default_rng(seed).normal(size=(n, 2)).astype("float32")
