"""Shared pieces of the auxiliary-head architectures: the DCGAN discriminator's body."""

from __future__ import annotations

import keras


def discriminator_body(dcgan, name, feature_map=False):
    """The convolutional body of an unconditional `DCGAN` discriminator, as its own model.

    Args:
        dcgan: An unconditional `DCGAN` architecture (its discriminator options apply).
        name: The body model's name.
        feature_map: Return the last feature map instead of the flattened features
            (default `False`).

    Returns:
        A `keras.Model` from images to `(batch, d)` features or a `(batch, h, w, c)` map.
    """
    full = dcgan.build_discriminator()
    features = full.get_layer("score").input
    if feature_map:
        flatten = next(lay for lay in full.layers if isinstance(lay, keras.layers.Flatten))
        features = flatten.input
    return keras.Model(full.inputs[0], features, name=name)


def score_layer(spectral_normalization, units=1, name="score"):
    """A float32 `Dense` output layer, spectrally normalised when asked.

    Under a mixed policy the wrapped `Dense` is float32 too: `SpectralNormalization` runs
    its inner layer with that layer's own policy, so a policy-default `Dense` would compute
    the scores in float16 (errors near 1e-3 instead of 1e-6) behind a float32 wrapper.
    The inner `Dense` is created in both branches, as it always was: each new layer draws
    an initializer seed, so skipping it would change the seeded initial weights of every
    network built after it.
    """
    dense = keras.layers.Dense(units, dtype="float32")
    if spectral_normalization:
        return keras.layers.SpectralNormalization(dense, dtype="float32", name=name)
    return keras.layers.Dense(units, dtype="float32", name=name)
