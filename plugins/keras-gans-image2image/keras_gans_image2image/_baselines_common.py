"""What the translation families share: the (a, b) batch, argument checks, batched inference.

Private to the plugin (CoGAN and SimGAN use most of it; pix2pix and pix2pixHD its argument
checks); the public classes document the behaviour.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_gans.checks import floating_point, one_of, positive_int

__all__ = [
    "batched",
    "check_direction",
    "check_images",
    "float_images",
    "network_shape",
    "optional_positive_int",
    "no_ema",
    "unpack_pair",
]


def optional_positive_int(value, argument):
    """`None`, or `value` checked to be a positive integer."""
    return None if value is None else positive_int(value, argument)


def network_shape(network, which, argument):
    """The per-example shape of a functional network's one `"input"` or `"output"`."""
    try:
        tensors = network.inputs if which == "input" else network.outputs
    except (AttributeError, ValueError):
        tensors = None
    if not tensors or len(tensors) != 1:
        raise ValueError(
            f"`{argument}` must be a functional keras.Model with one {which}. "
            f"Received: {argument}={getattr(network, 'name', network)!r}"
        )
    return tuple(tensors[0].shape[1:])


def float_images(images, argument):
    """`images` cast to float32, after refusing a dtype that is not floating point.

    Integer images (uint8 in [0, 255]) would otherwise be cast silently and trained on
    far outside the networks' [-1, 1] range; `GANModel` refuses them the same way.
    """
    refuse_integer_images(images, argument)
    return ops.cast(images, "float32")


def refuse_integer_images(images, argument="images"):
    """Raises a `TypeError` when `images` hold no floats (the core's check)."""
    floating_point(images, argument, what="Images")


def split_pair(x, y):
    """`(a, b)` from `fit(a, b)` or `fit((a, b))`: `x` is split when `y` is None and `x` is
    a tuple or list of two; anything else comes back as it is."""
    if y is None and isinstance(x, (tuple, list)) and len(x) == 2:
        return tuple(x)
    return x, y


def unpack_pair(data_batch, family):
    """`(a, b)` of a batch: `fit(a, b)`, `fit((a, b))` or a dataset of `(a, b)`; float32."""
    a, b = split_pair(*keras.utils.unpack_x_y_sample_weight(data_batch)[:2])
    if b is None or isinstance(a, (tuple, list, dict)):
        raise ValueError(
            f"{family} trains on two domains: pass `fit(a, b)` (images of domain A and of "
            "domain B, unpaired: row i of `a` need not match row i of `b`) or a dataset of "
            f"`(a, b)` batches. Received: {'x only' if b is None else 'a nested structure'}"
        )
    return float_images(a, "a"), float_images(b, "b")


def check_direction(direction, directions):
    """Returns `direction` if the model translates that way."""
    return one_of(direction, "direction", directions)


def check_images(images, shape, argument="images"):
    """`images` as a float32 NumPy array `(n, *shape)` (`None` in `shape`: any size);
    integer images are refused (`refuse_integer_images`)."""
    refuse_integer_images(images, argument)
    try:
        array = np.asarray(images, dtype="float32")
    except (TypeError, ValueError):
        array = None
    expected = tuple(shape)
    fits = (
        array is not None
        and array.ndim == len(expected) + 1
        and all(e is None or e == s for e, s in zip(expected, array.shape[1:], strict=True))
    )
    if not fits:
        shown = ", ".join("any" if s is None else str(s) for s in expected)
        raise ValueError(
            f"`{argument}` must be a batch of images of shape (n, {shown}) in [-1, 1]. "
            f"Received: {argument} of shape {getattr(array, 'shape', type(images).__name__)}"
        )
    return array


def batched(fn, x, batch_size):
    """`fn` applied to the NumPy array `x` in batches, concatenated as a NumPy array."""
    parts = [
        ops.convert_to_numpy(fn(ops.convert_to_tensor(x[i : i + batch_size])))
        for i in range(0, len(x), batch_size)
    ]
    return np.concatenate(parts, axis=0)


def no_ema(ema_decay, family):
    """Raises unless `ema_decay` is `None` (the baselines keep no EMA generator)."""
    if ema_decay is not None:
        raise ValueError(
            f"{family} keeps no exponential moving average of its generator (the paper does "
            f"not use one): `ema_decay` must be None. Received: ema_decay={ema_decay!r}"
        )
