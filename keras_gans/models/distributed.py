"""Logged values under `tf.distribute`, including multi-worker training."""

from __future__ import annotations

import tensorflow as tf

__all__ = ["is_multi_worker", "replica_logs"]


def is_multi_worker(strategy):
    """Whether `strategy` is a `MultiWorkerMirroredStrategy` (one or several workers)."""
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)


def replica_logs(metrics):
    """The logs a train or test step returns: each tracker's result.

    Keras 3 reduces a step's logs across the workers of a `MultiWorkerMirroredStrategy` with
    `strategy.reduce("MEAN", value, axis=0)`, whatever `distribute_reduction_method` says,
    and that fails on scalars ("Invalid reduction dimension 0 for input with 0 dimensions",
    tensorflow/tensorflow#72388). Under that strategy each result is therefore returned as a
    vector of one element: the reduction along axis 0 then averages the replicas' values
    into the scalar every callback expects. Elsewhere results are returned as they are.

    Example:
    >>> import keras
    >>> mean = keras.metrics.Mean(name="g_loss"); mean.update_state(2.0)
    >>> float(replica_logs([mean])["g_loss"])
    2.0
    """
    logs = {metric.name: metric.result() for metric in metrics}
    if tf.distribute.get_replica_context() is None or not is_multi_worker(
        tf.distribute.get_strategy()
    ):
        return logs
    return {name: tf.reshape(value, [1]) for name, value in logs.items()}
