"""The two-replica `MirroredStrategy` of the tf.distribute tests (two logical CPUs, which
tests/conftest.py configures before TensorFlow starts)."""

import pytest
import tensorflow as tf


def two_cpu_strategy(reduce_to_one_device=False):
    """A `MirroredStrategy` over the two logical CPUs.

    Args:
        reduce_to_one_device: Reduce through one device instead of collective ops (the
            collective instance keys of several strategies in one test process can clash).
    """
    devices = [d.name for d in tf.config.list_logical_devices("CPU")[:2]]
    if len(devices) < 2:
        pytest.fail("tests/conftest.py must configure two logical CPU devices")
    cross_device_ops = tf.distribute.ReductionToOneDevice() if reduce_to_one_device else None
    return tf.distribute.MirroredStrategy(devices, cross_device_ops=cross_device_ops)
