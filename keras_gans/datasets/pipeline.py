"""Arrays to shuffled, batched, prefetched `tf.data` pipelines, and image scaling helpers."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from keras_gans.datasets import _checks


def as_dataset(x, y=None, batch_size=64, shuffle=True, seed=None, drop_remainder=False):
    """Turns in-memory arrays into a shuffled, batched, prefetched `tf.data.Dataset`.

    Each epoch (each new iteration over the dataset) visits every example once, in a fresh
    order when `shuffle` is on. Batches are gathered from the arrays by index, so shuffling
    costs no extra copy of the data.

    Args:
        x: Array of examples, shape `(n, ...)`; its dtype is kept.
        y: Optional array of `n` labels (default `None`: the dataset yields `x` batches only;
            otherwise `(x, y)` batches).
        batch_size: Examples per batch (default 64).
        shuffle: Whether to reshuffle the examples every epoch (default `True`).
        seed: Seed of the shuffle order, for a reproducible sequence of epochs (default `None`).
        drop_remainder: Whether to leave out a last batch smaller than `batch_size`
            (default `False`).

    Returns:
        A `tf.data.Dataset` of batches.

    Example:
    >>> import numpy as np
    >>> x = np.arange(10, dtype="float32").reshape(5, 2)
    >>> dataset = as_dataset(x, y=np.arange(5), batch_size=2, shuffle=False)
    >>> [tuple(b.shape) for b, _ in dataset]
    [(2, 2), (2, 2), (1, 2)]
    >>> len(list(as_dataset(x, batch_size=2, seed=0, drop_remainder=True)))
    2
    """
    x, y = _check_arrays(x, y)
    return indexed_pipeline(x, y, batch_size, shuffle, seed, drop_remainder)


def _check_arrays(x, y):
    if isinstance(x, tf.data.Dataset):
        raise TypeError(
            "`x` must be an array of examples, not a tf.data.Dataset (it is already a "
            f"pipeline). Received: x={x!r}"
        )
    x = np.asarray(x)
    if x.ndim == 0 or len(x) == 0:
        raise ValueError(
            f"`x` must be an array of at least one example, shape (n, ...). Received: x with "
            f"shape {x.shape}"
        )
    if y is not None:
        y = np.asarray(y)
        if y.ndim == 0 or len(y) != len(x):
            raise ValueError(
                f"`y` must hold one label per example of `x` ({len(x)}). Received: y with shape "
                f"{y.shape}"
            )
    return x, y


def indexed_pipeline(x, y, batch_size, shuffle, seed, drop_remainder, transform=None):
    """Shuffles indices, batches them, gathers `x` (and `y`) rows, applies `transform` to `x`.

    The arrays must already be checked NumPy arrays; `transform` maps an `x` batch tensor to
    the batch the model sees (e.g. uint8 to [-1, 1] floats) and runs inside the pipeline.
    """
    batch_size = _checks.positive_int(batch_size, "batch_size")
    shuffle = _checks.boolean(shuffle, "shuffle")
    seed = _checks.seed(seed)
    drop_remainder = _checks.boolean(drop_remainder, "drop_remainder")
    n = len(x)
    if drop_remainder and batch_size > n:
        raise ValueError(
            f"`batch_size` must be at most the number of examples ({n}) when "
            f"drop_remainder=True, or every batch is dropped. Received: batch_size={batch_size}"
        )
    # Eager tensors are captured by reference in the `map` function (no graph constant).
    x_tensor = tf.convert_to_tensor(x)
    y_tensor = None if y is None else tf.convert_to_tensor(y)

    def gather(indices):
        batch = tf.gather(x_tensor, indices)
        if transform is not None:
            batch = transform(batch)
        if y_tensor is None:
            return batch
        return batch, tf.gather(y_tensor, indices)

    dataset = tf.data.Dataset.range(n)
    if shuffle:
        dataset = dataset.shuffle(n, seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    dataset = dataset.map(gather, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)


def uint8_to_unit_range(images):
    """Maps uint8 pixel values 0..255 linearly onto float32 [-1, 1] (NumPy or tensors)."""
    if isinstance(images, np.ndarray):
        return images.astype("float32") / np.float32(127.5) - np.float32(1.0)
    return tf.cast(images, tf.float32) / 127.5 - 1.0


def resize_images(images, size, interpolation="bilinear"):
    """Resizes float images in [-1, 1] (a batch or one image) to `size`, kept in [-1, 1].

    Downscaling is antialiased; methods that can overshoot (bicubic, lanczos) are clipped.
    """
    resized = tf.image.resize(
        images, size, method=interpolation, antialias=interpolation not in ("nearest", "area")
    )
    return tf.clip_by_value(resized, -1.0, 1.0)
