"""Argument checks shared by every keras-gans class, with Keras-style messages.

Each check returns the value normalised (`int`, `float`, `str`) or raises a `ValueError`
naming the argument, what was expected and what was received:
"`weight` must be a non-negative number. Received: weight=-1".
"""

from __future__ import annotations

import math
import numbers

__all__ = [
    "floating_point",
    "known_keywords",
    "metric_name",
    "non_negative",
    "non_negative_int",
    "number_in",
    "one_of",
    "positive_int",
    "positive_int_tuple",
    "positive_number",
    "seed",
]


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def positive_int(value, argument):
    """Returns `value` as an `int` if it is a positive integer.

    Example:
    >>> positive_int(3, "steps")
    3
    """
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"`{argument}` must be a positive integer. Received: {argument}={value!r}")
    return int(value)


def non_negative_int(value, argument):
    """Returns `value` as an `int` if it is an integer >= 0.

    Example:
    >>> non_negative_int(0, "start")
    0
    """
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 0:
        raise ValueError(
            f"`{argument}` must be a non-negative integer. Received: {argument}={value!r}"
        )
    return int(value)


def positive_int_tuple(value, argument, *, allow_empty=False, rank=None):
    """Returns `value` as a tuple of `int`s if it holds positive integers (a shape, widths).

    Args:
        value: The value to check.
        argument: Its name, for the message.
        allow_empty: Whether `()` is accepted (default `False`).
        rank: The exact length required (default `None`: any).

    Example:
    >>> positive_int_tuple([8, 8, 1], "image_shape", rank=3)
    (8, 8, 1)
    """
    try:
        items = tuple(value)
    except TypeError:
        items = None
    valid = items is not None and (allow_empty or bool(items))
    valid = valid and all(
        isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0 for d in items
    )
    valid = valid and (rank is None or len(items) == rank)
    if not valid:
        if rank is not None:
            what = f"{rank} positive integers"
        else:
            what = f"{'a' if allow_empty else 'a non-empty'} tuple of positive integers"
        raise ValueError(f"`{argument}` must be {what}. Received: {argument}={value!r}")
    return tuple(int(d) for d in items)


def non_negative(value, argument):
    """Returns `value` as a `float` if it is a number >= 0.

    Example:
    >>> non_negative(0, "weight")
    0.0
    """
    if not _is_number(value) or not value >= 0:
        raise ValueError(
            f"`{argument}` must be a non-negative number. Received: {argument}={value!r}"
        )
    return float(value)


def positive_number(value, argument):
    """Returns `value` as a `float` if it is a finite number > 0.

    Infinity is refused too: no rate, scale, width or epsilon of this library means
    anything there, and it would only surface later as NaN.

    Example:
    >>> positive_number(1e-3, "learning_rate")
    0.001
    """
    if not _is_number(value) or not 0 < value < math.inf:
        raise ValueError(
            f"`{argument}` must be a positive finite number. Received: {argument}={value!r}"
        )
    return float(value)


def number_in(value, argument, low, high, *, low_open=False, high_open=False):
    """Returns `value` as a `float` if it lies in the interval from `low` to `high`.

    Args:
        value: The value to check.
        argument: Its name, for the message.
        low: The lower bound.
        high: The upper bound.
        low_open: Whether `low` itself is excluded (default `False`).
        high_open: Whether `high` itself is excluded (default `False`).

    Example:
    >>> number_in(0.5, "probability", 0, 1)
    0.5
    """
    inside = _is_number(value) and (value > low if low_open else value >= low)
    inside = inside and (value < high if high_open else value <= high)
    if not inside:
        interval = f"{'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
        raise ValueError(
            f"`{argument}` must be a number in {interval}. Received: {argument}={value!r}"
        )
    return float(value)


def one_of(value, argument, choices):
    """Returns `value` if it is one of `choices` (compared with `==`).

    Args:
        value: The value to check.
        argument: Its name, for the message.
        choices: The accepted values, listed in the message in this order.

    Example:
    >>> one_of("hinge", "loss", ("hinge", "wasserstein"))
    'hinge'
    >>> one_of("l3", "norm", ("l1", "l2"))
    Traceback (most recent call last):
    ...
    ValueError: `norm` must be one of ('l1', 'l2'). Received: norm='l3'
    """
    choices = tuple(choices)
    try:
        found = any(value == choice for choice in choices)
    except (TypeError, ValueError):  # e.g. an array, whose `==` has no single truth value
        found = False
    if not found:
        raise ValueError(f"`{argument}` must be one of {choices}. Received: {argument}={value!r}")
    return value


def known_keywords(factory, kwargs, what):
    """Returns `kwargs` if `factory` takes every keyword in it, else raises a `TypeError`
    naming those it does not take and listing those it does (`**kwargs` accepts any).

    Example:
    >>> known_keywords(lambda units=1: None, {"units": 2}, "the layer")
    {'units': 2}
    """
    import inspect

    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return kwargs
    if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        return kwargs
    takes = [
        n for n, p in parameters.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    unknown = [key for key in kwargs if key not in takes]
    if unknown:
        names = ", ".join(f"`{key}`" for key in unknown)
        received = ", ".join(f"{key}={kwargs[key]!r}" for key in unknown)
        raise TypeError(
            f"{names} {'is not a keyword' if len(unknown) == 1 else 'are not keywords'} of "
            f"{what}; it takes {', '.join(takes) or 'none'}. Received: {received}"
        )
    return kwargs


def seed(value, argument="seed"):
    """Returns `value` if it is `None` or an integer >= 0 (a NumPy seed), else raises.

    Example:
    >>> seed(3)
    3
    """
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0
    ):
        raise ValueError(
            f"`{argument}` must be None or an integer >= 0. Received: {argument}={value!r}"
        )
    return None if value is None else int(value)


def metric_name(value, argument="name"):
    """Returns `value` if it can name a logged metric: a non-empty string without '/'.

    Example:
    >>> metric_name("gp")
    'gp'
    """
    if not isinstance(value, str) or not value or "/" in value:
        raise ValueError(
            f"`{argument}` must be a non-empty string without '/'. Received: {argument}={value!r}"
        )
    return value


def floating_point(values, argument, what="Real data"):
    """Raises a `TypeError` when `values` (array, tensor, nested list) hold no floats.

    Integer images (uint8 in [0, 255]) would otherwise be cast and trained on far outside
    a tanh generator's [-1, 1]. `what` names the values in the message; something that is
    not array-like passes (the shape checks report it).

    Example:
    >>> floating_point([0.5, -1.0], "x")
    """
    dtype = getattr(values, "dtype", None)
    if dtype is None:
        import numpy as np

        try:
            dtype = np.asarray(values).dtype
        except (TypeError, ValueError):
            return
    import keras

    try:
        dtype = keras.backend.standardize_dtype(dtype)
    except ValueError:  # objects or strings: not numbers at all, the shape checks say so
        return
    if "float" not in dtype:
        raise TypeError(
            f"{what} must be floating point, scaled to the generator's output range (e.g. "
            f"`x / 127.5 - 1` for uint8 images in [0, 255] and a tanh generator). "
            f"Received: {argument} of dtype {dtype}"
        )
