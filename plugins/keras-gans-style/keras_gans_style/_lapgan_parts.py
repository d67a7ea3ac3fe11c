"""LAPGAN's composite networks: the whole pyramid as one generator and one discriminator.

Private to `lapgan.py` and `lapgan_model.py` (and `LatentSlice`, also used by StackGAN);
`LAPGAN` and `LAPGANModel` document the behaviour. The level networks are nested models
named `level_<k>_generator` / `level_<k>_discriminator` (k = 0 is the coarsest), so the
composites save, load and clone as ordinary functional models and share the level
networks' weights.
"""

from __future__ import annotations

import keras

from keras_gans.layers import label_input

__all__ = ["LatentSlice", "level_name", "pyramid_discriminator", "pyramid_generator"]


@keras.saving.register_keras_serializable(package="keras_gans_style")
class LatentSlice(keras.layers.Layer):
    """Columns `[start, start + size)` of a `(batch, d)` latent batch.

    Splits one latent vector into independent parts (a pyramid level's noise, a
    conditioning augmentation's epsilon) inside a functional model, so the model keeps
    one `z` input and exports without random ops.

    Args:
        start: The first column (default 0).
        size: How many columns (default 1).
        **kwargs: Passed to `keras.layers.Layer` (e.g. `name`).

    Example:
    >>> import numpy as np
    >>> LatentSlice(1, 2)(np.arange(8, dtype="float32").reshape(2, 4)).numpy().tolist()
    [[1.0, 2.0], [5.0, 6.0]]
    """

    def __init__(self, start=0, size=1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(start, bool) or not isinstance(start, int) or start < 0:
            raise ValueError(f"`start` must be a non-negative integer. Received: start={start!r}")
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"`size` must be a positive integer. Received: size={size!r}")
        self.start = start
        self.size = size

    def call(self, inputs):
        return inputs[:, self.start : self.start + self.size]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size)

    def get_config(self):
        return {**super().get_config(), "start": self.start, "size": self.size}


def level_name(k, network):
    """`"level_<k>_<network>"`, the name of a level's nested model."""
    return f"level_{k}_{network}"


def _conditioned(inputs, labels):
    return [*inputs, labels] if labels is not None else inputs


def _call(network, inputs):
    return network(inputs if len(inputs) > 1 else inputs[0])


def pyramid_generator(levels, latent_sizes, conditional, name="lapgan_generator"):
    """`z` (and labels) -> the pyramid sampled coarse to fine -> the final image.

    Args:
        levels: The level generators, coarsest first: level 0 maps `[z_0 (, labels)]` to
            the low-pass image; level k maps `[z_k, u(image) (, labels)]` to the band-pass
            residual.
        latent_sizes: The size of each level's part of `z`, in order.
        conditional: Whether the levels take class ids.
        name: The model's name.

    Returns:
        A functional `keras.Model`; each level's image is `clip(u(previous) + h_k, -1, 1)`
        (`hard_tanh`), so the output lies in [-1, 1].
    """
    z = keras.Input((sum(latent_sizes),), name="z")
    labels = label_input() if conditional else None
    starts = [sum(latent_sizes[:k]) for k in range(len(levels))]
    slices = [
        LatentSlice(start, size, name=f"level_{k}_noise")(z)
        for k, (start, size) in enumerate(zip(starts, latent_sizes, strict=True))
    ]
    image = _call(levels[0], _conditioned([slices[0]], labels))
    for k in range(1, len(levels)):
        low = keras.layers.UpSampling2D(2, interpolation="bilinear", name=f"level_{k}_up")(image)
        band = _call(levels[k], _conditioned([slices[k], low], labels))
        image = keras.layers.Add(name=f"level_{k}_collapse")([low, band])
        image = keras.layers.Activation("hard_tanh", dtype="float32", name=f"level_{k}_image")(
            image
        )
    inputs = [z, labels] if conditional else z
    return keras.Model(inputs, image, name=name)


def pyramid_discriminator(levels, image_shape, conditional, name="lapgan_discriminator"):
    """Images (and labels) -> each level's score on the image's own Laplacian pyramid.

    Args:
        levels: The level discriminators, coarsest first: level 0 scores `[I_0 (, labels)]`,
            level k scores `[h_k, l_k (, labels)]` with `l_k = u(I_{k-1})`.
        image_shape: The full-resolution image shape.
        conditional: Whether the levels take class ids.
        name: The model's name.

    Returns:
        A functional `keras.Model` returning `{"score": mean of the level scores,
        "level_<k>": each level's score}`. `LAPGANModel` trains the level networks on
        their own pairs; this model holds them together and scores whole images.
    """
    x = keras.Input(image_shape, name="x")
    labels = label_input() if conditional else None
    gaussians = [x]
    for k in range(len(levels) - 1, 0, -1):
        pooled = keras.layers.AveragePooling2D(2, name=f"level_{k - 1}_down")(gaussians[0])
        gaussians.insert(0, pooled)
    scores = {"level_0": _call(levels[0], _conditioned([gaussians[0]], labels))}
    for k in range(1, len(levels)):
        low = keras.layers.UpSampling2D(2, interpolation="bilinear", name=f"level_{k}_up")(
            gaussians[k - 1]
        )
        band = keras.layers.Subtract(name=f"level_{k}_band")([gaussians[k], low])
        scores[f"level_{k}"] = _call(levels[k], _conditioned([band, low], labels))
    score = keras.layers.Average(dtype="float32", name="score")(list(scores.values()))
    inputs = [x, labels] if conditional else x
    return keras.Model(inputs, {"score": score, **scores}, name=name)
