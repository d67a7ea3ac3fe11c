"""Argument checks shared by the loaders: each raises a Keras-style error naming the argument."""

from __future__ import annotations

import numbers

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


def positive_int(value, name):
    """Returns `value` if it is an integer > 0 (bools rejected), else raises `ValueError`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return int(value)


def boolean(value, name):
    """Returns `value` if it is a bool, else raises `TypeError`."""
    if not isinstance(value, bool):
        raise TypeError(f"`{name}` must be True or False. Received: {name}={value!r}")
    return value


def seed(value):
    """Returns `value` if it is `None` or a non-negative integer, else raises `ValueError`."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"`seed` must be None or an integer >= 0. Received: seed={value!r}")
    return int(value)


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


def one_of(value, choices, name):
    """Returns `value` if it is in `choices`, else raises `ValueError` listing them."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(
            f"`{name}` must be one of {', '.join(map(repr, choices))}. Received: {name}={value!r}"
        )
    return value
