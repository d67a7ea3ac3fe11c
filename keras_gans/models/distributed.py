"""Logged values under `tf.distribute`, including multi-worker training."""

from __future__ import annotations

import types

import tensorflow as tf

__all__ = ["LocalBatchBuild", "build_from_local_batch", "is_multi_worker", "replica_logs"]


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


def _local_part(strategy, value):
    if isinstance(value, tf.distribute.DistributedValues):
        return strategy.experimental_local_results(value)[0]
    return value


def _symbolic_build(model, iterator=None, data_batch=None):
    if model._distribute_strategy is None:  # Keras builds when it traces the step
        return
    strategy = model.distribute_strategy
    if iterator is not None:
        for _, _, it in iterator:
            batch = next(it)
            data_batch = tf.nest.map_structure(lambda v: _local_part(strategy, v), batch)
            break
    with strategy.scope():
        model._symbolic_build(data_batch=data_batch)


class LocalBatchBuild:
    """Mixin: a model created under a strategy builds from a local part of the first batch.

    `GANModel` inherits it, so a script that trains a conditional GAN on several workers
    needs nothing more than the strategy's scope (see `build_from_local_batch` for the Keras
    3.15 behaviour it replaces). Only shapes matter to the build, so any strategy's local
    part serves; without a strategy Keras builds when it traces the step, as usual.
    """

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        _symbolic_build(self, iterator=iterator, data_batch=data_batch)


def build_from_local_batch(model):
    """Makes `model.fit` build the model from one replica's part of the first batch.

    Keras 3 (3.15) builds a model created under a strategy from the first batch, reduced
    across the replicas with `strategy.reduce("MEAN", batch, axis=None)`; that call takes
    one tensor, so a batch of several (images and labels of a conditional GAN) fails under
    `MultiWorkerMirroredStrategy` with "Attempt to convert a value (PerReplica...) to a
    Tensor". Only the shapes matter for the build, so the first local replica's part of
    each tensor is used instead (no collective, nothing reduced). Returns `model`.

    Example:
    >>> import keras
    >>> from keras_gans.testing import tiny_gan
    >>> gan = build_from_local_batch(tiny_gan()); gan.compile("adam", "adam")
    >>> gan.fit(keras.random.normal((64, 2)), batch_size=32, verbose=0).epoch
    [0]
    """
    model._maybe_symbolic_build = types.MethodType(_symbolic_build, model)
    return model
