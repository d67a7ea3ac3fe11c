"""Argument checks shared by the first-party architectures."""

from __future__ import annotations

from keras_gans.checks import non_negative, non_negative_int, positive_int, positive_int_tuple

__all__ = [
    "boolean",
    "discriminator_options",
    "non_negative_int",
    "non_negative_number",
    "optional_classes",
    "positive_int",
    "shape_tuple",
    "spectral",
]


def optional_classes(num_classes):
    if num_classes is None:
        return None
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(
            "`num_classes` must be None (unconditional) or an integer >= 2. "
            f"Received: num_classes={num_classes!r}"
        )
    return num_classes


# The core's checks, under the names the architectures import: a NaN weight is refused, and
# so is a fractional or string size (`int()` had truncated 8.7 to 8 and read "8" as 8).
non_negative_number = non_negative
shape_tuple = positive_int_tuple


def boolean(value, argument):
    if not isinstance(value, bool):
        raise ValueError(f"`{argument}` must be True or False. Received: {argument}={value!r}")
    return value


def discriminator_options(spectral_normalization, minibatch_kernels, minibatch_stddev, packing):
    """Checks the shared discriminator options; returns them in the same order."""
    return (
        boolean(spectral_normalization, "spectral_normalization"),
        non_negative_int(minibatch_kernels, "minibatch_kernels"),
        non_negative_int(minibatch_stddev, "minibatch_stddev"),
        positive_int(packing, "packing"),
    )


def spectral(layer, enabled, **kwargs):
    """Wraps `layer` in `keras.layers.SpectralNormalization(layer, **kwargs)` when `enabled`."""
    import keras

    return keras.layers.SpectralNormalization(layer, **kwargs) if enabled else layer
