"""StackGAN's composite networks: both stages as one generator and one discriminator.

Private to `stackgan.py` and `stackgan_model.py`; `StackGAN` and `StackGANModel` document
the behaviour. The stage networks are nested models named `stage_one_generator`,
`stage_two_generator`, `stage_one_discriminator` and `stage_two_discriminator`, so the
composites save, load and clone as ordinary functional models sharing their weights.
"""

from __future__ import annotations

import keras

from keras_gans_style._lapgan_parts import LatentSlice

__all__ = ["condition_like", "stackgan_discriminator", "stackgan_generator"]


def condition_like(network):
    """A new `keras.Input` like `network`'s last (condition) input."""
    spec = network.inputs[-1]
    name = "labels" if "int" in str(spec.dtype) else "condition"
    return keras.Input(tuple(spec.shape[1:]), dtype=spec.dtype, name=name)


def stackgan_generator(stage_one, stage_two, latent_sizes, name="stackgan_generator"):
    """`[latent, condition]` -> Stage-I -> Stage-II -> images.

    Args:
        stage_one: `[z, epsilon_1, condition]` -> `[image, mu, log_var]`.
        stage_two: `[stage-I image, epsilon_2, condition]` -> `[image, mu, log_var]`.
        latent_sizes: `(len(z), len(epsilon_1), len(epsilon_2))`.
        name: The model's name.

    Returns:
        A functional `keras.Model` from `[latent, condition]` to Stage-II's images.
    """
    latent = keras.Input((sum(latent_sizes),), name="z")
    condition = condition_like(stage_one)
    noise_dim, first, second = latent_sizes
    z = LatentSlice(0, noise_dim, name="noise")(latent)
    epsilon_1 = LatentSlice(noise_dim, first, name="stage_one_epsilon")(latent)
    epsilon_2 = LatentSlice(noise_dim + first, second, name="stage_two_epsilon")(latent)
    low = stage_one([z, epsilon_1, condition])[0]
    image = stage_two([low, epsilon_2, condition])[0]
    return keras.Model([latent, condition], image, name=name)


def stackgan_discriminator(stage_one, stage_two, image_shape, name="stackgan_discriminator"):
    """`[images, condition]` -> `{"score": Stage-II's score, "stage_one": Stage-I's score on
    the images area-downsampled to Stage-I's size}`."""
    x = keras.Input(image_shape, name="x")
    condition = condition_like(stage_two)
    factor = image_shape[0] // int(stage_one.inputs[0].shape[1])
    low = keras.layers.AveragePooling2D(factor, name="stage_one_down")(x)
    scores = {
        "score": stage_two([x, condition]),
        "stage_one": stage_one([low, condition]),
    }
    return keras.Model([x, condition], scores, name=name)
