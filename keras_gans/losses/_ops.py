"""The helpers the pure loss functions (and the batch-statistics tricks) share."""

from keras import ops


def as_float(x):
    """`x` as a float tensor (float32 unless it already is float32 or float64)."""
    x = ops.convert_to_tensor(x)
    return x if x.dtype == "float32" or x.dtype == "float64" else ops.cast(x, "float32")


def global_mean(x, all_gather=None):
    """The mean of `x` over its first (batch) axis, over the global batch with `all_gather`.

    Under `tf.distribute` each replica holds a part of the global batch. `all_gather`
    (`StepContext.all_gather`: `x -> x` of every replica concatenated along axis 0) gathers
    each replica's sum and count, so every replica gets the mean of the whole batch, with
    gradients to every replica's samples (TensorFlow's all-gather sums the replicas'
    gradients back). Without it, or with one replica, it is the batch's mean.
    """
    x = as_float(x)
    if all_gather is None:
        return ops.mean(x, axis=0)
    total = ops.sum(all_gather(ops.sum(x, axis=0, keepdims=True)), axis=0)
    count = ops.sum(all_gather(ops.reshape(ops.cast(ops.shape(x)[0], x.dtype), (1,))))
    return total / count
