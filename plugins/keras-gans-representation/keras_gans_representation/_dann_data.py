"""DANN's data: argument checks and the `((source, target), labels)` batches it trains on."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans.checks import positive_int

__all__ = ["as_dataset", "check_networks", "check_samples", "unpack", "validation_dataset"]

_DEFAULT_BATCH = 32


def check_networks(feature_extractor, label_predictor, domain_classifier, num_classes):
    """Checks that the three networks fit together; raises a `ValueError` otherwise."""
    width = feature_extractor.outputs[0].shape[-1]
    for argument, network in (
        ("label_predictor", label_predictor),
        ("discriminator", domain_classifier),
    ):
        expected = network.inputs[0].shape[1:]
        if tuple(expected) != (width,):
            raise ValueError(
                f"`{argument}` must take the feature extractor's features of shape "
                f"(batch, {width}). Received: an input of shape (batch, "
                f"{', '.join(map(str, expected))})"
            )
    classes = label_predictor.outputs[0].shape[1:]
    if tuple(classes) != (num_classes,):
        raise ValueError(
            f"`label_predictor` must return (batch, num_classes={num_classes}) logits. "
            f"Received: an output of shape (batch, {', '.join(map(str, classes))})"
        )
    score = domain_classifier.outputs[0].shape[1:]
    if tuple(score) not in ((1,), ()):
        raise ValueError(
            "`discriminator` (the domain classifier) must return one domain logit per "
            "sample, (batch, 1). "
            f"Received: an output of shape (batch, {', '.join(map(str, score))})"
        )


def check_samples(x, feature_extractor, argument):
    """`x` as a float32 array of the feature extractor's input shape."""
    expected = tuple(feature_extractor.inputs[0].shape[1:])
    try:
        array = np.asarray(x, dtype="float32")
    except (TypeError, ValueError):
        array = None
    if array is None or array.ndim != len(expected) + 1 or not _fits(array.shape[1:], expected):
        shape = None if array is None else array.shape
        raise ValueError(
            f"`{argument}` must be an array of samples of shape (n, "
            f"{', '.join(map(str, expected))}). Received: {argument} of shape {shape}"
        )
    return array


def _fits(shape, expected):
    return all(e is None or s == e for s, e in zip(shape, expected, strict=True))


def _labels(y, n, num_classes):
    try:
        labels = np.asarray(y)
    except (TypeError, ValueError):
        labels = None
    valid = labels is not None and np.issubdtype(labels.dtype, np.integer)
    valid = valid and labels.reshape(-1).shape == (n,)
    if not valid:
        raise ValueError(
            f"`y` must hold one integer class id per source sample (n={n}). Received: "
            f"y of shape {getattr(labels, 'shape', None)} and dtype "
            f"{getattr(labels, 'dtype', None)}"
        )
    labels = labels.reshape(-1).astype("int32")
    if n and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"`y` must be class ids in [0, {num_classes}). Received: values from "
            f"{labels.min()} to {labels.max()}"
        )
    return labels


def _pair(model, x, argument):
    if not (isinstance(x, (tuple, list)) and len(x) == 2):
        raise ValueError(
            f"`{argument}` must be a pair (x_source, x_target) of sample arrays, or a "
            "tf.data.Dataset of ((x_source, x_target), y_source). Received: "
            f"{argument} of type {type(x).__name__}"
        )
    source = check_samples(x[0], model.feature_extractor, f"{argument}[0] (x_source)")
    target = check_samples(x[1], model.feature_extractor, f"{argument}[1] (x_target)")
    if not len(source) or not len(target):
        raise ValueError(
            f"`{argument}` needs at least one source and one target sample. Received: "
            f"{len(source)} source and {len(target)} target samples"
        )
    return source, target


def as_dataset(model, x, y, batch_size, shuffle, argument):
    """The training stream: a dataset given as is, or batches built from arrays.

    From arrays, each element is `((source, target), labels)` with `batch_size` source
    samples (the last batch of an epoch may be smaller) and `batch_size` target samples;
    the target set is cycled independently, and both are reshuffled every epoch when
    `shuffle` (seeded by the model's `seed`).
    """
    if isinstance(x, tf.data.Dataset):
        if y is not None:
            raise ValueError(f"`y` must be None when `{argument}` is a tf.data.Dataset.")
        return x
    source, target = _pair(model, x, argument)
    labels = _labels(y, len(source), model.num_classes)
    batch = _DEFAULT_BATCH if batch_size is None else positive_int(batch_size, "batch_size")
    seed = model.seed
    sources = tf.data.Dataset.from_tensor_slices((source, labels))
    targets = tf.data.Dataset.from_tensor_slices(target)
    if shuffle:
        sources = sources.shuffle(len(source), seed=seed, reshuffle_each_iteration=True)
        seed_t = None if seed is None else seed + 1
        targets = targets.shuffle(len(target), seed=seed_t, reshuffle_each_iteration=True)
    targets = targets.repeat().batch(batch, drop_remainder=True)  # cycled: always full
    sources = sources.batch(batch)
    stream = tf.data.Dataset.zip((sources, targets))
    stream = stream.map(lambda s, t: ((s[0], t), s[1]))
    options = tf.data.Options()
    options.autotune.enabled = False  # short epochs: avoid the autotuner's stall on return
    return stream.with_options(options)


def validation_dataset(model, data, batch_size):
    """`validation_data` as a dataset: given as is, or built from `((xs, xt), ys)`."""
    if isinstance(data, tf.data.Dataset):
        return data
    if not (isinstance(data, (tuple, list)) and len(data) == 2):
        raise ValueError(
            "`validation_data` must be ((x_source, x_target), y_source) or a "
            f"tf.data.Dataset. Received: validation_data of type {type(data).__name__}"
        )
    return as_dataset(model, data[0], data[1], batch_size, False, "validation_data[0]")


def unpack(data_batch, num_classes):
    """`((source, target), labels)` of one batch: float32 samples, int32 labels."""
    x, y, _ = keras.utils.unpack_x_y_sample_weight(data_batch)
    if not (isinstance(x, (tuple, list)) and len(x) == 2) or y is None:
        raise ValueError(
            "DANN trains on batches ((x_source, x_target), y_source): labelled source "
            "samples and unlabelled target samples. Received a batch of "
            f"{type(data_batch).__name__}"
        )
    source, target = (ops.cast(part, "float32") for part in x)
    labels = ops.reshape(ops.cast(y, "int32"), (-1,))
    return (source, target), labels
