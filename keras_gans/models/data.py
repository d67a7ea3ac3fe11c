"""What `train_step` does with a batch: unpack, check and split it into real minibatches."""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import ops

from keras_gans.models import validation as check

__all__ = ["real_minibatches", "unpack"]


def unpack(model, data):
    """`(x, y)` of a batch: float32 samples and the checked condition (or `None`)."""
    x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
    if model.conditional and y is None:
        raise ValueError(
            "This GAN is conditional (its networks take a conditioning input): the data "
            "must yield `(x, y)` pairs or be passed as `fit(x, y)`. Received: x only."
        )
    x = ops.cast(x, "float32") if "float" in str(x.dtype) else x
    if not model.conditional:
        return x, None
    expected = tuple(model.generator.inputs[1].shape[1:])
    if y.shape.rank is None and None not in expected:
        # tf.function may relax a retraced label spec to unknown rank; restore it.
        y = ops.reshape(y, (-1, *expected))
    check.check_condition_batch(y, expected)
    if model.num_classes is not None and y.dtype.is_integer:
        message = f"Labels must be class ids in [0, {model.num_classes})."
        in_range = [
            tf.debugging.assert_non_negative(y, message=message),
            tf.debugging.assert_less(y, tf.cast(model.num_classes, y.dtype), message=message),
        ]
        with tf.control_dependencies(in_range):
            y = tf.identity(y)
    return x, y


def real_minibatches(x, y, d_steps):
    """The `d_steps` real slices of a batch, each `(x, y)` (see `GANModel`'s docstring)."""
    batch = ops.shape(x)[0]
    # A trailing batch smaller than d_steps still gives one example per update (reused).
    size = ops.maximum(batch // d_steps, 1)
    for k in range(d_steps):
        rows = (k * size + ops.arange(size)) % batch
        yield ops.take(x, rows, axis=0), None if y is None else ops.take(y, rows, axis=0)
