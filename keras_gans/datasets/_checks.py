"""Argument checks shared by the loaders: each raises a Keras-style error naming the argument."""

from __future__ import annotations

import numbers

from keras_gans.checks import one_of, positive_int, seed

__all__ = ["RESIZE_METHODS", "boolean", "image_size", "one_of", "positive_int", "seed"]

RESIZE_METHODS = (
    "area",
    "bicubic",
    "bilinear",
    "gaussian",
    "lanczos3",
    "lanczos5",
    "mitchellcubic",
    "nearest",
)


def boolean(value, name):
    """Returns `value` if it is a bool, else raises `TypeError`."""
    if not isinstance(value, bool):
        raise TypeError(f"`{name}` must be True or False. Received: {name}={value!r}")
    return value


def image_size(value, name="image_size"):
    """Normalises an int or a `(height, width)` pair of positive ints to a tuple of two ints."""
    pair = (value, value) if isinstance(value, numbers.Integral) else value
    try:
        height, width = pair
        positive_int(height, name)
        positive_int(width, name)
    except (TypeError, ValueError):
        raise ValueError(
            f"`{name}` must be a positive integer or a (height, width) pair of positive "
            f"integers. Received: {name}={value!r}"
        ) from None
    return int(height), int(width)
