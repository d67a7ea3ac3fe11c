"""Argument checks shared by the first-party architectures."""

from __future__ import annotations

import numbers

from keras_gans.checks import non_negative, non_negative_int, positive_int, positive_int_tuple

__all__ = [
    "activation_name",
    "boolean",
    "classes",
    "discriminator_options",
    "non_negative_int",
    "non_negative_number",
    "optional_classes",
    "positive_int",
    "shape_tuple",
    "spectral",
]


def classes(num_classes, why=""):
    """Returns `num_classes` as an `int` if it is an integer >= 2 (NumPy integers too)."""
    if (
        isinstance(num_classes, bool)
        or not isinstance(num_classes, numbers.Integral)
        or num_classes < 2
    ):
        raise ValueError(
            f"`num_classes` must be an integer >= 2{why}. Received: num_classes={num_classes!r}"
        )
    return int(num_classes)


def optional_classes(num_classes):
    """Returns `None`, or `num_classes` as an `int` if it is an integer >= 2."""
    if num_classes is None:
        return None
    return classes(num_classes, why=", or None (unconditional)")


def activation_name(value, argument):
    """Returns `value` if it names a Keras activation (a string, so configs stay JSON)."""
    import keras

    try:
        known = isinstance(value, str) and keras.activations.get(value) is not None
    except (TypeError, ValueError):
        known = False
    if not known:
        raise ValueError(
            f"`{argument}` must be the name of a Keras activation (e.g. 'linear', 'tanh', "
            f"'sigmoid'). Received: {argument}={value!r}"
        )
    return value


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
